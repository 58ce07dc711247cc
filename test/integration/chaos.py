"""Chaos runs of a served program: the real angel, test/servers/serve.py as the program,
a load client, and HUPs at seeded random moments between good versions and versions that
crash before they are ready. Shared by test/integration/chaos_test.py (a few short seeds)
and bench/chaos_bench.py (many long ones).

Everything is judged from outside, as a user would see it:
  * the requests of bench/load_client.py (one connection each, every failure counted);
  * /proc, sampled every SAMPLE_SECONDS: the live serve.py processes of angel's session,
    each one's version (`--version V` in its command line), whether that version crashes
    (`--crash-before-ready`) and its age (its start time in /proc/PID/stat).
An instance of a good version counts as *serving* once it is older than the time its version
needs to be ready (a `ready = N` timer, or serve.py's --ready-delay before READY=1) less
READY_MARGIN: generous, so a correct angel never looks short, while an instance that angel
killed or never started shows at once.

The verdict (Run.problems()):
  * no failed request;
  * from the first moment `count` instances serve, never fewer than `count` serving
    instances of good versions (the invariant: a serving instance is only retired once a
    ready one replaces it), and never more than count + surge serve.py instances alive;
  * the end state, within SETTLE_TIMEOUT of the last HUP and held for HOLD_SECONDS: if the
    last config is good, exactly `count` instances, all of its version, and nothing else
    alive; if it crashes, exactly `count` serving instances of good versions (the ones
    that served before it, untouched), whatever crashing attempts come and go;
    requests then are answered by those instances only;
  * angel exits 0 on TERM with nothing on stderr.
"""
import os
import random
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import load_client  # noqa: E402
from serve_test import PYTHON, SERVE, Angel, program  # noqa: E402
from support import free_port, stat_fields, who  # noqa: E402

COUNT, SURGE = 2, 1
KEYS = (f"  surge = {SURGE}\n  termgrace = 3\n  readytimeout = 10\n  delay = 1\n")
SAMPLE_SECONDS = 0.05
READY_MARGIN = 0.25     # an instance this much younger than its ready time already counts
HOLD_SECONDS = 3.0      # the end state must hold this long
SETTLE_TIMEOUT = 25.0   # ... and be reached this long after the last HUP
CRASH_AFTER = 1         # a crashing version exits this many seconds after its start
# ... and angel's `ready = N` timer for a crashing timer version is this many seconds later:
# the crash must come first whatever the load. 1 s was not enough in CI (eight tests on two
# cores, one of them starting 1,000 processes): a Python that took 1.7 s to start outlived a
# 2 s timer, angel rightly took it for ready and retired a good instance for it.
CRASH_TIMER_MARGIN = 4
TICKS = os.sysconf("SC_CLK_TCK")


class Version:
    """One version of the program: good or crashing before ready, with timer or notify readiness."""

    def __init__(self, number, crash, kind, delay):
        self.number, self.crash, self.kind, self.delay = number, crash, kind, delay

    @property
    def ready_after(self):
        """Seconds after its start when an instance of it is ready (None: never)."""
        return None if self.crash else self.delay

    def describe(self):
        what = "CRASHES 1 s after start" if self.crash else f"ready after {self.delay:g} s"
        return f"v{self.number} ({self.kind}, {what})"

    def config(self, port):
        if self.kind == "timer":
            # serve.py accepts after 0.3 s; angel calls it ready `delay` whole seconds after it started.
            args = ("--ready", "none", "--ready-delay", str(CRASH_AFTER if self.crash else 0.3))
            ready = str(self.delay)
        else:
            args = ("--ready", "notify", "--ready-delay", str(CRASH_AFTER if self.crash else self.delay))
            ready = '"notify"'
        if self.crash:
            args += ("--crash-before-ready",)
        return program(self.number, *args, listen=port, ready=ready, count=COUNT, extra=KEYS)


def plan(seed, hups, gaps=(0.2, 3.0)):
    """(versions by number, [(seconds to wait, version number)]) for a seed: version 1 is good;
    each HUP brings a new good version, a new crashing one, or back to an earlier good one."""
    rng = random.Random(seed)

    def new(number, crash):
        kind = rng.choice(("timer", "notify"))
        if crash:
            return Version(number, True, kind, CRASH_AFTER + CRASH_TIMER_MARGIN if kind == "timer" else CRASH_AFTER)
        delay = rng.choice((1, 2)) if kind == "timer" else round(rng.uniform(0.5, 2.0), 1)
        return Version(number, False, kind, delay)

    versions = {1: new(1, False)}
    schedule = []
    for _ in range(hups):
        roll = rng.random()
        if roll < 0.15:
            number = rng.choice([v for v in versions.values() if not v.crash]).number
        else:
            number = len(versions) + 1
            versions[number] = new(number, roll < 0.5)
        schedule.append((round(rng.uniform(*gaps), 2), number))
    return versions, schedule


def boot_seconds():
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def live_instances(session):
    """{pid: (version number, crash, age in seconds)} of the live serve.py processes of the
    session, all alive at one same moment: the ones still alive, and not reused, when read again."""
    seen = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = stat_fields(name)
            if int(fields[3]) != session or fields[0] == "Z":
                continue
            with open(f"/proc/{name}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
        except (OSError, ValueError, IndexError):
            continue
        if SERVE not in argv or "--version" not in argv:
            continue    # angel itself, or a child between fork and exec
        seen[int(name)] = (int(argv[argv.index("--version") + 1]), "--crash-before-ready" in argv, fields[19])
    now = boot_seconds()
    found = {}
    for pid, (number, crash, start) in seen.items():
        try:
            fields = stat_fields(pid)
        except OSError:
            continue
        if fields[0] != "Z" and fields[19] == start:
            found[pid] = (number, crash, now - int(start) / TICKS)
    return found


class Sampler(threading.Thread):
    """Samples live_instances every SAMPLE_SECONDS; keeps the changes for the timeline, the
    least serving instances since the first time `count` served, the most alive, and the
    first few moments the invariant did not hold."""

    def __init__(self, run):
        super().__init__(name="chaos-sampler", daemon=True)
        self.run_, self.stop = run, threading.Event()
        self.lock = threading.Lock()
        self.current = {}           # the last sample: pid -> (version, crash, age)
        self.serving = set()        # its serving pids
        self.first_ready = None     # when `count` instances first served
        self.least = None           # fewest serving instances since then
        self.most = 0               # most instances alive (any version)
        self.samples = 0
        self.short_spells = []      # [start, end, least]: spells with fewer than count serving

    def serving_of(self, instances):
        versions = self.run_.versions
        return {pid for pid, (number, crash, age) in instances.items()
                if not crash and age >= versions[number].ready_after - READY_MARGIN}

    def run(self):
        last = None
        while not self.stop.is_set():
            instances = live_instances(self.run_.angel.proc.pid)
            serving = self.serving_of(instances)
            now = time.monotonic()
            with self.lock:
                self.current, self.serving = instances, serving
                self.samples += 1
                self.most = max(self.most, len(instances))
                if self.first_ready is None and len(serving) >= COUNT:
                    self.first_ready = now
                    self.run_.event("first readiness: %d serving" % len(serving))
                if self.first_ready is not None:
                    self.least = len(serving) if self.least is None else min(self.least, len(serving))
                    spell = self.short_spells[-1] if self.short_spells else None
                    if len(serving) < COUNT:
                        if spell is None or spell[1] is not None:
                            self.short_spells.append([now, None, len(serving)])
                        else:
                            spell[2] = min(spell[2], len(serving))
                    elif spell is not None and spell[1] is None:
                        spell[1] = now
            state = (frozenset(instances), frozenset(serving))
            if state != last:
                self.run_.event("alive: " + self.run_.describe(instances, serving))
                last = state
            self.stop.wait(SAMPLE_SECONDS)

    def snapshot(self):
        with self.lock:
            return dict(self.current), set(self.serving)


class Run:
    """One seed's chaos run; run() does it, problems() judges it, report() explains it."""

    def __init__(self, binary, work, seed, hups, gaps=(0.2, 3.0), concurrency=4, timeout=5.0):
        self.binary, self.work, self.seed = binary, work, seed
        self.versions, self.schedule = plan(seed, hups, gaps)
        self.concurrency, self.timeout = concurrency, timeout
        self.timeline = []          # [(monotonic, text)]
        self.t0 = time.monotonic()
        self.angel = self.sampler = self.load = None
        self.errors = []            # problems found along the way (settling, end state, exit)
        self.converge = None        # seconds from the last HUP to the end state
        self.end_pids = set()
        self.last_hup = None

    def event(self, text):
        self.timeline.append((time.monotonic(), text))

    def describe(self, instances, serving):
        if not instances:
            return "none"
        return ", ".join(f"{pid} v{number}{' crash' if crash else ''} {age:.1f}s{' SERVING' if pid in serving else ''}"
                         for pid, (number, crash, age) in sorted(instances.items()))

    def run(self):
        port = free_port()
        self.port = port
        self.angel = Angel(self.binary, self.work, self.versions[1].config(port))
        self.event(f"angel started (pid {self.angel.proc.pid}) with {self.versions[1].describe()}")
        self.sampler = Sampler(self)
        stop_load, result = threading.Event(), {}
        load = threading.Thread(name="chaos-load", daemon=True, target=lambda: result.update(
            load_client.run(f"127.0.0.1:{port}", 3600, self.concurrency, self.timeout, stop_load)))
        try:
            self.sampler.start()
            self.angel.wait("{- program: web-1 -} READY", 30)
            self.angel.wait("{- program: web-2 -} READY", 30)
            load.start()
            for gap, number in self.schedule:
                time.sleep(gap)
                self.angel.hup(self.versions[number].config(port))
                self.event(f"HUP -> {self.versions[number].describe()}")
            self.last_hup = time.monotonic()
            self.settle()
            self.check_answers()
        except AssertionError as e:
            self.errors.append(str(e).split("\n")[0])
        finally:
            stop_load.set()
            if load.is_alive() or load.ident is not None:
                load.join(self.timeout + 10)
            self.load = result
            self.sampler.stop.set()
            self.sampler.join(10)
            self.stop_angel()
        return self

    def end_state(self, instances, serving):
        """None if the end state holds in this sample, else why not."""
        last = self.versions[self.schedule[-1][1]] if self.schedule else self.versions[1]
        if not last.crash:
            if set(instances) == serving and len(serving) == COUNT and \
                    all(instances[p][0] == last.number for p in serving):
                return None
            return f"wanted exactly {COUNT} instances of v{last.number} and nothing else"
        if len(serving) == COUNT:
            return None
        return f"wanted exactly {COUNT} serving instances of good versions (the last config, " \
               f"v{last.number}, crashes)"

    def settle(self):
        """Waits for the end state to hold HOLD_SECONDS (the same serving pids all along)."""
        deadline = self.last_hup + SETTLE_TIMEOUT
        since, pids, why = None, None, "no sample"
        while time.monotonic() < deadline:
            instances, serving = self.sampler.snapshot()
            why = self.end_state(instances, serving)
            now = time.monotonic()
            if why is not None or serving != pids:
                since, pids = (None, None) if why else (now, serving)
            elif now - since >= HOLD_SECONDS:
                self.converge = since - self.last_hup
                self.end_pids = pids
                self.event(f"end state since {self.converge:.2f} s after the last HUP: "
                           + self.describe(instances, serving))
                return
            time.sleep(SAMPLE_SECONDS)
        instances, serving = self.sampler.snapshot()
        raise AssertionError(f"end state not reached {SETTLE_TIMEOUT:g} s after the last HUP: {why}; "
                             f"alive: {self.describe(instances, serving)}")

    def check_answers(self):
        """Ten requests after settling: answered by the end state's instances only."""
        for _ in range(10):
            w = who(self.port)
            if int(w["pid"]) not in self.end_pids:
                raise AssertionError(f"after settling, pid {w['pid']} (v{w['version']}) answered, "
                                     f"not one of {sorted(self.end_pids)}")

    def stop_angel(self):
        try:
            if self.angel is not None:
                self.angel.stop()
        except AssertionError as e:
            self.errors.append(f"angel's TERM: {e}".split("\n")[0])
        except subprocess.TimeoutExpired:
            self.errors.append("angel did not exit within 20 s of TERM")
        finally:
            if self.angel is not None:
                self.angel.close()

    # --- the verdict -----------------------------------------------------------------

    def failed_requests(self):
        return self.load.get("failed", 0) if self.load else 0

    def problems(self):
        out = []
        s = self.sampler
        if self.failed_requests():
            out.append(f"{self.failed_requests()} of {self.load['total']} requests failed: "
                       + "; ".join(f"{f['kind']} {f['detail']}" for f in self.load["failure_times"][:3]))
        elif self.load is not None and not self.load.get("ok"):
            out.append("no request succeeded")
        if s.first_ready is None:
            out.append(f"never {COUNT} serving instances")
        elif s.least < COUNT:
            spells = ", ".join(f"{self.at(a)}..{self.at(b) if b else 'end'} (down to {n})"
                               for a, b, n in s.short_spells[:5])
            out.append(f"fewer than {COUNT} serving instances of good versions, down to {s.least}: {spells}")
        if s.most > COUNT + SURGE:
            out.append(f"{s.most} instances alive at once, more than count + surge = {COUNT + SURGE}")
        return out + self.errors

    def at(self, t):
        return f"{t - self.t0:.2f}s"

    def figures(self):
        s = self.sampler
        return {"seed": self.seed, "hups": len(self.schedule),
                "crash_hups": sum(self.versions[n].crash for _, n in self.schedule),
                "requests": self.load.get("total", 0) if self.load else 0,
                "failed": self.failed_requests(), "least_serving": s.least, "most_alive": s.most,
                "short_seconds": round(sum((b or time.monotonic()) - a for a, b, _ in s.short_spells), 2),
                "converge": None if self.converge is None else round(self.converge, 2),
                "samples": s.samples, "problems": self.problems()}

    def report(self, log_lines=120):
        """Seed, problems, the timeline (HUPs, alive instances, failed requests) and angel's log tail."""
        lines = [f"seed {self.seed}: {len(self.schedule)} HUPs; problems:"]
        lines += [f"  - {p}" for p in self.problems()] or ["  (none)"]
        events = list(self.timeline)
        if self.load:
            start = self.load.get("start") or self.t0
            events += [(start + f["t"], f"REQUEST FAILED: {f['kind']} {f['detail']}") for f in self.load["failure_times"]]
        lines.append("timeline (seconds since angel's start):")
        lines += [f"  {self.at(t):>8} {text}" for t, text in sorted(events, key=lambda e: e[0])]
        if self.angel is not None:
            tail = self.angel.log().splitlines()[-log_lines:]
            lines.append(f"angel's log (last {len(tail)} lines):")
            lines += ["  " + x for x in tail]
        return "\n".join(lines)
