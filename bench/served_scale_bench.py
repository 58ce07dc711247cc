#!/usr/bin/env python3
"""Served programs at scale: prints figures, asserts nothing.

One served block of N instances of `sleep` behind one held port (`ready = 0`: ready
at once, so the figures are angel's own work, not a server's boot time). For each N it
measures
  - start-up: from angel's start until N `READY` lines, and angel's CPU time for it,
  - a rollout of the whole block (a HUP that changes `exec`, surge = S): until
    `Rollout done`, and angel's CPU time for it (per instance replaced),
  - angel's peak RSS (VmHWM) and open descriptors after the rollout,
  - a clean TERM shutdown.
If angel's work per event grew with the block (O(n^2)), the CPU per instance would grow
with N: compare the per-instance figures between the Ns of one run.

usage: served_scale_bench.py [--angel build/angel] [--counts 250,1000,4000] [--surge 50]
"""
import argparse
import os
import random
import signal
import socket
import subprocess
import tempfile
import time

from procstat import cpu_seconds, kill_session, status_kb


def free_port():
    for _ in range(100):
        port = random.randint(20000, 32000)
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
                s.bind(("::", port))
            return port
        except OSError:
            continue
    raise SystemExit("no free port")


def config(n, surge, port, seconds):
    return (f'web {{\n  exec = "sleep {seconds}"\n  listen = "{port}"\n  ready = 0\n'
            f'  count = {n}\n  surge = {surge}\n  delay = 1\n}}\n')


def wait_count(log_path, needle, n, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log_path, "rb") as f:
            if f.read().count(needle) >= n:
                return True
        time.sleep(0.05)
    return False


def bench(angel, n, surge):
    with tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "angel.conf")
        port = free_port()
        with open(conf, "w") as f:
            f.write(config(n, surge, port, 100000))
        log_path = os.path.join(work, "angel.log")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([angel, "angel.conf"], cwd=work, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            t0 = time.monotonic()
            ok = wait_count(log_path, b"} READY\n", n, 300)
            start = time.monotonic() - t0
            cpu_start = cpu_seconds(proc.pid)
            if not ok:
                print(f"  N={n}: start-up timed out")
                return
            with open(conf, "w") as f:
                f.write(config(n, surge, port, 100001))
            t1 = time.monotonic()
            proc.send_signal(signal.SIGHUP)
            ok = wait_count(log_path, b"Rollout done: web", 1, 600)
            rollout = time.monotonic() - t1
            cpu_rollout = cpu_seconds(proc.pid) - cpu_start
            fds = len(os.listdir(f"/proc/{proc.pid}/fd"))
            rss = status_kb(proc.pid, "VmHWM")
            t2 = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=120)
            shutdown = time.monotonic() - t2
            print(f"  N={n:5d}: start {start:6.2f} s (CPU {cpu_start:5.2f} s, {1e3 * cpu_start / n:5.2f} ms/instance)"
                  f" | rollout {'done' if ok else 'TIMED OUT'} {rollout:6.2f} s (CPU {cpu_rollout:5.2f} s,"
                  f" {1e3 * cpu_rollout / n:5.2f} ms/instance) | peak RSS {rss / 1024:5.1f} MB | fds {fds}"
                  f" | TERM exit {status} in {shutdown:4.2f} s")
        finally:
            kill_session(proc.pid)  # the instances angel leaves behind by design
            proc.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--angel", default="build/angel")
    parser.add_argument("--counts", default="250,1000,4000")
    parser.add_argument("--surge", type=int, default=50)
    args = parser.parse_args()
    angel = os.path.abspath(args.angel)
    print(f"served block of N `sleep` instances, ready at once, surge {args.surge}:")
    for n in (int(c) for c in args.counts.split(",")):
        bench(angel, n, args.surge)


if __name__ == "__main__":
    main()
