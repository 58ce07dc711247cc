#!/usr/bin/env python3
"""Spawning benchmark: angel beside the floor (bench/spawn_floor.cpp), in one run.

Workloads, each run --runs times (default 3), floor and angel alternately:
  start N   (N = 1000, 5000): N programs of `sleep 100000`; the time until all run
            (angel: N `RUNNING` records in its log; the floor: N posix_spawn calls
            returned) and the supervisor's own CPU time until then;
  loop      one program `true` with `delay = 0` for --loop seconds (default 10):
            restarts per second and supervisor CPU per 1,000 restarts.
Prints medians, the slowest run, and angel / floor ratios. Asserts nothing.

usage: spawn_bench.py [--angel build/angel] [--floor build/spawn-floor] [--counts 1000,5000]
                      [--runs 3] [--loop 10]
"""
import argparse
import os
import signal
import statistics
import subprocess
import tempfile
import time

from procstat import cpu_seconds, kill_session

def words(line):
    return dict(w.split("=", 1) for w in line.split()[1:])


def wait_gone(pgid, limit=60):
    """Waits until no process of the group is left (so runs do not overlap)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def start_angel(angel, work, config):
    with open(os.path.join(work, "angel.conf"), "w") as f:
        f.write(config)
    log_path = os.path.join(work, "angel.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen([angel, "angel.conf"], cwd=work, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    return proc, log_path


def stop_angel(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    kill_session(proc.pid)  # the children angel leaves behind by design
    wait_gone(proc.pid)


class LogCounter:
    """Counts a needle in a growing log without rereading it."""

    def __init__(self, path, needle):
        self.f, self.needle, self.count, self.tail = open(path, "rb"), needle, 0, b""

    def update(self):
        data = self.tail + self.f.read()
        cut = data.rfind(b"\n") + 1
        self.count += data[:cut].count(self.needle)
        self.tail = data[cut:]
        return self.count


def angel_start(angel, n):
    with tempfile.TemporaryDirectory() as work:
        t0 = time.monotonic()
        proc, log = start_angel(angel, work, f'p {{\n  exec = "sleep 100000"\n  count = {n}\n}}\n')
        while not os.path.exists(log):
            time.sleep(0.001)
        counter = LogCounter(log, b"} RUNNING")
        while counter.update() < n:
            if proc.poll() is not None or time.monotonic() - t0 > 300:
                raise SystemExit(f"angel did not start {n} programs")
            time.sleep(0.002)
        wall, cpu = time.monotonic() - t0, cpu_seconds(proc.pid)
        stop_angel(proc)
        return wall, cpu


def floor_start(floor, n):
    out = subprocess.run([floor, "start", str(n)], capture_output=True, text=True, check=True).stdout
    w = words(out)
    return float(w["wall"]), float(w["cpu"])


def angel_loop(angel, seconds):
    with tempfile.TemporaryDirectory() as work:
        proc, log = start_angel(angel, work, 'crash {\n  exec = "true"\n  delay = 0\n}\n')
        time.sleep(1)
        counter = LogCounter(log, b"} RESTART")
        r0, c0, t0 = counter.update(), cpu_seconds(proc.pid), time.monotonic()
        time.sleep(seconds)
        r1, c1, t1 = counter.update(), cpu_seconds(proc.pid), time.monotonic()
        stop_angel(proc)
        restarts = r1 - r0
        return restarts / (t1 - t0), (c1 - c0) * 1000 / max(restarts, 1)


def floor_loop(floor, seconds):
    out = subprocess.run([floor, "loop", str(seconds)], capture_output=True, text=True, check=True).stdout
    w = words(out)
    return float(w["per_second"]), float(w["cpu_per_1000"])


def summary(values):
    return statistics.median(values), max(values)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--angel", default="build/angel")
    ap.add_argument("--floor", default="build/spawn-floor")
    ap.add_argument("--counts", default="1000,5000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--loop", type=float, default=10)
    args = ap.parse_args()
    angel, floor = os.path.abspath(args.angel), os.path.abspath(args.floor)

    for n in map(int, args.counts.split(",")):
        a_wall, a_cpu, f_wall, f_cpu = [], [], [], []
        for _ in range(args.runs):
            w, c = floor_start(floor, n)
            f_wall.append(w)
            f_cpu.append(c)
            w, c = angel_start(angel, n)
            a_wall.append(w)
            a_cpu.append(c)
        (fw, fw_max), (aw, aw_max) = summary(f_wall), summary(a_wall)
        fc, ac = statistics.median(f_cpu), statistics.median(a_cpu)
        print(f"start {n:5d}: floor {fw:.3f} s (slowest {fw_max:.3f}), CPU {fc:.3f} s | "
              f"angel {aw:.3f} s (slowest {aw_max:.3f}), CPU {ac:.3f} s | "
              f"time {aw / fw:.2f}x floor, slowest/median {aw_max / aw:.2f}, CPU {ac / max(fc, 1e-3):.2f}x floor")
        print(f"             angel runs: {', '.join(f'{w:.3f}' for w in a_wall)}")

    a_rate, a_cpu, f_rate, f_cpu = [], [], [], []
    for _ in range(args.runs):
        r, c = floor_loop(floor, args.loop)
        f_rate.append(r)
        f_cpu.append(c)
        r, c = angel_loop(angel, args.loop)
        a_rate.append(r)
        a_cpu.append(c)
    fr, ar = statistics.median(f_rate), statistics.median(a_rate)
    fc, ac = statistics.median(f_cpu), statistics.median(a_cpu)
    print(f"crash loop : floor {fr:.0f}/s, CPU {fc:.3f} s per 1000 | angel {ar:.0f}/s, CPU {ac:.3f} s per 1000 | "
          f"rate {ar / fr:.2f}x floor, CPU {ac / fc:.2f}x floor")


if __name__ == "__main__":
    main()
