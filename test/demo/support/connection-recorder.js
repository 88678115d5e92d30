'use strict';
// Preloaded into a script under test with NODE_OPTIONS=--require (test/demo/invoke-script.test.ts). Every
// outgoing socket (net.connect, tls.connect, http(s).request and fetch all open one) is recorded as a JSON
// line in the file named by CONNECTION_LOG, before any DNS lookup. A TCP connection to anything but
// loopback is refused, so the test sees where the script would have gone without it going there.
const { appendFileSync } = require('node:fs');
const net = require('node:net');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const logFile = process.env.CONNECTION_LOG;
const connect = net.Socket.prototype.connect;

/** The destination of a Socket#connect call: (options[, listener]), (port[, host]), (path) or Node's own normalized [options, listener]. */
function destinationOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
  }
  if (typeof first === 'string') return { path: first };
  if (first !== null && typeof first === 'object') {
    if (typeof first.path === 'string') return { path: first.path };
    return { host: first.host ?? 'localhost', port: Number(first.port) };
  }
  return { unknown: String(first) };
}

net.Socket.prototype.connect = function recordedConnect(...args) {
  const destination = destinationOf(args);
  if (logFile) appendFileSync(logFile, `${JSON.stringify(destination)}\n`);
  const local = destination.path !== undefined || LOOPBACK_HOSTS.has(destination.host);
  if (!local) {
    const refused = Object.assign(
      new Error(
        `connect ECONNREFUSED ${destination.host}:${destination.port} (refused by the test's recorder)`,
      ),
      {
        code: 'ECONNREFUSED',
      },
    );
    process.nextTick(() => this.destroy(refused));
    return this;
  }
  return connect.apply(this, args);
};
