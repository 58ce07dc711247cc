#!/usr/bin/env python3
"""Soak: 100 programs crash-looping at `delay = 0` plus a HUP every second, for 10
minutes (by default). Prints, every 10 s, angel's RSS, descriptors, live children and
zombies, restarts and reloads so far; then the first and last samples side by side.
They must stay flat: a count that grows sample after sample is a leak. Not a test (no
assertion); run it under AddressSanitizer to catch leaks and errors as well:

    scripts/build build-asan -DANGEL_SANITIZE=ON
    python3 bench/soak_bench.py --angel build-asan/angel

ASan reports go to angel's stderr, printed at the end. Each HUP flips one program's
exec between two commands, so every reload has a kill and a start to do.

usage: soak_bench.py [--angel build/angel] [--minutes 10] [--programs 100]
"""
import argparse
import os
import signal
import subprocess
import tempfile
import time

from procstat import children, kill_session, status_kb


def config(programs, flip):
    blocks = [f'crash{i:03d} {{\n  exec = "/bin/true"\n  delay = 0\n}}\n' for i in range(programs)]
    # One more program whose command flips at every HUP: each reload kills and starts.
    blocks.append(f'flip {{\n  exec = "/bin/sleep {1000 + flip}"\n  delay = 0\n}}\n')
    return "".join(blocks)


def write_config(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--angel", default="build/angel")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--programs", type=int, default=100)
    args = parser.parse_args()
    angel = os.path.abspath(args.angel)
    with tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "angel.conf")
        log = os.path.join(work, "angel.log")
        err = os.path.join(work, "angel.err")
        write_config(conf, config(args.programs, 0))
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:halt_on_error=0")
        with open(log, "wb") as out, open(err, "wb") as errout:
            proc = subprocess.Popen([angel, "angel.conf", "-v", "1"], cwd=work, stdout=out, stderr=errout,
                                    stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        samples = []
        try:
            # The first HUP only once angel catches it (before, it would end angel).
            def catches_hup():
                with open(f"/proc/{proc.pid}/status") as f:
                    for line in f:
                        if line.startswith("SigCgt:"):
                            return int(line.split()[1], 16) & (1 << (signal.SIGHUP - 1))
                return False
            while proc.poll() is None and not catches_hup():
                time.sleep(0.01)
            start = time.monotonic()
            end = start + args.minutes * 60
            next_sample = start + 10
            flip = 0
            hups = 0
            print(f"{args.programs} programs at delay = 0, a HUP a second, {args.minutes:g} min; angel {angel}")
            print(f"{'t (s)':>6} {'RSS MiB':>8} {'fds':>5} {'children':>8} {'zombies':>7} {'spawns':>9} {'HUPs':>7}",
                  flush=True)
            while time.monotonic() < end and proc.poll() is None:
                flip ^= 1
                write_config(conf, config(args.programs, flip))
                proc.send_signal(signal.SIGHUP)
                hups += 1
                time.sleep(1)
                if time.monotonic() >= next_sample:
                    next_sample += 10
                    with open(log, "rb") as f:
                        spawns = f.read().count(b"Spawning process")
                    live, zombies = children(proc.pid)
                    sample = (time.monotonic() - start, status_kb(proc.pid, "VmRSS") / 1024,
                              len(os.listdir(f"/proc/{proc.pid}/fd")), live, zombies, spawns, hups)
                    samples.append(sample)
                    print(f"{sample[0]:6.0f} {sample[1]:8.1f} {sample[2]:5d} {sample[3]:8d} {sample[4]:7d} {spawns:9d}"
                          f" {hups:7d}", flush=True)
            alive = proc.poll() is None
            if alive:
                proc.send_signal(signal.SIGTERM)
                status = proc.wait(timeout=120)
            else:
                status = proc.returncode
            print(f"angel {'exited' if not alive else 'stopped'}: status {status}")
            if len(samples) >= 2:
                first, last = samples[0], samples[-1]
                print(f"first sample: RSS {first[1]:.1f} MiB, fds {first[2]}, children {first[3]}, zombies {first[4]}")
                print(f"last sample:  RSS {last[1]:.1f} MiB, fds {last[2]}, children {last[3]}, zombies {last[4]}")
                rate = (last[5] - first[5]) / (last[0] - first[0])
                print(f"spawns per second between them: {rate:.0f}")
            with open(err, "rb") as f:
                text = f.read().decode(errors="replace")
            print("angel's stderr (ASan reports would be here):", "empty" if not text else "")
            if text:
                print(text[-4000:])
        finally:
            kill_session(proc.pid)
            proc.wait()


if __name__ == "__main__":
    main()
