#!/usr/bin/env python3
"""Health checks (`check`) with real processes: an HTTP server that is SIGSTOPped is replaced
within checkevery x checkfails plus the grace; a tcp check against a closed port; an exec
probe that hangs is killed with its group at its timeout and leaves no zombie; a served
program whose instance stops answering is replaced start-first, requests still answered;
`angelctl status` shows the checks; a `watchdog` program that stops pinging is replaced.

usage: health_test.py ANGEL ANGELCTL TEST
       (TEST: http-stopped | tcp-closed | exec-hang | served | status | watchdog)
Exit 0 = pass, 1 = fail, 77 = skipped (ctest's SKIP_RETURN_CODE).
"""
import os
import re
import signal
import sys
import threading
import time

import angelctl_test
from angelctl_test import Angel, expect
from support import free_port, get, processes, run_in_work_dir, wait_for, who, write

SERVE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "servers", "serve.py"))
PYTHON = sys.executable


def http_program(port, every=1, timeout=1, fails=3, grace=2):
    return (f'web {{\n  exec = "{PYTHON} -m http.server {port} --bind 127.0.0.1"\n'
            f'  check = "http://127.0.0.1:{port}/"\n  checkevery = {every}\n  checktimeout = {timeout}\n'
            f'  checkfails = {fails}\n  termgrace = {grace}\n  delay = 30\n}}\n')


def answers(port):
    try:
        get(port, "/", timeout=1)
        return True
    except (OSError, AssertionError):
        return False


def health_of(a, id):
    return a.one(id).get("health") or {}


def http_stopped(work):
    """SIGSTOP: connects succeed (the kernel's backlog), answers never come: three timeouts in
    a row, TERM (pending while stopped), KILL after termgrace, a new server at once (not after
    `delay` = 30)."""
    port = free_port()
    a = Angel(work, http_program(port))
    try:
        a.up()
        # The server answers from its first good check on. Before it, a Python slow to start
        # under load may fail a check (connection refused), rightly, or even be restarted:
        # the test takes its pid, and a mark in the log, only then.
        wait_for(lambda: health_of(a, "web").get("last") == "ok", 20, "a first good check")
        old = a.running("web")["pid"]
        mark = len(a.messages())
        checks = health_of(a, "web").get("checks", 0)
        wait_for(lambda: health_of(a, "web").get("checks", 0) >= checks + 2, 20, "two more checks")
        assert a.find("{- program: web -} CHECK FAILED: …", mark) is None, a.log()
        assert a.one("web")["pid"] == old, a.log()
        os.kill(old, signal.SIGSTOP)
        stopped = time.monotonic()
        # 3 checks of 1 s each, a period apart, the stagger, the 2 s grace: well within 20 s.
        a.wait("{- program: web -} CHECK FAILED: timeout after 1 s", 20)
        a.wait("{- program: web -} UNHEALTHY, restarting: 3 checks failed in a row", 20)
        a.wait("{process-killer} Hard killing web", 20)
        wait_for(lambda: a.one("web")["pid"] not in (0, old) and a.one("web")["state"] == "running", 20, "a new web")
        took = time.monotonic() - stopped
        assert took < 1 * 3 + 1 * 3 + 2 + 2 + 5, f"replaced after {took:.1f} s"
        wait_for(lambda: answers(port), 20, "the new server answering")
        wait_for(lambda: gone(old), 10, "the stopped server reaped")
        a.stop()
    finally:
        a.close()


def refused(work, fails, more=""):
    """angel with `w` checking a closed port every second (`more`: other blocks)."""
    port = free_port()
    return Angel(work, f'w {{\n  exec = "sleep 1000"\n  check = "tcp:127.0.0.1:{port}"\n  checkevery = 1\n'
                       f'  checkfails = {fails}\n  delay = 30\n}}\n' + more)


def tcp_closed(work):
    """A closed port: `connect: connection refused`, and the checkfails-th replaces it."""
    a = refused(work, 2)
    try:
        a.up()
        old = a.running("w")["pid"]
        a.wait("{- program: w -} CHECK FAILED: connect: connection refused", 20)
        a.wait("{- program: w -} UNHEALTHY, restarting: 2 checks failed in a row", 20)
        wait_for(lambda: a.one("w")["pid"] not in (0, old), 20, "a new w")
        assert a.messages().count("{- program: w -} UNHEALTHY, restarting: 2 checks failed in a row") >= 1
        a.stop()
    finally:
        a.close()


PROBE = """#!/bin/sh
echo $$ >> "{work}/probes"
sleep 1234 &
echo $! >> "{work}/sleeps"
wait
"""


def lines(path):
    try:
        with open(path) as f:
            return [int(x) for x in f.read().split()]
    except FileNotFoundError:
        return []


def gone(pid):
    """Neither alive nor a zombie: reaped (a zombie keeps its /proc entry)."""
    return not os.path.exists(f"/proc/{pid}")


def exec_hang(work):
    """A probe that hangs (and starts a grandchild) is killed with its whole group at its
    timeout, reaped by angel (no zombie), and its end is not taken for the program's."""
    probe = os.path.join(work, "probe.sh")
    write(probe, PROBE.format(work=work), 0o755)
    a = Angel(work, f'w {{\n  exec = "sleep 1000"\n  check = "exec:{probe} x"\n  checkevery = 3\n'
                    f'  checktimeout = 1\n  checkfails = 100\n}}\n')
    try:
        a.up()
        pid = a.running("w")["pid"]
        a.wait("{- program: w -} CHECK FAILED: timeout after 1 s", 20)
        wait_for(lambda: lines(f"{work}/probes") and lines(f"{work}/sleeps"), 10, "the first probe's pids")
        first, sleeper = lines(f"{work}/probes")[0], lines(f"{work}/sleeps")[0]
        wait_for(lambda: gone(first), 10, f"probe {first} reaped")
        wait_for(lambda: gone(sleeper), 10, f"its grandchild {sleeper} killed with the group")
        zombies = [p for p in processes() if p[1] == a.proc.pid and p[2] == "Z"]
        wait_for(lambda: not [p for p in processes() if p[1] == a.proc.pid and p[2] == "Z" and p[0] == first], 5,
                 f"no zombie (saw {zombies})")
        assert a.one("w")["pid"] == pid and a.find("{- program: w -} ENDED") is None, a.log()
        a.stop()
        # Shutdown kills a probe in flight with its group: nothing of it is left.
        for p in lines(f"{work}/probes") + lines(f"{work}/sleeps"):
            wait_for(lambda p=p: gone(p), 10, f"{p} gone after shutdown")
    finally:
        a.close()


def served(work):
    """A served instance stops answering (SIGSTOP): RECYCLE, a new instance, ready, serving;
    a request sent while the old one hangs is answered (by the new one); the old one goes."""
    port = free_port()
    a = Angel(work, f'web {{\n  exec = "{PYTHON} {SERVE} --version 1 --ready notify"\n'
                    f'  listen = "{port}"\n  ready = "notify"\n'
                    f'  env {{\n    PYTHONCOERCECLOCALE = "0"\n  }}\n'
                    f'  check = "http://127.0.0.1:{port}/"\n  checkevery = 1\n  checktimeout = 1\n'
                    f'  checkfails = 2\n  termgrace = 2\n}}\n')
    try:
        a.up()
        a.wait("{- program: web -} READY", 20)
        old = int(who(port)["pid"])
        wait_for(lambda: health_of(a, "web").get("last") == "ok", 20, "a first good check")
        os.kill(old, signal.SIGSTOP)
        got = {}

        def request():
            try:
                got["who"] = who(port, timeout=30)
            except Exception as e:  # noqa: BLE001 - reported below
                got["error"] = repr(e)
        t = threading.Thread(target=request)
        t.start()
        a.wait("{- program: web -} RECYCLE: unhealthy: 2 checks failed in a row", 20)
        mark = a.find("{- program: web -} RECYCLE: unhealthy: 2 checks failed in a row")
        a.wait("{- program: web -} READY", 20, mark)
        a.wait(f"{{- program: web -}} RETIRING pid {old}", 20, mark)
        t.join(40)
        assert "who" in got and int(got["who"]["pid"]) != old, got
        for _ in range(5):
            assert int(who(port)["pid"]) != old
        wait_for(lambda: gone(old), 20, "the stopped instance killed after termgrace")
        a.stop()
    finally:
        a.close()


def status(work):
    """angelctl status shows the checks (the failures in a row and the reason) and --json the same; none for a program without `check`."""
    a = refused(work, 1000, 'plain {\n  exec = "sleep 1000"\n}\n')
    try:
        a.up()
        a.wait("{- program: w -} CHECK FAILED: connect: connection refused", 20)
        wait_for(lambda: health_of(a, "w").get("failures", 0) >= 2, 20, "two failures")
        h = health_of(a, "w")
        assert h["last"] == "connect: connection refused" and h["checks"] >= 2, h
        assert "health" not in a.one("plain"), a.one("plain")
        expect(a.ctl("status", "w"), 0, re.compile(r"w\s+running\s+.*health: \d+ failed \(connect: connection refused\)\n"))
        expect(a.ctl("status", "plain"), 0, re.compile(r"plain\s+running\s+[^h]*\n"))
        a.stop()
    finally:
        a.close()


PINGER = """import os, socket, sys, time
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\\0" + addr[1:]
with open(sys.argv[1] + "." + str(os.getpid()), "w") as f:
    f.write(os.environ.get("WATCHDOG_USEC", "-") + " " + os.environ.get("WATCHDOG_PID", "-"))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"READY=1", addr)
for _ in range(int(sys.argv[2])):
    time.sleep(0.5)
    s.sendto(b"WATCHDOG=1", addr)
time.sleep(1000)
"""


def watchdog(work):
    """systemd's protocol: WATCHDOG_USEC and WATCHDOG_PID (the instance's own pid) in its
    environment; WATCHDOG=1 every 0.5 s keeps it (watchdog = 4: a pinger starved of the CPU
    for 3 s still keeps it); once it stops pinging, `WATCHDOG: no keep-alive for 4 seconds`
    and a start-first replacement."""
    write(os.path.join(work, "pinger.py"), PINGER)
    port = free_port()
    a = Angel(work, f'web {{\n  exec = "{PYTHON} {work}/pinger.py {work}/env 12"\n  listen = "{port}"\n'
                    f'  ready = "notify"\n  watchdog = 4\n  termgrace = 1\n}}\n')
    try:
        a.up()
        a.wait("{- program: web -} READY", 20)
        started = time.monotonic()
        # 12 pings take 6 s, then 4 s without: about 10 s. An angel deaf to the pings
        # would fire 4 s after READY.
        a.wait("{- program: web -} WATCHDOG: no keep-alive for 4 seconds", 40)
        assert time.monotonic() - started > 6, "replaced while it still pinged"
        mark = a.find("{- program: web -} WATCHDOG: no keep-alive for 4 seconds")
        a.wait("{- program: web -} RECYCLE: unhealthy: watchdog", 10, mark)
        a.wait("{- program: web -} READY", 20, mark)
        a.wait("{- program: web -} RETIRING pid …", 20, mark)
        envs = {f.split(".")[-1]: open(os.path.join(work, f)).read() for f in os.listdir(work) if f.startswith("env.")}
        assert len(envs) >= 2, envs
        for pid, text in envs.items():
            assert text == f"4000000 {pid}", (pid, text)
        a.stop()
    finally:
        a.close()


TESTS = {"http-stopped": http_stopped, "tcp-closed": tcp_closed, "exec-hang": exec_hang, "served": served,
         "status": status, "watchdog": watchdog}


def main():
    return angelctl_test.run_from_argv(TESTS, __doc__)


if __name__ == "__main__":
    sys.exit(main())
