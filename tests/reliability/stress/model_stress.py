#!/usr/bin/env python3
"""Kill-and-reopen driver of the randomised model test (docs/reliability.md).

Runs model_stress against one archive and one expected-state file, kills it with SIGKILL
at a random (seeded) moment, starts it again (each start first checks the archive the
killed run left against the expected state, then carries on writing), and so on for
--rounds rounds; a last run is left to finish and checks everything exactly. Any failed
check ends the run with status 1 and the seed that replays it.

  model_stress.py --binary PATH [--rounds N] [--time SECONDS] [--seed N]
                  [--max-kill SECONDS] [--workdir DIR] [--keep] [-- MODEL_STRESS_FLAGS...]

--time bounds the whole run (the rounds stop early when it is spent). Flags after `--` go
to every model_stress run (e.g. --reindex 0 --secondary 0).
"""
import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--time", type=float, default=0, help="stop the rounds after this many seconds")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--max-kill", type=float, default=3.0,
                    help="a run is killed at a random moment up to this many seconds after it starts")
    ap.add_argument("--final-seconds", type=float, default=2.0,
                    help="length of the last run, which is not killed")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the archive even when every check passed")
    ap.add_argument("--replay-command", default=None,
                    help="how to replay, printed with the seed on failure")
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    extra = [a for a in args.rest if a != "--"]
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    rng = random.Random(seed)
    work = args.workdir or tempfile.mkdtemp(prefix="articledb-model-stress-")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "db")
    expected = os.path.join(work, "expected")
    replay = f"--seed {seed} --rounds {args.rounds} --max-kill {args.max_kill}"
    print(f"model stress: seed {seed}, {args.rounds} kill rounds, archive {db}", flush=True)

    started = time.monotonic()
    stats = {"kills": 0, "kills_before_running": 0, "in_flight_found_new": 0, "rounds": 0,
             "kills_in_reindex": 0, "kills_in_checkpoint": 0}
    ops_line = ""

    def run(round_no, seconds, kill_after):
        run_seed = rng.randrange(1, 2**31)
        cmd = [args.binary, "--db", db, "--expected", expected, "--seed", str(run_seed),
               "--seconds", str(seconds)] + extra
        out_path = os.path.join(work, "last.out")
        err_path = os.path.join(work, "last.err")
        with open(out_path, "w") as out, open(err_path, "w") as err:
            t0 = time.monotonic()
            p = subprocess.Popen(cmd, stdout=out, stderr=err)
            killed = False
            deadline = t0 + max(600, seconds * 20)
            while p.poll() is None:
                now = time.monotonic()
                if kill_after is not None and now - t0 >= kill_after:
                    p.send_signal(signal.SIGKILL)
                    killed = True
                    break
                if now > deadline:
                    p.kill()
                    break
                wait = 0.05 if kill_after is None else min(0.05, max(0.0, kill_after - (now - t0)))
                time.sleep(wait)
            rc = p.wait()
            if not killed and time.monotonic() > deadline:
                rc = "timeout"
        text = open(out_path).read()
        errors = open(err_path).read()
        m = re.search(r"recovered: (\d+) ids at their in-flight version", text)
        if m:
            stats["in_flight_found_new"] += int(m.group(1))
        if killed and rc == -signal.SIGKILL:
            stats["kills"] += 1
            lines = text.splitlines()
            last = lines[-1] if lines else ""
            during = ""
            if "checked the archive after reopen" not in text:
                stats["kills_before_running"] += 1
                during = " during the reopen check"
            elif last == "reindex begins":
                stats["kills_in_reindex"] += 1
                during = " during a reindex"
            elif last == "checkpoint begins":
                stats["kills_in_checkpoint"] += 1
                during = " during a checkpoint"
            return f"killed after {kill_after:.2f} s{during}", text
        if rc != 0:
            sys.stdout.write(text)
            sys.stderr.write(errors)
            print(f"model stress: FAILED in round {round_no} (model_stress exit status {rc}; "
                  f"run seed {run_seed}; archive kept in {work})", flush=True)
            flags = " ".join(["--"] + extra) if extra else ""
            if args.replay_command:
                print(f"replay: {args.replay_command} --seed {seed} {flags}", flush=True)
            else:
                print(f"replay: {sys.argv[0]} --binary {args.binary} {replay} {flags}", flush=True)
            sys.exit(1)
        return "ran to its end", text

    for r in range(1, args.rounds + 1):
        if args.time and time.monotonic() - started > args.time:
            print(f"model stress: time budget spent after {r - 1} rounds", flush=True)
            break
        kill_after = rng.uniform(0.05, args.max_kill)
        what, _ = run(r, args.max_kill + 30, kill_after)
        stats["rounds"] += 1
        print(f"round {r}/{args.rounds}: {what}", flush=True)
    what, text = run(stats["rounds"] + 1, args.final_seconds, None)
    m = re.search(r"^ops: .*$", text, re.M)
    ops_line = m.group(0) if m else ""
    print(f"final run: {what}; {ops_line}", flush=True)
    print(f"model stress: PASSED seed {seed}: {stats['rounds']} rounds, {stats['kills']} kills "
          f"({stats['kills_before_running']} during the reopen check, {stats['kills_in_reindex']} during "
          f"a reindex, {stats['kills_in_checkpoint']} during a checkpoint or its check), "
          f"{stats['in_flight_found_new']} ids found at their in-flight version after a kill, "
          f"{time.monotonic() - started:.0f} s", flush=True)
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
