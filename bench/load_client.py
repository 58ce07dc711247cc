#!/usr/bin/env python3
"""Load client for the zero-downtime benchmark: it counts every failed request, by kind.

C worker threads each send, in a loop until the duration ends (or SIGINT/SIGTERM), one
`GET / HTTP/1.0` per new connection and read the response to EOF. A request fails on
connection refused, reset, timeout, any other OSError, a short or garbled response, a
status other than 200, or a Content-Length that does not match the body; nothing is
retried. Successful bodies (test/servers/serve.py's `version=V pid=PID ...`) are tallied
per version: count, first and last time seen (seconds since the start), and the pids.

usage: load_client.py --target HOST:PORT|/unix/socket/path --duration SECONDS
                      [--concurrency C (8)] [--timeout S (5)] [--json]
Prints a summary (or one JSON object with --json: total, ok, failed, failures, rate,
versions, duration, failure_times, buckets, start). Exit status 1 if any request failed or
none succeeded.

Besides the first FAILURE_TIMES_KEPT failures in detail, every request's outcome is counted
in fixed-width time buckets (`buckets`: {"width": W, "kinds": ["ok", *KINDS], "rows":
[[INDEX, ok, refused, reset, timeout, short, status, other], ...]}, row INDEX covering
[INDEX*W, (INDEX+1)*W) seconds after the start, only non-empty rows), so a driver can tell
how many requests failed in each phase of its run. `start` is time.monotonic() at the start,
for a driver that notes the monotonic times of its own events.

In-process use (e.g. from a bench driver, in a thread):
    import load_client
    result = load_client.run("127.0.0.1:8080", 10, 8, 5.0, stop_event=None)
(optional keyword: bucket_seconds, the width of the outcome buckets, default 0.05)
"""
import argparse
import json
import signal
import socket
import sys
import threading
import time

KINDS = ("refused", "reset", "timeout", "short", "status", "other")
REQUEST = b"GET / HTTP/1.0\r\nHost: x\r\n\r\n"
RESPONSE_LIMIT = 1 << 20    # more than this is not a response of serve.py: garbled
FAILURE_TIMES_KEPT = 20
BUCKET_SECONDS = 0.05       # default width of the per-time-bucket outcome counts


class Failed(Exception):
    """A request that got an answer, but not a good one (kind "short" or "status")."""

    def __init__(self, kind, detail):
        super().__init__(detail)
        self.kind = kind


def parse_target(target):
    """(family, address) for "HOST:PORT", "[V6]:PORT" or an absolute unix socket path."""
    if target.startswith("/"):
        return socket.AF_UNIX, target
    host, sep, port = target.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"target {target!r}: expected HOST:PORT or /path/to/socket")
    return None, (host.strip("[]"), int(port))


def connect(family, address, timeout):
    if family == socket.AF_UNIX:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(address)
        except BaseException:
            sock.close()
            raise
        return sock
    return socket.create_connection(address, timeout=timeout)


def read_to_eof(sock, deadline):
    """The whole response; the timeout covers the request as a whole, not each recv."""
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("response not complete in time")
        sock.settimeout(left)
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
        if len(data) > RESPONSE_LIMIT:
            raise Failed("short", f"response over {RESPONSE_LIMIT} bytes")


def check_response(data):
    """(version, pid) from a complete, well-formed 200 response; raises Failed otherwise."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        raise Failed("short", f"no end of headers in {len(data)} bytes")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split()
    if len(status) < 2 or not status[0].startswith("HTTP/") or not status[1].isdigit():
        raise Failed("short", f"garbled status line {lines[0][:80]!r}")
    if status[1] != "200":
        raise Failed("status", f"status {status[1]}")
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = value.strip()
    if length is None or not length.isdigit():
        raise Failed("short", f"Content-Length missing or bad: {length!r}")
    if int(length) != len(body):
        raise Failed("short", f"Content-Length {length}, body {len(body)} bytes")
    fields = dict(w.split("=", 1) for w in body.decode("latin-1").split() if "=" in w)
    if "version" not in fields or not fields.get("pid", "").isdigit():
        raise Failed("short", f"no version=V pid=PID in body {body[:80]!r}")
    return fields["version"], int(fields["pid"])


def one_request(family, address, timeout):
    """(version, pid) of one good request; raises on any failure."""
    deadline = time.monotonic() + timeout
    with connect(family, address, timeout) as sock:
        sock.sendall(REQUEST)
        return check_response(read_to_eof(sock, deadline))


def failure_kind(exc):
    # Order matters: these are all OSError subclasses.
    if isinstance(exc, Failed):
        return exc.kind
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, (ConnectionRefusedError, FileNotFoundError)):
        return "refused"    # FileNotFoundError: a unix socket path with nothing at it
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return "reset"
    return "other"


class Tally:
    """One worker's counts: kept per thread and merged at the end, so workers never contend."""

    def __init__(self, bucket_seconds=BUCKET_SECONDS):
        self.bucket_seconds = bucket_seconds
        self.buckets = {}           # bucket index -> [ok, *per kind]: every outcome, by time
        self.ok = 0
        self.failures = dict.fromkeys(KINDS, 0)
        self.failure_times = []     # this worker's first FAILURE_TIMES_KEPT: enough to merge
        self.versions = {}          # version -> {"count", "first", "last", "pids"}

    def count_in_bucket(self, t, column):
        row = self.buckets.get(int(t / self.bucket_seconds))
        if row is None:
            row = self.buckets[int(t / self.bucket_seconds)] = [0] * (1 + len(KINDS))
        row[column] += 1

    def success(self, t, version, pid):
        self.ok += 1
        self.count_in_bucket(t, 0)
        v = self.versions.setdefault(version, {"count": 0, "first": t, "last": t, "pids": set()})
        v["count"] += 1
        v["first"] = min(v["first"], t)
        v["last"] = max(v["last"], t)
        v["pids"].add(pid)

    def failure(self, t, kind, detail):
        self.failures[kind] += 1
        self.count_in_bucket(t, 1 + KINDS.index(kind))
        if len(self.failure_times) < FAILURE_TIMES_KEPT:
            self.failure_times.append({"t": round(t, 6), "kind": kind, "detail": detail[:200]})


def worker(family, address, timeout, start, end, stop, tally):
    while not stop.is_set() and time.monotonic() < end:
        try:
            version, pid = one_request(family, address, timeout)
            tally.success(time.monotonic() - start, version, pid)
        except Exception as exc:    # anything at all is a failed request, never a lost one
            tally.failure(time.monotonic() - start, failure_kind(exc),
                          f"{type(exc).__name__}: {exc}")


def merge_buckets(tallies, width):
    rows = {}
    for t in tallies:
        for index, counts in t.buckets.items():
            row = rows.setdefault(index, [0] * (1 + len(KINDS)))
            for i, n in enumerate(counts):
                row[i] += n
    return {"width": width, "kinds": ["ok", *KINDS],
            "rows": [[index, *row] for index, row in sorted(rows.items())]}


def merge(tallies, elapsed, start=None, bucket_seconds=BUCKET_SECONDS):
    ok = sum(t.ok for t in tallies)
    failures = {k: sum(t.failures[k] for t in tallies) for k in KINDS}
    failed = sum(failures.values())
    versions = {}
    for t in tallies:
        for name, v in t.versions.items():
            m = versions.setdefault(name, {"count": 0, "first": v["first"], "last": v["last"],
                                           "pids": set()})
            m["count"] += v["count"]
            m["first"] = min(m["first"], v["first"])
            m["last"] = max(m["last"], v["last"])
            m["pids"] |= v["pids"]
    for v in versions.values():
        v["first"] = round(v["first"], 6)
        v["last"] = round(v["last"], 6)
        v["pids"] = sorted(v["pids"])
    times = sorted((f for t in tallies for f in t.failure_times), key=lambda f: f["t"])
    return {
        "total": ok + failed,
        "ok": ok,
        "failed": failed,
        "failures": failures,
        "rate": round((ok + failed) / elapsed, 3) if elapsed > 0 else 0.0,
        "versions": dict(sorted(versions.items(), key=lambda kv: kv[1]["first"])),
        "duration": round(elapsed, 6),
        "failure_times": times[:FAILURE_TIMES_KEPT],
        "buckets": merge_buckets(tallies, bucket_seconds),
        "start": start,
    }


def run(target, duration, concurrency=8, timeout=5.0, stop_event=None,
        bucket_seconds=BUCKET_SECONDS):
    """Runs the load for `duration` seconds (or until stop_event is set); returns the summary dict.

    Requests in flight when it stops are finished and counted (each within `timeout`)."""
    family, address = parse_target(target)
    stop = stop_event if stop_event is not None else threading.Event()
    start = time.monotonic()
    end = start + duration
    tallies = [Tally(bucket_seconds) for _ in range(concurrency)]
    threads = [threading.Thread(target=worker, name=f"load-{i}", daemon=True,
                                args=(family, address, timeout, start, end, stop, tallies[i]))
               for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return merge(tallies, time.monotonic() - start, start, bucket_seconds)


def format_summary(r):
    lines = [f"requests {r['total']}  ok {r['ok']}  failed {r['failed']}  "
             f"({r['rate']:.1f} requests/s over {r['duration']:.2f} s)"]
    if r["failed"]:
        lines.append("failures: " + "  ".join(f"{k} {n}" for k, n in r["failures"].items() if n))
        for f in r["failure_times"]:
            lines.append(f"  at {f['t']:9.3f} s  {f['kind']:8}  {f['detail']}")
    for name, v in r["versions"].items():
        lines.append(f"version {name}: {v['count']} ok, first {v['first']:.3f} s, "
                     f"last {v['last']:.3f} s, pids {' '.join(map(str, v['pids']))}")
    return "\n".join(lines)


def main(argv):
    p = argparse.ArgumentParser(description="load client that counts every failed request")
    p.add_argument("--target", required=True, help="HOST:PORT, or a unix socket path (/...)")
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    try:
        parse_target(args.target)
    except ValueError as e:
        p.error(str(e))

    # SIGINT/SIGTERM end the run early but still print what was measured.
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: stop.set())
    # run() in a thread: the main thread stays free to run the signal handlers.
    result = {}
    t = threading.Thread(target=lambda: result.update(
        run(args.target, args.duration, args.concurrency, args.timeout, stop)))
    t.start()
    while t.is_alive():
        t.join(0.1)

    print(json.dumps(result) if args.json else format_summary(result), flush=True)
    return 1 if result["failed"] or not result["ok"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
