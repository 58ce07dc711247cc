#!/usr/bin/env python3
"""Chaos test of a served program (see chaos.py): the real angel under load, HUPed at seeded
random moments between good versions and versions that crash before they are ready.

usage: chaos_test.py ANGEL SEED [HUPS (8)]
Exit 0 = pass, 1 = fail (the seed, the problems, the timeline and angel's log are printed).
The same seed gives the same versions and HUP moments; what angel makes of them may vary
with the machine's timing, so a failure is reported with everything needed to read it.
"""
import os
import sys

from chaos import Run
from support import run_in_work_dir


def chaos(binary, seed, hups, work):
    run = Run(binary, work, seed, hups).run()
    f = run.figures()
    print(f"seed {seed}: {f['hups']} HUPs ({f['crash_hups']} to crashing versions), {f['requests']} requests, "
          f"{f['failed']} failed, least serving {f['least_serving']}, most alive {f['most_alive']}, "
          f"converged {f['converge']} s after the last HUP")
    if run.problems():
        print(run.report(), flush=True)
        raise AssertionError(f"seed {seed}: " + " | ".join(run.problems()))


def main():
    binary, seed = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    hups = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    return run_in_work_dir(f"chaos seed {seed}", chaos, binary, seed, hups)


if __name__ == "__main__":
    sys.exit(main())
