#!/usr/bin/env python3
"""The opt-in policy keys of a plain program with real processes: `stopsignal` delivers its
signal (at a HUP's kill and at shutdown), `restart` and `okexit` with real exit statuses,
and `angelctl status` showing done and failed.

usage: policy_test.py ANGEL ANGELCTL TEST
       (TEST: stopsignal | on-failure | never)
Exit 0 = pass, 1 = fail, 77 = skipped (ctest's SKIP_RETURN_CODE).
"""
import os
import re
import signal
import sys

import angelctl_test
from angelctl_test import Angel, expect
from support import run_in_work_dir, wait_for, write

# A program that writes the name of the first stop signal it gets to its argument's file.
RECORDER = """import signal, sys, time
def got(sig, frame):
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(signal.Signals(sig).name)
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    sys.exit(0)
for s in (signal.SIGTERM, signal.SIGQUIT, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, got)
open(sys.argv[1] + ".up", "w").close()
while True:
    time.sleep(1)
"""


def read(path):
    with open(path) as f:
        return f.read()


def reload(a, body):
    write(a.conf, f'control = "{a.sock}"\n' + body)
    a.proc.send_signal(signal.SIGHUP)


def recorder(work, id, stopsignal=None):
    key = f'  stopsignal = "{stopsignal}"\n' if stopsignal else ""
    return f'{id} {{\n  exec = "{sys.executable} {work}/recorder.py {work}/{id}.got"\n  termgrace = 5\n{key}}}\n'


def stopsignal(work):
    """QUIT at a HUP that removes the program, and at angel's shutdown; TERM without the key."""
    write(os.path.join(work, "recorder.py"), RECORDER)
    a = Angel(work, recorder(work, "q1", "QUIT") + recorder(work, "q2", "QUIT") + recorder(work, "t"))
    try:
        a.up()
        for id in ("q1", "q2", "t"):
            wait_for(lambda id=id: os.path.exists(f"{work}/{id}.got.up"), 20, f"{id} up")
        reload(a, recorder(work, "q2", "QUIT") + recorder(work, "t"))
        wait_for(lambda: os.path.exists(f"{work}/q1.got"), 20, "q1 got a signal")
        assert read(f"{work}/q1.got") == "SIGQUIT", read(f"{work}/q1.got")
        a.wait("{process-killer} Attempting soft kill q1 before hard killing", 10)
        a.wait("{- program: q1 -} QUIT", 20)
        a.stop()
        assert read(f"{work}/q2.got") == "SIGQUIT", read(f"{work}/q2.got")
        assert read(f"{work}/t.got") == "SIGTERM", read(f"{work}/t.got")
    finally:
        a.close()


def one_shot(id, script, restart, okexit=None):
    key = f"  okexit = {okexit}\n" if okexit is not None else ""
    return f'{id} {{\n  exec = "/bin/sh {script}"\n  restart = "{restart}"\n  delay = 1\n{key}}}\n'


def exits(work, id, status):
    """A script that counts its runs in ID.runs, then exits with `status`."""
    path = os.path.join(work, f"{id}.sh")
    write(path, f'echo run >> "{work}/{id}.runs"\nexit {status}\n')
    return path


def runs(work, id):
    try:
        return read(f"{work}/{id}.runs").count("run")
    except FileNotFoundError:
        return 0


def on_failure(work):
    """Exit 3 is restarted, exit 0 is done; okexit = [0, 3] makes 3 a success."""
    body = (one_shot("ok", exits(work, "ok", 0), "on-failure") +
            one_shot("bad", exits(work, "bad", 3), "on-failure") +
            one_shot("listed", exits(work, "listed", 3), "on-failure", "[0, 3]"))
    a = Angel(work, body)
    try:
        a.up()
        a.wait('{- program: ok -} DONE, not restarted (restart = "on-failure"): exit 0', 20)
        a.wait('{- program: listed -} DONE, not restarted (restart = "on-failure"): exit 3', 20)
        wait_for(lambda: runs(work, "bad") >= 3, 20, "bad restarted twice")
        wait_for(lambda: a.one("ok")["state"] == "done", 20, "ok done")
        assert a.one("listed")["state"] == "done"
        assert runs(work, "ok") == 1 and runs(work, "listed") == 1, (runs(work, "ok"), runs(work, "listed"))
        assert a.messages().count("{- program: ok -} START") == 1, a.log()
        a.stop()
    finally:
        a.close()


def never(work):
    """Exit 0: done, exit 3: failed, neither restarted by the polls; status shows them; a HUP
    that keeps the spec keeps them, one that changes it runs it again."""
    body = one_shot("ok", exits(work, "ok", 0), "never") + one_shot("bad", exits(work, "bad", 3), "never")
    a = Angel(work, body)
    try:
        a.up()
        a.wait('{- program: ok -} DONE, not restarted (restart = "never"): exit 0', 20)
        a.wait('{- program: bad -} FAILED, not restarted (restart = "never"): exit 3', 20)
        expect(a.ctl("status", "ok"), 0, re.compile(r"ok\s+done\s+.*last exit 0\n"))
        expect(a.ctl("status", "bad"), 3, re.compile(r"bad\s+failed\s+.*last exit 3\n"))
        r = a.ctl("restart", "ok")
        expect(r, 1, None, None)
        assert "ok is done" in r.stdout + r.stderr, r
        # The same blocks again, and a new one whose start shows the sync ran: kept ended.
        mark = len(a.messages())
        reload(a, body + 'marker {\n  exec = "sleep 100"\n}\n')
        a.wait("{- program: marker -} RUNNING", 20, mark)
        assert runs(work, "ok") == 1 and runs(work, "bad") == 1
        assert a.one("ok")["state"] == "done" and a.one("bad")["state"] == "failed"
        # A changed block runs again.
        changed = one_shot("ok", exits(work, "ok", 0), "never", "[0, 1]") + one_shot("bad", exits(work, "bad", 3), "never")
        mark = len(a.messages())
        reload(a, changed)
        a.wait("{- program: ok -} START", 20, mark)
        a.wait('{- program: ok -} DONE, not restarted (restart = "never"): exit 0', 20, mark)
        assert runs(work, "ok") == 2 and runs(work, "bad") == 1, (runs(work, "ok"), runs(work, "bad"))
        a.stop()
    finally:
        a.close()


TESTS = {"stopsignal": stopsignal, "on-failure": on_failure, "never": never}


def main():
    return angelctl_test.run_from_argv(TESTS, __doc__)


if __name__ == "__main__":
    sys.exit(main())
