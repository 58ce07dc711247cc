#!/usr/bin/env python3
"""The opt-in keys `critical` and `after` with real processes: a critical program that ends
for good ends angel with its status (exit 3 -> 3, killed by KILL -> 137), every other program
stopped and every pidfile removed; `after` holds a start behind a slow-to-be-ready served
program (`waiting for` in status), refuses a missing id and a cycle, and stops the program
that waits before the one it waits for.

usage: order_test.py ANGEL ANGELCTL TEST
       (TEST: critical-exit | critical-signal | after-ready | after-errors | after-shutdown)
Exit 0 = pass, 1 = fail, 77 = skipped (ctest's SKIP_RETURN_CODE).
"""
import json
import os
import re
import signal
import sys

import angelctl_test
from angelctl_test import Angel, expect
from support import alive, free_port, run_in_work_dir, wait_for, write

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "servers", "serve.py")


def reload(a, body):
    write(a.conf, f'control = "{a.sock}"\n' + body)
    a.proc.send_signal(signal.SIGHUP)


def gated(work, id, then):
    """A script that waits for the file ID.go, then runs `then` (an exit or a kill)."""
    path = os.path.join(work, f"{id}.sh")
    write(path, f'while [ ! -e "{work}/{id}.go" ]; do sleep 0.1; done\n{then}\n')
    return path


def critical_ends_angel(work, then, wanted):
    """`db` (critical, restart = "never") runs until told, then ends with `then`: angel stops
    `other` as on TERM and exits with `wanted`; no pidfile, no program left."""
    body = (f'pidfile = "{work}/angel.pid"\n'
            f'db {{\n  exec = "/bin/sh {gated(work, "db", then)}"\n  restart = "never"\n  critical = on\n}}\n'
            f'other {{\n  exec = "sleep 1000"\n  pidfile = "{work}/other.pid"\n}}\n')
    a = Angel(work, body)
    try:
        a.up()
        other = a.running("other")["pid"]
        a.running("db")
        check = angelctl_test.ctl("check", a.conf)
        assert check.returncode == 0 and "  critical = on\n" in check.stdout, check
        assert os.path.exists(f"{work}/other.pid") and os.path.exists(f"{work}/angel.pid")
        write(f"{work}/db.go", "")
        status = a.proc.wait(timeout=30)
        assert status == wanted, f"angel exited {status}, wanted {wanted}:\n{a.log()}"
        assert a.find(f"{{main}} Critical program db ended for good; initiating shutdown, exit status {wanted}") \
            is not None, a.log()
        assert a.find("{process-killer} Soft killing other") is not None, a.log()
        # As on TERM: the soft-killed program's ENDED and QUIT may come before or after
        # the last line of the shutdown (the original's order too: see the golden
        # shutdown-int-several), so that line is looked for, not read last.
        assert a.find("{main} That's all folks!") is not None, a.log()
        assert a.err() == "", a.err()
        wait_for(lambda: not alive(other), 20, "other gone")
        assert not os.path.exists(f"{work}/other.pid"), "other's pidfile left"
        assert not os.path.exists(f"{work}/angel.pid"), "angel's pidfile left"
        assert not os.path.exists(a.sock), "control socket left"
    finally:
        a.close()


def critical_exit(work):
    critical_ends_angel(work, "exit 3", 3)


def critical_signal(work):
    critical_ends_angel(work, "kill -KILL $$", 128 + signal.SIGKILL)


def served(id, port, delay):
    return (f'{id} {{\n  exec = "{sys.executable} {SERVER} --ready notify --ready-delay {delay}"\n'
            f'  listen = "127.0.0.1:{port}"\n  ready = "notify"\n  readytimeout = 60\n}}\n')


def after_ready(work):
    """app (after db) waits for db, served and ready 8 s after its start: `waiting for db`
    in status and --json meanwhile; db's READY comes before app's START. A HUP that adds
    a program after a running one starts it at once."""
    port = free_port("127.0.0.1")
    body = served("db", port, 8) + 'app {\n  exec = "sleep 1000"\n  after = "db"\n}\n'
    a = Angel(work, body)
    try:
        a.up()
        a.wait("{- program: app -} WAITING for db", 20)
        assert a.find("{- program: db -} READY") is None, "db ready too soon for this test"
        s = a.one("app")
        assert s["state"] == "waiting" and s["waiting_for"] == ["db"] and s["pid"] == 0, s
        r = a.ctl("status", "app")
        expect(r, 3, re.compile(r"app\s+waiting\s+-\s+waiting for db\s+restarts 0\n"))
        ready = a.wait("{- program: db -} READY", 30)
        start = a.wait("{- program: app -} START", 20)
        assert ready < start, a.log()
        a.running("app")
        mark = len(a.messages())
        reload(a, body + 'late {\n  exec = "sleep 1000"\n  after = ["app", "db"]\n}\n')
        a.wait("{- program: late -} START", 20, mark)
        assert a.find("{- program: late -} WAITING for…", mark) is None, a.log()
        a.stop()
    finally:
        a.close()


def after_errors(work):
    """A cycle or a missing id is a config error: refused at start-up (nothing runs), on a
    HUP (the last good set stays), and by angelctl check."""
    cycle = ('a {\n  exec = "sleep 1000"\n  after = "b"\n}\n'
             'b {\n  exec = "sleep 1000"\n  after = "a"\n}\n')
    missing = 'a {\n  exec = "sleep 1000"\n  after = "nope"\n}\n'
    a = Angel(work, cycle)
    try:
        a.up()
        a.wait("{config-monitor}  <<<< Config Error: Skipping reload >>>>", 20)
        assert "a: 'after' makes a cycle: a -> b -> a" in a.log(), a.log()
        assert a.find("{- program: a -} START") is None and a.find("{- program: b -} START") is None
        check = angelctl_test.ctl("check", a.conf)
        assert check.returncode == 1 and "a: 'after' makes a cycle: a -> b -> a" in check.stderr, check
        good = 'a {\n  exec = "sleep 1000"\n}\nb {\n  exec = "sleep 1000"\n  after = "a"\n}\n'
        mark = len(a.messages())
        reload(a, good)
        a.wait("{- program: b -} RUNNING", 20, mark)
        mark = len(a.messages())
        reload(a, missing)
        a.wait("{config-monitor}  <<<< Config Error: Skipping reload >>>>", 20, mark)
        assert "a: 'after' names \"nope\", which is no program of the config" in a.log(), a.log()
        a.running("a")
        a.running("b")
        a.stop()
    finally:
        a.close()


def trapper(work, id, termgrace=None):
    """A program that appends its id to ORDER on TERM, then exits."""
    path = os.path.join(work, f"{id}.sh")
    write(path, f'trap \'echo {id} >> "{work}/order"; exit 0\' TERM\n'
                f'touch "{work}/{id}.up"\nwhile :; do sleep 1 & wait $!; done\n')
    grace = f"  termgrace = {termgrace}\n" if termgrace else ""
    return f'{id} {{\n  exec = "/bin/sh {path}"\n{grace}'


def after_shutdown(work):
    """web waits for db: at shutdown web gets TERM (and its grace) before db, although id
    order would stop db first."""
    body = trapper(work, "db") + "}\n" + trapper(work, "web", 3) + '  after = "db"\n}\n'
    a = Angel(work, body)
    try:
        a.up()
        for id in ("db", "web"):
            wait_for(lambda id=id: os.path.exists(f"{work}/{id}.up"), 20, f"{id} up")
        a.stop()
        wait_for(lambda: os.path.exists(f"{work}/order") and open(f"{work}/order").read().count("\n") == 2, 20,
                 "both stopped")
        assert open(f"{work}/order").read() == "web\ndb\n", open(f"{work}/order").read()
        web, db = a.find("{process-killer} Attempting soft kill web before hard killing"), \
            a.find("{process-killer} Soft killing db")
        assert web is not None and db is not None and web < db, a.log()
    finally:
        a.close()


TESTS = {"critical-exit": critical_exit, "critical-signal": critical_signal, "after-ready": after_ready,
         "after-errors": after_errors, "after-shutdown": after_shutdown}


def main():
    return angelctl_test.run_from_argv(TESTS, __doc__)


if __name__ == "__main__":
    sys.exit(main())
