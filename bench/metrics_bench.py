#!/usr/bin/env python3
"""Metrics benchmark: what a scrape of 10,000 programs costs angel. Prints figures,
asserts nothing.

angel runs N programs (separate blocks, `sleep`), with `metrics` on a loopback port,
`metricsfile` and `control`. Once every program runs:
  1. S scrapes of GET /metrics one after another: wall time per scrape (min, median, max)
     and bytes per scrape, and angel's CPU per scrape (from /proc, over the S scrapes);
  2. the same through `angelctl metrics` (the control socket; JSON-wrapped);
  3. the metricsfile's size, and angel's CPU over 30 s idle (a file write every 10 s).

usage: metrics_bench.py [--angel build/angel] [--angelctl build/angelctl] [--programs 10000]
                        [--scrapes 20]
Compare figures by ratios within one run: the machines are shared and noisy.
"""
import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time

from procstat import cpu_seconds, kill_session, status_kb


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port):
    """(seconds, body bytes) of one GET /metrics."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n")
        data = b""
        while chunk := s.recv(1 << 20):
            data += chunk
    elapsed = time.monotonic() - started
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), head[:100]
    return elapsed, len(body)


def up_count(port):
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
        data = b""
        while chunk := s.recv(1 << 20):
            data += chunk
    return sum(1 for line in data.split(b"\n") if line.startswith(b"angel_program_up{") and line.endswith(b" 1"))


def figures(name, times, sizes, cpu):
    ms = sorted(t * 1000 for t in times)
    print(f"{name}: {len(times)} scrapes, wall ms min {ms[0]:.1f} median {statistics.median(ms):.1f} "
          f"max {ms[-1]:.1f}; {sizes[0]:,} bytes each ({sizes[0] / N:.0f} per program); "
          f"angel CPU {cpu / len(times) * 1000:.1f} ms per scrape")


def main():
    global N
    parser = argparse.ArgumentParser()
    parser.add_argument("--angel", default="build/angel")
    parser.add_argument("--angelctl", default="build/angelctl")
    parser.add_argument("--programs", type=int, default=10000)
    parser.add_argument("--scrapes", type=int, default=20)
    args = parser.parse_args()
    N = args.programs
    angel, angelctl = os.path.abspath(args.angel), os.path.abspath(args.angelctl)
    with tempfile.TemporaryDirectory() as work:
        port = free_port()
        sock, prom = os.path.join(work, "angel.sock"), os.path.join(work, "angel.prom")
        conf = os.path.join(work, "angel.conf")
        with open(conf, "w") as f:
            f.write(f'control = "{sock}"\nmetrics = "127.0.0.1:{port}"\nmetricsfile = "{prom}"\n')
            for i in range(N):
                f.write(f'p{i:05d} {{\n  exec = "sleep 100000"\n}}\n')
        log = open(os.path.join(work, "angel.log"), "wb")
        proc = subprocess.Popen([angel, conf], cwd=work, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            started = time.monotonic()
            deadline = started + 600
            while time.monotonic() < deadline:
                try:
                    if up_count(port) == N:
                        break
                except OSError:
                    pass
                time.sleep(0.5)
            print(f"{N} programs running after {time.monotonic() - started:.1f} s; angel RSS "
                  f"{status_kb(proc.pid, 'VmRSS')} kB")
            cpu0 = cpu_seconds(proc.pid)
            times, sizes = [], []
            for _ in range(args.scrapes):
                t, n = scrape(port)
                times.append(t)
                sizes.append(n)
            figures("GET /metrics", times, sizes, cpu_seconds(proc.pid) - cpu0)
            cpu0 = cpu_seconds(proc.pid)
            times, sizes = [], []
            for _ in range(args.scrapes):
                t0 = time.monotonic()
                r = subprocess.run([angelctl, "-s", sock, "metrics"], capture_output=True, timeout=120)
                times.append(time.monotonic() - t0)
                sizes.append(len(r.stdout))
            figures("angelctl metrics", times, sizes, cpu_seconds(proc.pid) - cpu0)
            print(f"metricsfile: {os.path.getsize(prom):,} bytes")
            cpu0 = cpu_seconds(proc.pid)
            time.sleep(30)
            print(f"idle 30 s (3 metricsfile writes, the poll): angel CPU {(cpu_seconds(proc.pid) - cpu0) * 1000:.0f} ms; "
                  f"RSS {status_kb(proc.pid, 'VmRSS')} kB, peak {status_kb(proc.pid, 'VmHWM')} kB")
        finally:
            kill_session(proc.pid)
            proc.wait()


N = 0

if __name__ == "__main__":
    main()
