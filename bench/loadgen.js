#!/usr/bin/env node
// Load generator for bench/run.sh: a real, independent WebSocket client (npm `ws`), one process,
// closed-loop. Every mode prints one JSON line on stdout, including its own CPU use so the reader can
// see whether the generator, not the server, was the limit.
//
//   node loadgen.js rtt    URL CONNS BYTES SECONDS WARMUP text|binary|v1|v1binary
//   node loadgen.js churn  URL CONCURRENT SECONDS
//   node loadgen.js idle   URL CONNS            (opens CONNS, one echo each, prints, waits for stdin EOF)
//   node loadgen.js ready  URL -- CMD ARGS...   (spawns the server, times spawn -> first open connection)
//   node loadgen.js reject -- CMD ARGS...       (times spawn -> exit; expects a non-zero status)
//   node loadgen.js chops  URL BYTES COUNT WARMUP text|binary [MIN MAX]
//                                               (one message of BYTES, one frame, written in chops of MIN-MAX bytes,
//                                                64-2048 by default, each its own TCP write; COUNT such messages
//                                                after WARMUP unmeasured ones, each after the last's whole echo;
//                                                no whole echo 10 s after the last chop: an error, "stalled")
// chops is a raw WebSocket client over net.Socket (setNoDelay): npm `ws` writes a whole frame at once. The chop
// sizes are the same pseudo-random sequence (fixed seed) for every server; the echo is counted in payload bytes
// until BYTES came back (a --binary gateway sends it as several messages, 64 KiB reads of the program's stdout).
// rtt kinds: text and binary are plain frames (websocketd's mode); v1 and v1binary speak procsocket.v1
// (docs/PROTOCOL.md): the subprotocol offered (and checked in the 101), the start message awaited, then v1 sends
// {"type":"stdin","data":PAYLOAD+"\n"} and counts the data of the stdout messages that come back (parsed as JSON);
// v1binary (a --binary server) sends binary frames [0, PAYLOAD] and counts the bytes after the leading 1 of the
// stdout frames. Any other message (stderr, error, exit, a second start, ...) is counted by type in the result's
// `unexpected`, with the first one in `unexpected_first`; it does not count as echo.
// With LOADGEN_MARKS=1, rtt and churn also print {"event":"measure_start"} and {"event":"measure_end"} lines
// when their measured window opens and closes, and wait for a line on stdin after each before going on, so that
// an orchestrator can sample the server's /proc there while every connection is still open (bench/portable.js
// does); the result is still the last line.
'use strict';
const { spawn } = require('child_process');
const WebSocket = require('ws');

const OPTS = { perMessageDeflate: false, handshakeTimeout: 10000 };
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const MARKS = process.env.LOADGEN_MARKS === '1';
let acks = 0, ackWaiter = null;
if (MARKS) {
  process.stdin.on('data', (d) => {
    for (const ch of d.toString()) if (ch === '\n') acks++;
    if (ackWaiter && acks > 0) { acks--; const w = ackWaiter; ackWaiter = null; w(); }
  });
}
// Says where the window is and waits for the orchestrator's line (its sample is taken); nothing without MARKS.
function mark(event) {
  if (!MARKS) return Promise.resolve();
  process.stdout.write(JSON.stringify({ event }) + '\n');
  return new Promise((resolve) => { if (acks > 0) { acks--; resolve(); } else ackWaiter = resolve; });
}

function cpuShare(startCpu, startWall) {
  const c = process.cpuUsage(startCpu);
  return (c.user + c.system) / 1000 / (now() - startWall); // fraction of one core
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

// Resolves once open; with a protocol (procsocket.v1), once the server chose it and its start message came (the
// listener is there before the handshake ends: the start may arrive with the 101 and be emitted before `open`'s
// continuation runs).
function open(url, protocol) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol ? [protocol] : [], OPTS);
    ws.once('error', reject);
    if (!protocol) { ws.once('open', () => resolve(ws)); return; }
    const timer = setTimeout(() => reject(new Error('no start message within 10 s')), 10000);
    ws.once('open', () => { if (ws.protocol !== protocol) reject(new Error(`offered ${protocol}, the server chose "${ws.protocol}"`)); });
    ws.once('message', (data, isBinary) => {
      clearTimeout(timer);
      what(data, isBinary) === 'start' ? resolve(ws) : reject(new Error('first message not start: ' + data.toString().slice(0, 200)));
    });
    ws.once('close', (code, reason) => { clearTimeout(timer); reject(new Error(`closed before start: ${code} ${reason}`)); });
  });
}

const V1 = 'procsocket.v1';
// An rtt kind's frames: what to send for a payload of `bytes`, and how many echoed payload bytes a received
// message carries (null: not an echo, counted as unexpected under the name `what` returns).
function rttKind(kind, bytes) {
  switch (kind) {
    case 'text': return { payload: 'x'.repeat(bytes), binary: false, echoed: (data) => data.length };
    case 'binary': return { payload: Buffer.alloc(bytes, 0x5a), binary: true, echoed: (data) => data.length };
    case 'v1': return { protocol: V1, payload: JSON.stringify({ type: 'stdin', data: 'x'.repeat(bytes) + '\n' }), binary: false,
      echoed: (data, isBinary) => {
        if (isBinary) return null;
        const m = JSON.parse(data.toString());
        return m.type === 'stdout' ? m.data.length : null;
      } };
    case 'v1binary': {
      const payload = Buffer.alloc(bytes + 1, 0x5a);
      payload[0] = 0; // stdin
      return { protocol: V1, payload, binary: true, echoed: (data, isBinary) => (isBinary && data[0] === 1 ? data.length - 1 : null) };
    }
    default: throw new Error('unknown rtt kind ' + kind);
  }
}
// What an unexpected message was: its JSON type, or the binary frame's stream byte.
function what(data, isBinary) {
  if (isBinary) return `binary:${data.length ? data[0] : 'empty'}`;
  try { return String(JSON.parse(data.toString()).type); } catch (e) { return 'text'; }
}
// One connection, closed loop: send, wait for the whole echo (a --binary gateway may split it), repeat.
async function rtt(url, conns, bytes, seconds, warmup, kind) {
  const { protocol, payload, binary, echoed } = rttKind(kind, bytes);
  const sockets = await Promise.all(Array.from({ length: conns }, () => open(url, protocol)));
  let measuring = false, stop = false, count = 0;
  const lat = [];
  const unexpected = {};
  let unexpectedFirst = null;
  const loops = sockets.map(ws => new Promise((resolve, reject) => {
    let got = 0, t0 = 0;
    const fire = () => {
      if (stop) { resolve(); return; }
      got = 0; t0 = now(); ws.send(payload, { binary });
    };
    ws.on('message', (data, isBinary) => {
      const n = echoed(data, isBinary);
      if (n === null) {
        const t = what(data, isBinary);
        unexpected[t] = (unexpected[t] || 0) + 1;
        if (!unexpectedFirst) unexpectedFirst = isBinary ? `binary frame of ${data.length} bytes, first ${data[0]}` : data.toString().slice(0, 300);
        return;
      }
      got += n;
      if (got < bytes) return;
      if (measuring) { lat.push(now() - t0); count++; }
      fire();
    });
    ws.on('close', (code, reason) => stop ? resolve() : reject(new Error(`closed early: ${code} ${reason}`)));
    ws.on('error', reject);
    fire();
  }));
  await new Promise(r => setTimeout(r, warmup * 1000));
  await mark('measure_start');
  const cpu0 = process.cpuUsage(), wall0 = now();
  measuring = true;
  await new Promise(r => setTimeout(r, seconds * 1000));
  measuring = false;
  const wall = now() - wall0, share = cpuShare(cpu0, wall0);
  await mark('measure_end');
  stop = true;
  await Promise.race([Promise.all(loops), new Promise(r => setTimeout(r, 5000))]);
  sockets.forEach(ws => ws.terminate());
  lat.sort((a, b) => a - b);
  const result = { mode: 'rtt', conns, bytes, kind, rps: count / (wall / 1000),
    p50_ms: percentile(lat, 0.5), p99_ms: percentile(lat, 0.99), max_ms: lat.length ? lat[lat.length - 1] : null,
    loadgen_cpu: share };
  if (unexpectedFirst) Object.assign(result, { unexpected, unexpected_first: unexpectedFirst });
  return result;
}

// Each worker: connect, one echo, close handshake, repeat. Counts whole cycles per second.
async function churn(url, concurrent, seconds) {
  let done = 0, failed = 0, stop = false;
  const cycle = () => new Promise((resolve) => {
    const ws = new WebSocket(url, OPTS);
    ws.once('open', () => ws.send('churn'));
    ws.once('message', () => ws.close(1000));
    ws.once('close', () => { done++; resolve(); });
    ws.once('error', () => { failed++; resolve(); });
  });
  await mark('measure_start');
  const cpu0 = process.cpuUsage(), wall0 = now();
  const workers = Array.from({ length: concurrent }, async () => { while (!stop) await cycle(); });
  await new Promise(r => setTimeout(r, seconds * 1000));
  const wall = now() - wall0, share = cpuShare(cpu0, wall0), cycles = done;
  await mark('measure_end'); // the workers go on until the sample is taken
  stop = true;
  await Promise.all(workers);
  return { mode: 'churn', concurrent, per_s: cycles / (wall / 1000), failed, loadgen_cpu: share };
}

async function idle(url, conns) {
  const sockets = [];
  for (let i = 0; i < conns; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, conns - i) }, async () => {
      const ws = await open(url);
      // One echo proves the child runs (the gateway starts it on open; websocketd too).
      await new Promise((resolve, reject) => { ws.once('message', resolve); ws.once('close', reject); ws.send('up'); });
      return ws;
    }));
    sockets.push(...batch);
  }
  process.stdout.write(JSON.stringify({ mode: 'idle', open: sockets.length }) + '\n');
  await new Promise(r => { process.stdin.resume(); process.stdin.on('end', r); process.stdin.on('close', r); });
  sockets.forEach(ws => ws.terminate());
  return null;
}

async function ready(url, cmd) {
  const t0 = now();
  const child = spawn(cmd[0], cmd.slice(1), { stdio: 'ignore' });
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  for (;;) {
    if (exited !== null) throw new Error('server exited with ' + exited + ' before accepting');
    try {
      const ws = await open(url);
      const ms = now() - t0;
      ws.terminate();
      child.kill('SIGTERM');
      return { mode: 'ready', ms };
    } catch (e) {
      await new Promise(r => setTimeout(r, 2));
    }
    if (now() - t0 > 20000) { child.kill('SIGKILL'); throw new Error('not ready within 20 s'); }
  }
}

async function reject(cmd) {
  const t0 = now();
  const child = spawn(cmd[0], cmd.slice(1), { stdio: 'ignore' });
  const code = await new Promise(r => child.on('exit', (c) => r(c)));
  return { mode: 'reject', ms: now() - t0, status: code };
}

// ---------------------------------------------------------------- chops: a raw client, a frame in small TCP writes
const net = require('net');
const crypto = require('crypto');
// A masked client frame, FIN set, as one Buffer.
function clientFrame(opcode, payload) {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const f = Buffer.alloc(head + 4 + n);
  f[0] = 0x80 | opcode;
  if (n < 126) f[1] = 0x80 | n;
  else if (n < 65536) { f[1] = 0x80 | 126; f.writeUInt16BE(n, 2); }
  else { f[1] = 0x80 | 127; f.writeBigUInt64BE(BigInt(n), 2); }
  const mask = crypto.randomBytes(4);
  mask.copy(f, head);
  for (let i = 0; i < n; i++) f[head + 4 + i] = payload[i] ^ mask[i & 3];
  return f;
}
// Connects and upgrades; resolves { sock, onPayload(fn) }: fn(bytes) for every data frame's payload bytes as they
// arrive (fragments included), pings answered, a close frame or an early end an error.
function rawOpen(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(+u.port, u.hostname);
    sock.setNoDelay(true);
    const key = crypto.randomBytes(16).toString('base64');
    let head = Buffer.alloc(0), upgraded = false, listener = () => {}, failed = null;
    let pending = Buffer.alloc(0), remaining = 0, opcode = 0;
    const fail = (e) => { failed = failed || e; reject(e); if (onError) onError(e); };
    let onError = null;
    sock.on('connect', () => sock.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    const frames = (d) => {
      let i = 0;
      while (i < d.length) {
        if (remaining > 0) { // inside a payload
          const k = Math.min(remaining, d.length - i);
          if (opcode === 1 || opcode === 2 || opcode === 0) listener(k);
          remaining -= k; i += k;
          continue;
        }
        pending = Buffer.concat([pending, d.subarray(i)]); i = d.length;
        if (pending.length < 2) break;
        let len = pending[1] & 0x7f, at = 2;
        if (len === 126) { if (pending.length < 4) break; len = pending.readUInt16BE(2); at = 4; }
        else if (len === 127) { if (pending.length < 10) break; len = Number(pending.readBigUInt64BE(2)); at = 10; }
        opcode = pending[0] & 0x0f;
        if (opcode >= 8) { // control: whole before acting
          if (pending.length < at + len) break;
          const body = pending.subarray(at, at + len);
          if (opcode === 8) { fail(new Error(`server closed: ${body.length >= 2 ? body.readUInt16BE(0) : ''} ${body.subarray(2)}`)); return; }
          if (opcode === 9) sock.write(clientFrame(10, body));
          const rest = pending.subarray(at + len); pending = Buffer.alloc(0); remaining = 0;
          frames(rest); return;
        }
        const rest = pending.subarray(at); pending = Buffer.alloc(0); remaining = len; // len 0: the next header follows
        frames(rest); return;
      }
    };
    sock.on('data', (d) => {
      if (upgraded) { frames(d); return; }
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!/^HTTP\/1\.1 101/.test(head.toString('latin1', 0, end))) { fail(new Error('no 101: ' + head.toString('latin1', 0, end))); return; }
      upgraded = true;
      resolve({ sock, onPayload: (fn) => { listener = fn; }, onError: (fn) => { onError = fn; if (failed) fn(failed); } });
      frames(head.subarray(end + 4));
    });
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  });
}
const CHOPS_TIMEOUT_MS = 10000;
async function chops(url, bytes, count, warmup, kind, min = 64, max = 2048) {
  const binary = kind === 'binary';
  const frame = clientFrame(binary ? 2 : 1, Buffer.alloc(bytes, binary ? 0x5a : 0x78));
  let seed = 17;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  const c = await rawOpen(url);
  let got = 0, done = null, error = null;
  c.onPayload((k) => { got += k; if (got >= bytes && done) { const d = done; done = null; d(); } });
  c.onError((e) => { error = e; if (done) { const d = done; done = null; d(); } });
  const write = (b) => new Promise((resolve, reject) => c.sock.write(b, (e) => (e ? reject(e) : resolve())));
  let writes = 0;
  const one = async () => {
    got = 0;
    const echoed = new Promise((r) => { done = r; });
    for (let i = 0; i < frame.length;) {
      const k = Math.min(frame.length - i, min + (rnd() % (max - min + 1)));
      await write(frame.subarray(i, i + k)); // each chop its own write(2)
      writes++; i += k;
    }
    const sent = now();
    let timer;
    const late = new Promise((r) => { timer = setTimeout(r, CHOPS_TIMEOUT_MS); });
    await Promise.race([echoed, late]);
    clearTimeout(timer);
    if (error) throw error;
    if (got < bytes) throw new Error(`stalled: ${got} of ${bytes} bytes echoed ${CHOPS_TIMEOUT_MS / 1000} s after the last chop`);
    return sent;
  };
  for (let i = 0; i < warmup; i++) await one();
  await mark('measure_start');
  const cpu0 = process.cpuUsage(), wall0 = now();
  const times = [], tails = [];
  writes = 0;
  for (let i = 0; i < count; i++) {
    const t0 = now();
    const sent = await one();
    times.push(now() - t0); tails.push(now() - sent);
  }
  const wall = now() - wall0, share = cpuShare(cpu0, wall0);
  await mark('measure_end');
  c.sock.destroy();
  const sorted = [...times].sort((a, b) => a - b);
  return { mode: 'chops', kind, bytes, count, min, max, writes_per_msg: writes / count, ms_per_msg: wall / count,
    p50_ms: percentile(sorted, 0.5), max_ms: sorted[sorted.length - 1], after_last_write_ms: percentile([...tails].sort((a, b) => a - b), 0.5),
    loadgen_cpu: share };
}

async function main() {
  const [mode, ...a] = process.argv.slice(2);
  const dash = a.indexOf('--');
  let result;
  switch (mode) {
    case 'rtt': result = await rtt(a[0], +a[1], +a[2], +a[3], +a[4], a[5] || 'text'); break;
    case 'churn': result = await churn(a[0], +a[1], +a[2]); break;
    case 'idle': result = await idle(a[0], +a[1]); break;
    case 'ready': result = await ready(a[0], a.slice(dash + 1)); break;
    case 'reject': result = await reject(a.slice(dash + 1)); break;
    case 'chops': result = await chops(a[0], +a[1], +a[2], +a[3], a[4] || 'text', ...(a[5] ? [+a[5], +a[6]] : [])); break;
    default: throw new Error('unknown mode ' + mode);
  }
  if (result) process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}
main().catch(e => { process.stderr.write('loadgen: ' + e.message + '\n'); process.exit(1); });
