#!/usr/bin/env python3
"""Scale benchmark: 10,000 programs (separate blocks). Prints figures, asserts nothing.

  1. start: time until every program logs RUNNING; angel's RSS, peak RSS, descriptors;
  2. a HUP that changes 1 % of the programs (their exec): time until the sync is over
     (the changed ones RUNNING again) and angel's CPU for it;
  3. a HUP that changes all of them: the same;
  4. a HUP with nothing changed: angel's CPU for a no-op reload of the whole set;
  5. TERM: time until angel exits, and its status.
Descriptors and children are counted from /proc after each step, so a leak shows as a
count that grows from step to step.

usage: scale_bench.py [--angel build/angel] [--programs 10000]
Compare figures by ratios within one run: the machines are shared and noisy.
"""
import argparse
import os
import signal
import subprocess
import tempfile
import time

from procstat import children, cpu_seconds, descriptors, kill_session, status_kb


def config(n, changed, generation):
    """n blocks; the first `changed` of them run a command of this generation."""
    blocks = []
    for i in range(n):
        seconds = 100000 + (generation if i < changed else 0)
        blocks.append(f'p{i:05d} {{\n  exec = "sleep {seconds}"\n  delay = 1\n}}\n')
    return "".join(blocks)


def write_config(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)


def log_count(path, needle):
    with open(path, "rb") as f:
        return f.read().count(needle)


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def report(step, seconds, proc, cpu):
    live, zombies = children(proc.pid)
    print(f"{step:<28} {seconds:8.2f} s   angel CPU {cpu:7.2f} s   RSS {status_kb(proc.pid, 'VmRSS') / 1024:7.1f} MiB"
          f"   peak {status_kb(proc.pid, 'VmHWM') / 1024:7.1f} MiB   fds {descriptors(proc.pid):5d}"
          f"   children {live} (+{zombies} zombies)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--angel", default="build/angel")
    parser.add_argument("--programs", type=int, default=10000)
    args = parser.parse_args()
    angel = os.path.abspath(args.angel)
    n = args.programs
    with tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "angel.conf")
        log = os.path.join(work, "angel.log")
        write_config(conf, config(n, 0, 0))
        with open(log, "wb") as out:
            t0 = time.monotonic()
            proc = subprocess.Popen([angel, "angel.conf"], cwd=work, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            print(f"{n} programs, angel {angel}")
            ok = wait_until(lambda: log_count(log, b"RUNNING") >= n, 600)
            took = time.monotonic() - t0
            report("start" + ("" if ok else " (INCOMPLETE)"), took, proc, cpu_seconds(proc.pid))
            for step, changed, generation in (("HUP changing 1 %", n // 100, 1), ("HUP changing all", n, 2),
                                              ("HUP changing nothing", n, 2)):
                write_config(conf, config(n, changed, generation))
                done_before = log_count(log, b"RUNNING")
                hups_before = log_count(log, b"HUP caught")
                cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
                proc.send_signal(signal.SIGHUP)
                expected = done_before + (changed if step != "HUP changing nothing" else 0)
                ok = wait_until(lambda: log_count(log, b"HUP caught") > hups_before and
                                log_count(log, b"RUNNING") >= expected, 600)
                took, cpu = time.monotonic() - t0, cpu_seconds(proc.pid) - cpu0
                wait_until(lambda: children(proc.pid) == (n, 0), 30)  # the killed ones reaped, for the counts
                report(step + ("" if ok else " (INCOMPLETE)"), took, proc, cpu)
            cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=600)
            print(f"{'TERM':<28} {time.monotonic() - t0:8.2f} s   exit status {status}")
        finally:
            kill_session(proc.pid)
            proc.wait()


if __name__ == "__main__":
    main()
