// A web server for angel's zero-downtime example, in Node: it serves on the socket angel
// holds (fd 3, LISTEN_FDS), says it is ready by writing a newline on its readiness fd, and
// on TERM stops accepting, finishes the requests in flight and exits.
// Node's standard library only.   usage: node server.js VERSION READY_FD
'use strict';
const fs = require('fs');
const http = require('http');

const version = process.argv[2] || '1';
const readyFd = Number(process.argv[3] || 4);

if (process.env.LISTEN_PID !== String(process.pid) || process.env.LISTEN_FDS !== '1') {
  console.error('server.js: run me under angel with listen = ... (no LISTEN_FDS for me)');
  process.exit(1);
}

const server = http.createServer((req, res) => {
  const body = `hello from node: version=${version} pid=${process.pid}\n`;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});

// fd 3 is angel's socket, already bound and listening: Node only accepts on it.
server.listen({ fd: 3 }, () => {
  // ready = "fd:4": one newline, then the fd is closed (end of file before it: never ready).
  fs.writeSync(readyFd, '\n');
  fs.closeSync(readyFd);
});

// TERM: stop accepting (our copy of fd 3 is closed; angel keeps the socket, so connections
// queue for the other instances), let the requests in flight finish, then exit.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();   // idle keep-alive connections would hold close() open
  // angel's termgrace sends KILL later anyway; this exits a little earlier on a stuck client.
  setTimeout(() => process.exit(0), 8000).unref();
});
