#!/usr/bin/env python3
"""Rollout benchmark: what clients see while angel deploys a new version, and a broken one.

Prints figures; asserts nothing about timing. Each scenario runs angel (build/angel) in a
temp dir with test/servers/serve.py as the program on a free TCP port, and keeps
bench/load_client.py's load (one connection per request, every failure counted) running
for the whole scenario, while a sampler counts every 20 ms the serve.py processes that
are children of angel (/proc: PPid == angel's pid, cmdline contains serve.py).

Scenarios:
  A   served, count 2: the opt-in keys (listen = "PORT", ready = "notify", surge 1 by
      default, termgrace 5, delay 1): angel holds the port, start-first rollout.
  A1  the same with count 1.
  B   original, count 1: no new keys, serve.py binds the port itself (--bind PORT), so a
      changed spec means TERM the old one, restart it `delay` seconds after it died. Only
      count 1: two processes cannot both bind the port (no SO_REUSEPORT in serve.py).
Phases of each: ~3 s steady on version 1; HUP with version 2 (A: until "Rollout done: web"
in angel's log, B: until version 2 answers), then ~3 s; HUP with version 3, which runs
--crash-before-ready (A: until angel logged "NOT READY" twice, i.e. the retry, then ~3 s;
B: 8 s). Figures: requests, failures by kind and by phase, per version counts and first/
last times relative to the HUPs, the last version 1 response relative to the end of the
rollout, whether version 3 was ever served, and the most serve.py instances alive at once
(A: against count + surge).

usage: rollout_bench.py [--angel build/angel] [--scenarios A,A1,B] [--steady 3]
                        [--concurrency 8] [--timeout 2] [--json]
With --json the report goes to stderr and one JSON object to stdout. Whole run: ~1 minute.
A scenario that times out reports what it saw plus angel's log tail and the next one runs;
the exit status is 0 unless the script itself broke. Machines are shared and noisy: compare
scenarios within one run.
"""
import argparse
import json
import shutil
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SERVE = os.path.join(ROOT, "test", "servers", "serve.py")
sys.path.insert(0, HERE)
import load_client  # noqa: E402
from procstat import kill_session  # noqa: E402

SAMPLE_SECONDS = 0.02
PHASES = ("steady", "deploy1", "broken")
PHASE_TITLES = {"steady": "steady (v1)", "deploy1": "deploy 1 (v1->v2)", "broken": "broken deploy (v3)"}
OUT = sys.stdout    # the human-readable report; stderr with --json


def say(text=""):
    print(text, file=OUT, flush=True)


class ScenarioStopped(Exception):
    """The scenario could not go on (a wait timed out, angel died): reported, not a bug."""


# ---------------------------------------------------------------------------------------
# angel, its config and its log

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def config_text(sc, port, version):
    broken = " --crash-before-ready" if version == 3 else ""
    if sc["served"]:
        return (f'web {{\n'
                f'  exec = "python3 {SERVE} --version {version} --ready notify --ready-delay 0.3{broken}"\n'
                f'  listen = "{port}"\n  ready = "notify"\n  count = {sc["count"]}\n'
                f'  termgrace = 5\n  delay = 1\n}}\n')
    return (f'web {{\n'
            f'  exec = "python3 {SERVE} --version {version} --bind {port}{broken}"\n'
            f'  count = {sc["count"]}\n  delay = 1\n  termgrace = 5\n}}\n')


def write_config(path, text):
    """Atomically, so that angel never reads half a file."""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def start_angel(angel, work, log_path):
    """Popen of `angel angel.conf`; waits (60 s at most) while the binary is being rebuilt."""
    deadline = time.monotonic() + 60
    while True:
        try:
            log = open(log_path, "ab")
            try:
                return subprocess.Popen([angel, "angel.conf"], cwd=work, stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
            finally:
                log.close()
        except OSError as e:   # missing, or ETXTBSY while the linker writes it
            if time.monotonic() > deadline:
                raise ScenarioStopped(f"cannot start {angel}: {e}")
            time.sleep(1)


def stop_angel(proc):
    """TERM, wait, then KILL the whole session (angel and whatever it left). Exit status."""
    status = None
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    finally:
        kill_session(proc.pid)
        if status is None:
            try:
                status = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                status = "did not exit"
    return status


def log_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def log_tail(path, lines=25):
    return log_bytes(path).decode("utf-8", "replace").splitlines()[-lines:]


def wait_for(what, predicate, timeout, proc, poll=SAMPLE_SECONDS):
    """Monotonic time predicate() first held; ScenarioStopped on timeout or angel's death."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return time.monotonic()
        if proc.poll() is not None:
            raise ScenarioStopped(f"angel exited ({proc.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise ScenarioStopped(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(poll)


def probe_version(target, timeout=1.0):
    """Version answering one request right now, or None."""
    try:
        family, address = load_client.parse_target(target)
        return load_client.one_request(family, address, timeout)[0]
    except Exception:
        return None


# ---------------------------------------------------------------------------------------
# how many instances are alive

def serve_children(angel_pid):
    n = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            if ppid != angel_pid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if b"serve.py" in f.read():
                    n += 1
        except (OSError, ValueError, IndexError):
            pass    # gone meanwhile
    return n


class Sampler(threading.Thread):
    """Counts angel's serve.py children every 20 ms; keeps the changes [(monotonic, n)]."""

    def __init__(self, angel_pid):
        super().__init__(name="sampler", daemon=True)
        self.angel_pid = angel_pid
        self.stop = threading.Event()
        self.changes = []
        self.samples = 0

    def run(self):
        last = None
        while not self.stop.is_set():
            n = serve_children(self.angel_pid)
            self.samples += 1
            if n != last:
                self.changes.append((time.monotonic(), n))
                last = n
            self.stop.wait(SAMPLE_SECONDS)


# ---------------------------------------------------------------------------------------
# one scenario

def run_scenario(sc, args):
    ev = {}                 # event name -> monotonic time
    out = {"name": sc["name"], "title": sc["title"], "count": sc["count"], "served": sc["served"],
           "stopped": None, "error": None}
    load_result = {}
    stop_load = threading.Event()
    load_thread = sampler = proc = None
    work = tempfile.mkdtemp(prefix=f"rollout_bench_{sc['name']}_")
    conf, log = os.path.join(work, "angel.conf"), os.path.join(work, "angel.log")
    port = free_port()
    target = f"127.0.0.1:{port}"
    out["port"] = port
    try:
        write_config(conf, config_text(sc, port, 1))
        proc = start_angel(args.angel, work, log)
        out["angel_pid"] = proc.pid
        wait_for("the port to answer", lambda: probe_version(target) is not None, 30, proc)
        sampler = Sampler(proc.pid)
        sampler.start()
        load_thread = threading.Thread(name="load", daemon=True, target=lambda: load_result.update(
            load_client.run(target, 3600, args.concurrency, args.timeout, stop_load)))
        load_thread.start()
        time.sleep(args.steady)

        def hup(version, name):
            offset = len(log_bytes(log))
            write_config(conf, config_text(sc, port, version))
            ev[name] = time.monotonic()
            proc.send_signal(signal.SIGHUP)
            return offset

        def logged(needle, times, offset):
            return lambda: log_bytes(log)[offset:].count(needle) >= times

        offset = hup(2, "hup1")
        if sc["served"]:
            ev["rollout_done"] = wait_for("'Rollout done: web'", logged(b"Rollout done: web", 1, offset), 60, proc)
        else:
            ev["v2_answers"] = wait_for("version 2 to answer", lambda: probe_version(target) == "2", 30, proc)
        time.sleep(args.steady)

        offset = hup(3, "hup2")
        out["broken_log_offset"] = offset
        if sc["served"]:
            ev["not_ready_1"] = wait_for("'NOT READY' once", logged(b"NOT READY", 1, offset), 30, proc)
            ev["not_ready_2"] = wait_for("'NOT READY' twice", logged(b"NOT READY", 2, offset), 30, proc)
            time.sleep(args.steady)
        else:
            time.sleep(8)
    except ScenarioStopped as e:
        out["stopped"] = str(e)
    except Exception:
        out["error"] = traceback.format_exc()
    finally:
        stop_load.set()
        if load_thread is not None:
            load_thread.join(args.timeout + 10)
        ev["load_stop"] = time.monotonic()
        if sampler is not None:
            sampler.stop.set()
            sampler.join(5)
        if proc is not None:
            out["angel_exit"] = stop_angel(proc)
    text = log_bytes(log)
    out["log_tail"] = log_tail(log)
    out["broken_attempts"] = text[out.get("broken_log_offset", len(text)):].count(b"Spawning process")
    out["not_ready_lines"] = text[out.get("broken_log_offset", len(text)):].count(b"NOT READY")
    out["work"] = work
    analyse(out, ev, load_result, sampler)
    if not (out["stopped"] or out["error"]):
        shutil.rmtree(work, ignore_errors=True)
    return out


def analyse(out, ev, load, sampler):
    if not load:
        out["load"] = None
        return
    start = load["start"]
    events = {k: round(v - start, 3) for k, v in sorted(ev.items(), key=lambda kv: kv[1])}
    out["events"] = events
    out["load"] = load
    bounds = [events.get("hup1"), events.get("hup2")]

    def phase_of(t):
        if bounds[0] is None or t < bounds[0]:
            return "steady"
        if bounds[1] is None or t < bounds[1]:
            return "deploy1"
        return "broken"

    # A bucket goes to the phase its end is in: failures in the bucket a HUP falls in
    # come after that HUP (and the phase before a HUP ends with seconds of steady serving).
    kinds = load["buckets"]["kinds"]
    width = load["buckets"]["width"]
    phases = {p: dict.fromkeys(kinds, 0) for p in PHASES}
    for index, *counts in load["buckets"]["rows"]:
        p = phases[phase_of((index + 1) * width)]
        for k, n in zip(kinds, counts):
            p[k] += n
    for p in phases.values():
        p["failed"] = sum(p[k] for k in load_client.KINDS)
    # Seconds without a single good response, per phase (buckets with no ok, empty ones
    # included): unlike failure counts, this does not depend on how fast the client retries.
    ok_at = {row[0]: row[1] for row in load["buckets"]["rows"]}
    last_index = int(events["load_stop"] / width) if "load_stop" in events else max(ok_at, default=0)
    for p in phases.values():
        p["no_ok_seconds"] = 0.0
    for i in range(0, last_index):
        if not ok_at.get(i):
            phases[phase_of((i + 1) * width)]["no_ok_seconds"] += width
    for p in phases.values():
        p["no_ok_seconds"] = round(p["no_ok_seconds"], 3)
    out["phases"] = phases

    versions = load["versions"]
    v1, v2, v3 = versions.get("1"), versions.get("2"), versions.get("3")
    out["v3_served"] = v3["count"] if v3 else 0
    if v1 and "rollout_done" in events:
        out["last_v1_after_rollout_done"] = round(v1["last"] - events["rollout_done"], 3)
    if v1 and v2:
        out["v1_last_to_v2_first"] = round(v2["first"] - v1["last"], 3)
    if v2 and bounds[1] is not None:
        out["last_v2_after_hup2"] = round(v2["last"] - bounds[1], 3)

    # Instances alive: overall max, and max per phase (the count in force at a phase's start
    # carries into it).
    alive = {p: 0 for p in PHASES}
    top = 0
    if sampler is not None:
        changes = [(t - start, n) for t, n in sampler.changes]
        for i, (t, n) in enumerate(changes):
            top = max(top, n)
            alive[phase_of(max(t, 0))] = max(alive[phase_of(max(t, 0))], n)
        for b, p in ((bounds[0], "deploy1"), (bounds[1], "broken")):
            if b is not None:
                before = [n for t, n in changes if t <= b]
                if before:
                    alive[p] = max(alive[p], before[-1])
        out["alive_changes"] = [[round(t, 3), n] for t, n in changes]
        out["samples"] = sampler.samples
    out["max_alive"] = top
    out["max_alive_by_phase"] = alive
    out["alive_bound"] = out["count"] + (1 if out["served"] else 0)


# ---------------------------------------------------------------------------------------
# the report

def fmt_kinds(d):
    parts = [f"{k} {d[k]}" for k in load_client.KINDS if d.get(k)]
    return ", ".join(parts) if parts else "-"


def rel(t, base):
    return "-" if t is None or base is None else f"{t - base:+.3f}"


def report(out):
    say(f"== {out['name']}: {out['title']} (port {out['port']}) ==")
    if out["stopped"]:
        say(f"!! scenario stopped: {out['stopped']}")
    if out["error"]:
        say("!! bench error:\n" + out["error"].rstrip())
    load = out.get("load")
    if not load:
        say("no load was run")
    else:
        ev = out["events"]
        say("events (s since load start): " + ", ".join(f"{k} {v:.3f}" for k, v in ev.items()))
        say(f"requests {load['total']}, ok {load['ok']}, failed {load['failed']} "
            f"({fmt_kinds(load['failures'])}), {load['rate']:.0f} requests/s over {load['duration']:.1f} s")
        say(f"  {'phase':20} {'ok':>7} {'failed':>7} {'s w/o ok':>8}  kinds")
        for p in PHASES:
            ph = out["phases"][p]
            say(f"  {PHASE_TITLES[p]:20} {ph['ok']:7d} {ph['failed']:7d} {ph['no_ok_seconds']:8.2f}  "
                f"{fmt_kinds(ph)}")
        h1, h2 = ev.get("hup1"), ev.get("hup2")
        say(f"  {'version':8} {'ok':>7} {'first-HUP1':>11} {'last-HUP1':>10} {'last-HUP2':>10}  pids")
        for name, v in load["versions"].items():
            say(f"  {name:8} {v['count']:7d} {rel(v['first'], h1):>11} {rel(v['last'], h1):>10} "
                f"{rel(v['last'], h2):>10}  {len(v['pids'])}: {' '.join(map(str, v['pids']))}")
        if "last_v1_after_rollout_done" in out:
            say(f"last v1 response after rollout done: {out['last_v1_after_rollout_done']:+.3f} s "
                f"(rollout done = when the bench saw the log line, <= 20 ms late; a request in "
                f"flight can end just after)")
        if "v1_last_to_v2_first" in out:
            x = out["v1_last_to_v2_first"]
            say(f"first v2 response - last v1 response: {x:+.3f} s "
                f"({'gap with no version answering' if x > 0 else 'no gap'})")
        if "last_v2_after_hup2" in out:
            say(f"last v2 response after the broken HUP: {out['last_v2_after_hup2']:+.3f} s")
        say(f"version 3 served: {'never' if not out['v3_served'] else str(out['v3_served']) + ' times (!)'}"
            f"; v3 spawns {out['broken_attempts']}, NOT READY lines {out['not_ready_lines']}")
        bound = "count+surge" if out["served"] else "count"
        a = out["max_alive_by_phase"]
        say(f"max serve.py alive: {out['max_alive']} ({bound} = {out['alive_bound']}); by phase: "
            + ", ".join(f"{p} {a[p]}" for p in PHASES) + f"  [{out.get('samples', 0)} samples]")
        if load["failed"]:
            say("first failures (s since load start):")
            for f in load["failure_times"][:10]:
                say(f"  {f['t']:8.3f}  {f['kind']:8} {f['detail']}")
    kept = out["stopped"] or out["error"]
    say(f"angel exit: {out.get('angel_exit')}" + (f"; work dir kept: {out['work']}" if kept else ""))
    if out["stopped"] or out["error"] or (out["served"] and load and load["failed"]):
        say("angel log tail:")
        for line in out["log_tail"]:
            say("  | " + line)
    say()


def comparison(results):
    say("== comparison ==")
    head = (f"{'scenario':26} {'requests':>8} {'failed':>7} {'failed deploy 1':>16} "
            f"{'failed broken deploy':>21} {'max alive':>10} {'v3 served':>10} {'s w/o ok d1/broken':>19}")
    say(head)
    say("-" * len(head))
    for out in results:
        load = out.get("load")
        label = f"{out['name']} {'served' if out['served'] else 'original'} count {out['count']}"
        if not load:
            say(f"{label:26} {'(no load: ' + (out['stopped'] or 'error') + ')'}")
            continue
        ph = out["phases"]
        mark = " (stopped)" if out["stopped"] or out["error"] else ""
        say(f"{label:26} {load['total']:8d} {load['failed']:7d} {ph['deploy1']['failed']:16d} "
            f"{ph['broken']['failed']:21d} {str(out['max_alive']) + '/' + str(out['alive_bound']):>10} "
            f"{('no' if not out['v3_served'] else 'YES'):>10} "
            f"{ph['deploy1']['no_ok_seconds']:9.2f}/{ph['broken']['no_ok_seconds']:.2f}{mark}")
    say("(max alive: most serve.py children of angel at once / count+surge for served, count for original;\n"
        " s w/o ok: seconds in the phase with no good response at all, in 50 ms buckets. Failure counts\n"
        " while nothing listens are capped by the client: connect() to a port with ~30k TIME_WAIT\n"
        " connections manages only ~700 refusals/s here, so compare outages by s w/o ok.)")


SCENARIOS = {
    "A": {"name": "A", "title": "served (listen, ready=notify), count 2, surge 1", "served": True, "count": 2},
    "A1": {"name": "A1", "title": "served (listen, ready=notify), count 1, surge 1", "served": True, "count": 1},
    "B": {"name": "B", "title": "original (serve.py --bind PORT), count 1 "
                                "(two instances cannot both bind the port)", "served": False, "count": 1},
}


def main():
    global OUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--angel", default=os.path.join(ROOT, "build", "angel"))
    ap.add_argument("--scenarios", default="A,A1,B")
    ap.add_argument("--steady", type=float, default=3.0, help="seconds of each steady phase")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=2.0, help="per request")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    args.angel = os.path.abspath(args.angel)
    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    for n in names:
        if n not in SCENARIOS:
            ap.error(f"unknown scenario {n!r}: one of {', '.join(SCENARIOS)}")
    if args.json:
        OUT = sys.stderr
    results = []
    broke = False
    for n in names:
        try:
            out = run_scenario(SCENARIOS[n], args)
            report(out)
        except Exception:
            broke = True
            say(f"!! scenario {n} broke the bench:\n{traceback.format_exc()}")
            continue
        broke = broke or bool(out["error"])
        results.append(out)
    comparison(results)
    if args.json:
        for out in results:
            if not (out["stopped"] or out["error"]):
                out.pop("log_tail", None)
        print(json.dumps({"scenarios": results}), flush=True)
    return 1 if broke else 0


if __name__ == "__main__":
    sys.exit(main())
