#!/usr/bin/env python3
"""Health checks at scale: prints figures, asserts nothing.

N plain programs (`sleep`), each with `check = "http://127.0.0.1:PORT/"` and
`checkevery = 1`, against one tiny HTTP server run by this script (a select loop that
answers every GET with 200). After a warm-up, angel's CPU time (utime + stime from
/proc/PID/stat) over a window is divided by the checks the server answered in it; the
same N programs without `check` give the idle baseline, subtracted. Also printed: angel's
threads (/proc/PID/status: the checks run on its one loop) and CHECK FAILED lines.

usage: check_bench.py [--angel build/angel] [--programs 1000] [--seconds 20]
"""
import argparse
import os
import selectors
import signal
import socket
import subprocess
import tempfile
import threading
import time

from procstat import cpu_seconds, kill_session


class Server:
    """HTTP/1.0 200 to every request on 127.0.0.1:port, on a thread; counts answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4096)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.answered = 0
        self.stop = False
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        sel = selectors.DefaultSelector()
        sel.register(self.sock, selectors.EVENT_READ)
        while not self.stop:
            for key, _ in sel.select(0.2):
                if key.fileobj is self.sock:
                    while True:
                        try:
                            conn, _ = self.sock.accept()
                        except BlockingIOError:
                            break
                        conn.setblocking(False)
                        sel.register(conn, selectors.EVENT_READ)
                    continue
                conn = key.fileobj
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                if data and b"\r\n\r\n" in data:
                    try:
                        conn.send(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
                        self.answered += 1
                    except OSError:
                        pass
                if not data or b"\r\n\r\n" in data:
                    sel.unregister(conn)
                    conn.close()


def threads(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def run(angel, n, seconds, port):
    """angel's CPU seconds over `seconds` after warm-up, the server's answers in that window,
    angel's thread count and the CHECK FAILED lines (port None: no check)."""
    with tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "angel.conf")
        check = f'  check = "http://127.0.0.1:{port}/"\n  checkevery = 1\n' if port else ""
        with open(conf, "w") as f:
            f.write(f'p {{\n  exec = "sleep 100000"\n  count = {n}\n{check}}}\n')
        log_path = os.path.join(work, "angel.log")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([angel, conf], cwd=work, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with open(log_path, "rb") as f:
                    if f.read().count(b"} RUNNING") >= n:
                        break
                time.sleep(0.2)
            time.sleep(4)  # every instance past its first check (checkevery + its offset)
            before_cpu = cpu_seconds(proc.pid)
            before_answers = SERVER.answered if port else 0
            time.sleep(seconds)
            cpu = cpu_seconds(proc.pid) - before_cpu
            answers = (SERVER.answered - before_answers) if port else 0
            nthreads = threads(proc.pid)
            with open(log_path, "rb") as f:
                failed = f.read().count(b"CHECK FAILED")
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=120)
            return cpu, answers, nthreads, failed
        finally:
            kill_session(proc.pid)


SERVER = None


def main():
    global SERVER
    ap = argparse.ArgumentParser()
    ap.add_argument("--angel", default="build/angel")
    ap.add_argument("--programs", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    angel = os.path.abspath(args.angel)
    SERVER = Server()
    idle_cpu, _, _, _ = run(angel, args.programs, args.seconds, None)
    cpu, answers, nthreads, failed = run(angel, args.programs, args.seconds, SERVER.port)
    SERVER.stop = True
    print(f"programs {args.programs}, window {args.seconds:.0f} s")
    print(f"  without check: angel CPU {idle_cpu:.2f} s")
    print(f"  with http check every 1 s: angel CPU {cpu:.2f} s, checks answered {answers} "
          f"({answers / args.seconds:.0f}/s), CHECK FAILED lines {failed}, angel threads {nthreads}")
    if answers:
        per = (cpu - idle_cpu) / answers * 1e6
        print(f"  angel CPU per check: {per:.1f} us ({cpu / answers * 1e6:.1f} us before the idle baseline)")


if __name__ == "__main__":
    main()
