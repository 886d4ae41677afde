#!/usr/bin/env python3
"""Reliability tests run as separate processes: writers killed with SIGKILL, interrupted
restores and reindexes, corrupted files, a full disk (docs/reliability.md).

Usage: crash_test.py --articledb PATH --writer PATH [--seed N] [--rounds N] CASE

Each CASE is one ctest test (label "reliability"). Exit status 0: passed; 1: failed;
77: skipped (with the reason on standard error). Every random choice comes from --seed,
printed at the start, so a failure can be replayed.
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

SKIP = 77
ARTICLEDB = None
WRITER = None
WORK = None
RNG = None
ROUNDS = 20


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def run(*args, expect=None, timeout=600):
    """Runs articledb; returns (rc, stdout bytes, stderr text)."""
    p = subprocess.run([ARTICLEDB, "-q", *map(str, args)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode >= 0, "articledb %s died of signal %d\n%s" %
          (" ".join(map(str, args)), -p.returncode, err[-2000:]))
    if expect is not None:
        check(p.returncode == expect, "articledb %s: exit %d, expected %d\nstderr: %s" %
              (" ".join(map(str, args)), p.returncode, expect, err[-2000:]))
    return p.returncode, p.stdout, err


def path(name):
    return os.path.join(WORK, name)


def export(db):
    """id -> the record's JSON line, for every record of db."""
    _, out, _ = run("export", db, expect=0)
    records = {}
    for line in out.decode("utf-8").splitlines():
        records[json.loads(line)["id"]] = line
    return records


def verify_sound(db):
    rc, out, err = run("verify", db)
    check(rc == 0, "verify failed (exit %d):\n%s%s" % (rc, out.decode()[-3000:], err[-2000:]))


def kill_after(cmd, seconds, started=None):
    """Starts cmd, SIGKILLs it after `seconds` (unless it ended); True if it was killed.

    With `started` (a function), the seconds count from when it first returns true, so a
    slow start (a sanitizer build, a busy machine) does not eat the time before the kill.
    """
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if started is not None:
        deadline = time.monotonic() + 120
        while not started() and p.poll() is None:
            check(time.monotonic() < deadline, "%s did not start within 120 s" % cmd[0])
            time.sleep(0.01)
    try:
        p.wait(timeout=seconds)
        err = p.stderr.read().decode("utf-8", "replace")
        check(p.returncode == 0, "%s ended with %d before the kill: %s" % (cmd, p.returncode, err))
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stderr.close()
        return True


# ---------------------------------------------------------------------- crash safety

def read_log(log):
    """Replays the writer's log: (acknowledged state, in-flight batch or None).

    State maps id -> JSON line, or None for deleted. The in-flight batch is the last one
    whose operations were all logged but whose acknowledgement was not: the writer logs a
    batch before the write and "A" after it returns.
    """
    state, batch, expected = {}, None, 0
    with open(log, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if not data.endswith(b"\n"):
        lines = lines[:-1]  # a line cut by the kill: never followed by a write
    for raw in lines:
        if not raw:
            continue
        line = raw.decode("utf-8")
        tag = line[0]
        if tag == "B":
            check(batch is None or len(batch) < expected, "log: a batch left unresolved")
            batch, expected = [], int(line[2:])
        elif tag == "P":
            ident, js = line[2:].split(" ", 1)
            batch.append((ident, js))
        elif tag == "D":
            batch.append((line[2:], None))
        elif tag == "A":
            check(batch is not None and len(batch) == expected, "log: ack without a batch")
            for ident, js in batch:
                state[ident] = js
            batch = None
        elif tag == "X":  # the test found the in-flight batch of a killed writer absent
            batch = None
    if batch is not None and len(batch) < expected:
        batch = None  # killed while logging it: the write was never made
    return state, batch


def check_against_log(db, log):
    """Every acknowledged write is there in full; the in-flight batch is all or nothing."""
    state, inflight = read_log(log)
    got = export(db)
    inflight_ids = {i for i, _ in inflight} if inflight else set()
    for ident, js in state.items():
        if ident in inflight_ids:
            continue
        check(got.get(ident) == js, "acknowledged %s of %s lost: stored %r, acknowledged %r" %
              ("delete" if js is None else "write", ident, (got.get(ident) or "")[:200],
               (js or "")[:200]))
    for ident in got:
        check(ident in state or ident in inflight_ids, "%s is stored but was never written" % ident)
    applied = unapplied = 0
    if inflight:
        for ident, js in inflight:
            old = state.get(ident)
            now = got.get(ident)
            if js == old:
                continue  # the batch does not change this id: says nothing
            if now == js:
                applied += 1
            elif now == old:
                unapplied += 1
            else:
                raise Failure("in-flight write of %s left neither the old nor the new version" % ident)
        check(applied == 0 or unapplied == 0,
              "in-flight batch half applied: %d ids new, %d old" % (applied, unapplied))
    return len(state), bool(inflight), applied > 0


def writer_killed_at_random_moments_keeps_every_acknowledged_write():
    db, log = path("db"), path("log")
    acked = 0
    inflight_seen = inflight_applied = 0
    for r in range(ROUNDS):
        delay = RNG.uniform(0.05, 1.2)
        size = os.path.getsize(log) if os.path.exists(log) else 0
        killed = kill_after([WRITER, db, log, str(RNG.getrandbits(32))], delay,
                            started=lambda: os.path.exists(log) and os.path.getsize(log) > size)
        check(killed, "the writer stopped by itself")
        verify_sound(db)
        acked, inflight, applied = check_against_log(db, log)
        # Settle the killed writer's last batch in the log before the next writer appends.
        with open(log, "rb") as f:
            data = f.read()
        with open(log, "r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)  # drop a line the kill cut short
            f.seek(0, os.SEEK_END)
            if inflight:
                f.write(b"A\n" if applied else b"X\n")
        inflight_seen += inflight
        inflight_applied += applied
        with open(log, "rb") as f:
            acks = sum(1 for line in f if line == b"A\n")
        print("round %d: killed after %.2f s; %d acknowledged writes so far, %d ids; "
              "in-flight write: %s" % (r + 1, delay, acks, acked,
                                        "applied" if applied else ("absent" if inflight else "none")))
    check(acks >= ROUNDS, "too few writes acknowledged to mean anything (%d)" % acks)
    print("%d rounds survived; in-flight writes at the kill: %d (%d of them applied whole)" %
          (ROUNDS, inflight_seen, inflight_applied))


def make_dump(name, count, seed):
    src = path(name + ".jsonl")
    with open(src, "wb") as f:
        subprocess.run([ARTICLEDB, "generate", str(count), "--seed", str(seed)], stdout=f, check=True)
    db = path(name + ".adb")
    run("import", db, src, expect=0)
    dump = path(name + ".dump")
    run("dump", db, dump, expect=0)
    return db, dump


def make_jsonl(name, count, seed):
    src = path(name + ".jsonl")
    with open(src, "wb") as f:
        subprocess.run([ARTICLEDB, "generate", str(count), "--seed", str(seed)], stdout=f, check=True)
    return src


def timed(*args):
    t = time.monotonic()
    run(*args, expect=0)
    return time.monotonic() - t


def restore_killed_at_random_moments_leaves_no_half_archive():
    origin, dump = make_dump("origin", 8000, 11)
    want = export(origin)
    full = timed("restore", path("probe.adb"), dump)
    shutil.rmtree(path("probe.adb"))
    killed_rounds = 0
    for r in range(ROUNDS):
        target = path("restored-%d.adb" % r)
        delay = RNG.uniform(0.05, full)
        killed = kill_after([ARTICLEDB, "-q", "restore", target, dump], delay)
        killed_rounds += killed
        partials = [p for p in os.listdir(WORK) if p.startswith("restored-%d.adb.partial-" % r)]
        if os.path.exists(target):
            # The rename into place is the restore's last step: what is there is complete.
            verify_sound(target)
            check(export(target) == want, "a restored archive differs from the original")
            state = "complete"
        else:
            check(killed, "restore ended without creating the archive")
            state = "absent (%d partial directory left)" % len(partials)
        # A new restore to the same place works whatever the killed one left.
        if not os.path.exists(target):
            run("restore", target, dump, expect=0)
            check(export(target) == want, "restore after a killed restore differs")
        for p in partials:
            shutil.rmtree(path(p))
        shutil.rmtree(target)
        print("round %d: killed after %.2f s of %.2f: archive %s" % (r + 1, delay, full, state))
    check(killed_rounds > 0, "no restore was killed")


def merge_restore_killed_keeps_every_earlier_record():
    _, dump = make_dump("incoming", 8000, 12)
    incoming = export(path("incoming.adb"))
    base, _ = make_dump("base", 300, 13)
    before = export(base)
    full = None
    for r in range(ROUNDS):
        target = path("merge-%d.adb" % r)
        shutil.copytree(base, target)
        if full is None:
            full = timed("restore", target, dump, "--merge")
            shutil.rmtree(target)
            shutil.copytree(base, target)
        delay = RNG.uniform(0.05, full)
        killed = kill_after([ARTICLEDB, "-q", "restore", target, dump, "--merge"], delay)
        verify_sound(target)
        got = export(target)
        for ident, line in before.items():
            check(got.get(ident) == line, "record %s that was there before the merge changed" % ident)
        extra = [i for i in got if i not in before]
        for ident in extra:
            check(got[ident] == incoming.get(ident), "merged record %s is not the dump's" % ident)
        print("round %d: killed=%s after %.2f s of %.2f: %d earlier records intact, %d of %d "
              "merged" % (r + 1, killed, delay, full, len(before), len(extra), len(incoming)))
        shutil.rmtree(target)


def reindex_killed_at_random_moments_is_finished_at_the_next_open():
    db, _ = make_dump("reindexed", 8000, 14)
    want = export(db)
    counts = run("count", db, "--by", "month", expect=0)[1]
    full = timed("reindex", db)
    for r in range(ROUNDS):
        delay = RNG.uniform(0.02, full)
        killed = kill_after([ARTICLEDB, "-q", "reindex", db], delay)
        rc, _, err = run("count", db)
        if rc != 0:
            # Interrupted mid-rebuild: readers are refused rather than served partial answers.
            check("indexes are being rebuilt" in err, "unclear refusal: " + err)
        run("compact", db, expect=0)  # a writable open finishes the rebuild
        verify_sound(db)
        check(export(db) == want, "records changed across an interrupted reindex")
        check(run("count", db, "--by", "month", expect=0)[1] == counts, "counts changed")
        print("round %d: killed=%s after %.2f s of %.2f; readers meanwhile %s" %
              (r + 1, killed, delay, full, "refused" if rc != 0 else "served (rebuild done)"))


# ------------------------------------------------------------------- corrupt files

def build_archive(name, count=3000):
    db, _ = make_dump(name, count, 21)
    return db, export(db)


def flip(file, offsets):
    with open(file, "r+b") as f:
        for off in offsets:
            f.seek(off)
            b = f.read(1)
            f.seek(off)
            f.write(bytes([b[0] ^ 0xFF]))


def assert_reported(args, words):
    rc, out, err = run(*args)
    check(rc != 0, "articledb %s succeeded on a corrupted archive" % " ".join(map(str, args)))
    text = out.decode("utf-8", "replace") + err
    check(any(w in text for w in words), "message does not say what is wrong: " + text[-600:])
    return text


def corrupted_table_file_is_reported_and_never_served():
    db, want = build_archive("sst")
    ssts = sorted((os.path.getsize(os.path.join(db, f)), f) for f in os.listdir(db)
                  if f.endswith(".sst"))
    size, biggest = ssts[-1]  # the records
    flip(os.path.join(db, biggest), [size // 3, size // 2])
    text = assert_reported(["verify", db], ["Corruption", "corrupt", "checksum"])
    print("verify:", text.strip().splitlines()[-1][:300])
    rc, out, err = run("export", db)
    check(rc != 0, "export of a corrupted archive succeeded")
    for line in out.decode("utf-8", "replace").splitlines():
        rec = json.loads(line)
        check(want.get(rec["id"]) == line, "export served a damaged record as good: " + rec["id"])
    print("export: exit %d after %d good records: %s" %
          (rc, len(out.splitlines()), err.strip().splitlines()[-1][:300]))


def corrupted_manifest_is_reported_on_open():
    db, _ = build_archive("manifest", 500)
    manifest = [f for f in os.listdir(db) if f.startswith("MANIFEST-")][0]
    size = os.path.getsize(os.path.join(db, manifest))
    flip(os.path.join(db, manifest), [size // 2, size // 2 + 1])
    for args in (["count", db], ["verify", db], ["import", db, os.devnull]):
        text = assert_reported(args, ["Corruption", "corrupt", "checksum"])
        print("%s: %s" % (args[0], text.strip().splitlines()[-1][:300]))


WAL_BLOCK = 32768  # RocksDB's log format: 32 KiB blocks of records with a 7-byte header
WAL_FULL, WAL_FIRST = 1, 2


def wal_writes(data):
    """The writes of a RocksDB write-ahead log: a list, one per write, of its fragments
    as (offset of the fragment's header, payload length, type), in file order."""
    writes, off = [], 0
    while off + 7 <= len(data):
        room = WAL_BLOCK - off % WAL_BLOCK
        if room < 7:  # a block's trailer too small for a header is padding
            off += room
            continue
        length = data[off + 4] | data[off + 5] << 8
        kind = data[off + 6]
        if kind == 0 or off + 7 + length > len(data):
            break  # preallocated or unwritten space: the end of the log
        if kind in (WAL_FULL, WAL_FIRST) or not writes:
            writes.append([])
        writes[-1].append((off, length, kind))
        off += 7 + length
    return writes


def inside_a_large_write(data):
    """The offset of a byte in the second fragment of a write that spans blocks, chosen
    so that the next write read after the damaged block spans blocks too: RocksDB 7.8's
    skip-damaged-records recovery carries the abandoned write's checksum state into that
    next write and refuses it ("Write batch content corrupted")."""
    writes = wal_writes(data)
    for i, w in enumerate(writes):
        if len(w) < 2 or w[1][1] < 2:
            continue
        damaged_block = w[1][0] // WAL_BLOCK
        later = [x for x in writes[i + 1:] if x[0][0] // WAL_BLOCK > damaged_block]
        if later and later[0][0][2] == WAL_FIRST:
            return w[1][0] + 7 + w[1][1] // 2
    return None


def acknowledged(log):
    """How many writes the crash writer has logged as acknowledged so far."""
    if not os.path.exists(log):
        return 0
    with open(log, "rb") as f:
        return f.read().count(b"\nA\n")


def live_log(db):
    """The archive's newest write-ahead log (the one recovery replays), or None."""
    try:
        logs = [f for f in os.listdir(db) if f.endswith(".log") and f[:-4].isdigit()]
    except OSError:
        return None
    return os.path.join(db, max(logs, key=lambda f: int(f[:-4]))) if logs else None


def live_log_bytes(db):
    wal = live_log(db)
    try:
        return os.path.getsize(wal) if wal else 0
    except OSError:  # rotated away meanwhile
        return 0


def damaged_wal_is_refused_then_salvaged(name, where):
    """Writes with the crash writer, flips the byte of the largest write-ahead log that
    where(log bytes) picks, then checks that opening refuses the archive and that salvage
    rescues a sound archive holding only versions the writer wrote."""
    db, log = path(name + ".adb"), path(name + ".log")
    # Killed once it has acknowledged 80 writes (about 2 MB of log) and its live log holds
    # 300 KB, however fast it runs. The live log is the newest: the column families flush
    # together, so a flush makes every older log obsolete (recovery skips it; the writer
    # may be killed before it is deleted), and damage there would never be read. The log
    # rotates every ~1.2 MB, fast enough that a rotation can come between the check and
    # the kill: then the run is made again on a fresh archive.
    for attempt in range(20):
        shutil.rmtree(db, ignore_errors=True)
        if os.path.exists(log):
            os.remove(log)
        kill_after([WRITER, db, log, "5"], 0.01,
                   started=lambda: acknowledged(log) >= 80 and live_log_bytes(db) >= 300_000)
        wal = live_log(db)
        with open(wal, "rb") as f:
            data = f.read()
        offset = where(data) if len(data) > 4096 else None
        if offset is not None:
            break
        print("attempt %d: the live log (%d bytes) has no place to damage; again" %
              (attempt + 1, len(data)))
    check(offset is not None, "no place to damage in the live write-ahead log (%d bytes, "
          "%d writes) in 20 runs" % (len(data), len(wal_writes(data))))
    print("flipping byte %d of %d in %s" % (offset, len(data), os.path.basename(wal)))
    flip(wal, [offset])
    for args in (["import", db, os.devnull], ["verify", db]):
        text = assert_reported(args, ["Corruption", "corrupt", "checksum"])
        print("%s: %s" % (args[0], text.strip().splitlines()[-1][:300]))
    # salvage keeps every intact write and drops the damaged ones; a reindex repairs index
    # entries a later write of the same article could not remove: sound, and every record
    # left is one the writer wrote, whole.
    rc, _, err = run("salvage", db, expect=0)
    print(err.strip())
    check(os.listdir(path(name + ".adb/lost")), "salvage kept no original log in lost/")
    rc, out, _ = run("verify", db)
    print("verify after salvage: exit %d, %s" % (rc, out.decode().strip().splitlines()[-1][:200]))
    run("reindex", db, expect=0)
    verify_sound(db)
    written = set()
    with open(log, "rb") as f:
        for raw in f:
            if raw.startswith(b"P "):
                written.add(raw[2:].decode("utf-8").rstrip("\n").split(" ", 1)[1])
    got = export(db)
    check(got, "salvage kept no record at all")
    for ident, line in got.items():
        check(line in written, "salvaged record %s is not a version the writer wrote" % ident)
    print("salvaged: sound, %d records, each a version the writer wrote" % len(got))


def corrupted_write_ahead_log_is_reported_on_open():
    damaged_wal_is_refused_then_salvaged("wal", lambda data: len(data) // 2)


def write_ahead_log_damaged_inside_a_large_write_is_salvaged():
    damaged_wal_is_refused_then_salvaged("wal-large", inside_a_large_write)


# ------------------------------------------------------------------------ full disk

def import_onto_a_full_disk_fails_cleanly_and_keeps_what_was_committed():
    if os.geteuid() != 0:
        print("skipped: mounting a size-limited tmpfs needs root", file=sys.stderr)
        sys.exit(SKIP)
    mnt = path("small")
    os.mkdir(mnt)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt],
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        print("skipped: cannot mount a tmpfs here: " + p.stderr.decode().strip(), file=sys.stderr)
        sys.exit(SKIP)
    try:
        first = path("first.jsonl")
        second = path("second.jsonl")
        with open(first, "wb") as f:
            subprocess.run([ARTICLEDB, "generate", "2000", "--seed", "31"], stdout=f, check=True)
        with open(second, "wb") as f:
            subprocess.run([ARTICLEDB, "generate", "40000", "--seed", "32"], stdout=f, check=True)
        db = os.path.join(mnt, "news.adb")
        run("import", db, first, expect=0)
        committed = export(db)
        rc, _, err = run("import", db, second)
        check(rc == 2, "import onto a full disk: exit %d, expected 2" % rc)
        check("No space left" in err or "IO error" in err or "space" in err,
              "unclear error on a full disk: " + err[-500:])
        print("import on a full disk: " + err.strip().splitlines()[-1][:300])
        # Free space (the tmpfs grows), reopen: everything committed before is there.
        subprocess.run(["mount", "-o", "remount,size=512m", mnt], check=True)
        verify_sound(db)
        got = export(db)
        for ident, line in committed.items():
            check(got.get(ident) == line, "record %s committed before the full disk is lost" % ident)
        print("after freeing space: sound, %d records (the %d committed before intact)" %
              (len(got), len(committed)))
        run("import", db, second, expect=0)
        verify_sound(db)
    finally:
        subprocess.run(["umount", "-l", mnt])


class SmallDisk:
    """A tmpfs of `size` mounted under WORK (root only; skips the test otherwise)."""

    def __init__(self, name, size):
        self.mnt = path(name)
        self.size = size

    def __enter__(self):
        if os.geteuid() != 0:
            print("skipped: mounting a size-limited tmpfs needs root", file=sys.stderr)
            sys.exit(SKIP)
        os.mkdir(self.mnt)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + self.size, "tmpfs", self.mnt],
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            print("skipped: cannot mount a tmpfs here: " + p.stderr.decode().strip(),
                  file=sys.stderr)
            sys.exit(SKIP)
        return self

    def grow(self, size="512m"):
        subprocess.run(["mount", "-o", "remount,size=" + size, self.mnt], check=True)

    def fill(self):
        """Takes every free byte with a filler file; returns its path."""
        filler = os.path.join(self.mnt, "filler")
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            for chunk in (1 << 20, 4096, 1):
                try:
                    while os.write(fd, b"\0" * chunk) > 0:
                        pass
                except OSError:
                    pass
        finally:
            os.close(fd)
        check(os.statvfs(self.mnt).f_bavail == 0, "the filler left free space")
        return filler

    def __exit__(self, *exc):
        subprocess.run(["umount", "-l", self.mnt])


def merge_restore_onto_a_filling_disk_says_exactly_what_was_merged():
    _, dump = make_dump("incoming", 12000, 21)
    with SmallDisk("small", "12m") as disk:
        db = os.path.join(disk.mnt, "news.adb")
        run("import", db, make_jsonl("base", 50, 22), expect=0)
        before = export(db)
        rc, _, err = run("restore", db, dump, "--merge")
        check(rc == 2, "restore --merge onto a filling disk: exit %d, expected 2\n%s" % (rc, err))
        last = err.strip().splitlines()[-1]
        print("restore --merge on a filling disk: " + last[:400])
        disk.grow()
        verify_sound(db)
        got = export(db)
        for ident, line in before.items():
            check(got.get(ident) == line, "record %s that was there before the merge changed" % ident)
        merged = len(got) - len(before)
        check(merged > 0, "the disk did not fill after some records (test too small?)")
        check("(the archive was not changed)" not in last,
              "restore says the archive was not changed, but %d records were merged" % merged)
        check(" %d records of the dump were merged" % merged in last,
              "restore does not say that exactly %d records were merged: %s" % (merged, last))


def read_only_file_system_is_read_and_reported_by_name():
    db = path("news.adb")
    run("import", db, make_jsonl("base", 300, 23), expect=0)
    want = export(db)
    with SmallDisk("ro", "1m"):
        pass  # only to skip when mounting is not possible
    ro = path("ro-view")
    os.mkdir(ro)
    subprocess.run(["mount", "--bind", db, ro], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", ro], check=True)
        _, out, err = run("stats", ro, expect=0)
        check(b"articles\t300" in out, "stats on a read-only file system: %r" % out[:200])
        check(export(ro) == want, "export on a read-only file system")
        verify_sound(ro)
        for args in [("salvage", ro), ("delete", ro, "x"), ("compact", ro)]:
            rc, _, err = run(*args)
            check(rc == 2, "%s on a read-only file system: exit %d" % (args[0], rc))
            last = err.strip().splitlines()[-1]
            check("Busy" not in last and "locked by another process" not in last,
                  "%s on a read-only file system says it is busy: %s" % (args[0], last))
            check(ro in last and ("read-only" in last.lower() or "Read-only" in last),
                  "%s on a read-only file system: unclear message: %s" % (args[0], last))
            print("%s on a read-only file system: %s" % (args[0], last[:300]))
    finally:
        subprocess.run(["umount", "-l", ro])


def run_full_disk_case(label, disk, args, db, committed, outcomes, env=None, stdin=None):
    """Runs one writing command on `disk`; checks its outcome is one of `outcomes`, never a
    crash, with a clear one-line message on failure; then grows the disk and checks that
    the archive verifies and that every committed record is there, unchanged."""
    cmd = args if isinstance(args, str) else [ARTICLEDB, "-q", *map(str, args)]
    p = subprocess.run(cmd, shell=isinstance(args, str), stdin=stdin, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env, timeout=300)
    err = p.stderr.decode("utf-8", "replace")
    rc = p.returncode
    check(rc >= 0 and rc not in (134, 139), "%s: died (exit %d): %s" % (label, rc, err[-800:]))
    check(rc in outcomes, "%s: exit %d, expected one of %s: %s" % (label, rc, outcomes, err[-800:]))
    if rc == 2:
        lines = [l for l in err.splitlines() if l.startswith("articledb:")]
        check(lines, "%s: exit 2 without an 'articledb:' message: %s" % (label, err[-500:]))
        last = lines[-1]
        check("space" in last.lower() and (disk.mnt in last),
              "%s: the message does not say space and the path: %s" % (label, last))
        print("%s: exit 2: %s" % (label, last[:260]))
    else:
        print("%s: exit %d" % (label, rc))
    disk.grow()
    verify_sound(db)
    got = export(db)
    for ident, line in committed.items():
        check(got.get(ident) == line, "%s: committed record %s lost or changed" % (label, ident))
    return rc, got


def full_disk_matrix_every_writing_command_fails_cleanly_and_loses_nothing():
    """Every writing command on a file system with 0 bytes free, and on one with a little
    room that fills during the command."""
    start = time.monotonic()
    base_src = make_jsonl("base", 1000, 41)
    big_src = make_jsonl("big", 5000, 42)
    base_db = path("base.adb")
    run("import", base_db, base_src, expect=0)
    committed = export(base_db)
    big_db = path("big.adb")
    run("import", big_db, big_src, expect=0)
    big_dump = path("big.dump")
    run("dump", big_db, big_dump, expect=0)
    shutil.rmtree(big_db)
    small_dump = path("small.dump")
    run("dump", base_db, small_dump, expect=0)
    gen = "'%s' generate 5000 --seed 43 | '%s' -q import %%s -" % (ARTICLEDB, ARTICLEDB)
    some_ids = list(committed)[:50]
    # (label, argument list or shell line with %s for the archive, outcomes when 0 bytes
    # are free, outcomes when the disk fills during the command)
    commands = [
        ("import", ["import", "%s", big_src], (2,), (2,)),
        ("import --bulk", ["import", "--bulk", "%s", big_src], (2,), (2,)),
        ("generate | import", gen, (2,), (2,)),
        ("delete", ["delete", "%s", *some_ids], (2,), (0, 2)),
        ("restore --merge", ["restore", "--merge", "%s", big_dump], (2,), (2,)),
        ("reindex", ["reindex", "%s"], (2,), (0, 2)),
        ("compact", ["compact", "%s"], (2,), (0, 2)),
        ("checkpoint", ["checkpoint", "%s", "%s.cp"], (2,), (0, 2)),
        ("salvage", ["salvage", "%s"], (2,), (0, 2)),
        ("restore (new archive)", ["restore", "%s.new", big_dump], (2,), (2,)),
    ]
    for room, mode in ((0, "0 bytes free"), (3 << 20, "fills during the command")):
        for label, args, zero_ok, fill_ok in commands:
            with SmallDisk("disk", "24m") as disk:
                db = os.path.join(disk.mnt, "news.adb")
                shutil.copytree(base_db, db)
                filler = disk.fill()
                if room:
                    os.truncate(filler, os.path.getsize(filler) - room)
                free = os.statvfs(disk.mnt).f_bavail * os.statvfs(disk.mnt).f_frsize
                if isinstance(args, str):
                    a = args % db
                else:
                    a = [x.replace("%s", db) if isinstance(x, str) else x for x in args]
                outcomes = zero_ok if room == 0 else fill_ok
                rc, got = run_full_disk_case("%s, %s (%d bytes free)" % (label, mode, free), disk,
                                             a, db, committed if label != "delete" or room == 0
                                             else {k: v for k, v in committed.items()
                                                   if k not in some_ids}, outcomes)
                if label == "delete" and rc == 0:
                    check(all(i not in got for i in some_ids), "delete: exit 0, ids still there")
                if label.startswith("restore (new") and rc == 2:
                    check(not os.path.exists(db + ".new"), "a failed restore left the archive")
                if label == "checkpoint" and rc == 0:
                    verify_sound(db + ".cp")
                if room == 0:
                    # Readers need no space at all, nor a writable TMPDIR.
                    disk.fill()
                    env = dict(os.environ, TMPDIR=disk.mnt)
                    for r in (["export", db], ["stats", db], ["count", db], ["verify", db]):
                        p = subprocess.run([ARTICLEDB, *r], env=env, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.PIPE)
                        check(p.returncode == 0, "%s on a full disk: exit %d %s" %
                              (r[0], p.returncode, p.stderr[-300:]))
            subprocess.run(["rmdir", path("disk")])
    print("full-disk matrix: %d cases in %.1f s" % (2 * len(commands), time.monotonic() - start))


CASES = {f.__name__: f for f in [
    writer_killed_at_random_moments_keeps_every_acknowledged_write,
    restore_killed_at_random_moments_leaves_no_half_archive,
    merge_restore_killed_keeps_every_earlier_record,
    reindex_killed_at_random_moments_is_finished_at_the_next_open,
    corrupted_table_file_is_reported_and_never_served,
    corrupted_manifest_is_reported_on_open,
    corrupted_write_ahead_log_is_reported_on_open,
    write_ahead_log_damaged_inside_a_large_write_is_salvaged,
    import_onto_a_full_disk_fails_cleanly_and_keeps_what_was_committed,
    merge_restore_onto_a_filling_disk_says_exactly_what_was_merged,
    read_only_file_system_is_read_and_reported_by_name,
    full_disk_matrix_every_writing_command_fails_cleanly_and_loses_nothing,
]}


def main():
    global ARTICLEDB, WRITER, WORK, RNG, ROUNDS
    ap = argparse.ArgumentParser()
    ap.add_argument("--articledb", required=True)
    ap.add_argument("--writer", required=True)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("ARTICLEDB_CRASH_SEED", "1")))
    ap.add_argument("--rounds", type=int,
                    default=int(os.environ.get("ARTICLEDB_CRASH_ROUNDS", "20")))
    ap.add_argument("case", choices=sorted(CASES))
    a = ap.parse_args()
    ARTICLEDB, WRITER, ROUNDS = a.articledb, a.writer, a.rounds
    RNG = random.Random(a.seed)
    print("seed %d" % a.seed)
    WORK = tempfile.mkdtemp(prefix="articledb-crash-")
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
    print("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
