#!/usr/bin/env bash
# Installs the built library into a temporary prefix, builds examples/ against it with
# find_package(articledb), runs the example twice and checks what it prints: the second
# run updates the same four articles (ids derived from URLs) instead of adding copies.
# Then builds the same program with nothing but g++ and
# `pkg-config --cflags --libs articledb` (PKG_CONFIG_PATH at the install) and runs it.
# Last, the tool's files: the installed articledb runs, the docs, the man page (rendered
# by groff without warnings) and the bash and zsh completion are where they belong.
#   install_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src/examples" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" >/dev/null
cmake --build "$tmp/build" >/dev/null
first=$("$tmp/build/quickstart" "$tmp/archive")
second=$("$tmp/build/quickstart" "$tmp/archive")
echo "$first"
fail=0
expect() {  # expect OUTPUT PATTERN
  grep -qF -- "$2" <<<"$1" || { echo "missing from the example's output: $2" >&2; fail=1; }
}
expect "$first" "stored 4 articles (4 new, 0 updated, 0 unchanged)"
# The same articles again: equal to what is stored, so nothing is written.
expect "$second" "stored 4 articles (0 new, 0 updated, 4 unchanged)"
expect "$first" "2024-05-20T18:30:00Z  Erevan et Bakou reprennent les discussions"
expect "$first" "2024-05-02T08:00:00Z  Nikol Pachinian à Paris"
expect "$first" "2024-05  3"
expect "$first" "2024-06  1"
# Only the two May articles from Le Monde match the query.
[ "$(grep -c '^  2024-05-[0-9T:]*Z  ' <<<"$first")" = 2 ] || { echo "query returned other than 2 rows" >&2; fail=1; }

# pkg-config: a plain g++ build of the same program against the install.
pc=$(find "$tmp/prefix" -name articledb.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || { echo "articledb.pc not installed" >&2; exit 1; }
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs articledb)
case "$flags" in *"-I$tmp/prefix/"*) ;; *) echo "pkg-config flags miss the install prefix: $flags" >&2; fail=1 ;; esac
g++ -std=c++20 -O0 -Wall -Wextra -Werror "$src/examples/quickstart.cc" -o "$tmp/quickstart-pc" $flags
# A shared libarticledb is found in the install's libdir.
pc_out=$(LD_LIBRARY_PATH="$(pkg-config --variable=libdir articledb)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  "$tmp/quickstart-pc" "$tmp/archive-pc")
expect "$pc_out" "stored 4 articles (4 new, 0 updated, 0 unchanged)"
expect "$pc_out" "2024-05-20T18:30:00Z  Erevan et Bakou reprennent les discussions"
expect "$pc_out" "2024-06  1"

# The tool, its documentation, man page and completion.
p=$tmp/prefix
if [ -x "$p/bin/articledb" ]; then
  "$p/bin/articledb" --help >"$tmp/help.txt" || { echo "installed articledb --help failed" >&2; fail=1; }
  grep -q '^Documentation: man articledb; /.*/share/doc/articledb/cli.md$' "$tmp/help.txt" ||
    { echo "articledb --help does not name the installed docs" >&2; fail=1; }
  for f in "$src"/docs/*.md; do
    [ -f "$p/share/doc/articledb/$(basename "$f")" ] || { echo "not installed: share/doc/articledb/$(basename "$f")" >&2; fail=1; }
  done
  [ -f "$p/share/bash-completion/completions/articledb" ] || { echo "bash completion not installed" >&2; fail=1; }
  [ -f "$p/share/zsh/vendor-completions/_articledb" ] || { echo "zsh completion not installed" >&2; fail=1; }
  man=$p/share/man/man1/articledb.1
  if [ -f "$man" ]; then
    warnings=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
    [ -z "$warnings" ] || { echo "articledb.1: groff warns: $warnings" >&2; fail=1; }
    for cmd in $(sed -n '/^Subcommands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' "$tmp/help.txt"); do
      grep -qxF ".SS ${cmd//-/\\-}" "$man" || { echo "articledb.1 lacks the command $cmd" >&2; fail=1; }
    done
  else
    echo "man page not installed: share/man/man1/articledb.1" >&2; fail=1
  fi
fi
exit $fail
