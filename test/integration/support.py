"""What the integration tests share: waiting, files, processes, ports, and the way each
test script runs one named test (exit 0 pass, 1 fail, 77 skip: ctest's SKIP_RETURN_CODE)."""
import os
import random
import signal
import socket
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
