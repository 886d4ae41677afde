#!/usr/bin/env python3
"""The shell completion files offer exactly the commands and options the tool has.

    completions_test.py ARTICLEDB_BINARY SOURCE_DIR

Reads the commands from `articledb --help` and each command's options from
`articledb COMMAND --help`, then
  - bash: sources completions/articledb.bash in bash and asks its completion function
    for the commands (`articledb <TAB>`) and for each command's options
    (`articledb COMMAND --<TAB>`): the offers must equal what --help lists;
  - zsh: reads completions/_articledb (zsh itself is not a build dependency): its command
    list must equal --help's, and each command's branch must name every option.
Exits 1 naming each difference.
"""
import re
import subprocess
import sys

binary, src = sys.argv[1], sys.argv[2]
COLUMN = 30
# Accepted after any command (-q works after the command name: the tool falls through).
COMMON = {"-h", "--help", "-q", "--quiet"}
# Built only when the synthetic corpus generator is (src/cli/CMakeLists.txt).
OPTIONAL_COMMANDS = {"generate"}


def help_section(args, section):
    out = subprocess.run([binary, *args, "--help"], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    terms, inside = [], False
    for line in out:
        if line == section + ":":
            inside = True
        elif inside and not line.strip():
            break
        elif inside and line.startswith("  ") and not line[2:3].isspace():
            terms.append(line[:COLUMN].strip() if len(line) > COLUMN and line[COLUMN - 1] == " "
                         else line.strip())
    return terms


def option_names(term):
    names = term.split(" ")[0]
    return set(names.split(","))


commands = [t.split()[0] for t in help_section([], "Subcommands")]
options = {c: set().union(*[option_names(t) for t in help_section([c], "Options")])
           for c in commands}
failures = []

# ---- bash: run the completion function ----
def bash_complete(words):
    script = ('source "%s/completions/articledb.bash"\n'
              'COMP_WORDS=(%s); COMP_CWORD=%d; _articledb\n'
              'printf "%%s\\n" "${COMPREPLY[@]}"\n'
              % (src, " ".join("'%s'" % w for w in words), len(words) - 1))
    out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True)
    return {w for w in out.stdout.split("\n") if w}


offered = bash_complete(["articledb", ""])
if offered - OPTIONAL_COMMANDS != set(commands) - OPTIONAL_COMMANDS:
    failures.append("bash: commands offered %s, --help lists %s"
                    % (sorted(offered), sorted(commands)))
for c in commands:
    offered = bash_complete(["articledb", c, "-"])
    want = options[c] | COMMON
    if offered != want:
        failures.append("bash: 'articledb %s -<TAB>' offers %s; --help lists %s (missing %s, extra %s)"
                        % (c, sorted(offered), sorted(want), sorted(want - offered),
                           sorted(offered - want)))

# ---- zsh: read the file ----
zsh = open(src + "/completions/_articledb", encoding="utf-8").read()
block = re.search(r"commands=\((.*?)\n  \)", zsh, re.S).group(1)
zsh_commands = set(re.findall(r"'([a-z-]+):", block))
if zsh_commands - OPTIONAL_COMMANDS != set(commands) - OPTIONAL_COMMANDS:
    failures.append("zsh: commands %s, --help lists %s" % (sorted(zsh_commands), sorted(commands)))
filters = re.search(r"filters=\((.*?)\n  \)", zsh, re.S).group(1)
common = re.search(r"common=\((.*?)\n  \)", zsh, re.S).group(1)
branches = re.findall(r"\n        ([a-z|-]+)\)\n(.*?);;", zsh, re.S)
for c in commands:
    body = [b for names, b in branches if c in names.split("|")]
    if not body:
        failures.append("zsh: no branch for command %s" % c)
        continue
    text = body[0]
    if "$filters" in text:
        text += filters
    if "$common" in text:
        text += common
    named = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", text)) & (options[c] | COMMON)
    missing = (options[c] | COMMON) - named
    extra = {o for o in re.findall(r"'\*?(--[a-z-]+)[=\[]", text)} - options[c] - COMMON
    if missing or extra:
        failures.append("zsh: command %s misses %s, has extra %s"
                        % (c, sorted(missing), sorted(extra)))

for f in failures:
    print(f, file=sys.stderr)
print("%d commands, %d options checked" % (len(commands), sum(len(o) for o in options.values())))
sys.exit(1 if failures else 0)
