#!/usr/bin/env python3
"""Served programs end to end: the real angel, real sockets, test/servers/serve.py as the program.

usage: serve_test.py ANGEL TEST
       (TEST: basic | rollout | broken | ready-timeout | fd-ready | unix | ipv6-and-two | stopping |
        bind-failure | bad-config | maxage | privileged-port | notify-flood | unix-missing-dir |
        unix-denied-after-switch | notify-foreign | notify-all)
Exit 0 = pass, 1 = fail, 77 = skipped (ctest's SKIP_RETURN_CODE).
"""
import os
import pwd
import random
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

from support import AngelLog, SKIP, end_session, free_port, get, line_count, needs_root_and_nobody, run_in_work_dir, wait_for, who, write

SERVE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "servers", "serve.py"))
# The interpreter itself, not a `python3` found on PATH: a wrapper (pyenv's shim) would add
# its own variables and descriptors to what the server sees. PYTHONCOERCECLOCALE=0 in every
# env block keeps Python from adding LC_CTYPE to its own environment.
PYTHON = sys.executable


def program(version, *server_args, listen=None, ready=None, count=1, extra=""):
    keys = f'  listen = "{listen}"\n' if isinstance(listen, (str, int)) else \
        f'  listen = [{", ".join(chr(34) + a + chr(34) for a in listen)}]\n' if listen else ""
    keys += f"  ready = {ready}\n" if ready else ""
    args = " ".join(("--version", str(version)) + server_args)
    keys += f"  count = {count}\n" if count != 1 else ""
    return (f'web {{\n  exec = "{PYTHON} {SERVE} {args}"\n{keys}{extra}'
            f'  env {{\n    PYTHONCOERCECLOCALE = "0"\n  }}\n}}\n')


class Angel(AngelLog):
    """angel CONFIG in `work`, its stdout in angel.log; close() kills its whole session."""

    def __init__(self, binary, work, conf, args=()):
        self.work, self.conf = work, os.path.join(work, "angel.conf")
        write(self.conf, conf)
        self.log_path, self.err_path = os.path.join(work, "angel.log"), os.path.join(work, "angel.err")
        with open(self.log_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen([binary, "angel.conf", *args], cwd=work, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        self.started = time.monotonic()

    def hup(self, conf):
        write(self.conf, conf)
        os.kill(self.proc.pid, signal.SIGHUP)

    def children(self, match="serve.py"):
        return AngelLog.children(self, match)

    def stop(self, timeout=20):
        """TERM: angel must exit 0 with nothing on stderr (within `timeout` seconds: at
        shutdown, every instance with a termgrace is waited for in turn)."""
        assert self.proc.poll() is None, "angel died:\n" + "\n".join(self.messages())
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=timeout)
        with open(self.err_path) as f:
            err = f.read()
        assert status == 0 and err == "", f"exit status {status}, stderr {err!r}"

    def close(self):
        end_session(self.proc)


class Load(threading.Thread):
    """Requests `/` one connection each, back to back (`pause` between), until stopped; with an
    angel, a second thread samples the number of its serve.py children every ~50 ms."""

    def __init__(self, addr, angel=None, pause=0.01):
        super().__init__(daemon=True)
        self.addr, self.angel, self.pause = addr, angel, pause
        self.answers, self.failures, self.most = [], [], 0
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self.sample, daemon=True)

    def sample(self):
        while not self.done.is_set():
            self.most = max(self.most, len(self.angel.children()))
            time.sleep(0.05)

    def run(self):
        if self.angel:
            self.sampler.start()
        while not self.done.is_set():
            try:
                self.answers.append(who(self.addr))
            except (OSError, AssertionError, ValueError) as e:
                self.failures.append(f"{time.strftime('%H:%M:%S')} {e!r}")
            time.sleep(self.pause)

    def pids(self, version=None):
        return {a["pid"] for a in self.answers if version is None or a["version"] == str(version)}

    def finish(self):
        self.done.set()
        self.join(30)
        if self.angel:
            self.sampler.join(30)
        assert not self.failures, f"{len(self.failures)} failed requests: {self.failures[:5]}"
        assert len(self.answers) >= 10, f"only {len(self.answers)} answers"


def env_of(body):
    return dict(line.split("=", 1) for line in body.splitlines())


def basic(binary, work):
    """count=2 on one port, ready=notify: both instances answer on fd 3 with exactly the systemd
    variables (LISTEN_PID = the process itself), the env block and NOTIFY_SOCKET; no other fd."""
    port = free_port()
    conf = program(1, "--ready", "notify", listen=port, ready='"notify"', count=2)
    a = Angel(binary, work, conf.replace("  env {\n", '  env {\n    X = "y"\n'))
    try:
        a.wait("{- program: web-1 -} READY", 20)
        a.wait("{- program: web-2 -} READY", 20)
        answered, envs = set(), {}
        def both_seen():
            answered.add(who(port)["pid"])
            env = env_of(get(port, "/env"))
            envs[env["LISTEN_PID"]] = env
            return len(answered) == 2 and len(envs) == 2
        wait_for(both_seen, 30, "answers from both instances")
        children = {str(p) for p in a.children()}
        assert answered == set(envs) == children, f"answered {answered}, envs {set(envs)}, children {children}"
        for pid, env in envs.items():
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                assert SERVE.encode() in f.read(), f"LISTEN_PID {pid} is not a serve.py"
            assert set(env) == {"ANGEL_PROCESS_NUMBER", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET",
                                "PYTHONCOERCECLOCALE", "X"}, env
            assert env["LISTEN_FDS"] == "1" and env["LISTEN_FDNAMES"] == "web" and env["X"] == "y", env
            assert env["NOTIFY_SOCKET"], env
        assert sorted(e["ANGEL_PROCESS_NUMBER"] for e in envs.values()) == ["1", "2"], envs
        for _ in range(6):
            assert get(port, "/fds") == "0 1 2 3\n", get(port, "/fds")
            w = who(port)
            assert (w["version"], w["fd"], w["name"]) == ("1", "3", "web"), w
        a.stop()
    finally:
        a.close()


def rollout(binary, work):
    """HUP with a new version under load: no failed request, start-first per slot (the new
    instance is READY before the old one is retired), never more than count+surge instances."""
    port = free_port()
    a = Angel(binary, work, program(1, "--ready", "notify", "--ready-delay", "1", listen=port, ready='"notify"',
                                    count=2))
    load = Load(port, a)
    try:
        a.wait("{- program: web-1 -} READY", 20)
        a.wait("{- program: web-2 -} READY", 20)
        old = a.children()
        assert len(old) == 2, old
        load.start()
        wait_for(lambda: len(load.answers) >= 20, 20, "answers before the HUP")
        hup_at = len(a.messages())
        a.hup(program(2, "--ready", "notify", "--ready-delay", "1", listen=port, ready='"notify"', count=2))
        done = a.wait("{process-monitor} Rollout done: web", 60, hup_at)
        before_done = len(load.answers)
        wait_for(lambda: len(load.answers) >= before_done + 20, 20, "answers after the rollout")
        load.finish()
        after = load.answers[before_done:]
        assert {x["version"] for x in after} == {"2"}, f"versions after the rollout: {after}"
        assert load.most == 3, f"at most {load.most} instances at a time, wanted exactly count+surge = 3"
        m = a.messages()
        a.wait("{process-monitor} Rollout started: web", 1, hup_at)
        for slot in ("web-1", "web-2"):
            start = a.find(f"{{- program: {slot} -}} START (new instance, replacing pid …", hup_at)
            assert start is not None and start < done, "\n".join(m[hup_at:])
            pid = int(m[start].rsplit(" ", 1)[1].rstrip(")"))
            assert pid in old, f"{slot} replaced pid {pid}, not one of {old}"
            ready = a.find(f"{{- program: {slot} -}} READY", start)
            retiring = a.find(f"{{- program: {slot} -}} RETIRING pid {pid}", hup_at)
            kill = a.find(f"{{process-killer}} Soft killing {slot}", hup_at)
            ended = a.find(f"{{- program: {slot} -}} ENDED (replaced)", hup_at)
            assert None not in (ready, retiring, kill, ended) and start < ready < retiring < kill < ended < done, \
                f"{slot}: START {start} READY {ready} RETIRING {retiring} kill {kill} ENDED {ended} done {done}\n" + \
                "\n".join(m[hup_at:])
        assert not set(a.children()) & set(old), f"old instances left: {old}"
        a.stop()
    finally:
        load.done.set()
        a.close()


def broken(binary, work):
    """A new version that crashes before it is ready: NOT READY, the old one keeps serving alone;
    HUP back to the old spec: nothing is started (no more retries), the old instances stay."""
    port = free_port()
    good = program(1, "--ready", "notify", listen=port, ready='"notify"', count=2)
    a = Angel(binary, work, good)
    load = Load(port, a)
    try:
        a.wait("{- program: web-1 -} READY", 20)
        a.wait("{- program: web-2 -} READY", 20)
        old = a.children()
        load.start()
        hup_at = len(a.messages())
        a.hup(program(3, "--ready", "notify", "--crash-before-ready", listen=port, ready='"notify"', count=2))
        a.wait("{- program: web-1 -} NOT READY: exited before it was ready; the old instance keeps running; next try "
               "in 5 seconds", 20, hup_at)
        time.sleep(7)  # a retry (5 s after that line) fails meanwhile; the next one is 10 s after it
        assert set(old) <= set(a.children()), f"instances {a.children()}, old {old}"
        back_at = len(a.messages())
        a.hup(good)
        a.wait("{process-monitor} Rollout done: web", 10, back_at)
        time.sleep(11)  # past the retry that was due ~10 s after the last failure: it must not come
        load.finish()
        assert load.pids() == {str(p) for p in old}, f"answered: {load.pids()}, old {old}"
        assert {x["version"] for x in load.answers} == {"1"}, "a version 3 answered"
        assert a.children() == old, f"instances {a.children()}, old {old}"
        m = a.messages()
        assert not [x for x in m[back_at:] if " -} START" in x or "RETIRING" in x], "\n".join(m[back_at:])
        a.stop()
    finally:
        load.done.set()
        a.close()


def ready_timeout(binary, work):
    """readytimeout = 2 and a new version that never says READY=1: NOT READY after 2 s, the new
    instance is killed, the old one keeps serving."""
    port = free_port()
    a = Angel(binary, work, program(1, "--ready", "notify", listen=port, ready='"notify"',
                                    extra="  readytimeout = 2\n"))
    load = Load(port, a)
    try:
        a.wait("{- program: web -} READY", 20)
        old = a.children()
        load.start()
        hup_at = len(a.messages())
        hup_time = time.monotonic()
        # --ready-delay 60: it neither accepts nor says anything for a minute.
        a.hup(program(2, "--ready", "none", "--ready-delay", "60", listen=port, ready='"notify"',
                      extra="  readytimeout = 2\n"))
        a.wait("{- program: web -} START (new instance, replacing pid …", 20, hup_at)
        a.wait("{- program: web -} NOT READY: not ready 2 seconds after it started; the old instance keeps running; "
               "next try in …", 20, hup_at)
        took = time.monotonic() - hup_time
        assert took >= 1.9, f"NOT READY {took:.2f} s after the HUP"
        wait_for(lambda: a.children() == old, 10, "the new instance killed")
        time.sleep(1)
        load.finish()
        assert load.pids() == {str(p) for p in old} and {x["version"] for x in load.answers} == {"1"}, \
            f"answered {load.pids()}, old {old}"
        a.stop()
    finally:
        load.done.set()
        a.close()


def stamp(line):
    return time.mktime(time.strptime(line[1:20], "%Y/%m/%d %H:%M:%S"))


def fd_ready(binary, work):
    """ready = "fd:4": a newline on fd 4 makes the instance READY (not before); fd 4 closed
    without a newline is NOT READY (EOF) and the program does not count as running."""
    port = free_port()
    a = Angel(binary, work, program(1, "--ready", "fd:4", "--ready-delay", "2", listen=port, ready='"fd:4"'))
    try:
        a.wait("{- program: web -} READY", 20)
        with open(a.log_path) as f:
            lines = f.read().splitlines()
        running = next(x for x in lines if x.endswith("{- program: web -} RUNNING"))
        ready = next(x for x in lines if x.endswith("{- program: web -} READY"))
        assert stamp(ready) - stamp(running) >= 1, f"{running}\n{ready}"
        w = who(port)
        assert (w["version"], w["fd"]) == ("1", "3"), w
        env = env_of(get(port, "/env"))
        assert "NOTIFY_SOCKET" not in env and env["LISTEN_FDS"] == "1", env
        assert get(port, "/fds") == "0 1 2 3 4\n", get(port, "/fds")  # at its start: fd 4 is the pipe
        a.stop()
    finally:
        a.close()
    eof = os.path.join(work, "eof")
    os.mkdir(eof)
    write(os.path.join(eof, "eof.sh"), "exec 4>&-\nexec sleep 30\n")
    port = free_port()
    a = Angel(binary, eof, f'web {{\n  exec = "sh {eof}/eof.sh"\n  listen = "{port}"\n  ready = "fd:4"\n}}\n')
    try:
        a.wait("{- program: web -} NOT READY: closed its readiness descriptor before it was ready; next try in 5 "
               "seconds", 20)
        wait_for(lambda: a.children("sleep") == [], 10, "the instance killed")
        assert a.find("{- program: web -} READY") is None, "\n".join(a.messages())
        a.stop()
    finally:
        a.close()


def unix(binary, work):
    """A unix path: a socket with socketmode, served, removed at exit; a stale socket file is
    replaced; a live socket or a regular file is left alone and the program not started."""
    path = os.path.join(work, "web.sock")
    conf = program(1, "--ready", "notify", listen=path, ready='"notify"', extra='  socketmode = "0660"\n')
    a = Angel(binary, work, conf)
    try:
        a.wait("{- program: web -} READY", 20)
        st = os.stat(path)
        assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o660, oct(st.st_mode)
        w = who(path)
        assert (w["version"], w["fd"], w["name"]) == ("1", "3", "web"), w
        a.stop()
        assert not os.path.exists(path), "the socket file outlived angel"
    finally:
        a.close()

    # Stale: bound, never listened on, closed without unlink: nobody accepts there.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(path)
    assert stat.S_ISSOCK(os.stat(path).st_mode)
    a = Angel(binary, work, program(2, "--ready", "notify", listen=path, ready='"notify"'))
    try:
        a.wait("{- program: web -} READY", 20)
        assert who(path)["version"] == "2"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666, oct(os.stat(path).st_mode)
        a.stop()
        assert not os.path.exists(path), "the socket file outlived angel"
    finally:
        a.close()

    # Live: the test accepts on the path itself.
    live = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    live.bind(path)
    live.listen(8)
    inode = os.stat(path).st_ino
    a = Angel(binary, work, program(3, "--ready", "notify", listen=path, ready='"notify"'))
    try:
        a.wait(f'{{process-monitor}} Cannot listen: "{path}": another process accepts on this socket; not touched', 20)
        time.sleep(2)
        assert a.find("{- program: web -} RUNNING") is None and a.children() == [], "\n".join(a.messages())
        assert os.stat(path).st_ino == inode, "the live socket file was replaced"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.settimeout(5)
            c.connect(path)
            c.sendall(b"ping")
            live.settimeout(5)
            got = []
            while b"ping" not in got:  # angel's probe connected first: closed, nothing in it
                conn, _ = live.accept()
                with conn:
                    conn.settimeout(5)
                    got.append(conn.recv(4))
                assert len(got) <= 5, f"the live socket did not get our connection: {got}"
        a.stop()
        assert os.stat(path).st_ino == inode, "angel removed the live socket file"
    finally:
        a.close()
        live.close()
        os.unlink(path)

    # Not a socket.
    write(path, "keep me\n")
    a = Angel(binary, work, program(4, "--ready", "notify", listen=path, ready='"notify"'))
    try:
        a.wait(f'{{process-monitor}} Cannot listen: "{path}": exists and is not a socket; not touched', 20)
        time.sleep(2)
        assert a.find("{- program: web -} RUNNING") is None and a.children() == [], "\n".join(a.messages())
        a.stop()
        with open(path) as f:
            assert f.read() == "keep me\n", "the regular file was changed"
    finally:
        a.close()


def ipv6_and_two(binary, work):
    """listen = ["[::1]:P1", "127.0.0.1:P2"]: two fds, 3 and 4, in that order, both named web."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError as e:
        print(f"skipped: no IPv6 loopback ({e})")
        return SKIP
    p1, p2 = free_port("::1", socket.AF_INET6), free_port("127.0.0.1")
    a = Angel(binary, work, program(1, "--ready", "notify", listen=[f"[::1]:{p1}", f"127.0.0.1:{p2}"],
                                    ready='"notify"'))
    try:
        a.wait("{- program: web -} READY", 20)
        env = env_of(get(("::1", p1), "/env"))
        assert env["LISTEN_FDS"] == "2" and env["LISTEN_FDNAMES"] == "web:web", env
        assert get(("127.0.0.1", p2), "/fds") == "0 1 2 3 4\n"
        for _ in range(3):
            w1, w2 = who(("::1", p1)), who(("127.0.0.1", p2))
            assert (w1["fd"], w1["name"], w2["fd"], w2["name"]) == ("3", "web", "4", "web"), (w1, w2)
        a.stop()
    finally:
        a.close()


def stopping(binary, work):
    """An instance that sends STOPPING=1 (after 5 answers) is recycled start-first: a new pid
    takes over and no request fails."""
    port = free_port()
    a = Angel(binary, work, program(1, "--ready", "notify", "--stopping-after", "5", listen=port, ready='"notify"'))
    load = Load(port, a, pause=0.2)
    try:
        a.wait("{- program: web -} READY", 20)
        old = a.children()
        assert len(old) == 1, old
        load.start()
        a.wait("{- program: web -} RECYCLE: asked with STOPPING=1", 20)
        a.wait(f"{{- program: web -}} START (recycling pid {old[0]})", 20)
        a.wait("{- program: web -} ENDED (replaced)", 20)
        wait_for(lambda: load.pids() - {str(old[0])}, 20, "a new pid answering")
        wait_for(lambda: len(load.answers) >= 15, 20, "15 answers")
        load.finish()
        assert len([x for x in load.answers if x["pid"] == str(old[0])]) >= 5, "recycled before 5 answers"
        assert load.most <= 2, f"{load.most} instances at a time"
        a.stop()
    finally:
        load.done.set()
        a.close()


def bind_failure(binary, work):
    """The port is taken: the bind error is logged and nothing starts; once freed, HUP starts it."""
    port = free_port()
    family = socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET
    try:
        taken = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_INET6:
            taken.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        taken.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
    except OSError:
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        taken.bind(("0.0.0.0", port))
    taken.listen(8)
    conf = program(1, "--ready", "notify", listen=port, ready='"notify"')
    a = Angel(binary, work, conf)
    try:
        a.wait(f'{{process-monitor}} Cannot listen: "{port}": bind: Address already in use', 20)
        time.sleep(2)
        assert a.find("{- program: web -} RUNNING") is None and a.children() == [], "\n".join(a.messages())
        taken.close()
        hup_at = len(a.messages())
        a.hup(conf)
        a.wait(f'{{process-monitor}} Listening on "{port}"', 20, hup_at)
        a.wait("{- program: web -} READY", 20, hup_at)
        assert who(port)["version"] == "1"
        a.stop()
    finally:
        taken.close()
        a.close()


def bad_config(binary, work):
    """Bad values are config errors at the first load: the message names the key; nothing starts."""
    for key, value in (("ready", '"fd:2"'), ("listen", "123456")):
        sub = os.path.join(work, key)
        os.mkdir(sub)
        a = Angel(binary, sub, f'web {{\n  exec = "sleep 30"\n  {key} = {value}\n}}\n')
        try:
            i = a.wait("{config-monitor}  <<<< Config Error >>>>", 20)
            wait_for(lambda: len(a.messages()) > i + 1, 10, "the error text")
            assert a.messages()[i + 1].startswith(f"web: '{key}' "), a.messages()[i + 1]
            time.sleep(2)
            assert not [m for m in a.messages() if " START" in m] and a.children("sleep") == [], \
                "\n".join(a.messages())
            a.stop()
        finally:
            a.close()


def maxage(binary, work):
    """maxage = 3: the instance is recycled start-first within ~10 s, with no failed request."""
    port = free_port()
    a = Angel(binary, work, program(1, "--ready", "notify", listen=port, ready='"notify"', extra="  maxage = 3\n"))
    load = Load(port, a, pause=0.05)
    try:
        a.wait("{- program: web -} READY", 20)
        old = a.children()
        load.start()
        a.wait("{- program: web -} RECYCLE: older than 3 seconds", 15)
        assert time.monotonic() - a.started >= 3, "recycled before it was 3 seconds old"
        a.wait(f"{{- program: web -}} START (recycling pid {old[0]})", 20)
        a.wait("{- program: web -} ENDED (replaced)", 20)
        wait_for(lambda: load.pids() - {str(old[0])}, 20, "a new pid answering")
        time.sleep(1)
        load.finish()
        assert load.most <= 2, f"{load.most} instances at a time"
        a.stop()
    finally:
        load.done.set()
        a.close()


def privileged_port(binary, work):
    """-u nobody: a port below 1024 in the start-up config is bound while angel is still root,
    and served by an instance that runs as nobody."""
    if os.geteuid() != 0:
        print("skipped: needs root")
        return SKIP
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        print("skipped: no user nobody")
        return SKIP
    python = "/usr/bin/python3"  # the system's: nobody may not reach a per-user interpreter
    if not os.access(python, os.X_OK):
        print("skipped: no /usr/bin/python3")
        return SKIP
    port = None
    for candidate in random.sample(range(600, 1000), 100):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("0.0.0.0", candidate))
            port = candidate
            break
        except OSError:
            continue
    assert port is not None, "no free port below 1024"
    os.chmod(work, 0o755)
    conf = (f'web {{\n  exec = "{python} {SERVE} --version 1"\n  listen = "{port}"\n'
            f'  env {{\n    PYTHONCOERCECLOCALE = "0"\n  }}\n}}\n')
    angel = Angel(binary, work, conf, args=("-u", "nobody"))
    try:
        angel.wait(f'{{process-monitor}} Listening on "{port}"', 15)
        angel.wait("{- program: web -} READY", 15)
        answer = who(port)
        with open(f"/proc/{answer['pid']}/status") as f:
            uid = [line.split()[1] for line in f if line.startswith("Uid:")][0]
        assert uid == str(nobody.pw_uid), f"instance uid {uid}, wanted nobody's {nobody.pw_uid}"
        assert answer["fd"] == "3"
        angel.stop()
    finally:
        angel.close()


def notify_flood(binary, work):
    """A program that floods its notify socket with garbage and one repeated STATUS for 3 s,
    then says READY=1: angel keeps supervising meanwhile (a ticker beside it keeps being
    restarted), logs the repeated STATUS once, and sees the READY=1 after the flood."""
    flood = os.path.join(work, "flood.py")
    write(flood, "import os, socket, time\n"
                 "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
                 "path = os.environ['NOTIFY_SOCKET']\n"
                 "end = time.monotonic() + 3\n"
                 "while time.monotonic() < end:\n"
                 "    for m in (b'\\x00garbage\\nNOPE=1', b'STATUS=busy', b'X' * 4000):\n"
                 "        try:\n"
                 "            s.sendto(m, path)\n"
                 "        except OSError:\n"
                 "            pass\n"
                 "s.sendto(b'READY=1', path)\n"
                 "time.sleep(100)\n")
    write(os.path.join(work, "tick.sh"), "#!/bin/sh\necho tick\n", 0o755)
    conf = (f'web {{\n  exec = "{PYTHON} {flood}"\n  ready = "notify"\n  readytimeout = 30\n'
            f'  env {{\n    PYTHONCOERCECLOCALE = "0"\n  }}\n}}\n'
            'ticker {\n  exec = "./tick.sh"\n  stdout = "ticks.log"\n  delay = 0.3\n}\n')
    a = Angel(binary, work, conf)
    ticks = os.path.join(work, "ticks.log")

    def tick_count():
        return line_count(ticks)
    try:
        a.wait("{- program: web -} RUNNING", 15)
        before = tick_count()
        t0 = time.monotonic()
        a.wait("{- program: web -} READY", 30)
        during = tick_count() - before
        # 3 s of flood at one restart per 0.3 s: the loop kept going (wide margin: 3 of ~10).
        assert during >= 3, f"only {during} restarts of the ticker during {time.monotonic() - t0:.1f} s of flood"
        statuses = [m for m in a.messages() if m.startswith("{- program: web -} STATUS:")]
        assert statuses == ["{- program: web -} STATUS: busy"], statuses
        a.stop()
    finally:
        a.close()


def notify_socket_of(pid):
    """The NOTIFY_SOCKET angel gave process `pid` (from its /proc environ)."""
    with open(f"/proc/{pid}/environ", "rb") as f:
        env = dict(e.split(b"=", 1) for e in f.read().split(b"\0") if b"=" in e)
    return env[b"NOTIFY_SOCKET"].decode()


def send_ready(path, times=1):
    """READY=1 from this test process (a stranger to every instance)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        for _ in range(times):
            s.sendto(b"READY=1", path)


def notify_foreign(binary, work):
    """notifyaccess "main" (the default): a READY=1 another process sends to a not-yet-ready
    instance's NOTIFY_SOCKET is dropped, with one log line however many come; the instance
    becomes ready only by its own READY=1, and one that never sends it times out."""
    port = free_port()
    a = Angel(binary, work, program(1, "--ready", "notify", "--ready-delay", "4", listen=port, ready='"notify"',
                                    extra="  readytimeout = 60\n"))
    try:
        a.wait("{- program: web -} RUNNING", 15)
        wait_for(lambda: a.children(), 10, "the instance")
        path = notify_socket_of(a.children()[0])
        send_ready(path, 50)
        ignored = f"{{- program: web -}} Ignored a notify message from pid {os.getpid()}: " \
                  "not the instance's own process (later ones are not logged)"
        at = a.wait(ignored, 10)
        assert a.find("{- program: web -} READY") is None, "a stranger's READY=1 made it ready"
        a.wait("{- program: web -} READY", 30, at)  # its own, after its 4 s delay
        send_ready(path, 5)
        assert who(port)["version"] == "1"
        assert [m for m in a.messages() if "Ignored a notify message" in m] == [ignored]
        # A new version that never says READY=1 itself: a stranger's does not help; it times out.
        hup_at = len(a.messages())
        a.hup(program(2, "--ready", "none", "--ready-delay", "60", listen=port, ready='"notify"',
                      extra="  readytimeout = 3\n"))
        a.wait("{- program: web -} START (new instance, replacing pid …", 20, hup_at)
        # START is logged before the fork; until its exec the child's command line is angel's.
        wait_for(lambda: len(a.children("--version 2 ")) == 1, 10, "the version 2 instance")
        new = a.children("--version 2 ")
        send_ready(notify_socket_of(new[0]), 3)
        a.wait(ignored, 10, hup_at)
        a.wait("{- program: web -} NOT READY: not ready 3 seconds after it started; the old instance keeps running; "
               "next try in …", 20, hup_at)
        assert a.find("{- program: web -} READY", hup_at) is None
        a.stop()
    finally:
        a.close()


def notify_all(binary, work):
    """A server whose worker (a grandchild) sends READY=1: with notifyaccess = "all" it is ready;
    without it (NotifyAccess=main) the worker's message is dropped; a stranger's is dropped
    under "all" too."""
    server = os.path.join(work, "forking.py")
    write(server, "import os, socket, time\n"
                  "if os.fork() == 0:\n"
                  "    if os.fork() == 0:\n"
                  "        time.sleep(0.5)\n"
                  "        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:\n"
                  "            s.sendto(b'READY=1', os.environ['NOTIFY_SOCKET'])\n"
                  "    time.sleep(100)\n"
                  "    os._exit(0)\n"
                  "time.sleep(100)\n")
    block = (f'{{\n  exec = "{PYTHON} {server}"\n  ready = "notify"\n  readytimeout = 60\n  killgroup = on\n'
             f'{{extra}}  env {{\n    PYTHONCOERCECLOCALE = "0"\n  }}\n}}\n')
    a = Angel(binary, work, "tree " + block.replace("{extra}", '  notifyaccess = "all"\n') +
              "main " + block.replace("{extra}", ""))
    try:
        a.wait("{- program: tree -} READY", 20)
        a.wait("{- program: main -} Ignored a notify message from pid …", 20)
        line = a.messages()[a.find("{- program: main -} Ignored a notify message from pid …")]
        assert line.endswith(": not the instance's own process (later ones are not logged)"), line
        assert a.find("{- program: main -} READY") is None
        tree = [p for p in a.children("forking.py")]
        assert len(tree) == 2, tree
        for pid in tree:
            try:
                send_ready(notify_socket_of(pid))
            except KeyError:
                pass
        a.wait(f"{{- program: tree -}} Ignored a notify message from pid {os.getpid()}: not in the instance's "
               "process tree (later ones are not logged)", 10)
        assert a.find("{- program: main -} READY") is None
        a.stop()
    finally:
        a.close()


def unix_missing_dir(binary, work):
    """A unix path in a directory that does not exist: one bind error, nothing started; once the
    directory exists, the next sync binds it and the program serves."""
    path = os.path.join(work, "later", "web.sock")
    a = Angel(binary, work, program(1, "--ready", "notify", listen=path, ready='"notify"'))
    try:
        a.wait(f'{{process-monitor}} Cannot listen: "{path}": bind: No such file or directory', 15)
        time.sleep(2)
        assert a.find("{- program: web -} RUNNING") is None and a.children() == []
        os.mkdir(os.path.join(work, "later"))
        a.wait("{- program: web -} READY", 30)  # the 10-second sync tries again
        assert who(path)["version"] == "1"
        a.stop()
    finally:
        a.close()


def unix_denied_after_switch(binary, work):
    """-u nobody: an address a HUP adds is bound as nobody; in a directory nobody may not write,
    that is one clear bind error, and the program already running goes on."""
    skip = needs_root_and_nobody()
    if skip:
        return skip
    os.chmod(work, 0o755)
    closed = os.path.join(work, "closed")
    os.mkdir(closed, 0o755)  # root's: nobody cannot create a socket there
    path = os.path.join(closed, "web.sock")
    a = Angel(binary, work, 'napper {\n  exec = "sleep 100"\n}\n', args=("-u", "nobody"))
    try:
        a.wait("{- program: napper -} RUNNING", 15)
        napper = a.children("sleep")
        a.hup('napper {\n  exec = "sleep 100"\n}\n' +
              f'web {{\n  exec = "/bin/sleep 100"\n  listen = "{path}"\n}}\n')
        a.wait(f'{{process-monitor}} Cannot listen: "{path}": bind: Permission denied', 15)
        assert not os.path.exists(path)
        assert a.children("sleep") == napper, "the running program was touched"
        a.stop()
    finally:
        a.close()


TESTS = {"basic": basic, "rollout": rollout, "broken": broken, "ready-timeout": ready_timeout, "fd-ready": fd_ready,
         "unix": unix, "ipv6-and-two": ipv6_and_two, "stopping": stopping, "bind-failure": bind_failure,
         "bad-config": bad_config, "maxage": maxage, "privileged-port": privileged_port,
         "notify-flood": notify_flood, "unix-missing-dir": unix_missing_dir,
         "unix-denied-after-switch": unix_denied_after_switch, "notify-foreign": notify_foreign,
         "notify-all": notify_all}


def main():
    angel, test = os.path.abspath(sys.argv[1]), sys.argv[2]
    return run_in_work_dir(test, TESTS[test], angel)


if __name__ == "__main__":
    sys.exit(main())
