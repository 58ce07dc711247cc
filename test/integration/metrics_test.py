#!/usr/bin/env python3
"""Metrics end to end: the real angel with `metrics`, `metricsfile` and `control`, read by
Debian's `promtool check metrics`, scraped by a real Prometheus server, and hit by
scrapers that misbehave.

usage: metrics_test.py ANGEL ANGELCTL TEST
       (TEST: promtool | http | metricsfile | bad-config | prometheus | faults)
Exit 0 = pass, 1 = fail, 77 = skipped (ctest's SKIP_RETURN_CODE; promtool or prometheus
missing).
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from support import AngelLog, SKIP, end_session, free_port, recv_all, run_in_work_dir, wait_for, write

HERE = os.path.dirname(os.path.abspath(__file__))
SERVE = os.path.abspath(os.path.join(HERE, "..", "servers", "serve.py"))
PYTHON = sys.executable
ANGEL = ANGELCTL = None  # set by main()

# Ids that need care in a label: non-ASCII letters, a dash, digits (a config allows no quote).
ODD = "wébé-服务_1"


class Angel(AngelLog):
    """angel CONFIG in `work`: `control`, `metrics` on a free loopback port and `metricsfile`
    set before `body`; stdout in angel.log, stderr in angel.log.err."""

    def __init__(self, work, body, metrics=None, extra=""):
        self.work = work
        self.sock = os.path.join(work, "angel.sock")
        self.port = free_port("127.0.0.1")
        self.prom = os.path.join(work, "angel.prom")
        self.conf = os.path.join(work, "angel.conf")
        address = metrics if metrics is not None else f"127.0.0.1:{self.port}"
        write(self.conf, f'control = "{self.sock}"\nmetrics = "{address}"\nmetricsfile = "{self.prom}"\n{extra}' + body)
        self.log_path, self.err_path = os.path.join(work, "angel.log"), os.path.join(work, "angel.log.err")
        with open(self.log_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen([ANGEL, "angel.conf"], cwd=work, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def err(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def alive(self):
        assert self.proc.poll() is None, f"angel exited {self.proc.returncode}: {self.err()}\n{self.log()}"

    def ctl(self, *args):
        return subprocess.run([ANGELCTL, "-s", self.sock, *args], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def scrape(self, method="GET", path="/metrics", timeout=10):
        """(status, headers, body) of one request to the metrics address."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(f"{method} {path} HTTP/1.1\r\nHost: angel\r\nAccept: text/plain\r\n\r\n".encode())
            data = recv_all(s, timeout)
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.split(": ", 1) for line in lines[1:])
        assert int(headers["Content-Length"]) == (len(body) if method != "HEAD" else int(headers["Content-Length"]))
        return status, headers, body.decode()

    def up(self):
        def answers():
            self.alive()
            try:
                return self.scrape()[0] == 200
            except OSError:
                return False
        wait_for(answers, 20, "angel answering on its metrics address")

    def close(self):
        end_session(self.proc)


def promtool_check(text, what):
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"promtool check metrics on {what}: {r.stdout}{r.stderr}\n{text}"


def value(text, series):
    """The value of one sample line `series VALUE`; None if absent."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


def label(program, block):
    return f'{{program="{program}",block="{block}"}}'


CONFIG = (f'{ODD} {{\n  exec = "sleep 1001"\n}}\n'
          'crashy {\n  exec = "/bin/false"\n  delay = 1\n}\n'
          'worker {\n  exec = "sleep 1002"\n  count = 2\n}\n')


def served(port, version=1):
    return (f'web {{\n  exec = "{PYTHON} {SERVE} --version {version} --ready notify"\n  listen = "{port}"\n'
            '  ready = "notify"\n  count = 2\n}\n')


# ---------------------------------------------------------------------------------------
def promtool(work):
    """All three interfaces pass `promtool check metrics`, with ids that need care, a count
    block, a served block after a rollout, and a crash-looping program."""
    if not shutil.which("promtool"):
        print("skipped: no promtool (Debian's prometheus package)")
        return SKIP
    web_port = free_port("127.0.0.1")
    a = Angel(work, CONFIG + served(web_port))
    try:
        a.up()
        wait_for(lambda: value(a.scrape()[2], "angel_program_ready" + label("web-2", "web")) == 1, 20, "web-2 ready")
        # A rollout, to have every family's samples.
        write(a.conf, open(a.conf).read().replace("--version 1", "--version 2"))
        r = a.ctl("reload")
        assert r.returncode == 0, r
        a.wait("{process-monitor} Rollout done: web", 30)
        # The file is written every 10 s: wait for one written after the rollout.
        def file_after_rollout():
            try:
                with open(a.prom) as f:
                    return value(f.read(), 'angel_rollouts_total{block="web",outcome="done"}') == 1
            except FileNotFoundError:
                return False
        wait_for(file_after_rollout, 25, "the metricsfile after the rollout")
        status, headers, body = a.scrape()
        assert status == 200 and headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8", headers
        assert headers["Connection"] == "close", headers
        r = a.ctl("metrics")
        assert r.returncode == 0 and r.stderr == "", r
        with open(a.prom) as f:
            from_file = f.read()
        for text, what in ((body, "GET /metrics"), (r.stdout, "angelctl metrics"), (from_file, "the metricsfile")):
            promtool_check(text, what)
            print(f"promtool check metrics: {what}: ok ({len(text)} bytes)")
            assert value(text, "angel_program_up" + label(ODD, ODD)) == 1, text
            assert value(text, "angel_program_up" + label("worker-2", "worker")) == 1, text
            assert value(text, "angel_program_ready" + label("web-1", "web")) == 1, text
            assert value(text, 'angel_rollouts_total{block="web",outcome="done"}') == 1, text
            assert value(text, 'angel_rollout_in_progress{block="web"}') == 0, text
            assert value(text, 'angel_config_reloads_total{result="ok"}') == 2, text
            assert value(text, "angel_config_last_reload_successful") == 1, text
            assert value(text, "angel_program_last_exit_status" + label("crashy", "crashy")) == 1, text
            assert value(text, "angel_program_resident_memory_bytes" + label(ODD, ODD)) > 0, text
            assert value(text, 'angel_build_info{version="0.1.0"}') == 1, text
        # A failed reload shows.
        with open(a.conf, "a") as f:
            f.write("broken {\n")
        a.ctl("reload")
        text = a.ctl("metrics").stdout
        promtool_check(text, "angelctl metrics after a failed reload")
        assert value(text, "angel_config_last_reload_successful") == 0, text
        assert value(text, 'angel_config_reloads_total{result="error"}') == 1, text
    finally:
        a.close()


def http(work):
    """HEAD, 404, 405, 400, a query string, HTTP/1.0 (urllib); no socket of the endpoint
    reaches a child; a unix socket address."""
    a = Angel(work, CONFIG)
    try:
        a.up()
        status, headers, body = a.scrape("HEAD")
        assert status == 200 and body == "" and int(headers["Content-Length"]) > 1000, (status, headers)
        assert a.scrape(path="/metrics?x=1")[0] == 200
        status, _, body = a.scrape(path="/")
        assert status == 404 and body == "404 Not Found: angel serves /metrics only\n", body
        status, headers, _ = a.scrape("POST")
        assert status == 405 and headers["Allow"] == "GET, HEAD", headers
        with socket.create_connection(("127.0.0.1", a.port), timeout=10) as s:
            s.sendall(b"nonsense\r\n\r\n")
            assert recv_all(s, 10).startswith(b"HTTP/1.1 400 Bad Request\r\n")
        with urllib.request.urlopen(f"http://127.0.0.1:{a.port}/metrics", timeout=10) as resp:
            assert resp.status == 200 and b"angel_program_up" in resp.read()
        # No descriptor of the endpoint reaches a child.
        for pid in a.children("sleep 1001"):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                assert not target.startswith("socket:"), f"child {pid} has fd {fd} -> {target}"
        a.alive()
    finally:
        a.close()
    # A unix socket: mode 0666, removed at exit.
    path = os.path.join(work, "metrics.sock")
    u = Angel(work, CONFIG, metrics=path)
    try:
        def answers():
            u.alive()
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(path)
                    s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
                    return recv_all(s, 10).startswith(b"HTTP/1.1 200 OK\r\n")
            except OSError:
                return False
        wait_for(answers, 20, "angel answering on its metrics unix socket")
        assert os.stat(path).st_mode & 0o777 == 0o666
        u.proc.send_signal(signal.SIGTERM)
        assert u.proc.wait(timeout=20) == 0 and u.err() == "", u.err()
        assert not os.path.exists(path)
    finally:
        u.close()


def metricsfile(work):
    """Written after the first load and after each reload (HUP), every 10 s, replaced whole
    through PATH.tmp: a FIFO or a symlink left at PATH.tmp neither blocks nor redirects it;
    an unwritable place is one log line, and supervision goes on."""
    a = Angel(work, CONFIG)
    try:
        a.up()
        wait_for(lambda: os.path.exists(a.prom), 20, "the metricsfile")
        first = os.stat(a.prom).st_ino
        # A FIFO where the temporary goes, and a symlink: replaced, never opened.
        os.mkfifo(a.prom + ".tmp")
        a.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: os.stat(a.prom).st_ino != first, 20, "the metricsfile replaced after a HUP")
        with open(a.prom) as f:
            text = f.read()
        assert value(text, 'angel_config_reloads_total{result="ok"}') == 2, text
        assert not os.path.exists(a.prom + ".tmp")
        victim = os.path.join(work, "victim")
        write(victim, "keep\n")
        os.symlink(victim, a.prom + ".tmp")
        second = os.stat(a.prom).st_ino
        wait_for(lambda: os.stat(a.prom).st_ino != second, 15, "the metricsfile rewritten within 10 s")
        assert open(victim).read() == "keep\n"
        # A directory in its place: rename fails, one log line, angel goes on.
        os.unlink(a.prom)
        os.mkdir(a.prom)
        a.proc.send_signal(signal.SIGHUP)
        a.wait("{main} metricsfile: …", 20)
        a.alive()
        assert a.scrape()[0] == 200
        assert len([m for m in a.messages() if "metricsfile:" in m]) == 1, a.log()
    finally:
        a.close()


def bad_config(work):
    """A bad `metrics` or `metricsfile` is one error line at start-up (angel exits 1), and
    `angelctl check` says the same; an address in use is the bind error."""
    cases = [
        ('metrics = 9102\n', 'metrics: must be a string ("127.0.0.1:9102", "[::1]:9102", "9102" or an absolute '
                             'unix socket path)'),
        ('metrics = "localhost:9102"\n', 'metrics: "localhost:9102" is not an address ("127.0.0.1:9102", '
                                         '"[::1]:9102", "9102" or an absolute unix socket path)'),
        ('metricsfile = 3\n', 'metricsfile: must be a string (a path)'),
        ('metricsfile = "/tmp/"\n', 'metricsfile: "/tmp/" is not a file path'),
    ]
    for i, (line, error) in enumerate(cases):
        conf = os.path.join(work, f"bad{i}.conf")
        write(conf, line + 'p {\n  exec = "sleep 1"\n}\n')
        r = subprocess.run([ANGELCTL, "check", conf], capture_output=True, text=True, timeout=30)
        assert r.returncode == 1 and r.stderr == error + "\n", (line, r)
        r = subprocess.run([ANGEL, conf], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        assert r.returncode == 1 and (r.stderr.endswith(": " + error + "\n") or r.stderr == error + "\n"), (line, r)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        conf = os.path.join(work, "taken.conf")
        write(conf, f'metrics = "127.0.0.1:{port}"\np {{\n  exec = "sleep 1"\n}}\n')
        r = subprocess.run([ANGEL, conf], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        assert r.returncode == 1 and "metrics: " in r.stderr and "Address already in use" in r.stderr, r


def prometheus(work):
    """A real Prometheus server on loopback scrapes angel every second; a program crashes a
    few times; Prometheus' HTTP API shows its restarts rising and it up again."""
    if not shutil.which("prometheus"):
        print("skipped: no prometheus (Debian's prometheus package)")
        return SKIP
    flag = os.path.join(work, "crash-now")
    crasher = os.path.join(work, "crasher.sh")
    # Runs until the flag file appears, then removes it and exits 3: each crash on demand.
    write(crasher, f'#!/bin/sh\nwhile [ ! -e "{flag}" ]; do sleep 0.1; done\nrm -f "{flag}"\nexit 3\n', 0o755)
    a = Angel(work, f'flappy {{\n  exec = "{crasher}"\n  delay = 1\n}}\n' + CONFIG)
    prom_port = free_port("127.0.0.1")
    prom_dir = os.path.join(work, "prometheus")
    os.mkdir(prom_dir)
    write(os.path.join(prom_dir, "prometheus.yml"),
          "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
          "scrape_configs:\n  - job_name: angel\n    static_configs:\n"
          f"      - targets: ['127.0.0.1:{a.port}']\n")
    with open(os.path.join(prom_dir, "prometheus.log"), "wb") as plog:
        prom = subprocess.Popen(["prometheus", f"--config.file={prom_dir}/prometheus.yml",
                                 f"--storage.tsdb.path={prom_dir}/data", f"--web.listen-address=127.0.0.1:{prom_port}",
                                 "--web.console.templates=/dev/null", "--web.console.libraries=/dev/null"],
                                cwd=prom_dir, stdout=plog, stderr=plog, stdin=subprocess.DEVNULL,
                                start_new_session=True)

    def query(expr):
        url = f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                reply = json.load(resp)
        except OSError:
            return None
        assert reply["status"] == "success", reply
        result = reply["data"]["result"]
        return float(result[0]["value"][1]) if result else None

    try:
        a.up()
        wait_for(lambda: query('angel_program_up{program="flappy"}') == 1, 60, "Prometheus seeing flappy up")
        before = query('angel_program_restarts_total{program="flappy"}')
        assert before == 0, before
        for crash in range(3):
            write(flag, "")
            wait_for(lambda: not os.path.exists(flag), 20, f"crash {crash + 1}")
            a.wait("{- program: flappy -} RESTART", 20, start=len(a.messages()))
        wait_for(lambda: (query('angel_program_restarts_total{program="flappy"}') or 0) >= 3, 60,
                 "Prometheus seeing flappy's restarts rise")
        wait_for(lambda: query('angel_program_up{program="flappy"}') == 1, 60, "Prometheus seeing flappy up again")
        assert query('angel_program_last_exit_status{program="flappy"}') == 3
        assert query(f'angel_program_up{{program="{ODD}",block="{ODD}"}}') == 1
        assert query('up{job="angel"}') == 1
        a.alive()
    finally:
        prom.send_signal(signal.SIGTERM)
        try:
            prom.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(prom.pid, signal.SIGKILL)
            prom.wait()
        a.close()


def faults(work):
    """A scraper that connects and says nothing gets 408 after 5 s; one that sends 1 MB gets
    431; 1,000 connections at once each get an answer (200 or 503) or the close; supervision
    goes on throughout (a crash-looping program keeps restarting), and the descriptors are
    all given back."""
    a = Angel(work, CONFIG)
    try:
        a.up()
        fds_before = len(os.listdir(f"/proc/{a.proc.pid}/fd"))
        restarts = lambda: value(a.scrape()[2], "angel_program_restarts_total" + label("crashy", "crashy"))

        silent = socket.create_connection(("127.0.0.1", a.port), timeout=20)
        started = time.monotonic()
        # Its answer is read, and timed, as it comes: not after the flood below.
        silent_answer = {}

        def read_silent():
            silent_answer["data"] = recv_all(silent, 20)
            silent_answer["waited"] = time.monotonic() - started
        silent_reader = threading.Thread(target=read_silent)
        silent_reader.start()
        big = socket.create_connection(("127.0.0.1", a.port), timeout=20)
        big_answer = {}

        def send_big():
            try:
                big.sendall(b"GET /metrics HTTP/1.1\r\nX-Junk: " + b"x" * (1 << 20) + b"\r\n\r\n")
            except OSError as e:
                big_answer["send"] = e
        sender = threading.Thread(target=send_big)
        sender.start()
        data = recv_all(big, 20)
        sender.join(30)
        assert data.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), data[:200]
        big.close()

        # 1,000 at once, while the silent one is still held.
        results = {"200": 0, "503": 0, "closed": 0}
        lock = threading.Lock()

        def one():
            try:
                with socket.create_connection(("127.0.0.1", a.port), timeout=30) as s:
                    s.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
                    got = recv_all(s, 30)
                key = "200" if got.startswith(b"HTTP/1.1 200 ") else "503" if got.startswith(b"HTTP/1.1 503 ") else \
                    "closed" if got == b"" else repr(got[:40])
            except (ConnectionResetError, BrokenPipeError):
                key = "closed"
            with lock:
                results[key] = results.get(key, 0) + 1
        before = restarts()
        threads = [threading.Thread(target=one) for _ in range(1000)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sum(results.values()) == 1000 and set(results) == {"200", "503", "closed"}, results
        assert results["200"] > 0, results
        print(f"1,000 at once: {results}")

        silent_reader.join(30)
        data, waited = silent_answer["data"], silent_answer["waited"]
        assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and 4 <= waited < 15, (data[:100], waited)
        silent.close()

        # Supervision went on: crashy (delay 1) restarted meanwhile.
        wait_for(lambda: restarts() > before, 20, "crashy restarting after the flood")
        a.alive()
        r = a.ctl("status", "crashy")
        assert r.returncode in (0, 3) and "crashy" in r.stdout, r
        wait_for(lambda: len(os.listdir(f"/proc/{a.proc.pid}/fd")) <= fds_before, 20, "descriptors given back")
    finally:
        a.close()


TESTS = {"promtool": promtool, "http": http, "metricsfile": metricsfile, "bad-config": bad_config,
         "prometheus": prometheus, "faults": faults}


def main():
    global ANGEL, ANGELCTL
    if len(sys.argv) != 4 or sys.argv[3] not in TESTS:
        print(__doc__)
        return 2
    ANGEL, ANGELCTL, test = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
    return run_in_work_dir(test, TESTS[test])


if __name__ == "__main__":
    sys.exit(main())
