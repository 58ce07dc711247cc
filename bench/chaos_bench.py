#!/usr/bin/env python3
"""Chaos benchmark: many seeds of test/integration/chaos.py's run, each with many HUPs, and
the figures: HUPs (to crashing versions), requests, failed requests, the least serving
instances of good versions seen after the first readiness (count = 2 wanted), the most
alive at once (count + surge = 3 at most), seconds with fewer than count serving, the time
from the last HUP to the end state, and the problems of each seed.

usage: chaos_bench.py [--angel build/angel] [--seeds 10] [--first-seed 1] [--hups 25]
                      [--min-gap 0.2] [--max-gap 3.0] [--concurrency 4] [--timeline] [--json]
A seed takes about 2 s per HUP. Exit status 0 unless the script itself broke (the figures
say what went wrong); --timeline prints each failing seed's timeline and angel's log.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "integration"))
from chaos import COUNT, SURGE, Run  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description="chaos runs of a served program, with figures")
    p.add_argument("--angel", default=os.path.join(HERE, "..", "build", "angel"))
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--first-seed", type=int, default=1)
    p.add_argument("--hups", type=int, default=25)
    p.add_argument("--min-gap", type=float, default=0.2)
    p.add_argument("--max-gap", type=float, default=3.0)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--timeline", action="store_true")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    angel = os.path.abspath(args.angel)
    out = sys.stderr if args.json else sys.stdout

    print(f"count = {COUNT}, surge = {SURGE}; {args.seeds} seeds from {args.first_seed}, {args.hups} HUPs each, "
          f"{args.min_gap:g}..{args.max_gap:g} s apart", file=out)
    print(f"{'seed':>5} {'HUPs':>5} {'crash':>5} {'requests':>8} {'failed':>6} {'least':>5} {'most':>4} "
          f"{'short s':>7} {'converge':>8}  verdict", file=out, flush=True)
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        with tempfile.TemporaryDirectory(prefix="chaos_bench_") as work:
            run = Run(angel, os.path.realpath(work), seed, args.hups, (args.min_gap, args.max_gap),
                      args.concurrency).run()
            f = run.figures()
            rows.append(f)
            converge = "-" if f["converge"] is None else f"{f['converge']:.2f}"
            verdict = "ok" if not f["problems"] else "FAIL: " + f["problems"][0][:110]
            print(f"{seed:>5} {f['hups']:>5} {f['crash_hups']:>5} {f['requests']:>8} {f['failed']:>6} "
                  f"{str(f['least_serving']):>5} {f['most_alive']:>4} {f['short_seconds']:>7.2f} {converge:>8}  "
                  f"{verdict}", file=out, flush=True)
            if f["problems"] and args.timeline:
                print(run.report(), file=out, flush=True)

    failing = [r for r in rows if r["problems"]]
    converged = [r["converge"] for r in rows if r["converge"] is not None]
    leasts = [r["least_serving"] for r in rows if r["least_serving"] is not None]
    total = {
        "seeds": len(rows), "failing_seeds": len(failing),
        "hups": sum(r["hups"] for r in rows), "crash_hups": sum(r["crash_hups"] for r in rows),
        "requests": sum(r["requests"] for r in rows), "failed_requests": sum(r["failed"] for r in rows),
        "least_serving": min(leasts) if leasts else None,
        "seeds_below_count": sum(1 for x in leasts if x < COUNT),
        "most_alive": max(r["most_alive"] for r in rows) if rows else None,
        "short_seconds": round(sum(r["short_seconds"] for r in rows), 2),
        "converge_median": round(statistics.median(converged), 2) if converged else None,
        "converge_max": max(converged) if converged else None,
        "not_converged": len(rows) - len(converged),
    }
    print(f"\nseeds {total['seeds']}, failing {total['failing_seeds']}; HUPs {total['hups']} "
          f"({total['crash_hups']} to crashing versions); requests {total['requests']}, failed "
          f"{total['failed_requests']}; least serving {total['least_serving']} (below {COUNT} in "
          f"{total['seeds_below_count']} seeds, {total['short_seconds']} s in all); most alive "
          f"{total['most_alive']} (limit {COUNT + SURGE}); converged in median {total['converge_median']} s, "
          f"max {total['converge_max']} s, not converged {total['not_converged']}", file=out, flush=True)
    if args.json:
        print(json.dumps({"total": total, "seeds": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
