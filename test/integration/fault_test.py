#!/usr/bin/env python3
"""Fault injection: the real angel, with the machine or its inputs misbehaving on purpose.

usage: fault_test.py ANGEL TEST
       (TEST: log-unwritable | log-full | config-unreadable | config-huge | config-huge-sparse |
        config-self-import | term-during-startup | term-during-sync | grandchildren |
        closes-stdout-early | slow-logger-flood | listen-taken | unix-readonly-dir | sigchld-ignored)
Exit 0 = pass, 1 = fail, 77 = skipped (ctest's SKIP_RETURN_CODE).

After each fault, where it makes sense, a test checks that angel is alive, still supervises
(a ticker program, restarted every second, keeps writing ticks.log), has no zombie child,
holds as many descriptors as before the fault, and exits 0 on TERM. Every test runs angel
in a session of its own (start_new_session) and kills that whole session when it ends.
The machine these run on may be slow and busy: every wait has a wide timeout.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time

from support import SKIP, free_port, get, line_count, needs_root_and_nobody, processes, run_in_work_dir, stat_fields, wait_for, write

SERVE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "servers", "serve.py"))
PYTHON = sys.executable
MiB = 1 << 20


# --- helpers -------------------------------------------------------------------------------

def replace(path, text, mode=0o644):
    """Writes `text` beside `path` and renames it over `path`: a reload never sees half a file."""
    write(path + ".new", text, mode)
    os.rename(path + ".new", path)


def write_ticker(work, delay=1):
    """A program that writes one `tick` line to ticks.log per run and ends, restarted after
    `delay` seconds; returns (its config block, the path of ticks.log)."""
    write(os.path.join(work, "tick.sh"), "#!/bin/sh\necho tick\n", 0o755)
    return (f'ticker {{\n  exec = "./tick.sh"\n  stdout = "ticks.log"\n  delay = {delay}\n}}\n',
            os.path.join(work, "ticks.log"))


def block(name, exec_, **keys):
    """A program block; string values are quoted, numbers are not."""
    lines = [f'  exec = "{exec_}"']
    for key, value in keys.items():
        lines.append(f'  {key} = "{value}"' if isinstance(value, str) else f"  {key} = {value}")
    return f"{name} {{\n" + "\n".join(lines) + "\n}\n"


class Angel:
    """angel CONFIG in `work` (its own session), stdout in angel.log, stderr in angel.err."""

    def __init__(self, binary, work, conf_text, args=(), preexec_fn=None):
        self.work = work
        self.conf = os.path.join(work, "angel.conf")
        if conf_text is not None:
            write(self.conf, conf_text)
        self.log_path, self.err_path = os.path.join(work, "angel.log"), os.path.join(work, "angel.err")
        with open(self.log_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen([binary, "angel.conf", *args], cwd=work, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=preexec_fn)
        self.pid = self.proc.pid

    # What angel said.
    def messages(self):
        """angel's log lines without their time stamps."""
        with open(self.log_path, errors="replace") as f:
            return [re.sub(r"^\[\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\] ", "", line) for line in f.read().splitlines()]

    def count(self, message):
        return sum(1 for m in self.messages() if m == message)

    def wait(self, message, timeout, times=1):
        """Until `message` is a whole log line (`times` times); returns its last index."""
        try:
            wait_for(lambda: self.count(message) >= times, timeout, f"{message!r} x{times}")
        except AssertionError as e:
            raise AssertionError(f"{e}; the log:\n" + "\n".join(self.messages()[-60:])) from None
        return max(i for i, m in enumerate(self.messages()) if m == message)

    def errors(self):
        with open(self.err_path, errors="replace") as f:
            return f.read().splitlines()

    # What angel is.
    def alive(self):
        return self.proc.poll() is None

    def fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def settled_fds(self):
        """angel's descriptor count when it is idle: the least of a few looks (a spawn holds
        a program's log file open for an instant)."""
        looks = []
        for _ in range(10):
            looks.append(self.fds())
            time.sleep(0.1)
        return min(looks)

    def status(self, key):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise AssertionError(f"no {key} in /proc/{self.pid}/status")

    def rss_kb(self):
        return self.status("VmRSS")

    def children(self, cmdline=None):
        """Pids of angel's live (not zombie) children, those with exactly `cmdline` if given."""
        return sorted(p[0] for p in processes()
                      if p[1] == self.pid and p[2] != "Z" and (cmdline is None or p[4] == cmdline))

    def zombies(self):
        return [p for p in processes() if p[1] == self.pid and p[2] == "Z"]

    def session(self, cmdline=None):
        """Processes left in angel's session (angel's pid is its id), angel itself excepted."""
        return [p for p in processes()
                if p[3] == self.pid and p[0] != self.pid and p[2] != "Z" and (cmdline is None or p[4] == cmdline)]

    # Checks.
    def check_healthy(self, ticks, fds=None, runs=3):
        """Alive, the ticker restarted `runs` more times, no zombie child, and (when given) the
        descriptor count back to `fds`."""
        assert self.alive(), f"angel died (status {self.proc.poll()}):\n" + "\n".join(self.messages()[-30:])
        before = line_count(ticks)
        wait_for(lambda: line_count(ticks) >= before + runs, 20, f"{runs} more runs of the ticker")
        wait_for(lambda: not self.zombies(), 10, "no zombie child of angel")
        if fds is not None:
            try:
                wait_for(lambda: self.fds() == fds, 10, f"angel's descriptors back to {fds}")
            except AssertionError:
                raise AssertionError(f"angel holds {self.fds()} descriptors, {fds} before the fault: "
                                     f"{sorted(os.listdir(f'/proc/{self.pid}/fd'), key=int)}") from None

    def hup(self, conf_text=None):
        if conf_text is not None:
            replace(self.conf, conf_text)
        os.kill(self.pid, signal.SIGHUP)

    def stop(self, timeout=20):
        """TERM: angel must exit 0 (within `timeout` seconds); returns the seconds it took."""
        assert self.alive(), f"angel died (status {self.proc.poll()}):\n" + "\n".join(self.messages()[-30:])
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"angel still running {timeout} s after TERM:\n" +
                                 "\n".join(self.messages()[-30:])) from None
        assert status == 0, f"exit status {status}:\n" + "\n".join(self.messages()[-30:])
        return time.monotonic() - started

    def close(self):
        """SIGKILL to angel's process group and to every process left in its session."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for p in self.session():
            try:
                os.kill(p[0], signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()


# --- the tests -----------------------------------------------------------------------------

def log_unwritable(binary, work):
    """A program whose stdout file is in a directory angel (-u nobody) may not write, one
    whose stdout directory is missing, and one whose stdout opens but whose stderr (in the
    closed directory) does not: none starts, one stderr line per attempt (every sync), no
    descriptor is left behind (the stdout file opened before a failed stderr is closed), the
    ticker goes on; once the directories are writable / exist, the next sync (a HUP's, rather
    than waiting up to 10 s for the poll's, which the second attempt has shown) starts all three."""
    skip = needs_root_and_nobody()
    if skip:
        return skip
    os.chmod(work, 0o777)  # angel, now nobody, writes ticks.log here
    closed = os.path.join(work, "closed")
    os.mkdir(closed)
    os.chmod(closed, 0o755)  # root's: nobody cannot create out.log in it
    ticker, ticks = write_ticker(work)
    a = Angel(binary, work, ticker, args=("-u", "nobody"))
    try:
        a.wait("{- program: ticker -} RUNNING", 15)
        fds = a.settled_fds()
        a.hup(ticker + block("locked", "sleep 4712", stdout="closed/out.log") +
              block("missing", "sleep 4713", stdout="nodir/out.log") +
              block("halfway", "sleep 4714", stdout="halfway.log", stderr="closed/err.log"))
        denied = "closed/out.log: openFile: permission denied (Permission denied)"
        absent = "nodir/out.log: openFile: does not exist (No such file or directory)"
        second = "closed/err.log: openFile: permission denied (Permission denied)"
        texts = (denied, absent, second)

        def attempts():
            return tuple(a.count(f"{{- program: {name} -}} START") for name in ("locked", "missing", "halfway"))

        def reported():
            errs = a.errors()
            return tuple(sum(1 for e in errs if e.endswith(": " + text)) for text in texts)
        # The first attempt at the HUP, the second at the next sync (10 s): one line each.
        wait_for(lambda: min(attempts()) >= 2 and reported() == attempts(), 30,
                 "two attempts of each program, each with its one stderr line")
        assert all(any(e.endswith(": " + text) for text in texts) for e in a.errors()), a.errors()
        for name in ("locked", "missing", "halfway"):
            assert a.count(f"{{- program: {name} -}} RUNNING") == 0, name
        assert a.children("sleep 4712") == [] and a.children("sleep 4713") == [] and a.children("sleep 4714") == []
        a.check_healthy(ticks, fds)
        # The fix: the directory writable, the other one made (writable, in one step).
        os.chmod(closed, 0o777)
        os.mkdir(os.path.join(work, "nodir.tmp"))
        os.chmod(os.path.join(work, "nodir.tmp"), 0o777)
        os.rename(os.path.join(work, "nodir.tmp"), os.path.join(work, "nodir"))
        a.hup()
        a.wait("{- program: locked -} RUNNING", 25)
        a.wait("{- program: missing -} RUNNING", 25)
        a.wait("{- program: halfway -} RUNNING", 25)
        wait_for(lambda: all(len(a.children(f"sleep {n}")) == 1 for n in (4712, 4713, 4714)), 10,
                 "the three programs running")
        for made in ("closed/out.log", "nodir/out.log", "closed/err.log"):
            assert os.path.exists(os.path.join(work, made)), made
        assert reported() == tuple(n - 1 for n in attempts()), (attempts(), a.errors())
        a.check_healthy(ticks, fds)
        a.stop()
    finally:
        a.close()


def log_full(binary, work):
    """A program writing to stdout = "/dev/full" (every write fails with ENOSPC), restarted
    after each run: angel and the ticker carry on. Then, where a small tmpfs can be mounted,
    a program filling its log file on that tmpfs to the last byte: same."""
    if not os.path.exists("/dev/full"):
        print("skipped: no /dev/full")
        return SKIP
    ticker, ticks = write_ticker(work)
    # 200 lines into /dev/full (all lost), then one line on stderr: a run that got to its end.
    write(os.path.join(work, "fill.sh"),
          "#!/bin/sh\ni=0\nwhile [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done\necho done >&2\n", 0o755)
    small = os.path.join(work, "small")
    os.mkdir(small)
    mounted = False
    a = Angel(binary, work, ticker)
    try:
        a.wait("{- program: ticker -} RUNNING", 15)
        fds = a.settled_fds()
        conf = ticker + block("full", "./fill.sh", stdout="/dev/full", stderr="full.err", delay=1)
        a.hup(conf)
        runs = os.path.join(work, "full.err")
        wait_for(lambda: line_count(runs) >= 3, 20, "three runs of the /dev/full writer")
        a.check_healthy(ticks, fds)
        assert a.errors() == [], a.errors()

        mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small], capture_output=True,
                               text=True)
        if mount.returncode != 0:
            print(f"part skipped: no tmpfs here ({mount.stderr.strip()})")
        else:
            mounted = True
            a.hup(conf + block("filler", "yes filling", stdout="small/fill.log", stderr="filler.err", delay=1))
            wait_for(lambda: os.statvfs(small).f_bavail == 0, 20, "the tmpfs full")
            ended = a.count("{- program: filler -} ENDED")
            # yes ends at its first failed write (ENOSPC); each restart fails at once too.
            a.wait("{- program: filler -} ENDED", 20, times=ended + 3)
            assert "No space left on device" in open(os.path.join(work, "filler.err")).read()
            a.check_healthy(ticks, fds)
            assert a.errors() == [], a.errors()
        a.stop()
    finally:
        a.close()
        if mounted:
            deadline = time.monotonic() + 10
            while subprocess.run(["umount", small], capture_output=True).returncode != 0:
                if time.monotonic() > deadline:
                    subprocess.run(["umount", "-l", small])
                    break
                time.sleep(0.2)


def config_unreadable(binary, work):
    """angel -u nobody; the config made unreadable (chmod 000) and HUP: one Config Error
    (openFile: permission denied), the last good config keeps running; readable again, a
    HUP loads it. The same with an imported file made unreadable."""
    skip = needs_root_and_nobody()
    if skip:
        return skip
    os.chmod(work, 0o777)
    ticker, ticks = write_ticker(work)
    good = ticker + block("napper", "sleep 4730")
    a = Angel(binary, work, good, args=("-u", "nobody"))
    try:
        a.wait("{- program: napper -} RUNNING", 15)
        napper = a.children("sleep 4730")
        assert len(napper) == 1, napper
        fds = a.settled_fds()
        os.chmod(a.conf, 0)
        a.hup()
        i = a.wait("{config-monitor}  <<<< Config Error >>>>", 15)
        a.wait("{config-monitor}  <<<< Config Error: Skipping reload >>>>", 15)
        assert a.messages()[i + 1] == "angel.conf: openFile: permission denied (Permission denied)", \
            a.messages()[i + 1]
        a.check_healthy(ticks, fds)
        assert a.children("sleep 4730") == napper, "the running program was touched"
        assert a.count("{config-monitor}  <<<< Config Error >>>>") == 1
        # Readable again (and one more program): the reload works.
        write(a.conf, good + block("second", "sleep 4731"), 0o644)
        a.hup()
        a.wait("{- program: second -} RUNNING", 15)
        wait_for(lambda: len(a.children("sleep 4731")) == 1, 10, "the new program")
        assert a.children("sleep 4730") == napper
        assert a.count("{config-monitor}  <<<< Config Error >>>>") == 1, "\n".join(a.messages())
        a.check_healthy(ticks, fds)
        # An imported file unreadable: the same, naming that file.
        extra = os.path.join(work, "extra.conf")
        write(extra, block("third", "sleep 4738"), 0)
        a.hup(good + block("second", "sleep 4731") + 'import "extra.conf"\n')
        i = a.wait("{config-monitor}  <<<< Config Error >>>>", 15, times=2)
        a.wait("{config-monitor}  <<<< Config Error: Skipping reload >>>>", 15, times=2)
        assert a.messages()[i + 1] == "extra.conf: openFile: permission denied (Permission denied)", \
            a.messages()[i + 1]
        a.check_healthy(ticks, fds)
        os.chmod(extra, 0o644)
        a.hup()
        a.wait("{- program: third -} RUNNING", 15)
        assert a.children("sleep 4730") == napper
        assert a.count("{config-monitor}  <<<< Config Error >>>>") == 2, "\n".join(a.messages())
        a.check_healthy(ticks, fds)
        a.stop()
        assert a.errors() == [], a.errors()
    finally:
        a.close()


def huge_config_reload(binary, work, make_huge, peak_limit_mb=None):
    """Shared by config-huge and config-huge-sparse: angel.conf replaced by what make_huge(path)
    writes, HUP: one Config Error naming the bound, the old programs keep running, angel's
    memory back below 200 MB, the ticker restarting through it all. Returns angel's peak RSS
    (VmHWM, kB) over the reload."""
    ticker, ticks = write_ticker(work)
    good = ticker + block("napper", "sleep 4732")
    a = Angel(binary, work, good)
    try:
        a.wait("{- program: napper -} RUNNING", 15)
        napper = a.children("sleep 4732")
        fds = a.settled_fds()
        hwm_before = a.status("VmHWM")
        # A valid config first (with one more program, which must never start), then the bulk.
        huge = a.conf + ".huge"
        with open(huge, "w") as f:
            f.write(good + block("intruder", "sleep 4733"))
        make_huge(huge)
        os.rename(huge, a.conf)
        ticks_at_hup = line_count(ticks)
        hup_at = time.monotonic()
        a.hup()
        most = 0
        while a.count("{config-monitor}  <<<< Config Error: Skipping reload >>>>") == 0:
            assert time.monotonic() - hup_at < 120, "no Config Error 120 s after the HUP:\n" + \
                "\n".join(a.messages()[-20:])
            most = max(most, a.rss_kb())
            time.sleep(0.05)
        took = time.monotonic() - hup_at
        i = a.wait("{config-monitor}  <<<< Config Error >>>>", 1)
        assert a.messages()[i + 1] == "angel.conf: file larger than 256 MiB", a.messages()[i + 1]
        assert a.count("{config-monitor}  <<<< Config Error >>>>") == 1
        os.unlink(a.conf)  # the disk space back now
        write(a.conf, good)
        wait_for(lambda: a.rss_kb() < 200 * 1024, 10, f"angel's RSS below 200 MB (now {a.rss_kb()} kB)")
        a.check_healthy(ticks, fds)
        assert line_count(ticks) >= ticks_at_hup + 3
        assert a.children("sleep 4732") == napper, "the running program was touched"
        assert a.children("sleep 4733") == [] and a.count("{- program: intruder -} START") == 0
        peak = a.status("VmHWM")
        print(f"reload refused after {took:.1f} s; angel's RSS: largest sampled {most} kB, "
              f"peak (VmHWM) {peak} kB (before the reload {hwm_before} kB), now {a.rss_kb()} kB")
        if peak_limit_mb is not None:
            assert peak < peak_limit_mb * 1024, \
                f"angel's RSS peaked at {peak // 1024} MB reading a config it refuses (bound: 256 MiB)"
        # A good config loads again.
        a.hup(good + block("second", "sleep 4734"))
        a.wait("{- program: second -} RUNNING", 15)
        assert a.count("{config-monitor}  <<<< Config Error >>>>") == 1
        a.stop()
        assert a.errors() == [], a.errors()
        return peak
    finally:
        a.close()


def config_huge(binary, work):
    """The config replaced by a valid block followed by 300 MB of comment lines, HUP: one
    Config Error (the file bound, 256 MiB), the old programs keep running, angel's RSS is
    below 200 MB after the reload, and the ticker keeps being restarted."""
    def comments(path):
        chunk = ("# " + "x" * 97 + "\n") * 10000  # 1 MB
        with open(path, "a") as f:
            for _ in range(300):
                f.write(chunk)
    huge_config_reload(binary, work, comments)


def config_huge_sparse(binary, work):
    """A 1 GiB config (a sparse file: no disk space used) is refused from its size, before a
    byte is read: angel's peak RSS stays far below the file (under 320 MB, the 256 MiB bound
    plus slack; in fact it does not grow at all), and the event loop is not held by a read."""
    def sparse(path):
        os.truncate(path, 1 << 30)
    huge_config_reload(binary, work, sparse, peak_limit_mb=320)


def config_self_import(binary, work):
    """The config replaced by one that imports itself, HUP: one Config Error naming the cycle,
    quickly and in bounded memory; the last good config keeps running; a fixed config loads."""
    ticker, ticks = write_ticker(work)
    good = ticker + block("napper", "sleep 4735")
    a = Angel(binary, work, good)
    try:
        a.wait("{- program: napper -} RUNNING", 15)
        napper = a.children("sleep 4735")
        fds = a.settled_fds()
        rss = a.rss_kb()
        a.hup('import "angel.conf"\n' + good + block("intruder", "sleep 4736"))
        i = a.wait("{config-monitor}  <<<< Config Error >>>>", 15)
        a.wait("{config-monitor}  <<<< Config Error: Skipping reload >>>>", 15)
        assert a.messages()[i + 1] == "angel.conf: import cycle: angel.conf -> angel.conf", a.messages()[i + 1]
        a.check_healthy(ticks, fds)
        assert a.rss_kb() < rss + 20 * 1024, f"RSS {rss} kB before, {a.rss_kb()} kB after"
        assert a.children("sleep 4735") == napper
        assert a.count("{- program: intruder -} START") == 0
        assert a.count("{config-monitor}  <<<< Config Error >>>>") == 1
        a.hup(good + block("second", "sleep 4737"))
        a.wait("{- program: second -} RUNNING", 15)
        assert a.count("{config-monitor}  <<<< Config Error >>>>") == 1
        a.stop()
        assert a.errors() == [], a.errors()
    finally:
        a.close()


def term_during_startup(binary, work):
    """300 programs, TERM at start-up: angel exits 0 within 30 s and no program is left.
    Three ways of sending it early:
    * pending: TERM blocked in the child before exec (the mask is inherited), sent as soon as
      the process exists; angel must act on it once its start-up is done;
    * caught: sent as soon as /proc shows angel catching TERM (its handler installed);
    * raw: sent as soon as the process exists, nothing blocked. Between exec and angel's
      handler (dynamic loading, main's first lines) TERM has its default action, as for any
      program: angel may die of it (status -15), but then it must not have started anything."""
    write(os.path.join(work, "angel.conf"), "".join(block(f"p{i:03}", "sleep 4711") for i in range(300)))

    def catches_term(pid):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("SigCgt:"):
                        return int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)) != 0
        except OSError:
            pass
        return False

    def block_term():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})

    outcomes = []
    for way in ("pending", "pending", "caught", "caught", "raw", "raw", "raw"):
        a = Angel(binary, work, None, preexec_fn=block_term if way == "pending" else None)
        try:
            if way == "caught":
                deadline = time.monotonic() + 10
                while not catches_term(a.pid):
                    assert time.monotonic() < deadline and a.alive(), "angel never caught TERM"
            a.proc.send_signal(signal.SIGTERM)
            started = time.monotonic()
            try:
                status = a.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"{way}: angel still running 30 s after TERM") from None
            took = time.monotonic() - started
            ran = a.count("{- program: p000 -} RUNNING")
            if way == "raw" and status == -signal.SIGTERM:
                assert ran == 0, "raw: angel died of TERM after starting programs:\n" + "\n".join(a.messages())
            else:
                assert status == 0, f"{way}: exit status {status}:\n" + "\n".join(a.messages()[-20:])
                assert "{main} INT | TERM received; initiating shutdown..." in a.messages(), a.messages()[-5:]
                assert a.messages()[-1] == "{main} That's all folks!", a.messages()[-5:]
                assert a.errors() == [], a.errors()
            wait_for(lambda: a.session("sleep 4711") == [], 10, f"{way}: no program left running")
            outcomes.append(f"{way}: status {status} after {took:.2f} s, {a.count('{process-monitor} Must kill=0, must start=300')} start-ups")
        finally:
            a.close()
    print("; ".join(outcomes))


def term_during_sync(binary, work):
    """A program that ignores TERM, termgrace = 5, removed by a HUP: its kill waits the grace.
    TERM during that wait: angel exits 0 in under 20 s, the stubborn program is killed, and
    nothing is left in angel's session."""
    ticker, ticks = write_ticker(work)
    write(os.path.join(work, "stubborn.sh"), "#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 1; done\n", 0o755)
    a = Angel(binary, work, ticker + block("stubborn", "./stubborn.sh", termgrace=5))
    try:
        a.wait("{- program: stubborn -} RUNNING", 15)
        wait_for(lambda: len(a.children("/bin/sh ./stubborn.sh")) == 1, 10, "the stubborn program")
        stubborn = a.children("/bin/sh ./stubborn.sh")[0]
        a.hup(ticker)
        a.wait("{process-killer} Waiting 5 seconds for stubborn to die", 15)
        took = a.stop(timeout=20)
        print(f"angel exited {took:.1f} s after TERM")
        messages = a.messages()
        assert "{process-killer} Hard killing stubborn" in messages, "\n".join(messages)
        assert messages[-1] == "{main} That's all folks!", "\n".join(messages)
        assert a.errors() == [], a.errors()

        def gone(pid):
            try:
                return stat_fields(pid)[0] == "Z"  # dead, its parent (now init) to reap it
            except OSError:
                return True
        wait_for(lambda: gone(stubborn), 10, "the stubborn program killed")
        wait_for(lambda: a.session() == [], 10, f"nothing left in angel's session: {a.session()}")
    finally:
        a.close()


def grandchildren(binary, work):
    """A program that starts a background grandchild (sleep) and exits, restarted every
    second: angel never takes a grandchild for its program (the log is the plain ENDED,
    WAITING, RESTART cycle, ENDED comes at once although the grandchild lives on) and
    leaves no zombie. The same with a logger: the grandchild holds the logger's pipe, so each
    run's logger outlives its run and ends only with the grandchild (3 s); angel then reaps
    it and logs its ENDED, and no logger is taken for another run's."""
    ticker, ticks = write_ticker(work)
    write(os.path.join(work, "spawner.sh"), "#!/bin/sh\nsleep 4740 &\necho spawned\n", 0o755)
    write(os.path.join(work, "logged.sh"), "#!/bin/sh\nsleep 3 &\necho spawned\n", 0o755)
    write(os.path.join(work, "logger.sh"), "#!/bin/sh\nexec cat >> logged.txt\n", 0o755)
    a = Angel(binary, work, ticker + block("spawner", "./spawner.sh", stdout="spawner.log", delay=1) +
              block("logged", "./logged.sh", logger="./logger.sh", delay=1))
    try:
        a.wait("{- program: ticker -} RUNNING", 15)
        fds = a.settled_fds()
        a.wait("{- program: spawner -} RESTART", 30, times=4)
        a.wait("{- program: logged -} RESTART", 30, times=4)
        wait_for(lambda: len(a.session("sleep 4740")) >= 4, 10, "four grandchildren")
        assert all(p[1] != a.pid for p in a.session("sleep 4740")), "a grandchild is angel's child"
        for name, extra in (("spawner", []), ("logged", ["Spawning logger process"])):
            cycle = ["START", f"Spawning process: ./{name}.sh with env []"] + extra + \
                ["RUNNING", "ENDED", "WAITING", "RESTART"]
            prefix = f"{{- program: {name} -}} "
            mine = [m[len(prefix):] for m in a.messages() if m.startswith(prefix)]
            whole = mine.count("RESTART") * len(cycle)
            assert whole >= 4 * len(cycle) and mine[:whole] == cycle * (whole // len(cycle)), "\n".join(mine)
        assert line_count(os.path.join(work, "spawner.log")) >= 4
        # Each logger ends once its grandchild (sleep 3) has: all but the last few runs' have.
        runs = a.count("{- program: logged -} RUNNING")
        wait_for(lambda: a.count("{- program: logger for logged -} ENDED") >= runs, 15,
                 f"the loggers of the first {runs} runs ended")
        assert a.count("{- program: logger for logged -} RUNNING") >= runs
        assert line_count(os.path.join(work, "logged.txt")) >= runs
        a.check_healthy(ticks, fds)
        a.stop()
        assert a.errors() == [], a.errors()
        assert len(a.session("sleep 4740")) >= 4, "the grandchildren are not angel's to stop"
    finally:
        a.close()  # the grandchildren too: they are in angel's session


def closes_stdout_early(binary, work):
    """A program with a logger that closes its stdout and stderr (the logger's pipe) at once,
    runs 3 s more and exits: the logger sees EOF and ends first (`logger for ID` ENDED before
    the program's ENDED), and is not restarted on its own; the program is restarted with a new
    logger as usual; no zombie. A program closing only its stdout keeps the pipe open through
    its stderr: its logger ends with it."""
    ticker, ticks = write_ticker(work)
    write(os.path.join(work, "closer.sh"), "#!/bin/sh\necho before close\nexec >&- 2>&-\nsleep 3\n", 0o755)
    write(os.path.join(work, "half.sh"), "#!/bin/sh\necho half before close\nexec >&-\nsleep 3\n", 0o755)
    write(os.path.join(work, "logger.sh"), '#!/bin/sh\ncat >> "$1"\necho EOF >> "$1"\n', 0o755)
    a = Angel(binary, work, ticker + block("closer", "./closer.sh", logger="./logger.sh closer.txt", delay=1) +
              # delay 3: a run's logger appends its EOF line as the run ends; the next run's
              # first line comes through a new logger `delay` later, so the file keeps the
              # order checked below even when the old logger is slow to be scheduled.
              block("half", "./half.sh", logger="./logger.sh half.txt", delay=3))
    try:
        a.wait("{- program: ticker -} RUNNING", 15)
        fds = a.settled_fds()
        a.wait("{- program: closer -} RESTART", 40, times=3)
        a.wait("{- program: half -} RESTART", 60, times=3)

        def lines(name):
            """The program's and its logger's records, the logger's marked with 'logger '."""
            out = []
            for m in a.messages():
                if m.startswith(f"{{- program: {name} -}} "):
                    out.append(m[len(f"{{- program: {name} -}} "):])
                elif m.startswith(f"{{- program: logger for {name} -}} "):
                    out.append("logger " + m[len(f"{{- program: logger for {name} -}} "):])
            return out

        for name in ("closer", "half"):
            # The program's own records: the plain cycle, run after run.
            cycle = ["START", f"Spawning process: ./{name}.sh with env []", "Spawning logger process", "RUNNING",
                     "ENDED", "WAITING", "RESTART"]
            mine = [r for r in lines(name) if not r.startswith("logger ")]
            whole = mine.count("RESTART") * len(cycle)
            assert whole >= 3 * len(cycle) and mine[:whole] == cycle * (whole // len(cycle)), "\n".join(mine)
            # One logger per run, never restarted on its own; each ends (sees EOF).
            wait_for(lambda: lines(name).count("logger ENDED") >= 3, 10, f"the first three loggers of {name} ended")
            wait_for(lambda: lines(name).count("logger RUNNING") == lines(name).count("RUNNING"), 10,
                     f"as many loggers as runs of {name}")
            records = lines(name)
            if name == "closer":
                # Its pipe closed at once, 3 s before it exits: each logger ends before its run does.
                ended = [i for i, r in enumerate(records) if r == "ENDED"]
                logger_ended = [i for i, r in enumerate(records) if r == "logger ENDED"]
                assert all(l < e for l, e in zip(logger_ended, ended)), "\n".join(records)
            with open(os.path.join(work, f"{name}.txt")) as f:
                text = f.read()
            first = "before close" if name == "closer" else "half before close"
            assert text.startswith(f"{first}\nEOF\n" * 3), text
        a.check_healthy(ticks, fds)
        a.stop()
        assert a.errors() == [], a.errors()
    finally:
        a.close()


def slow_logger_flood(binary, work):
    """A program writing as fast as it can (yes) into a logger that reads 4 KiB every 0.1 s,
    for 10 s, beside a ticker (delay 1): the ticker keeps its rhythm (5 runs or more in the
    10 s), angel's RSS grows by less than 20 MB, TERM ends angel (0), the writer and the
    logger."""
    ticker, ticks = write_ticker(work)
    write(os.path.join(work, "slow.py"),
          f"#!{PYTHON}\nimport os, time\nwhile os.read(0, 4096):\n    time.sleep(0.1)\n", 0o755)
    a = Angel(binary, work, ticker)
    try:
        a.wait("{- program: ticker -} RUNNING", 15)
        fds = a.settled_fds()
        rss = a.rss_kb()
        a.hup(ticker + block("flood", "yes flood", logger="./slow.py"))
        a.wait("{- program: flood -} RUNNING", 15)
        a.wait("{- program: logger for flood -} RUNNING", 15)
        before, most = line_count(ticks), rss
        started = time.monotonic()
        while time.monotonic() - started < 10:
            most = max(most, a.rss_kb())
            time.sleep(0.1)
        ran = line_count(ticks) - before
        assert ran >= 5, f"the ticker ran {ran} times in 10 s"
        assert most - rss < 20 * 1024, f"angel's RSS grew from {rss} kB to {most} kB"
        assert a.count("{- program: flood -} ENDED") == 0, "the writer ended"
        print(f"ticker runs in 10 s: {ran}; angel's RSS {rss} kB before, at most {most} kB during")
        a.check_healthy(ticks, fds)
        a.stop()
        assert a.errors() == [], a.errors()
        wait_for(lambda: a.session() == [], 10, "the writer and its logger gone")
    finally:
        a.close()


def listen_taken(binary, work):
    """A served program whose port the test already holds (bound and listening): angel logs
    the bind error (every sync), starts nothing for it and keeps the ticker going; once the
    port is free, a HUP binds it and the program serves."""
    port = free_port()
    try:
        taken = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        taken.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        taken.bind(("::", port))
    except OSError:
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        taken.bind(("0.0.0.0", port))
    taken.listen(8)
    ticker, ticks = write_ticker(work)
    web = (f'web {{\n  exec = "{PYTHON} {SERVE} --version 1"\n  listen = "{port}"\n'
           f'  env {{\n    PYTHONCOERCECLOCALE = "0"\n  }}\n}}\n')
    a = Angel(binary, work, ticker)
    try:
        a.wait("{- program: ticker -} RUNNING", 15)
        fds = a.settled_fds()
        a.hup(ticker + web)
        error = f'{{process-monitor}} Cannot listen: "{port}": bind: Address already in use'
        a.wait(error, 15)
        a.wait(error, 25, times=2)  # the next sync tries again
        assert a.count("{- program: web -} START") == 0 and a.children(f"{PYTHON} {SERVE} --version 1") == []
        a.check_healthy(ticks, fds)
        taken.close()
        a.hup()
        a.wait(f'{{process-monitor}} Listening on "{port}"', 20)
        a.wait("{- program: web -} RUNNING", 20)
        wait_for(lambda: _answers(port), 20, "an answer on the port")
        assert "version=1" in get(port)
        a.check_healthy(ticks, fds + 1)  # now angel holds the listening socket
        a.stop()
        assert a.errors() == [], a.errors()
    finally:
        taken.close()
        a.close()


def _answers(port):
    try:
        return "version=" in get(port, timeout=2)
    except (OSError, AssertionError):
        return False


def unix_readonly_dir(binary, work):
    """listen on a unix socket in a directory angel (-u nobody) may not write: the bind error
    (every sync: the HUP's, then the poll's), no socket file, the ticker goes on; the directory
    made writable, the next sync (a HUP's, not the poll's 10 s later) binds it and starts the
    program."""
    skip = needs_root_and_nobody()
    if skip:
        return skip
    os.chmod(work, 0o777)
    closed = os.path.join(work, "closed")
    os.mkdir(closed)
    os.chmod(closed, 0o755)  # root's
    path = os.path.join(closed, "web.sock")
    ticker, ticks = write_ticker(work)
    a = Angel(binary, work, ticker, args=("-u", "nobody"))
    try:
        a.wait("{- program: ticker -} RUNNING", 15)
        fds = a.settled_fds()
        a.hup(ticker + block("web", "sleep 4750", listen=path))
        error = f'{{process-monitor}} Cannot listen: "{path}": bind: Permission denied'
        a.wait(error, 15)
        a.wait(error, 25, times=2)
        assert not os.path.exists(path)
        assert a.count("{- program: web -} START") == 0 and a.children("sleep 4750") == []
        a.check_healthy(ticks, fds)
        os.chmod(closed, 0o777)
        a.hup()
        a.wait(f'{{process-monitor}} Listening on "{path}"', 25)
        a.wait("{- program: web -} RUNNING", 15)
        wait_for(lambda: len(a.children("sleep 4750")) == 1, 10, "the program")
        assert os.path.exists(path)
        a.check_healthy(ticks, fds + 1)
        a.stop()
        assert a.errors() == [], a.errors()
    finally:
        a.close()


def sigchld_ignored(binary, work):
    """angel started by a parent that ignores SIGCHLD (an init script, a runtime's spawn
    helper): the ignore survives exec, and unless angel resets it the kernel reaps its
    children itself and no signal comes. A `sleep 1` program must still be ENDED and
    restarted, again and again, and TERM must stop angel with its program."""
    def ignore_sigchld():
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)

    a = Angel(binary, work, block("napper", "sleep 1", delay=1), preexec_fn=ignore_sigchld)
    try:
        a.wait("{- program: napper -} RUNNING", 15)
        a.wait("{- program: napper -} ENDED", 15)
        a.wait("{- program: napper -} RESTART", 15, times=2)
        a.wait("{- program: napper -} RUNNING", 15, times=3)
        a.stop()
        assert a.errors() == [], a.errors()
        wait_for(lambda: a.session("sleep 1") == [], 10, "the program stopped")
    finally:
        a.close()


TESTS = {"log-unwritable": log_unwritable, "log-full": log_full, "config-unreadable": config_unreadable,
         "config-huge": config_huge, "config-huge-sparse": config_huge_sparse,
         "config-self-import": config_self_import, "term-during-startup": term_during_startup,
         "term-during-sync": term_during_sync, "grandchildren": grandchildren,
         "closes-stdout-early": closes_stdout_early, "slow-logger-flood": slow_logger_flood,
         "listen-taken": listen_taken, "unix-readonly-dir": unix_readonly_dir,
         "sigchld-ignored": sigchld_ignored}


def main():
    angel, test = os.path.abspath(sys.argv[1]), sys.argv[2]
    return run_in_work_dir(test, TESTS[test], angel)


if __name__ == "__main__":
    sys.exit(main())
