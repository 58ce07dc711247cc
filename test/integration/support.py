"""What the integration tests share: waiting, files, processes, ports, and the way each
test script runs one named test (exit 0 pass, 1 fail, 77 skip: ctest's SKIP_RETURN_CODE)."""
import os
import pwd
import re
import random
import signal
import socket
import subprocess
import tempfile
import time

SKIP = 77


def wait_for(predicate, timeout, what):
    """Polls `predicate` every 0.1 s; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def line_count(path):
    """Lines in a file; 0 if it does not exist yet."""
    try:
        with open(path) as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def kill_session(proc):
    """SIGKILL to angel's whole session (it is started with start_new_session): whatever a
    test left behind goes."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def end_session(proc, grace=10):
    """Ends a test's angel whatever state it is in: TERM if it still runs (waiting at most
    `grace` seconds), then SIGKILL to its session, and reaps it."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    kill_session(proc)
    proc.wait()


def alive(pid):
    """The process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def free_port(host="0.0.0.0", family=socket.AF_INET):
    """A random port below the usual ephemeral range (so no client socket takes it meanwhile)
    that nobody holds now, on `host` and, for the wildcard, on [::] too."""
    for _ in range(200):
        port = random.randint(20000, 32000)
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.bind((host, port))
            if host == "0.0.0.0" and socket.has_ipv6:
                try:
                    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
                        s.bind(("::", port))
                except OSError as e:
                    if e.errno == 98:  # EADDRINUSE; any other error: no IPv6 here, fine
                        continue
            return port
        except OSError:
            continue
    raise AssertionError("no free port")


def run_test(name, body):
    """Runs one test: body() returns None/0 (pass) or SKIP; an AssertionError fails it.
    Prints `PASS name (N s)` or `FAIL name: why`; returns the exit status."""
    started = time.monotonic()
    try:
        result = body()
    except AssertionError as e:
        print(f"FAIL {name}: {e}")
        return 1
    if result == SKIP:
        return SKIP
    print(f"PASS {name} ({time.monotonic() - started:.1f} s)")
    return 0


def run_in_work_dir(name, test, *args):
    """run_test for test(*args, work): `work` a fresh temporary directory (its real path),
    removed afterwards."""
    def body():
        with tempfile.TemporaryDirectory() as work:
            return test(*args, os.path.realpath(work))
    return run_test(name, body)


def needs_root_and_nobody():
    """None when the test can switch to user nobody; else prints why and returns SKIP."""
    if os.geteuid() != 0:
        print("skipped: needs root")
        return SKIP
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        print("skipped: no user nobody")
        return SKIP
    return None


def blocked_opening_fifo(pid):
    """Whether process `pid` is asleep in open(2) of a FIFO, waiting for its other end. A test
    whose FIFO writer must be there before angel reads (a reader that comes first sees end
    of file) waits for this rather than for a fixed time."""
    try:
        with open(f"/proc/{pid}/wchan") as f:
            if f.read().strip() in ("wait_for_partner", "fifo_open"):
                return True
        with open(f"/proc/{pid}/syscall") as f:
            number = f.read().split()[0]
    except (OSError, IndexError):
        return False
    # A kernel that shows no wchan: the syscall it sleeps in (open or openat on x86-64).
    return stat_fields(pid)[2] == "S" and number in ("2", "257")


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, ..."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def processes():
    """(pid, ppid, state, session, cmdline) of every process on the machine."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = stat_fields(name)
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, ValueError, IndexError):
            continue
        found.append((int(name), int(fields[1]), fields[0], int(fields[3]), cmdline))
    return found


def get(addr, path="/", timeout=5):
    """One HTTP/1.0 GET on a new connection; the body. addr: port (127.0.0.1), (host, port) or a unix path."""
    if isinstance(addr, int):
        addr = ("127.0.0.1", addr)
    family = socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(addr)
        s.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.0 200 "):
        raise AssertionError(f"bad response {data!r}")
    return body.decode()


def recv_all(sock, timeout):
    """Everything the peer sends until it closes (a reset after data counts as the close)."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            if data:
                return data
            raise
        if not chunk:
            return data
        data += chunk


def who(addr, timeout=5):
    """{'version': .., 'pid': .., 'fd': .., 'name': ..} of the serve.py instance that answered `/`."""
    return dict(field.split("=", 1) for field in get(addr, timeout=timeout).split())


STAMP = re.compile(r"^\[\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\] ")


class AngelLog:
    """Reading back the log of a test's angel, whose stdout goes to `self.log_path`, and
    its children (`self.proc` is angel)."""

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def messages(self):
        """The log lines without their time stamps."""
        return [STAMP.sub("", line) for line in self.log().splitlines()]

    def find(self, text, start=0):
        """Index of the first message from `start` on that is `text` or, for text ending in '…', starts with it."""
        for i, m in enumerate(self.messages()[start:], start):
            if m == text or (text.endswith("…") and m.startswith(text[:-1])):
                return i
        return None

    def wait(self, text, timeout, start=0):
        """Waits for that message; its index."""
        try:
            wait_for(lambda: self.find(text, start) is not None, timeout, repr(text))
        except AssertionError as e:
            raise AssertionError(f"{e} in the log:\n{self.log()}") from None
        return self.find(text, start)

    def children(self, match):
        """Pids of angel's live children whose command line contains `match`."""
        return sorted(p[0] for p in processes() if p[1] == self.proc.pid and p[2] != "Z" and match in p[4])
