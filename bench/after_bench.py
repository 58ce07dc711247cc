#!/usr/bin/env python3
"""`after` at scale: prints figures, asserts nothing.

N programs `after` one that keeps failing (`dep`, whose exec does not exist, so it never
runs: they all stay held), beside 20 programs that exit at once and restart with
`delay = 0` (a stream of events that are no business of the held ones). Over a window
after a warm-up: angel's CPU (utime + stime from /proc/PID/stat) and the restarts it
managed (RUNNING lines). A supervisor that looks at every held program at every event
slows down as N grows; one that looks only when what they wait for begins to run keeps
the same rate. Then `dep` is fixed by a HUP: the time and CPU until all N run.

Give two binaries (--angel NEW --angel OLD) to compare them in one run.

usage: after_bench.py [--angel build/angel ...] [--held 0,2000,5000] [--seconds 10]
"""
import argparse
import os
import signal
import subprocess
import tempfile
import time

from procstat import children, cpu_seconds, kill_session

TICKERS = 20


def config(held, dep_exec):
    text = f'dep {{\n  exec = "{dep_exec}"\n  delay = 1\n}}\n'
    text += "".join(f't{i} {{\n  exec = "true"\n  delay = 0\n}}\n' for i in range(TICKERS))
    text += "".join(f'p{i} {{\n  exec = "sleep 1000"\n  after = "dep"\n}}\n' for i in range(held))
    return text


def running_lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"-} RUNNING\n")


def run(angel, held, seconds):
    with tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "angel.conf")
        with open(conf, "w") as f:
            f.write(config(held, "/nonexistent/dep"))
        log = os.path.join(work, "angel.log")
        with open(log, "wb") as out:
            proc = subprocess.Popen([angel, conf], stdout=out, stderr=subprocess.DEVNULL,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            time.sleep(3)  # warm-up: every program started or held
            cpu0, runs0 = cpu_seconds(proc.pid), running_lines(log)
            time.sleep(seconds)
            cpu, runs = cpu_seconds(proc.pid) - cpu0, running_lines(log) - runs0
            release = ""
            if held:
                with open(conf, "w") as f:
                    f.write(config(held, "sleep 1000"))
                cpu0, begun = cpu_seconds(proc.pid), time.monotonic()
                proc.send_signal(signal.SIGHUP)
                while children(proc.pid)[0] < held + 1 and time.monotonic() - begun < 120:
                    time.sleep(0.05)
                release = (f"; HUP fixing dep: all {held} running after {time.monotonic() - begun:.2f} s, "
                           f"{cpu_seconds(proc.pid) - cpu0:.2f} s CPU")
            print(f"  {held:>6} held: {runs / seconds:8.0f} restarts/s of the others, "
                  f"angel CPU {cpu / seconds * 100:5.1f} % of a core{release}", flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
            kill_session(proc.pid)
            proc.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--angel", action="append")
    p.add_argument("--held", default="0,2000,5000")
    p.add_argument("--seconds", type=float, default=10)
    args = p.parse_args()
    for angel in args.angel or ["build/angel"]:
        print(f"{angel}: {TICKERS} programs restarting at delay 0, beside N held by `after`", flush=True)
        for held in (int(n) for n in args.held.split(",")):
            run(os.path.abspath(angel), held, args.seconds)


if __name__ == "__main__":
    main()
