#!/usr/bin/env python3
"""examples/node/ end to end: the real angel running the Node example (server.js on the socket
angel holds, ready = "fd:4", draining on TERM) with its own angel.conf, under load.

usage: node_test.py ANGEL TEST       (TEST: rollout | failed-deploy)
Exit 0 = pass, 1 = fail. `node` must be on PATH (scripts/install-deps installs nodejs).
"""
import os
import shutil
import subprocess
import sys
import threading
import time

from chaos import load_client  # bench/load_client.py, which chaos.py puts on the path
from serve_test import Angel
from support import free_port, run_in_work_dir, wait_for

# angel's TERM waits each instance's termgrace (10 s in the example) in turn: 2 of them, and a margin.
STOP_SECONDS = 45
EXAMPLE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "node"))


def example_config(port, version, script=None):
    """examples/node/angel.conf as shipped, with the test's port, node and version (or script)."""
    node = shutil.which("node")
    assert node, "node is not installed (scripts/install-deps installs Debian's nodejs)"
    with open(os.path.join(EXAMPLE, "angel.conf")) as f:
        conf = f.read()
    for old, new in (('"8081"', f'"{port}"'), ("/usr/bin/node ", node + " "),
                     ("server.js 1 ", f"{script or os.path.join(EXAMPLE, 'server.js')} {version} ")):
        assert old in conf, f"examples/node/angel.conf has no {old!r}"
        conf = conf.replace(old, new)
    return conf


def answer(port):
    """(version, pid) of the instance that answered one request (Node answers HTTP/1.1)."""
    return load_client.one_request(None, ("127.0.0.1", port), 5.0)


class Load:
    """bench/load_client.py's load in a thread (every failure counted), and the most server.js
    instances alive at once, sampled every 50 ms."""

    def __init__(self, port, angel):
        self.angel, self.stop, self.result, self.most = angel, threading.Event(), {}, 0
        self.thread = threading.Thread(daemon=True, target=lambda: self.result.update(
            load_client.run(f"127.0.0.1:{port}", 3600, 4, 5.0, self.stop)))
        self.sampler = threading.Thread(daemon=True, target=self.sample)
        self.thread.start()
        self.sampler.start()

    def sample(self):
        while not self.stop.is_set():
            self.most = max(self.most, len(self.angel.children("server.js")))
            time.sleep(0.05)

    def finish(self):
        self.stop.set()
        self.thread.join(20)
        self.sampler.join(5)
        r = self.result
        assert r.get("ok", 0) >= 20, f"only {r.get('ok')} answers"
        assert r["failed"] == 0, f"{r['failed']} of {r['total']} requests failed: {r['failure_times'][:5]}"
        return r


def under_load(binary, work, port, conf, scenario):
    """angel on `conf` until web-1 and web-2 are READY, then scenario(angel, load, their pids)
    under load, then TERM; angel's log is printed when something fails."""
    a = Angel(binary, work, conf)
    load = None
    try:
        a.wait("{- program: web-1 -} READY", 30)
        a.wait("{- program: web-2 -} READY", 30)
        old = a.children("server.js")
        assert len(old) == 2, old
        load = Load(port, a)
        scenario(a, load, old)
        a.stop(STOP_SECONDS)
    except (AssertionError, subprocess.TimeoutExpired):
        print(a.log())
        raise
    finally:
        if load:
            load.stop.set()
        a.close()


def rollout(binary, work):
    """v1 -> v2 by HUP under load: every instance becomes READY by its newline on fd 4, no request
    fails, never more than count + surge instances, v2 answers and v1 is gone."""
    port = free_port()

    def scenario(a, load, old):
        assert {answer(port)[0] for _ in range(4)} == {"1"}
        time.sleep(1)  # let the load run on v1 a while (not a wait for correctness)
        hup_at = len(a.messages())
        a.hup(example_config(port, 2))
        a.wait("{process-monitor} Rollout done: web", 60, hup_at)
        wait_for(lambda: set(a.children("server.js")).isdisjoint(old), 20, "the old instances to exit")
        answers = {answer(port) for _ in range(10)}
        assert {v for v, _ in answers} == {"2"}, f"after the rollout: {answers}"
        time.sleep(1)
        r = load.finish()
        assert set(r["versions"]) == {"1", "2"}, f"versions answered under load: {list(r['versions'])}"
        assert load.most <= 3, f"{load.most} instances alive at once, more than count + surge = 3"
        m = a.messages()[hup_at:]
        for slot in ("web-1", "web-2"):
            assert f"{{- program: {slot} -}} READY" in m and f"{{- program: {slot} -}} ENDED (replaced)" in m, \
                "\n".join(m)
    under_load(binary, work, port, example_config(port, 1), scenario)


def failed_deploy(binary, work):
    """A version that throws at start-up (exits before it is ready): NOT READY in the log, the
    old instances keep serving every request, none fails; HUP back to v1 leaves them alone."""
    port = free_port()
    broken = os.path.join(work, "broken.js")
    with open(broken, "w") as f:
        f.write("'use strict';\nthrow new Error('version 3 cannot start');\n")
    good = example_config(port, 1)

    def scenario(a, load, old):
        hup_at = len(a.messages())
        a.hup(example_config(port, 3, broken))

        # Node exits at the exception, closing fd 4 too: angel may see either first.
        def not_ready(seconds):
            reasons = ("exited before it was ready", "closed its readiness descriptor before it was ready")
            lines = [f"NOT READY: {r}; the old instance keeps running; next try in {seconds} seconds" for r in reasons]
            return lambda: any(m.endswith(x) for m in a.messages()[hup_at:] for x in lines)
        wait_for(not_ready(2), 30, "NOT READY (next try in 2 seconds) in the log")
        wait_for(not_ready(4), 30, "the retry's NOT READY (next try in 4 seconds) in the log")
        assert set(old) <= set(a.children("server.js")), f"old {old}, alive {a.children('server.js')}"
        back_at = len(a.messages())
        a.hup(good)
        a.wait("{process-monitor} Rollout done: web", 20, back_at)
        time.sleep(1)
        r = load.finish()
        assert set(r["versions"]) == {"1"}, f"versions answered: {list(r['versions'])}"
        assert set(r["versions"]["1"]["pids"]) == set(old), f"answered by {r['versions']['1']['pids']}, old {old}"
        assert a.children("server.js") == old, f"old {old}, alive {a.children('server.js')}"
    under_load(binary, work, port, good, scenario)


TESTS = {"rollout": rollout, "failed-deploy": failed_deploy}


def main():
    angel, test = os.path.abspath(sys.argv[1]), sys.argv[2]
    return run_in_work_dir(test, TESTS[test], angel)


if __name__ == "__main__":
    sys.exit(main())
