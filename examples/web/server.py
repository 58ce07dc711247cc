#!/usr/bin/env python3
"""A web server for angel's zero-downtime example: it serves on the socket angel
holds (fd 3, LISTEN_FDS) and says READY=1 on NOTIFY_SOCKET once it can answer.
Python's standard library only; any language that can take fd 3 works the same."""
import http.server
import os
import signal
import socket
import socketserver
import sys

VERSION = sys.argv[1] if len(sys.argv) > 1 else "1"


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"hello from version {VERSION}, pid {os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def server_bind(self):  # the socket is angel's, already bound and listening
        pass

    def server_activate(self):
        pass


def notify(message):
    path = os.environ.get("NOTIFY_SOCKET")
    if path:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.sendto(message, path)


def main():
    if os.environ.get("LISTEN_PID") != str(os.getpid()) or os.environ.get("LISTEN_FDS") != "1":
        sys.exit("server.py: run me under angel with listen = ... (no LISTEN_FDS for me)")
    server = Server(("", 0), Hello, bind_and_activate=False)
    server.socket = socket.socket(fileno=3)
    # TERM: stop accepting, finish what is in progress, exit; the socket stays angel's.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    notify(b"READY=1")
    server.serve_forever()


if __name__ == "__main__":
    main()
