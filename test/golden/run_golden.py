#!/usr/bin/env python3
"""Golden end-to-end tests for angel.

A case NAME is two directories:
  test/configs/NAME/  what angel runs with: configs, helper scripts, and
                      `args` (command line), `steps` (timed script),
                      optional `env` (extra KEY=VALUE lines for angel),
                      optional `volatile` (regexes, one a line, of stdout
                      records whose number varies from run to run, such as
                      `HUP caught` after a burst of HUPs: they are left out
                      of the comparison; check them with `expect-log`)
  test/golden/NAME/   the expected normalised transcript: stdout, stderr,
                      events, files/ (captured files)

Usage:
  run_golden.py --angel PATH CASE_DIR [CASE_DIR...]     compare
  run_golden.py --angel PATH --record CASE_DIR...       write test/golden/NAME

The steps language, the normalisation and the comparison rules are those of
shared/reference/README.md (so the reference scenarios run unchanged), plus
checks of our own:
- a child of angel that stays a zombie for more than ZOMBIE_GRACE seconds
  while angel runs (before it is told to exit) fails the case;
- step `expect-no-zombies` records whether angel has zombie children now;
- step `expect-log REGEX MIN MAX` records whether the number of stdout
  records so far matching REGEX is within MIN..MAX;
- step `expect-order REGEX1 REGEX2 [REGEX3...]` records whether the stdout
  records so far (the text expect-log matches), in their real order across
  all contexts, hold a record matching REGEX1, then a later one matching
  REGEX2, and so on (earliest match first: see find_in_order).  Event:
  `expect-order R1 R2...: ok` or `expect-order R1 R2...: out of order (...)`
  naming the regex not found in order, each regex shell-quoted when it needs
  it.  The comparison itself stays per context: use this to pin a
  cross-context order that is certain (causal, or a second or more apart);
- step `signal NAME COUNT` sends the signal COUNT times in a burst.
- step `expect-running REGEX COUNT WITHIN` waits up to WITHIN seconds for
  the count (the event is that of `expect-running REGEX COUNT`); so do
  `expect-file PATH REGEX WITHIN`, `expect-no-file PATH WITHIN` and
  `expect-pidfile PATH REGEX WITHIN` for their verdict;
- step `await-running REGEX COUNT WITHIN` waits up to WITHIN seconds for the
  count and records nothing if it comes (`await-running REGEX: found N,
  wanted COUNT after WITHIN s` if not): it puts a step that reads something
  a program writes before it execs (capture, expect-file) after that exec,
  not at a fixed instant a loaded machine may reach first; `await-file PATH
  REGEX WITHIN` likewise waits for the file to hold a match
  (`await-file PATH: no match for REGEX after WITHIN s` if not).

Python 3 standard library only.
"""

import argparse
import collections
import difflib
import inspect
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASE_META = {"args", "steps", "env", "README", "volatile"}  # not copied to the work dir
DEFAULT_STOP_TIMEOUT = 5.0
ZOMBIE_GRACE = 3.0    # a child may be a zombie this long before angel reaps it (wide: a loaded CI)
SCAN_INTERVAL = 0.1   # how often the session's processes are sampled
LEFTOVER_WAIT = 3.0   # after angel exits, how long killed children may take to die (ends when they have)
SHUTDOWN_LINE = "[TS] {main} INT | TERM received; initiating shutdown..."
# After these signals angel is on its way out; it need not reap any more.
ENDING_SIGNALS = {"TERM", "INT", "KILL", "USR1", "USR2", "ALRM"}


class CaseError(Exception):
    """The case itself is broken (bad steps file...), not angel."""


# ---------------------------------------------------------------- processes

def proc_info(pid):
    """(state, ppid, session, starttime, comm) from /proc, or None if gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    # comm is in parentheses and may itself contain spaces or parentheses
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[3]), int(fields[19]), comm


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            raw = f.read()
    except OSError:
        return ""
    return " ".join(a.decode("utf-8", "surrogateescape") for a in raw.split(b"\0")[:-1])


def session_members(sid):
    """pid -> proc_info for every process (zombies included) of session sid."""
    members = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            info = proc_info(int(name))
            if info and info[2] == sid:
                members[int(name)] = info
    return members


def status_text(rc):
    return "killed by signal %d" % -rc if rc < 0 else "exit status %d" % rc


# ---------------------------------------------------------------- case files

def parse_steps(text):
    """List of (lineno, words, heredoc-body-or-None); `write P <<EOF` takes
    the following lines up to a line that is exactly EOF."""
    lines = text.split("\n")
    steps, i = [], 0
    while i < len(lines):
        lineno, line = i + 1, lines[i].strip()
        i += 1
        if not line or line.startswith("#"):
            continue
        body = None
        m = re.search(r"\s<<(\w+)$", line)
        if m:
            line, body = line[:m.start()], ""
            while i < len(lines) and lines[i] != m.group(1):
                body += lines[i] + "\n"
                i += 1
            if i == len(lines):
                raise CaseError("steps:%d: no end marker %s" % (lineno, m.group(1)))
            i += 1
        try:
            steps.append((lineno, shlex.split(line), body))
        except ValueError as e:
            raise CaseError("steps:%d: %s" % (lineno, e))
    return steps


def read_text(path, default=""):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        return f.read()


def read_env(path):
    env = {}
    for line in read_text(path).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value
    return env


def read_transcript(d):
    t = {k: read_text(os.path.join(d, k)) for k in ("stdout", "stderr", "events")}
    fdir = os.path.join(d, "files")
    names = sorted(os.listdir(fdir)) if os.path.isdir(fdir) else []
    t["files"] = {n: read_text(os.path.join(fdir, n)) for n in names}
    return t


def write_transcript(d, t):
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(os.path.join(d, "files") if t["files"] else d)
    for key in ("stdout", "stderr", "events"):
        write_file(os.path.join(d, key), t[key])
    for name, content in t["files"].items():
        write_file(os.path.join(d, "files", name), content)


def write_file(path, text):
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write(text)


# ---------------------------------------------------------------- normalising

class Context:
    """What normalise() needs to know about one run."""

    def __init__(self, work, user, pwhome):
        self.works = sorted({work, os.path.realpath(work)}, key=len, reverse=True)
        self.user = user
        self.pwhome = pwhome if pwhome not in ("", "/") else None
        self.pids = set()


def normalise(text, ctx, kind):
    """The one normaliser, for kind = stdout, stderr, events or file."""
    text = re.sub(r"\[\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\]", "[TS]", text)
    for w in ctx.works:
        text = text.replace(w, "$WORK")
    if ctx.pwhome:
        text = re.sub(re.escape(ctx.pwhome) + r"(?![\w.-])", "$PWHOME", text)
    text = re.sub(r"(?m)^(.*Running as user: )" + re.escape(ctx.user) + "$",
                  lambda m: m.group(1) + "$USER", text)
    if kind == "stderr":
        # the program name in error prefixes and the usage line
        text = re.sub(r"(?m)^[\w./-]*angel[\w.-]*: ", "angel: ", text)
        text = re.sub(r"(Usage: )[\w./-]*angel[\w.-]* ", r"\1angel ", text)
    if kind != "stdout" and ctx.pids:
        alternatives = "|".join(str(p) for p in sorted(ctx.pids, reverse=True))
        text = re.sub(r"(?<![0-9])(%s)(?![0-9])" % alternatives, "<PID>", text)
    return text


# ---------------------------------------------------------------- running

class Run:
    """One run of angel through one case; run() returns the transcript."""

    def __init__(self, case_dir, angel, keep=False):
        self.case = os.path.abspath(case_dir)
        self.angel = angel
        self.keep = keep
        self.events = []
        self.files = collections.OrderedDict()
        self.problems = []          # failures found outside the transcript
        self.stop_timeout = DEFAULT_STOP_TIMEOUT
        self.ending = False         # angel was told to exit: stop zombie checks
        self.zombie_seen = {}       # (pid, starttime) -> first time seen
        self.proc = None

    # -- set-up

    def run(self):
        pw = pwd.getpwuid(os.geteuid())
        self.base = tempfile.mkdtemp(prefix="angel-golden-")
        self.work = os.path.join(self.base, "work")
        self.ctx = Context(self.work, pw.pw_name, pw.pw_dir)
        try:
            shutil.copytree(self.case, self.work, symlinks=True,
                            ignore=lambda d, names: CASE_META if d == self.case else ())
            os.chmod(self.work, 0o755)  # angel must be able to create files here
            steps = parse_steps(read_text(os.path.join(self.case, "steps")))
            for step in steps:      # a typo must not show up halfway through a run
                self.handler(*step)
            starts = [i for i, s in enumerate(steps) if s[1][0] == "start"]
            setup, timed = (steps[:starts[0]], steps[starts[0] + 1:]) if starts else ([], steps)
            for lineno, words, body in setup:
                if words[0] not in ("copy", "write", "remove", "mkdir", "chmod", "stop-timeout"):
                    raise CaseError("steps:%d: %s needs angel running" % (lineno, words[0]))
                self.step(lineno, words, body)
            self.start_angel()
            try:
                for lineno, words, body in timed:
                    self.step(lineno, words, body)
            finally:
                self.stop_angel()
                self.collect_leftovers()
            return self.transcript()
        finally:
            for f in (getattr(self, "out", None), getattr(self, "err", None)):
                if f:
                    f.close()
            if self.keep:
                print("  kept %s" % self.base)
            else:
                shutil.rmtree(self.base, ignore_errors=True)

    def start_angel(self):
        words = shlex.split(read_text(os.path.join(self.case, "args")))
        args = [w.replace("$USER", self.ctx.user) for w in words]
        env = {"TZ": "UTC", "LANG": "C.UTF-8", "HOME": self.work,
               "USER": self.ctx.user, "LOGNAME": self.ctx.user,
               "PATH": "/usr/local/bin:/usr/bin:/bin"}
        env.update(read_env(os.path.join(self.case, "env")))
        # Files rather than pipes: nothing to drain while steps run, and the
        # log is complete once angel has exited.
        self.out = open(os.path.join(self.base, "stdout"), "wb+")
        self.err = open(os.path.join(self.base, "stderr"), "wb+")
        self.proc = subprocess.Popen(["angel"] + args, executable=self.angel, cwd=self.work,
                                     env=env, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=self.err, start_new_session=True)
        self.t0 = time.monotonic()
        self.ctx.pids.add(self.proc.pid)
        self.watching = True
        self.watcher = threading.Thread(target=self.watch, daemon=True)
        self.watcher.start()

    # -- background watch: pids to normalise, zombies to complain about

    def watch(self):
        while self.watching:
            began = time.monotonic()
            self.sample()
            # with a thousand processes a scan is costly: leave the CPU to angel
            time.sleep(max(SCAN_INTERVAL, 2 * (time.monotonic() - began)))

    def sample(self):
        members = session_members(self.proc.pid)
        self.ctx.pids.update(members)
        if self.ending or self.proc.poll() is not None:
            return
        now = time.monotonic()
        for pid, (state, ppid, _, start, comm) in members.items():
            if state != "Z" or ppid != self.proc.pid:
                continue
            first = self.zombie_seen.setdefault((pid, start), now)
            if first is not None and now - first > ZOMBIE_GRACE:
                self.problems.append("  zombie: angel left child %s (%s) unreaped for over %gs"
                                     % (pid, comm, ZOMBIE_GRACE))
                self.zombie_seen[(pid, start)] = None   # report each zombie once

    def zombie_children(self):
        return [(pid, info[4]) for pid, info in session_members(self.proc.pid).items()
                if info[0] == "Z" and info[1] == self.proc.pid]

    # -- shutdown and leftovers

    def stop_angel(self):
        self.ending = True
        if self.proc.poll() is not None:
            self.event("final: already exited")
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.event("final: sent TERM; " + status_text(self.proc.wait(self.stop_timeout)))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.event("final: sent TERM; still running after %gs; killed" % self.stop_timeout)

    def collect_leftovers(self):
        """Record, then kill, every live process left in angel's session."""
        deadline = time.monotonic() + LEFTOVER_WAIT
        while self.alive_members() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.watching = False
        self.watcher.join()
        left = self.alive_members()
        self.ctx.pids.update(left)
        for cmd in sorted(left.values()):
            self.event("leftover process: " + cmd)
        deadline = time.monotonic() + 3
        while left and time.monotonic() < deadline:
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)
            left = self.alive_members()

    def alive_members(self):
        return {pid: proc_cmdline(pid) for pid, info in session_members(self.proc.pid).items()
                if info[0] != "Z"}

    def transcript(self):
        self.out.seek(0)
        self.err.seek(0)
        out = self.out.read().decode("utf-8", "surrogateescape")
        err = self.err.read().decode("utf-8", "surrogateescape")
        return {"stdout": normalise(out, self.ctx, "stdout"),
                "stderr": normalise(err, self.ctx, "stderr"),
                "events": "".join(normalise(e, self.ctx, "events") + "\n" for e in self.events),
                "files": {n: normalise(c, self.ctx, "file") for n, c in self.files.items()}}

    # -- steps

    def event(self, text):
        self.events.append(text)

    def path(self, p):
        return os.path.join(self.work, p)

    def children(self, regex):
        """Live processes of angel's session, angel excepted, matching regex."""
        rx = re.compile(regex)
        return [pid for pid, cmd in self.alive_members().items()
                if pid != self.proc.pid and rx.search(cmd)]

    def handler(self, lineno, words, body):
        """(function, args, kwargs) for a step; CaseError if it is not valid."""
        op, args = words[0], words[1:]
        function = getattr(self, "do_" + op.replace("-", "_"), None)
        if function is None:
            raise CaseError("steps:%d: unknown step %s" % (lineno, op))
        kwargs = {"body": body} if op == "write" else {}
        try:
            inspect.signature(function).bind(*args, **kwargs)
        except TypeError:
            raise CaseError("steps:%d: wrong arguments for %s" % (lineno, op))
        return function, args, kwargs

    def step(self, lineno, words, body):
        function, args, kwargs = self.handler(lineno, words, body)
        function(*args, **kwargs)

    def do_at(self, seconds):
        time.sleep(max(0.0, self.t0 + float(seconds) - time.monotonic()))

    def do_sleep(self, seconds):
        time.sleep(float(seconds))

    def do_stop_timeout(self, seconds):
        self.stop_timeout = float(seconds)

    def do_signal(self, name, count="1"):
        if self.proc.poll() is not None:
            self.event("signal %s: angel not running" % name)
            return
        self.ending = self.ending or name in ENDING_SIGNALS
        for _ in range(int(count)):
            self.proc.send_signal(getattr(signal, "SIG" + name))

    def do_copy(self, src, dst):
        shutil.copyfile(self.path(src), self.path(dst))

    def do_write(self, path, body):
        write_file(self.path(path), body or "")

    def do_remove(self, path):
        p = self.path(path)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        elif os.path.lexists(p):
            os.unlink(p)

    def do_mkdir(self, path):
        os.makedirs(self.path(path), exist_ok=True)

    def do_chmod(self, mode, path):
        os.chmod(self.path(path), int(mode, 8))

    def do_kill_child(self, regex, sig="TERM"):
        found = self.children(regex)
        for pid in found:
            try:
                os.kill(pid, getattr(signal, "SIG" + sig))
            except OSError:
                pass
        self.event("kill-child %s: signalled %d process(es)" % (regex, len(found)))

    def do_kill_pidfile(self, path, sig="TERM"):
        try:
            pid = int(read_text(self.path(path)).strip())
            os.kill(pid, getattr(signal, "SIG" + sig))
            self.event("kill-pidfile %s: ok" % path)
        except (OSError, ValueError) as e:
            self.event("kill-pidfile %s: failed (%s)" % (path, type(e).__name__))

    def do_wait_exit(self, seconds):
        try:
            self.event("wait-exit: " + status_text(self.proc.wait(float(seconds))))
        except subprocess.TimeoutExpired:
            self.event("wait-exit: still running after %ss" % seconds)

    @staticmethod
    def settle(verdict, within):
        """verdict(), re-read every SCAN_INTERVAL until it is "ok" or WITHIN
        seconds (our own extension, 0 by default) have passed."""
        deadline = time.monotonic() + float(within)
        result = verdict()
        while result != "ok" and time.monotonic() < deadline:
            time.sleep(SCAN_INTERVAL)
            result = verdict()
        return result

    def file_verdict(self, path, regex):
        if not os.path.exists(self.path(path)):
            return "missing"
        content = read_text(self.path(path))
        return "ok" if re.search(regex, content, re.M) else \
            "no match for %s; content %r" % (regex, content[:200])

    def do_expect_file(self, path, regex, within="0"):
        self.event("expect-file %s: %s" % (path, self.settle(lambda: self.file_verdict(path, regex), within)))

    def do_await_file(self, path, regex, within):
        if self.settle(lambda: self.file_verdict(path, regex), within) != "ok":
            self.event("await-file %s: no match for %s after %s s" % (path, regex, within))

    def do_expect_no_file(self, path, within="0"):
        self.event("expect-no-file %s: %s" % (path, self.settle(
            lambda: "exists" if os.path.lexists(self.path(path)) else "ok", within)))

    def do_expect_pidfile(self, path, regex, within="0"):
        self.event("expect-pidfile %s: %s" % (path, self.settle(
            lambda: self.pidfile_verdict(path, regex), within)))

    def pidfile_verdict(self, path, regex):
        if not os.path.exists(self.path(path)):
            return "missing"
        content = read_text(self.path(path))
        if not re.fullmatch(r"[0-9]+", content):
            return "content is not a bare pid: %r" % content
        pid = int(content)
        self.ctx.pids.add(pid)
        info = proc_info(pid)
        if info is None or info[0] == "Z":
            return "process not alive"
        if info[2] != self.proc.pid:
            return "process not started by angel"
        cmd = proc_cmdline(pid)
        return "ok" if re.search(regex, cmd) else "command %r does not match %s" % (cmd, regex)

    def do_expect_running(self, regex, count, within="0"):
        # WITHIN (seconds, our own extension): wait up to that long for the
        # count, for cases whose count takes a loaded machine a while (a
        # thousand forks); the event is the same either way.
        n = self.count_within(regex, count, within)
        self.event("expect-running %s: %s" % (
            regex, "ok" if n == int(count) else "found %d, wanted %s" % (n, count)))

    def count_within(self, regex, count, within):
        """How many children match regex: COUNT, or what there are after WITHIN s."""
        deadline = time.monotonic() + float(within)
        n = len(self.children(regex))
        while n != int(count) and time.monotonic() < deadline:
            time.sleep(SCAN_INTERVAL)
            n = len(self.children(regex))
        return n

    def do_await_running(self, regex, count, within):
        n = self.count_within(regex, count, within)
        if n != int(count):
            self.event("await-running %s: found %d, wanted %s after %s s" % (regex, n, count, within))

    def logged_records(self):
        """The normalised stdout records logged so far, as log_records()."""
        self.out.flush()
        return log_records(normalise(read_text(self.out.name), self.ctx, "stdout"))

    def do_expect_log(self, regex, low, high):
        n = sum(1 for _, rec in self.logged_records() if re.search(regex, rec))
        self.event("expect-log %s: %s" % (regex, "ok" if int(low) <= n <= int(high) else
                                          "found %d, wanted %s..%s" % (n, low, high)))

    def do_expect_order(self, first, second, *more):
        regexes = (first, second) + more
        texts = [rec for _, rec in self.logged_records()]
        self.event("expect-order %s: %s" % (" ".join(shlex.quote(r) for r in regexes),
                                            order_verdict(texts, regexes)))

    def do_expect_no_zombies(self):
        # a child that just died may not be reaped yet: give angel a moment
        deadline = time.monotonic() + ZOMBIE_GRACE
        zombies = self.zombie_children()
        while zombies and time.monotonic() < deadline:
            time.sleep(0.1)
            zombies = self.zombie_children()
        self.event("expect-no-zombies: " + ("ok" if not zombies else "%d zombie(s): %s" % (
            len(zombies), " ".join(sorted(c for _, c in zombies)))))

    def do_capture(self, path, name=None):
        name = name or path.replace("/", "_")
        if os.path.isfile(self.path(path)):
            self.files[name] = read_text(self.path(path))
            self.event("capture %s: saved as %s" % (path, name))
        else:
            self.event("capture %s: missing" % path)

    def do_list(self, path="."):
        try:
            self.event("list %s: %s" % (path, " ".join(sorted(os.listdir(self.path(path))))))
        except OSError:
            self.event("list %s: not a directory" % path)

    def do_start(self):
        raise CaseError("only one start line is allowed")


# ---------------------------------------------------------------- comparing

def log_records(stdout):
    """stdout as (context, record) pairs.  A record is a `[TS] {CONTEXT}` line
    plus the lines after it that do not start a record (a Config Error's
    text); output that is not a log at all (--help) has context ''."""
    lines = stdout.split("\n")
    if lines[-1] == "":
        lines.pop()
    else:
        lines[-1] += " <no newline at end>"
    records = []
    for line in lines:
        m = re.match(r"\[TS\] \{([^}]*)\}", line)
        if m:
            records.append([m.group(1), line])
        elif records and records[-1][0]:
            records[-1][1] += "\n" + line
        else:
            records.append(["", line])
    return [tuple(r) for r in records]


def find_in_order(texts, regexes):
    """Greedy search for records matching the regexes in turn: the earliest
    text matching regexes[0], then the earliest after it matching
    regexes[1], and so on.  Returns (positions, failed): the positions found
    (strictly increasing) and the index of the first regex with no match
    after the previous one's, or None when all were found.  Greedy is
    exact: if any increasing sequence of matches exists, this finds one."""
    positions, start = [], 0
    for k, regex in enumerate(regexes):
        rx = re.compile(regex)
        at = next((i for i in range(start, len(texts)) if rx.search(texts[i])), None)
        if at is None:
            return positions, k
        positions.append(at)
        start = at + 1
    return positions, None


def order_verdict(texts, regexes):
    """The verdict of step expect-order: `ok` or `out of order (...)`.  It
    names regexes only, never positions or record text, so that it does not
    depend on how the contexts interleaved, nor on timestamps or pids."""
    _, failed = find_in_order(texts, regexes)
    if failed is None:
        return "ok"
    q = shlex.quote
    if not any(re.search(regexes[failed], t) for t in texts):
        return "out of order (no record matches %s)" % q(regexes[failed])
    return "out of order (no record matches %s after one matching %s)" % (
        q(regexes[failed]), q(regexes[failed - 1]))


def split_shutdown_racy(records):
    """Once shutdown has begun, the reference may or may not log a program's
    ENDED/QUIT before it exits: those records are taken out of the comparison
    and returned apart, per context."""
    kept, racy = [], collections.OrderedDict()
    shutting_down = False
    for ctx, rec in records:
        shutting_down = shutting_down or rec == SHUTDOWN_LINE
        message = rec[len("[TS] {%s} " % ctx):]
        if shutting_down and ctx.startswith("- program: ") and message in ("ENDED", "QUIT"):
            racy.setdefault(ctx, []).append(message)
        else:
            kept.append((ctx, rec))
    return kept, racy


def lines_of(text):
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    else:
        lines[-1] += " <no newline at end>"
    return lines


def seq_diff(label, expected, actual, limit=14):
    diff = list(difflib.unified_diff(expected, actual, lineterm="", n=1))[2:]
    shown = ["    " + d.replace("\n", "\\n") for d in diff[:limit]]
    if len(diff) > limit:
        shown.append("    ... %d more diff lines" % (len(diff) - limit))
    return ["  %s differs:" % label] + shown


def multiset_diff(label, expected, actual):
    e, a = collections.Counter(expected), collections.Counter(actual)
    return (["  %s missing: %s" % (label, x.replace("\n", "\\n")) for x in (e - a).elements()] +
            ["  %s unexpected: %s" % (label, x.replace("\n", "\\n")) for x in (a - e).elements()])


def drop_volatile(records, volatile):
    return [(c, r) for c, r in records if not any(re.search(v, r) for v in volatile)]


def compare(expected, actual, volatile=()):
    """Problems (list of lines) between two transcripts; empty = same.
    Stdout records matching a regex of `volatile` are not compared."""
    problems = []
    exp_records, _ = split_shutdown_racy(drop_volatile(log_records(expected["stdout"]), volatile))
    act_records, racy = split_shutdown_racy(drop_volatile(log_records(actual["stdout"]), volatile))
    for ctx, messages in racy.items():
        if messages not in (["ENDED"], ["ENDED", "QUIT"]):
            problems.append("  stdout: {%s} logged %s during shutdown (only ENDED [QUIT] may be)"
                            % (ctx, " ".join(messages)))
    # Per-context sequences; programs run concurrently in the reference, so
    # only the order within one context is meaningful.  (Equal per-context
    # sequences also mean equal multisets of records.)
    contexts = list(collections.OrderedDict.fromkeys(c for c, _ in exp_records + act_records))
    for ctx in contexts:
        e = [r for c, r in exp_records if c == ctx]
        a = [r for c, r in act_records if c == ctx]
        if e != a:
            problems += seq_diff("stdout of {%s}" % ctx, e, a)
    problems += multiset_diff("stderr line", lines_of(expected["stderr"]),
                              lines_of(actual["stderr"]))
    if expected["events"] != actual["events"]:
        problems += seq_diff("events", lines_of(expected["events"]), lines_of(actual["events"]))
    for name in sorted(set(expected["files"]) | set(actual["files"])):
        if name not in actual["files"]:
            problems.append("  file %s: not captured" % name)
        elif name not in expected["files"]:
            problems.append("  file %s: captured but not expected" % name)
        elif expected["files"][name] != actual["files"][name]:
            problems += seq_diff("file " + name, lines_of(expected["files"][name]),
                                 lines_of(actual["files"][name]))
    return problems


# ---------------------------------------------------------------- driver

def run_case(case_dir, opts):
    """(passed, lines to print) for one case."""
    name = os.path.basename(os.path.abspath(case_dir))
    golden = os.path.join(opts.golden_dir, name)
    if not opts.record and not os.path.isdir(golden):
        return False, ["  no expected transcript in " + golden]
    try:
        run = Run(case_dir, opts.angel, opts.keep)
        actual = run.run()
    except CaseError as e:
        return False, ["  case error: %s" % e]
    except Exception as e:  # noqa: BLE001 - a harness bug must not hide the other cases
        return False, ["  harness error: %s: %s" % (type(e).__name__, e)]
    if opts.save:
        write_transcript(os.path.join(opts.save, name), actual)
    if opts.record:
        if run.problems:    # never record a transcript of a run that failed a check
            return False, run.problems
        write_transcript(golden, actual)
        return True, ["  recorded in %s: now read it against the spec" % golden]
    volatile = [v for v in read_text(os.path.join(case_dir, "volatile")).splitlines()
                if v.strip() and not v.startswith("#")]
    problems = run.problems + compare(read_transcript(golden), actual, volatile)
    return not problems, problems


def main():
    ap = argparse.ArgumentParser(description="Run angel through golden end-to-end cases.")
    ap.add_argument("--angel", required=True, help="the angel binary to test")
    ap.add_argument("--golden-dir", default=HERE,
                    help="where the expected transcripts NAME/ live (default: beside this script)")
    ap.add_argument("--record", action="store_true",
                    help="write the expected transcripts from this run instead of comparing")
    ap.add_argument("--save", metavar="DIR", help="also write each actual transcript to DIR/NAME")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work directories")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every difference")
    ap.add_argument("cases", nargs="+", metavar="CASE_DIR")
    opts = ap.parse_args()
    opts.angel = os.path.abspath(opts.angel)
    if not os.access(opts.angel, os.X_OK):
        ap.error("%s is not executable" % opts.angel)

    passed = failed = 0
    for case in opts.cases:
        name = os.path.basename(os.path.abspath(case))
        ok, lines = run_case(case, opts)
        verdict = ("RECORDED" if opts.record else "PASS") if ok else "FAIL"
        print("%s %s" % (verdict, name))
        shown = lines if opts.verbose or ok else lines[:40]
        for line in shown:
            print(line)
        if len(lines) > len(shown):
            print("  ... %d more lines (use -v)" % (len(lines) - len(shown)))
        sys.stdout.flush()
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
