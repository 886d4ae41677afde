#!/usr/bin/env python3
"""Power-loss tests: commands run under an LD_PRELOAD recorder of every fsync/fdatasync
(fsync_shim.c), are killed with SIGKILL at seeded random moments (or let finish), and a
"crash image" is rebuilt from what was synced only: what a machine finds after a power
loss at that moment (docs/reliability.md, "Power loss").

Usage: powerloss_test.py --articledb PATH --writer PATH --shim PATH [--seed N]
                         [--rounds N] CASE

Rules of an image (rebuild_image): a directory holds the entries it had at its last
fsync (none if never synced); a regular file the bytes it had at its last fsync or
fdatasync (none if never synced), shared by all its hard links. Everything in the
round's root before the command started counts as synced (the baseline).

Each CASE is one ctest test (label "reliability"). Round 1 of a command lets it finish
(exit 0, then the power fails: everything it reported done must be in the image); the
other rounds kill it after a seeded random delay. Exit status 0: passed; 1: failed;
77: skipped. Rounds: 6 (3 in sanitizer builds); ARTICLEDB_POWERLOSS_ROUNDS sets them
(nightly runs, e.g. 50), ARTICLEDB_CRASH_SEED the seed; the seed and round are in every failure message, so a failure replays with
--seed N. ARTICLEDB_KEEP_WORK=1 keeps the work directory (roots, shadows and images).

A new command is one more case: a Command (its setup, its argument list, and the check
of an image after it finished or was killed), run by run_command_case.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "process"))
import crash_test as ct  # noqa: E402  (run, export, verify_sound, read_log, check_against_log)

SKIP = 77
SHIM = None
WORK = None
RNG = None
ROUNDS = 6
SEED = 1
STATS = {"fsyncs": 0, "images": 0}
Failure = ct.Failure
check = ct.check


def path(*names):
    return os.path.join(WORK, *names)


# ------------------------------------------------------------------ recorder and image

class Recorder:
    """A root directory and its shadow store: the environment that makes the shim
    record every sync below the root."""

    def __init__(self, root, shadow):
        self.root = os.path.realpath(root)
        self.shadow = shadow
        for sub in ("f", "d", "tmp"):
            os.makedirs(os.path.join(shadow, sub))
        self.env = dict(os.environ, LD_PRELOAD=SHIM, ARTICLEDB_PL_ROOT=self.root,
                        ARTICLEDB_PL_SHADOW=shadow)
        # Sanitizer builds: the shim is preloaded ahead of the sanitizer runtime.
        self.env["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                    ":verify_asan_link_order=0").lstrip(":")
        p = subprocess.run(["/bin/true"], env=dict(self.env, ARTICLEDB_PL_BASELINE="1"),
                           stderr=subprocess.PIPE)
        check(p.returncode == 0 and os.path.exists(os.path.join(shadow, "root")),
              "the baseline of %s was not recorded: %s" % (root, p.stderr.decode()))

    def syncs(self):
        """How many fsync/fdatasync calls were recorded (the baseline's records aside)."""
        try:
            with open(os.path.join(self.shadow, "events"), "rb") as f:
                return sum(1 for _ in f)
        except FileNotFoundError:
            return 0


def rebuild_image(shadow, dest):
    """Builds at dest the root as the synced state leaves it (the rules above)."""
    with open(os.path.join(shadow, "root")) as f:
        root_id = f.read().strip()
    made = {}  # file identity -> first path made for it (later entries: hard links)

    def build_dir(ident, out, depth):
        check(depth < 64, "directory loop in the synced listings at " + out)
        os.mkdir(out)
        listing = os.path.join(shadow, "d", ident)
        if not os.path.exists(listing):
            return  # never synced: no entry of it is durable
        with open(listing) as f:
            for line in f:
                kind, eid, hexname = line.split()
                p = os.path.join(out, os.fsdecode(bytes.fromhex(hexname)))
                if kind == "d":
                    build_dir(eid, p, depth + 1)
                elif kind == "f":
                    if eid in made:
                        os.link(made[eid], p)
                        continue
                    synced = os.path.join(shadow, "f", eid)
                    if os.path.exists(synced):
                        shutil.copyfile(synced, p)
                    else:
                        open(p, "wb").close()  # created, never synced: no bytes durable
                    made[eid] = p
                else:
                    raise Failure("a symbolic link in a synced listing (%s): the recorder "
                                  "does not keep link targets" % p)

    build_dir(root_id, dest, 0)
    STATS["images"] += 1


def run_under_shim(rec, cmd, delay=None, started=None):
    """Runs cmd with the recorder; with delay, SIGKILLs it `delay` seconds after it
    started (or after started() first holds). Returns (killed, seconds it ran)."""
    p = subprocess.Popen(cmd, env=rec.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t0 = time.monotonic()
    if started is not None:
        while not started() and p.poll() is None:
            check(time.monotonic() - t0 < 120, "%s did not start within 120 s" % cmd[0])
            time.sleep(0.005)
        t0 = time.monotonic()
    try:
        p.wait(timeout=delay)
        err = p.stderr.read().decode("utf-8", "replace")
        p.stderr.close()
        check(p.returncode == 0, "%s under the recorder: exit %d: %s" %
              (" ".join(cmd), p.returncode, err[-2000:]))
        return False, time.monotonic() - t0
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stderr.close()
        return True, time.monotonic() - t0


# ------------------------------------------------------------------------- commands

class Command:
    """One command under power loss.

    setup(root): fills the root every round starts from (a copy of it, counted as
    synced) and returns a context;
    args(root, ctx): the articledb arguments; check(image, ctx, finished): checks the
    crash image (finished: the command had exited 0 before the power failed) and
    returns a short description for the round's line.
    """

    def __init__(self, name, setup, args, check_image):
        self.name, self.setup, self.args, self.check = name, setup, args, check_image


def run_command_case(cmd):
    full = None
    template = path(cmd.name + "-template")
    os.mkdir(template)
    ctx = cmd.setup(template)  # once; each round starts from a copy
    for r in range(ROUNDS):
        round_dir = path("%s-%d" % (cmd.name, r))
        os.mkdir(round_dir)
        root = os.path.join(round_dir, "root")
        shutil.copytree(template, root)
        rec = Recorder(root, os.path.join(round_dir, "shadow"))
        argv = [ct.ARTICLEDB, "-q", *map(str, cmd.args(rec.root, ctx))]
        if r == 0:
            killed, full = run_under_shim(rec, argv)
            delay = full
        else:
            delay = RNG.uniform(0.0, full * 1.1)
            killed, _ = run_under_shim(rec, argv, delay)
        image = os.path.join(round_dir, "image")
        rebuild_image(rec.shadow, image)
        STATS["fsyncs"] += rec.syncs()
        try:
            what = cmd.check(image, ctx, not killed)
        except Failure as e:
            raise Failure("%s round %d (%s after %.3f s of %.3f, seed %d): %s" %
                          (cmd.name, r + 1, "killed" if killed else "exit 0 then power lost",
                           delay, full, SEED, e))
        print("round %d: %s after %.3f s of %.3f, %d syncs recorded: %s" %
              (r + 1, "killed" if killed else "finished", delay, full, rec.syncs(), what))
        if not os.environ.get("ARTICLEDB_KEEP_WORK"):
            shutil.rmtree(round_dir)


def generate(name, count, seed):
    src = path(name + ".jsonl")
    if not os.path.exists(src):
        with open(src, "wb") as f:
            subprocess.run([ct.ARTICLEDB, "generate", str(count), "--seed", str(seed)],
                           stdout=f, check=True)
    return src


def reference(name, count, seed):
    """(input file, its records as exported from a normal import, ids in input order)."""
    src = generate(name, count, seed)
    db = path(name + "-reference.adb")
    if not os.path.exists(db):
        ct.run("import", db, src, expect=0)
    with open(src, "rb") as f:
        ids = [json.loads(line)["id"] for line in f]
    return src, ct.export(db), ids


def export_or_empty(db):
    return ct.export(db) if os.path.exists(db) else {}


# import --sync: every batch synced before the next is read; after exit 0 all of them.
IMPORT_COUNT, IMPORT_BATCH = 1000, 50


def synced_import_case():
    src, want, ids = reference("import-input", IMPORT_COUNT, 41)

    def check_image(image, _ctx, finished):
        db = os.path.join(image, "news.adb")
        check(os.path.exists(db) or not finished,
              "import --sync exited 0 but the archive is not in the image (root holds %s)"
              % sorted(os.listdir(image)))
        if not os.path.exists(db):
            return "no archive yet"
        ct.verify_sound(db)
        got = ct.export(db)
        n = len(got)
        check(set(got) == set(ids[:n]), "the image holds %d records that are not the first %d "
              "of the input" % (len(set(got) - set(ids[:n])), n))
        check(n == len(ids) or (not finished and n % IMPORT_BATCH == 0),
              "the image holds %d records: %s" % (n, "not every record of a finished import"
                                                  if finished else "a batch cut in part"))
        for ident, line in got.items():
            check(line == want[ident], "record %s differs from the input" % ident)
        return "%d of %d records (%d whole batches)" % (n, len(ids), n // IMPORT_BATCH)

    return Command("import", lambda root: None,
                   lambda root, _ctx: ["import", os.path.join(root, "news.adb"), src, "--sync",
                                       "--batch", IMPORT_BATCH],
                   check_image)


# restore into a new archive: it appears whole (renamed into place) or not at all, and
# after exit 0 it is there.
def dump_of(name, count, seed):
    dump = path(name + ".dump")
    src, want, _ = reference(name, count, seed)
    if not os.path.exists(dump):
        ct.run("dump", path(name + "-reference.adb"), dump, expect=0)
    return dump, want


def restore_case():
    dump, want = dump_of("restore-input", 1000, 42)

    def check_image(image, _ctx, finished):
        db = os.path.join(image, "restored.adb")
        left = sorted(os.listdir(image))
        check(os.path.exists(db) or not finished,
              "restore exited 0 but the archive is not in the image (root holds %s)" % left)
        if not os.path.exists(db):
            return "absent (root holds %s)" % left
        ct.verify_sound(db)
        check(ct.export(db) == want, "the restored archive differs from the dump")
        return "complete"

    return Command("restore", lambda root: None,
                   lambda root, _ctx: ["restore", os.path.join(root, "restored.adb"), dump],
                   check_image)


# reindex: the records never change; a killed rebuild is finished by the next writable
# open; after exit 0 readers are served.
def reindex_case():
    src, want, _ = reference("reindex-input", 1000, 43)
    counts = {}

    def setup(root):
        db = os.path.join(root, "news.adb")
        shutil.copytree(path("reindex-input-reference.adb"), db)
        if not counts:
            counts["month"] = ct.run("count", db, "--by", "month", expect=0)[1]
        return db

    def check_image(image, _ctx, finished):
        db = os.path.join(image, "news.adb")
        check(os.path.exists(db), "the archive is gone from the image")
        rc, _, err = ct.run("count", db)
        if rc != 0:
            check(not finished, "reindex exited 0 but readers of the image are refused: " + err)
            check("indexes are being rebuilt" in err, "unclear refusal: " + err)
        ct.run("compact", db, expect=0)  # a writable open finishes an interrupted rebuild
        ct.verify_sound(db)
        check(ct.export(db) == want, "records changed across a power loss during reindex")
        check(ct.run("count", db, "--by", "month", expect=0)[1] == counts["month"],
              "counts changed")
        return "readers %s, then finished and sound" % ("refused" if rc else "served")

    return Command("reindex", setup, lambda root, db: ["reindex", os.path.join(root, "news.adb")],
                   check_image)


# upgrade: the committed format-1 archive (tests/data/v1) converted in place. On every image
# the archive is either still format 1 (refused, naming the command; the next upgrade
# finishes it) or format 2; either way, once upgraded, its records are the format-1 ones.
V1_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "v1")


def upgrade_case():
    with open(os.path.join(V1_DATA, "expected", "export.jsonl"), "rb") as f:
        # Parsed: the same records; format-1 code spelled '<' as \u003c in its JSON.
        want = {json.loads(line)["id"]: json.loads(line)
                for line in f.read().decode("utf-8").splitlines()}

    def setup(root):
        shutil.copytree(os.path.join(V1_DATA, "archive"), os.path.join(root, "news.adb"))

    def check_image(image, _ctx, finished):
        db = os.path.join(image, "news.adb")
        check(os.path.exists(db), "the archive is gone from the image")
        rc, _, err = ct.run("count", db)
        if rc != 0:
            check(not finished, "upgrade exited 0 but the image is refused: " + err[-300:])
            check("format 1" in err and "articledb upgrade" in err, "unclear refusal: " + err[-300:])
            ct.run("upgrade", db, expect=0)
        ct.verify_sound(db)
        got = {k: json.loads(v) for k, v in ct.export(db).items()}
        check(got == want, "records differ from the format-1 archive's")
        return "%s, then format 2 and sound" % ("still format 1" if rc else "upgraded")

    return Command("upgrade", setup, lambda root, _ctx: ["upgrade", os.path.join(root, "news.adb")],
                   check_image)


# checkpoint: after exit 0 the copy is there, complete.
def checkpoint_case():
    src, want, _ = reference("checkpoint-input", 600, 44)

    def setup(root):
        shutil.copytree(path("checkpoint-input-reference.adb"), os.path.join(root, "news.adb"))

    def check_image(image, _ctx, finished):
        cp = os.path.join(image, "copy.adb")
        check(os.path.exists(cp) or not finished,
              "checkpoint exited 0 but the copy is not in the image (root holds %s)"
              % sorted(os.listdir(image)))
        ct.verify_sound(os.path.join(image, "news.adb"))
        check(ct.export(os.path.join(image, "news.adb")) == want, "the archive changed")
        if not os.path.exists(cp):
            return "no copy"
        ct.verify_sound(cp)
        check(ct.export(cp) == want, "the checkpoint differs from the archive")
        return "copy complete"

    return Command("checkpoint", setup,
                   lambda root, _ctx: ["checkpoint", os.path.join(root, "news.adb"),
                                       os.path.join(root, "copy.adb")],
                   check_image)


# dump: the file is whole or absent; after exit 0 it is there.
def dump_case():
    src, want, _ = reference("dump-input", 600, 45)

    def setup(root):
        shutil.copytree(path("dump-input-reference.adb"), os.path.join(root, "news.adb"))

    def check_image(image, _ctx, finished):
        dump = os.path.join(image, "news.dump")
        check(os.path.exists(dump) or not finished, "dump exited 0 but the file is not in the image")
        if not os.path.exists(dump):
            return "no dump"
        ct.run("verify-dump", dump, expect=0)
        ct.run("restore", os.path.join(image, "check.adb"), dump, expect=0)
        check(ct.export(os.path.join(image, "check.adb")) == want, "the dump differs")
        return "dump complete"

    return Command("dump", setup,
                   lambda root, _ctx: ["dump", os.path.join(root, "news.adb"),
                                       os.path.join(root, "news.dump")],
                   check_image)


# restore --merge: what was there stays; merged records are the dump's, each whole; after
# exit 0 every record of the dump is there.
def merge_restore_case():
    dump, incoming = dump_of("merge-input", 600, 46)
    _, before, _ = reference("merge-base", 200, 47)

    def setup(root):
        shutil.copytree(path("merge-base-reference.adb"), os.path.join(root, "news.adb"))

    def check_image(image, _ctx, finished):
        db = os.path.join(image, "news.adb")
        ct.verify_sound(db)
        got = ct.export(db)
        for ident, line in before.items():
            check(got.get(ident) == line, "record %s that was there before the merge changed"
                  % ident)
        extra = [i for i in got if i not in before]
        for ident in extra:
            check(got[ident] == incoming.get(ident), "merged record %s is not the dump's" % ident)
        check(not finished or len(extra) == len(incoming),
              "restore --merge exited 0 but only %d of the dump's %d records are in the image"
              % (len(extra), len(incoming)))
        return "%d earlier records intact, %d of %d merged" % (len(before), len(extra),
                                                               len(incoming))

    return Command("merge", setup,
                   lambda root, _ctx: ["restore", os.path.join(root, "news.adb"), dump, "--merge"],
                   check_image)


# compact: rewrites every table and deletes the old ones; nothing may be lost meanwhile.
def compact_case():
    _, want, _ = reference("compact-input", 1000, 48)

    def setup(root):
        db = os.path.join(root, "news.adb")
        shutil.copytree(path("compact-input-reference.adb"), db)

    def check_image(image, _ctx, _finished):
        db = os.path.join(image, "news.adb")
        ct.verify_sound(db)
        check(ct.export(db) == want, "records changed across a power loss during compact")
        return "sound, %d records" % len(want)

    return Command("compact", setup, lambda root, _ctx: ["compact", os.path.join(root, "news.adb")],
                   check_image)


# salvage: rewrites a damaged write-ahead log (the original kept in lost/) by a rename.
# After exit 0 the archive opens; killed, the image is salvaged or as it was, and
# salvage run on it again rescues it.
def salvage_case():
    written = set()

    def setup(root):
        db, log = os.path.join(root, "news.adb"), path("salvage-writer.log")
        ct.kill_after([ct.WRITER, db, log, "5"], 0.01,
                      started=lambda: ct.acknowledged(log) >= 60)
        logs = [f for f in os.listdir(db) if f.endswith(".log")]
        wal = os.path.join(db, max(logs, key=lambda f: os.path.getsize(os.path.join(db, f))))
        # A byte flipped in the middle of the log. When that part of the log only holds
        # writes already flushed to tables, recovery does not need it and verify passes
        # (seen once in CI, on a slow machine): then damage a later part, nearer the tail
        # the tables lack, until verify refuses the archive.
        size = os.path.getsize(wal)
        for offset in (size // 2, size * 3 // 4, size * 7 // 8):
            ct.flip(wal, [offset])
            if ct.run("verify", db)[0] == 2:
                break
        ct.run("verify", db, expect=2)  # refused: the damage is there
        with open(log, "rb") as f:
            for raw in f:
                if raw.startswith(b"P "):
                    written.add(raw[2:].decode("utf-8").rstrip("\n").split(" ", 1)[1])

    def check_image(image, _ctx, finished):
        db = os.path.join(image, "news.adb")
        rc, _, err = ct.run("verify", db)
        salvaged = rc in (0, 1)
        check(salvaged or not finished,
              "salvage exited 0 but the image is refused again (exit %d): %s" % (rc, err[-300:]))
        if not salvaged:
            check("Corruption" in err or "corrupt" in err, "unclear refusal: " + err[-300:])
            ct.run("salvage", db, expect=0)
        ct.run("reindex", db, expect=0)
        ct.verify_sound(db)
        got = ct.export(db)
        check(got, "no record left")
        for ident, line in got.items():
            check(line in written, "record %s is not a version the writer wrote" % ident)
        return "%s; %d records, each a written version" % (
            "salvaged" if salvaged else "as before (salvaged again)", len(got))

    return Command("salvage", setup, lambda root, _ctx: ["salvage", os.path.join(root, "news.adb")],
                   check_image)


COMMANDS = {
    "synced_import_survives_power_loss_whole_batches_in_order": synced_import_case,
    "restore_into_a_new_archive_survives_power_loss_whole_or_absent": restore_case,
    "reindex_survives_power_loss_and_is_finished_at_the_next_open": reindex_case,
    "upgrade_survives_power_loss_format_1_or_finished": upgrade_case,
    "checkpoint_survives_power_loss_once_it_returned": checkpoint_case,
    "dump_survives_power_loss_once_it_returned": dump_case,
    "merge_restore_survives_power_loss_keeping_earlier_records": merge_restore_case,
    "compact_survives_power_loss_losing_nothing": compact_case,
    "salvage_survives_power_loss_original_or_rewritten_log": salvage_case,
}


# ------------------------------------------------- the synced writer (library writes)

def synced_writer_survives_power_loss_with_every_acknowledged_write():
    """crash_writer (synced batches of up to 40 upserts or deletes) killed at random;
    each round's image is the next round's starting state, as after a reboot."""
    log = path("writer.log")
    root = path("writer-0")
    os.mkdir(root)
    acked_total = inflight_applied = inflight_absent = 0
    for r in range(ROUNDS):
        rec = Recorder(root, path("writer-shadow-%d" % r))
        size = os.path.getsize(log) if os.path.exists(log) else 0
        delay = RNG.uniform(0.05, 1.0)
        killed, _ = run_under_shim(
            rec, [ct.WRITER, os.path.join(rec.root, "news.adb"), log, str(RNG.getrandbits(32))],
            delay, started=lambda: os.path.exists(log) and os.path.getsize(log) > size)
        check(killed, "the writer stopped by itself")
        image = path("writer-%d" % (r + 1))
        rebuild_image(rec.shadow, image)
        STATS["fsyncs"] += rec.syncs()
        db = os.path.join(image, "news.adb")
        try:
            check(os.path.exists(db), "the archive is not in the image (root holds %s)" %
                  sorted(os.listdir(image)))
            ct.verify_sound(db)
            acked, inflight, applied = ct.check_against_log(db, log)
        except Failure as e:
            raise Failure("writer round %d (killed after %.3f s, seed %d): %s" %
                          (r + 1, delay, SEED, e))
        with open(log, "rb") as f:
            data = f.read()
        with open(log, "r+b") as f:  # settle the last batch as crash_test.py does
            f.truncate(data.rfind(b"\n") + 1)
            f.seek(0, os.SEEK_END)
            if inflight:
                f.write(b"A\n" if applied else b"X\n")
        inflight_applied += inflight and applied
        inflight_absent += inflight and not applied
        with open(log, "rb") as f:
            acked_total = sum(1 for line in f if line == b"A\n")
        print("round %d: killed after %.3f s, %d syncs recorded; %d acknowledged writes so "
              "far, %d ids; in-flight write: %s" %
              (r + 1, delay, rec.syncs(), acked_total, acked,
               "applied" if applied else ("absent" if inflight else "none")))
        if not os.environ.get("ARTICLEDB_KEEP_WORK"):
            shutil.rmtree(root)
            shutil.rmtree(rec.shadow)
        root = image
    check(acked_total >= ROUNDS, "too few writes acknowledged to mean anything (%d)" % acked_total)
    print("%d power losses survived; in-flight writes: %d found whole, %d found absent" %
          (ROUNDS, inflight_applied, inflight_absent))


# ------------------------------------------------------ the recorder's own rules

RECORDER_SCRIPT = r"""
import os, sys
root, step = sys.argv[1], sys.argv[2]
def sync(p):
    fd = os.open(p, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
def write(p, data, synced):
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data)
    if synced == "fdatasync":
        os.fdatasync(fd)
    elif synced:
        os.fsync(fd)
    os.close(fd)
j = lambda *n: os.path.join(root, *n)
if step == "1":
    write(j("a"), b"one", True)           # synced, its entry not yet
    write(j("kept"), b"kept", True)
    os.mkdir(j("sub"))
    write(j("sub", "x"), b"x", "fdatasync")
    sync(j("sub"))                        # sub's entries durable, sub itself not yet
elif step == "2":
    sync(root)                            # now a, kept, sub (with x) are durable
    fd = os.open(j("a"), os.O_WRONLY | os.O_APPEND)
    os.write(fd, b" two")                 # not synced: stays "one"
    os.close(fd)
    write(j("never"), b"never synced", False)
    sync(root)                            # "never" is listed, with no synced bytes
elif step == "3":
    os.rename(j("a"), j("b"))             # not durable until root is synced
    os.link(j("kept"), j("sub", "link"))
    sync(j("sub"))
    os.unlink(j("kept"))                  # not durable: root not synced
elif step == "4":
    sync(root)
"""


def recorder_rebuilds_only_the_synced_state():
    """The rules of an image, checked on a script's files and directories."""
    root = path("rules-root")
    os.mkdir(root)
    rec = Recorder(root, path("rules-shadow"))

    def step(n, want):
        p = subprocess.run([sys.executable, "-c", RECORDER_SCRIPT, rec.root, str(n)],
                           env=rec.env, stderr=subprocess.PIPE)
        check(p.returncode == 0, "step %d: %s" % (n, p.stderr.decode()))
        image = path("rules-image-%d" % n)
        rebuild_image(rec.shadow, image)
        got = {}
        for d, _, files in os.walk(image):
            for f in files:
                with open(os.path.join(d, f), "rb") as fh:
                    got[os.path.relpath(os.path.join(d, f), image)] = fh.read()
        check(got == want, "step %d: image holds %r, expected %r" % (n, got, want))
        print("step %d: image holds %s" % (n, sorted(got)))
        return image

    step(1, {})  # nothing reachable through a synced entry
    step(2, {"a": b"one", "kept": b"kept", "sub/x": b"x", "never": b""})
    image = step(3, {"a": b"one", "kept": b"kept", "sub/x": b"x", "sub/link": b"kept",
                     "never": b""})
    check(os.stat(os.path.join(image, "kept")).st_ino ==
          os.stat(os.path.join(image, "sub", "link")).st_ino, "a hard link became a copy")
    step(4, {"b": b"one", "sub/x": b"x", "sub/link": b"kept", "never": b""})
    check(rec.syncs() == 8, "%d syncs recorded, 8 made" % rec.syncs())
    STATS["fsyncs"] += rec.syncs()


CASES = dict({name: (lambda f=f: run_command_case(f())) for name, f in COMMANDS.items()},
             synced_writer_survives_power_loss_with_every_acknowledged_write=(
                 synced_writer_survives_power_loss_with_every_acknowledged_write),
             recorder_rebuilds_only_the_synced_state=recorder_rebuilds_only_the_synced_state)


def main():
    global SHIM, WORK, RNG, ROUNDS, SEED
    ap = argparse.ArgumentParser()
    ap.add_argument("--articledb", required=True)
    ap.add_argument("--writer", required=True)
    ap.add_argument("--shim", required=True)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("ARTICLEDB_CRASH_SEED", "1")))
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("case", choices=sorted(CASES))
    a = ap.parse_args()
    if a.rounds is None:
        # Sanitizer builds run several times slower: fewer rounds keep CI within its time.
        libs = subprocess.run(["ldd", a.articledb], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout
        a.rounds = int(os.environ.get("ARTICLEDB_POWERLOSS_ROUNDS",
                                      "3" if b"libasan" in libs or b"libtsan" in libs else "6"))
    ct.ARTICLEDB, ct.WRITER, SHIM = a.articledb, a.writer, os.path.abspath(a.shim)
    ROUNDS, SEED = max(a.rounds, 2), a.seed
    RNG = random.Random(a.seed)
    print("seed %d, %d rounds" % (a.seed, ROUNDS))
    WORK = tempfile.mkdtemp(prefix="articledb-powerloss-")
    ct.WORK = WORK
    t = time.monotonic()
    try:
        CASES[a.case]()
    except Failure as e:
        print("FAILED (seed %d): %s" % (a.seed, e), file=sys.stderr)
        return 1
    finally:
        if os.environ.get("ARTICLEDB_KEEP_WORK"):
            print("work directory kept: " + WORK)
        else:
            shutil.rmtree(WORK, ignore_errors=True)
    print("passed: %d crash images checked, %d syncs recorded, %.1f s" %
          (STATS["images"], STATS["fsyncs"], time.monotonic() - t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
