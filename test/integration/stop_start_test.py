#!/usr/bin/env python3
"""angelctl stop and start with real processes: a stopped program's process is gone and
is not restarted after its `delay`, a HUP (even one that changes it) keeps it down, start
brings it back; a served block with `count` stops every instance and starts back to its
count; start runs a done one-shot again.

usage: stop_start_test.py ANGEL ANGELCTL TEST
       (TEST: plain | served | one-shot)
Exit 0 = pass, 1 = fail, 77 = skipped (ctest's SKIP_RETURN_CODE).
"""
import os
import re
import signal
import sys

import angelctl_test
from angelctl_test import PYTHON, SERVE, Angel, expect
from support import alive, free_port, run_in_work_dir, wait_for, who, write


def reload(a, body):
    write(a.conf, f'control = "{a.sock}"\n' + body)
    a.proc.send_signal(signal.SIGHUP)


def ticks(work):
    """Runs of the ticker: a program that exits at once and is restarted every second; it
    shows time passing and the loop turning, so that an absence can be waited for."""
    try:
        with open(os.path.join(work, "ticks")) as f:
            return f.read().count("t")
    except FileNotFoundError:
        return 0


def ticker(work):
    write(os.path.join(work, "tick.sh"), f'echo t >> "{work}/ticks"\n')
    return f'ticker {{\n  exec = "/bin/sh {work}/tick.sh"\n  delay = 1\n}}\n'


def wait_ticks(work, n):
    """Waits until the ticker ran `n` more times (at least n - 1 seconds)."""
    start = ticks(work)
    wait_for(lambda: ticks(work) >= start + n, 30, f"{n} more ticks")


def plain(work):
    """stop: the process gets TERM and goes; not restarted after its delay; a HUP that keeps
    it, and one that changes it, leave it stopped; start runs the desired spec."""
    def block(seconds):
        return f'p {{\n  exec = "sleep {seconds}"\n  delay = 1\n  termgrace = 5\n}}\n'
    a = Angel(work, block(1000) + ticker(work))
    try:
        a.up()
        pid = a.running("p")["pid"]
        r = a.ctl("stop", "p")
        expect(r, 0, "p stopped\n")
        assert not alive(pid), "the stopped process is still alive"
        assert a.one("p")["state"] == "stopped" and a.one("p")["pid"] == 0, a.one("p")
        expect(a.ctl("status", "p"), 3, re.compile(r"p\s+stopped\s+-\s+restarts 0\s+last signal 15 \(TERM\)\n"))
        wait_ticks(work, 4)  # several times its delay
        assert a.one("p")["state"] == "stopped", a.one("p")
        assert a.children("sleep") == [], a.children("sleep")
        expect(a.ctl("stop", "p"), 0, "p is already stopped\n")
        # HUPs: the same block, then a changed one; the poll after each.
        for seconds in (1000, 2000):
            mark = len(a.messages())
            reload(a, block(seconds) + ticker(work))
            a.wait("{config-monitor} HUP caught, reloading config", 20, mark)
            wait_ticks(work, 3)
            assert a.one("p")["state"] == "stopped", a.one("p")
            assert a.children("sleep") == [], a.children("sleep")
        m = a.messages()
        assert m.count("{- program: p -} STOP asked by angelctl") == 1, a.log()
        assert m.count("{- program: p -} STOPPED by angelctl: not restarted before angelctl start") == 1, a.log()
        # start: the changed spec runs.
        r = a.ctl("start", "p")
        new = a.running("p")["pid"]
        expect(r, 0, f"p started (pid {new})\n")
        assert a.children("sleep 2000") == [new], a.children("sleep")
        expect(a.ctl("start", "p"), 0, "p is already running\n")
        # Unknown ids are errors, as for restart.
        expect(a.ctl("stop", "nope"), 1, "", "angelctl: no program nope\n")
        expect(a.ctl("start", "nope"), 1, "", "angelctl: no program nope\n")
        # A HUP that removes a stopped program forgets it: back in the config, it starts.
        expect(a.ctl("stop", "p"), 0, "p stopped\n")
        mark = len(a.messages())
        reload(a, ticker(work))
        a.wait("{- program: p -} QUIT", 20, mark)
        reload(a, block(3000) + ticker(work))
        a.running("p")
        a.stop()
    finally:
        a.close()


def served(work):
    """stop of a served block with count 2: every instance goes, none starts; start brings
    both back, and they answer on the port."""
    port = free_port()
    a = Angel(work, f'web {{\n  exec = "{PYTHON} {SERVE} --ready notify"\n  listen = "{port}"\n'
                    f'  ready = "notify"\n  count = 2\n  delay = 1\n  env {{\n    PYTHONCOERCECLOCALE = "0"\n  }}\n}}\n'
                    + ticker(work))
    try:
        a.up()
        pids = sorted(a.running(id)["pid"] for id in ("web-1", "web-2"))
        r = a.ctl("stop", "web")
        expect(r, 0, "web-1 stopped\nweb-2 stopped\n")
        for pid in pids:
            wait_for(lambda pid=pid: not alive(pid), 20, f"pid {pid} gone")
        assert [s["state"] for s in a.status("web")] == ["stopped", "stopped"], a.status("web")
        wait_ticks(work, 4)
        assert a.children(SERVE) == [], a.children(SERVE)
        assert [s["state"] for s in a.status("web")] == ["stopped", "stopped"], a.status("web")
        r = a.ctl("start", "web")
        assert r.returncode == 0 and re.fullmatch(r"web-1 started \(pid \d+\)\nweb-2 started \(pid \d+\)\n", r.stdout), r
        fresh = sorted(a.running(id)["pid"] for id in ("web-1", "web-2"))
        assert set(fresh).isdisjoint(pids), (fresh, pids)
        assert int(who(port)["pid"]) in fresh, who(port)
        a.stop()
    finally:
        a.close()


def one_shot(work):
    """start runs a done one-shot again; stop holds a one-shot down against a HUP that
    changes it (which would run it again)."""
    write(os.path.join(work, "m.sh"), f'echo run >> "{work}/m.runs"\nexit 0\n')

    def block(okexit):
        return f'm {{\n  exec = "/bin/sh {work}/m.sh"\n  restart = "never"\n  okexit = {okexit}\n}}\n'

    def runs():
        try:
            with open(os.path.join(work, "m.runs")) as f:
                return f.read().count("run")
        except FileNotFoundError:
            return 0
    a = Angel(work, block(0) + ticker(work))
    try:
        a.up()
        a.wait('{- program: m -} DONE, not restarted (restart = "never"): exit 0', 20)
        r = a.ctl("start", "m")
        assert r.returncode == 0 and re.fullmatch(r"m started (\(pid \d+\)|and ended \(exit 0\))\n", r.stdout), r
        wait_for(lambda: runs() == 2, 20, "the second run")
        wait_for(lambda: a.one("m")["state"] == "done", 20, "m done again")
        expect(a.ctl("stop", "m"), 0, "m stopped\n")
        mark = len(a.messages())
        reload(a, block("[0, 1]") + ticker(work))
        a.wait("{config-monitor} HUP caught, reloading config", 20, mark)
        wait_ticks(work, 3)
        assert runs() == 2 and a.one("m")["state"] == "stopped", (runs(), a.one("m"))
        a.stop()
    finally:
        a.close()


TESTS = {"plain": plain, "served": served, "one-shot": one_shot}


def main():
    return angelctl_test.run_from_argv(TESTS, __doc__)


if __name__ == "__main__":
    sys.exit(main())
