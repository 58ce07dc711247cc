#!/usr/bin/env python3
"""The test server for angel's zero-downtime tests and benchmark.

angel runs it as a supervised child and hands it listening sockets the systemd way
(LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES; the sockets are fds 3 .. 3+N-1). It answers
every connection with one HTTP/1.0 response saying who answered, so a client can tell
which instance (version, pid) and which socket served it:

  GET /      version=V pid=PID fd=FDNUM name=FDNAME
  GET /fds   the fds open when the process started (0 1 2 + what angel passed it)
  GET /env   the environment, sorted NAME=VALUE lines
  (any other path gets the same answer as /)

usage: serve.py [--version V] [--ready notify|fd:N|none] [--ready-delay SECONDS]
                [--crash-before-ready] [--stopping-after N] [--status TEXT] [--bind PORT]

  --ready notify       after the delay, send STATUS=TEXT (with --status) then READY=1
                       to $NOTIFY_SOCKET ('@' at the start means an abstract name)
  --ready fd:N         after the delay, write "\\n" to fd N and close it
  --ready none         signal nothing (the default); the delay still applies
  --crash-before-ready sleep the delay, then exit 1 without readiness or accepting
  --stopping-after N   after N answered requests send STOPPING=1 (once), keep serving
  --bind PORT          bind 0.0.0.0:PORT itself (SO_REUSEADDR, backlog 128) instead of
                       using LISTEN_FDS, as a server under the original angel would

It accepts nothing until ready. On SIGTERM (or SIGINT) it stops accepting, finishes the
request in hand (for at most another 0.5 s) and exits 0. It never changes the shared
state of the listening sockets (no O_NONBLOCK, no shutdown): other holders of the same
sockets (angel, the instance before or after this one) must not notice it.
Exit status: 0 on SIGTERM, 1 with --crash-before-ready, 2 for bad arguments or fds,
3 when LISTEN_PID is not this process.
Stdout gets one line: `serve.py version=V pid=PID listening on N fd(s)`.
"""
import argparse
import ctypes
import errno
import os
import selectors
import signal
import socket
import stat
import sys
import time

REQUEST_LIMIT = 64 * 1024   # bytes of request read at most
REQUEST_SECONDS = 2.0       # a slow client is dropped after this, so it cannot stall the others
STOP_GRACE = 0.5            # how long the request in hand may still take after SIGTERM
POLL_SECONDS = 0.2          # bounds how late a flag set by a signal handler is seen

# Set by the signal handler: the monotonic time SIGTERM arrived. Handlers only set it and
# never raise, so an accepted connection is never dropped half-way by an exception.
stop_at = None


def open_fds():
    """The process's open fds, without the one os.listdir used to read the directory."""
    listed = [int(name) for name in os.listdir("/proc/self/fd")]
    alive = []
    for fd in listed:
        try:
            os.fstat(fd)    # the directory's own fd is closed again by now: EBADF
            alive.append(fd)
        except OSError:
            pass
    return sorted(alive)


def parse_args(argv):
    p = argparse.ArgumentParser(description="angel's zero-downtime test server")
    p.add_argument("--version", default="1")
    p.add_argument("--ready", default="none", help="notify | fd:N | none")
    p.add_argument("--ready-delay", type=float, default=0.0)
    p.add_argument("--crash-before-ready", action="store_true")
    p.add_argument("--stopping-after", type=int, default=None)
    p.add_argument("--status", default=None)
    p.add_argument("--bind", type=int, default=None)
    args = p.parse_args(argv)
    if not (args.ready in ("notify", "none") or
            (args.ready.startswith("fd:") and args.ready[3:].isdigit())):
        p.error(f"--ready: expected notify, fd:N or none, got {args.ready!r}")
    return args


def fail(status, message):
    print(f"serve.py: {message}", file=sys.stderr, flush=True)
    sys.exit(status)


def inherited_listeners():
    """[(fd, name)] from LISTEN_FDS / LISTEN_PID / LISTEN_FDNAMES (sd_listen_fds rules)."""
    if "LISTEN_FDS" not in os.environ:
        # Still useful for readiness-only tests, but say so: nothing will be served.
        print("serve.py: no LISTEN_FDS: serving no sockets", file=sys.stderr, flush=True)
        return []
    try:
        count = int(os.environ["LISTEN_FDS"])
        pid = int(os.environ.get("LISTEN_PID", ""))
    except ValueError:
        fail(2, f"bad LISTEN_FDS={os.environ.get('LISTEN_FDS')!r} "
                f"or LISTEN_PID={os.environ.get('LISTEN_PID')!r}")
    if pid != os.getpid():
        fail(3, f"LISTEN_PID={pid} is not this process ({os.getpid()})")
    names = os.environ.get("LISTEN_FDNAMES", "").split(":")
    if len(names) != count:
        names = ["unknown"] * count     # what sd_listen_fds_with_names reports then
    listeners = []
    for i in range(count):
        fd = 3 + i
        try:
            mode = os.fstat(fd).st_mode
        except OSError as e:
            fail(2, f"LISTEN_FDS={count} but fd {fd} is not open ({e.strerror})")
        if not stat.S_ISSOCK(mode):
            fail(2, f"fd {fd} (LISTEN_FDS={count}) is not a socket")
        listeners.append((fd, names[i]))
    return listeners


def bound_listener(port):
    """Binds 0.0.0.0:PORT like a server that owns its socket (the original angel's way)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", port))
    sock.listen(128)
    return sock


def notify(message):
    """Sends one sd_notify datagram to $NOTIFY_SOCKET; False when there is none to send to."""
    path = os.environ.get("NOTIFY_SOCKET", "")
    if not path:
        print(f"serve.py: NOTIFY_SOCKET unset, not sent: {message}", file=sys.stderr, flush=True)
        return False
    if path.startswith("@"):
        path = "\0" + path[1:]      # abstract namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(message.encode(), path)
    return True


def signal_ready(args):
    if args.ready == "notify":
        if args.status is not None:
            notify(f"STATUS={args.status}")
        notify("READY=1")
    elif args.ready.startswith("fd:"):
        fd = int(args.ready[3:])
        os.write(fd, b"\n")
        os.close(fd)


def sleep_unless_stopped(seconds):
    """Sleeps in short slices: time.sleep resumes after a signal, and SIGTERM must be prompt."""
    end = time.monotonic() + seconds
    while stop_at is None and time.monotonic() < end:
        time.sleep(min(POLL_SECONDS, max(0.0, end - time.monotonic())))


# accept4 through libc rather than socket.accept: Python retries a call interrupted by a
# signal whose handler returns, so a blocked socket.accept would never see SIGTERM; and making
# the listening socket non-blocking would change it for every process sharing it.
_libc = ctypes.CDLL(None, use_errno=True)
_libc.accept4.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]


def accept(listen_fd):
    """One connection's fd, or None when there was none after all or a signal came.

    select() wakes every process waiting on a shared socket and only one of them gets the
    connection, so this accept may block: a timer bounds that to POLL_SECONDS."""
    signal.setitimer(signal.ITIMER_REAL, POLL_SECONDS)
    try:
        fd = _libc.accept4(listen_fd, None, None, socket.SOCK_CLOEXEC)
        err = ctypes.get_errno()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if fd >= 0:
        return fd
    if err in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
        time.sleep(0.05)    # out of resources: do not spin; the connection waits in the queue
    elif err not in (errno.EINTR, errno.EAGAIN, errno.ECONNABORTED, errno.EPROTO):
        print(f"serve.py: accept on fd {listen_fd}: {os.strerror(err)}", file=sys.stderr, flush=True)
        time.sleep(0.05)
    return None


def deadline_for(started):
    """When the request in hand must be over: its own limit, or shortly after SIGTERM."""
    end = started + REQUEST_SECONDS
    if stop_at is not None:
        end = min(end, stop_at + STOP_GRACE)
    return end


def read_request(conn, started):
    """The request head (up to the blank line, EOF or REQUEST_LIMIT), or None if it ran out of time."""
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < REQUEST_LIMIT:
        left = deadline_for(started) - time.monotonic()
        if left <= 0:
            return None
        # Short slices, so that SIGTERM shortening the deadline takes effect.
        conn.settimeout(min(left, POLL_SECONDS))
        try:
            chunk = conn.recv(REQUEST_LIMIT - len(data))
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
    return data


def request_path(head):
    parts = head.split(b"\r\n", 1)[0].split(b"\n", 1)[0].split()
    path = parts[1].decode("latin-1") if len(parts) >= 2 else "/"
    return path.split("?", 1)[0]


def body_for(path, args, listener, startup_fds):
    fd, name = listener
    if path == "/fds":
        return " ".join(map(str, startup_fds)) + "\n"
    if path == "/env":
        return "".join(f"{k}={v}\n" for k, v in sorted(os.environ.items()))
    return f"version={args.version} pid={os.getpid()} fd={fd} name={name}\n"


def respond(conn, body):
    data = body.encode()
    head = ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode()
    conn.settimeout(REQUEST_SECONDS)
    conn.sendall(head + data)


def serve_connection(conn_fd, listener, args, startup_fds):
    """Answers one connection fully; True if a response was sent."""
    started = time.monotonic()
    with socket.socket(fileno=conn_fd) as conn:     # detects TCP v4/v6 or AF_UNIX
        try:
            head = read_request(conn, started)
            if not head:
                return False    # timed out or closed without asking anything
            respond(conn, body_for(request_path(head), args, listener, startup_fds))
            return True
        except OSError:
            return False        # the client went away; its problem, not the server's


def serve(listeners, args, startup_fds):
    """Accepts on every listening socket until SIGTERM, one request at a time."""
    by_fd = dict(listeners)
    answered = 0
    stopping_sent = False
    with selectors.DefaultSelector() as sel:
        for fd, _ in listeners:
            sel.register(fd, selectors.EVENT_READ)
        while stop_at is None:
            if not listeners:
                time.sleep(POLL_SECONDS)
                continue
            for key, _ in sel.select(timeout=POLL_SECONDS):
                if stop_at is not None:
                    break
                conn_fd = accept(key.fd)
                if conn_fd is None:
                    continue
                if serve_connection(conn_fd, (key.fd, by_fd[key.fd]), args, startup_fds):
                    answered += 1
                if (args.stopping_after is not None and not stopping_sent
                        and answered >= args.stopping_after):
                    stopping_sent = True
                    notify("STOPPING=1")


def on_stop(signum, frame):
    global stop_at
    if stop_at is None:
        stop_at = time.monotonic()


def install_signals():
    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    # The accept timer's signal: it only has to interrupt accept4, not kill the process.
    signal.signal(signal.SIGALRM, lambda signum, frame: None)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
        signal.siginterrupt(sig, True)  # no SA_RESTART: accept4 must return EINTR


def main(argv):
    # First, before this process opens anything: /fds must show what angel passed in.
    startup_fds = open_fds()
    install_signals()
    args = parse_args(argv)
    if args.bind is not None:
        own = bound_listener(args.bind)
        listeners = [(own.fileno(), "bind")]
    else:
        listeners = inherited_listeners()
    print(f"serve.py version={args.version} pid={os.getpid()} listening on {len(listeners)} fd(s)",
          flush=True)

    sleep_unless_stopped(args.ready_delay)
    if args.crash_before_ready:
        if stop_at is None:
            sys.exit(1)
        return 0
    if stop_at is not None:
        return 0
    signal_ready(args)
    serve(listeners, args, startup_fds)
    return 0    # just exit: closing our copies of the sockets leaves them to the others


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
