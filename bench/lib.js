// What the benchmark orchestrators (bench.js, shared.js, portable.js) share: ports, readiness and a process's
// children on loopback and /proc. Node's standard library only.
'use strict';
const fs = require('fs');
const net = require('net');

const sleep = (ms) => new Promise(r => setTimeout(r, ms));

/** A port nobody listens on right now (bound and released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

/** Until 127.0.0.1:port accepts; fails at once if `child` (when given) has exited, and after `ms`. */
async function waitReady(port, child = null, ms = 30000) {
  const t0 = Date.now();
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`server on ${port} exited (${child.exitCode ?? child.signalCode})`);
    }
    const ok = await new Promise(r => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    if (Date.now() - t0 > ms) throw new Error('port ' + port + ' not ready');
    await sleep(20);
  }
}

/** The pids of `pid`'s children, from every thread's /proc children list (threads may end meanwhile). */
function childrenOf(pid) {
  const out = [];
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const c = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
        if (c) out.push(...c.split(' ').map(Number));
      } catch (e) { /* thread ended */ }
    }
  } catch (e) { /* gone */ }
  return out;
}

module.exports = { sleep, freePort, waitReady, childrenOf };
