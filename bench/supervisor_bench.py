#!/usr/bin/env python3
"""Supervisor benchmark: prints figures, asserts nothing.

For N programs of `sleep 100000` (N = 100 and 1000 by default) it measures
  - the time from angel's start until all N programs log RUNNING,
  - angel's peak RSS (VmHWM) after start-up and after the idle period,
  - angel's CPU time (user+sys) over IDLE seconds of supervision with nothing to do,
  - a HUP storm (50 HUPs 10 ms apart): reloads done, and CPU per reload,
  - a clean TERM shutdown (exit status, and how long it took);
and for one program with `delay = 0` that exits at once, restarts per second.

usage: supervisor_bench.py [--angel build/angel] [--counts 100,1000] [--idle 60] [--loop 10]
Compare figures by ratios within one run: the machines are shared and noisy.
"""
import argparse
import os
import signal
import subprocess
import tempfile
import time

from procstat import cpu_seconds, kill_session, status_kb as proc_status_kb


def start_angel(angel, workdir, config_text):
    path = os.path.join(workdir, "angel.conf")
    with open(path, "w") as f:
        f.write(config_text)
    log = open(os.path.join(workdir, "angel.log"), "wb")
    proc = subprocess.Popen([angel, "angel.conf"], cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    return proc, os.path.join(workdir, "angel.log")


def count_lines(log_path, needle):
    with open(log_path, "rb") as f:
        return f.read().count(needle)


def stop(proc):
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    status = proc.wait(timeout=60)
    elapsed = time.monotonic() - t0
    kill_session(proc.pid)  # the children angel leaves behind by design
    return status, elapsed


def hup_storm(proc, log, hups=50):
    """Sends HUPs in a burst; returns (sent, reloads done, angel CPU seconds spent)."""
    before, cpu0 = count_lines(log, b"HUP caught"), cpu_seconds(proc.pid)
    for _ in range(hups):
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.01)
    time.sleep(1)
    return hups, count_lines(log, b"HUP caught") - before, cpu_seconds(proc.pid) - cpu0


def bench_many(angel, n, idle):
    with tempfile.TemporaryDirectory() as work:
        config = f'p {{\n  exec = "sleep 100000"\n  count = {n}\n}}\n'
        t0 = time.monotonic()
        proc, log = start_angel(angel, work, config)
        while count_lines(log, b"} RUNNING") < n:
            if proc.poll() is not None or time.monotonic() - t0 > 120:
                raise SystemExit(f"angel did not start {n} programs")
            time.sleep(0.01)
        startup = time.monotonic() - t0
        rss_start = proc_status_kb(proc.pid, "VmHWM")
        cpu0 = cpu_seconds(proc.pid)
        time.sleep(idle)
        cpu = cpu_seconds(proc.pid) - cpu0
        rss_peak = proc_status_kb(proc.pid, "VmHWM")
        hups, reloads, hup_cpu = hup_storm(proc, log)
        status, stop_time = stop(proc)
        print(f"N={n:5d}: all running after {startup:.3f} s; peak RSS {rss_start / 1024:.1f} MB after start-up, "
              f"{rss_peak / 1024:.1f} MB after {idle} s idle; CPU over idle {cpu:.2f} s; "
              f"TERM shutdown exit {status} in {stop_time:.2f} s")
        print(f"         HUP storm: {hups} HUPs 10 ms apart gave {reloads} reloads, "
              f"{hup_cpu * 1000 / max(reloads, 1):.1f} ms CPU per reload of {n} programs")


def bench_crash_loop(angel, seconds):
    with tempfile.TemporaryDirectory() as work:
        proc, log = start_angel(angel, work, 'crash {\n  exec = "true"\n  delay = 0\n}\n')
        time.sleep(1)
        r0, t0 = count_lines(log, b"} RESTART"), time.monotonic()
        time.sleep(seconds)
        r1, t1 = count_lines(log, b"} RESTART"), time.monotonic()
        rss = proc_status_kb(proc.pid, "VmHWM")
        status, _ = stop(proc)
        print(f"delay=0 crash loop: {(r1 - r0) / (t1 - t0):.0f} restarts/s over {t1 - t0:.1f} s; "
              f"peak RSS {rss / 1024:.1f} MB; shutdown exit {status}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--angel", default="build/angel")
    ap.add_argument("--counts", default="100,1000")
    ap.add_argument("--idle", type=float, default=60)
    ap.add_argument("--loop", type=float, default=10)
    args = ap.parse_args()
    angel = os.path.abspath(args.angel)
    for n in map(int, args.counts.split(",")):
        bench_many(angel, n, args.idle)
    bench_crash_loop(angel, args.loop)


if __name__ == "__main__":
    main()
