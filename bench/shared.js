#!/usr/bin/env node
// Orchestrates the shared-process benchmark (bench/shared.sh, docs/BENCHMARKS.md "Shared process"):
// starts the servers (Procsocket with --shared, two instances over Redis with --shared-bus, and a
// per-connection reference: websocketd vs Procsocket without --shared), drives them with
// bench/shared/SharedLoad.java (a separate JVM, so its CPU is its own), samples the servers' /proc at
// the start and end of each measured window, and writes bench/out/shared.{json,md}.
// No npm packages: only Node's standard library.
//
// Knobs (environment): SHARED_SECONDS (measured per cell, 3), SHARED_WARMUP (before the window, 2),
// SHARED_CLIENTS (1,100,1000), SHARED_RATE (paced lines/s, 500), SHARED_REF_CLIENTS (100),
// SHARED_STALL_CLIENTS (1000), SHARED_STALL_SECONDS (window of the paced cell with a stalled client, 30:
// the server's kernel send buffer and the 1 MiB queue take ~25 s to fill at 500 lines/s),
// SHARED_STALL_BASE_SECONDS (the same without one, 10), SHARED_STALL_QUEUE (--shared-queue there; default the
// server's), SHARED_LOAD_THREADS (generator selector threads, 1), SHARED_BATCH_MS (how often the generator
// reads its non-probe clients, 10), SHARED_REPS (1; medians), SHARED_SECTIONS (ref,single,stall,bus),
// SHARED_QUIET_WAIT (s to wait, before each cell, for the machine to be quiet, 10), PROCSOCKET_JAVA_OPTS
// (server JVM flags; default bench.js's, so that RSS shows live memory), WEBSOCKETD.
'use strict';
const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { sleep, freePort, waitReady, childrenOf } = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');
const WAR = path.join(ROOT, 'target', 'procsocket.war');
const PRODUCER = path.join(OUT, 'producer');
const CLASSES = path.join(OUT, 'classes');
const PIDS_FILE = path.join(OUT, 'shared.pids');
const env = process.env;
const num = (k, d) => (env[k] !== undefined && env[k] !== '' ? +env[k] : d);
const CFG = {
  seconds: num('SHARED_SECONDS', 3),
  warmup: num('SHARED_WARMUP', 2),
  clients: (env.SHARED_CLIENTS || '1,100,1000').split(',').map(Number),
  rate: num('SHARED_RATE', 500),
  refClients: num('SHARED_REF_CLIENTS', 100),
  stallClients: num('SHARED_STALL_CLIENTS', 1000),
  stallQueue: num('SHARED_STALL_QUEUE', 0),
  stallSeconds: num('SHARED_STALL_SECONDS', 30),
  stallBaseSeconds: num('SHARED_STALL_BASE_SECONDS', 10),
  batchMs: num('SHARED_BATCH_MS', 10),
  quietWait: num('SHARED_QUIET_WAIT', 10),
  loadThreads: num('SHARED_LOAD_THREADS', 1),
  reps: num('SHARED_REPS', 1),
  sections: (env.SHARED_SECTIONS || 'ref,single,stall,bus').split(','),
  // Serial GC and a small young generation (as bench.js): RSS then shows live memory, not garbage that
  // G1 has not collected yet (G1's defaults on this machine: ~500 MiB RSS at any load). Latency was the
  // same with either in spot checks.
  javaOpts: ['-XX:+ExitOnOutOfMemoryError', ...(env.PROCSOCKET_JAVA_OPTS || '-XX:+UseSerialGC -Xss256k -Xms64m -Xmn16m').split(/\s+/).filter(Boolean)],
  loadJavaOpts: ['-XX:+UseSerialGC', '-Xms256m', '-Xmx1g', '-XX:+AlwaysPreTouch'],
  websocketd: env.WEBSOCKETD || 'websocketd',
};

const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const median = (xs) => { const s = xs.filter(x => x !== null && !Number.isNaN(x)).sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null; };

// ---------------------------------------------------------------- processes we start, and their end
const started = new Map();   // pid -> { child, name }
const producers = new Set(); // producer pids seen under our servers (they run in their own sessions)
function remember() {
  try { fs.writeFileSync(PIDS_FILE, [...started.keys(), ...producers].join('\n') + '\n'); } catch (e) { /* out/ gone */ }
}
function start(name, cmd, opts = {}) {
  const logFile = fs.openSync(path.join(OUT, `shared-${name}.log`), 'w');
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', logFile, logFile], ...opts });
  fs.closeSync(logFile);
  started.set(child.pid, { child, name });
  child.on('exit', () => { started.delete(child.pid); remember(); });
  remember();
  return child;
}
function isProducer(pid) {
  try { return fs.readlinkSync(`/proc/${pid}/exe`) === PRODUCER; } catch (e) { return false; }
}
function killPid(pid, sig) { try { process.kill(pid, sig); } catch (e) { /* gone */ } }
async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const kids = childrenOf(child.pid);
  const gone = new Promise(r => child.once('exit', r));
  killPid(child.pid, 'SIGTERM');
  await Promise.race([gone, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) { killPid(child.pid, 'SIGKILL'); await gone; }
  for (const k of kids) if (isProducer(k)) killPid(k, 'SIGKILL'); // its children, if it left any
}
function cleanupSync() {
  for (const { child } of started.values()) killPid(child.pid, 'SIGKILL');
  for (const pid of producers) if (isProducer(pid)) killPid(pid, 'SIGKILL');
  try { fs.unlinkSync(PIDS_FILE); } catch (e) { /* none */ }
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { log(`\n${sig}: stopping everything`); process.exit(130); });

// ---------------------------------------------------------------- /proc
function statOf(file) {
  const f = fs.readFileSync(file, 'utf8');
  const close = f.lastIndexOf(')');
  const fields = f.slice(close + 2).split(' ');
  return { comm: f.slice(f.indexOf('(') + 1, close), ppid: +fields[1], cpu: (+fields[11] + +fields[12]) / 100 };
}
const cpuOf = (pid) => { try { return statOf(`/proc/${pid}/stat`).cpu; } catch (e) { return 0; } };
function rssKiB(pid) {
  try { return +fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]; } catch (e) { return null; }
}
// CPU per thread, grouped by name with digits folded (procsocket-worker-3 -> procsocket-worker-#).
function threadsCpu(pid) {
  const m = {};
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const s = statOf(`/proc/${pid}/task/${t}/stat`);
        const k = s.comm.replace(/\d+/g, '#');
        m[k] = (m[k] || 0) + s.cpu;
      } catch (e) { /* thread ended */ }
    }
  } catch (e) { /* gone */ }
  return m;
}
function machineCpu() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return { total: f.reduce((a, b) => a + b, 0), idle };
}
// Everything a window needs: servers (CPU, threads, RSS), their producers, redis, the machine.
function sample(ctx) {
  const s = { t: process.hrtime.bigint(), machine: machineCpu(), servers: [], producers: {}, redis: null };
  for (const pid of ctx.serverPids) {
    const kids = childrenOf(pid).filter(isProducer);
    for (const k of kids) { producers.add(k); s.producers[k] = cpuOf(k); }
    s.servers.push({ pid, cpu: cpuOf(pid), threads: threadsCpu(pid), rss: rssKiB(pid), producers: kids.length });
  }
  if (ctx.redisPid) s.redis = cpuOf(ctx.redisPid);
  remember();
  return s;
}
function windowStats(a, b, ctx) {
  const secs = Number(b.t - a.t) / 1e9;
  const server_cpu = b.servers.reduce((x, s, i) => x + (s.cpu - a.servers[i].cpu), 0) / secs;
  const threads = {};
  b.servers.forEach((s, i) => {
    for (const [k, v] of Object.entries(s.threads)) threads[k] = (threads[k] || 0) + (v - (a.servers[i].threads[k] || 0)) / secs;
  });
  const hot = Object.entries(threads).filter(([, v]) => v >= 0.02).sort((x, y) => y[1] - x[1]).slice(0, 6)
    .map(([k, v]) => ({ thread: k, cores: +v.toFixed(3) }));
  let prod = 0;
  for (const [pid, cpu] of Object.entries(b.producers)) prod += cpu - (a.producers[pid] ?? cpu);
  const m = { total: b.machine.total - a.machine.total, idle: b.machine.idle - a.machine.idle };
  const rss = b.servers.reduce((x, s) => x + (s.rss || 0), 0);
  return {
    window_s: secs, server_cpu, server_threads: hot, producer_cpu: prod / secs, producers: Object.keys(b.producers).length,
    redis_cpu: ctx.redisPid ? (b.redis - a.redis) / secs : null,
    machine_busy: m.total ? 1 - m.idle / m.total : null, server_rss_kib: rss,
    // Which server runs the program(s) (with --shared-bus: the instance that holds the route's lease).
    producers_per_server: b.servers.map(s => s.producers),
    server_cpu_each: b.servers.map((s, i) => (s.cpu - a.servers[i].cpu) / secs),
  };
}

// ---------------------------------------------------------------- servers
const procsocketCmd = (port, flags, level = 'error') => ['java', ...CFG.javaOpts, '-jar', WAR, `--port=${port}`, '--address=127.0.0.1',
  `--loglevel=${level}`, '--maxforks=0', ...flags, PRODUCER];
const websocketdCmd = (port) => [CFG.websocketd, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', PRODUCER];
async function startServer(name, cmd, port) {
  const child = start(name, cmd);
  await waitReady(port, child);
  return { name, child, pid: child.pid, url: `ws://127.0.0.1:${port}/`, port };
}

// Does the WAR on this branch know a flag? Start it with the flag: a usage error names it, a server listens.
async function supports(flags) {
  const port = await freePort();
  const r = spawnSync('java', ['-jar', WAR, '--help'], { encoding: 'utf8' });
  const child = start('probe', procsocketCmd(port, flags));
  try { await waitReady(port, child, 20000); return { ok: true }; } catch (e) {
    // The server's own words, without its log prefix ("date | LEVEL | server | | message").
    const why = fs.readFileSync(path.join(OUT, 'shared-probe.log'), 'utf8').trim().split('\n').slice(0, 3)
      .map(l => l.split(' | ').pop().trim()).join(' ').replace(/\|/g, '/');
    return { ok: false, why: why || e.message, help_mentions: flags.every(f => r.stdout.includes(f.split('=')[0])) };
  } finally { await stop(child); }
}

// ---------------------------------------------------------------- one cell
function loadgen(args, ctx, onEnd) {
  return new Promise((resolve, reject) => {
    const c = spawn('java', [...CFG.loadJavaOpts, '-cp', CLASSES, 'SharedLoad', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    started.set(c.pid, { child: c, name: 'loadgen' });
    let buf = '', a = null, b = null, result = null;
    c.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        let ev; try { ev = JSON.parse(line); } catch (e) { log('loadgen: ' + line); continue; }
        if (ev.event === 'measure_start') a = sample(ctx);
        else if (ev.event === 'measure_end') { b = sample(ctx); if (onEnd) onEnd(); }
        else if (ev.event === 'result') result = ev;
      }
    });
    c.on('exit', (code) => {
      started.delete(c.pid);
      if (code !== 0 || !result || !a || !b) return reject(new Error(`loadgen ${args.join(' ')} exited ${code}`));
      resolve({ result, win: windowStats(a, b, ctx) });
    });
  });
}

// The stalled client (bench/shared/stall.py): connected before the cell, read only after its window.
async function stallHelper(url) {
  const c = spawn('python3', [path.join(__dirname, 'shared', 'stall.py'), url], { stdio: ['pipe', 'pipe', 'inherit'] });
  started.set(c.pid, { child: c, name: 'stall' });
  c.on('exit', () => started.delete(c.pid));
  const lines = [];
  let buf = '', waiter = null;
  c.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { lines.push(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); if (waiter) waiter(); }
  });
  const next = () => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('stall.py: no answer')), 15000);
    const check = () => { if (lines.length) { clearTimeout(t); waiter = null; resolve(lines.shift()); } };
    waiter = check; check();
  });
  const hello = await next();
  if (hello.event !== 'connected') throw new Error('stall.py: ' + JSON.stringify(hello));
  return { release: () => c.stdin.write('drain\n'), result: next };
}

// This machine may be shared (other builds): before a cell, wait up to SHARED_QUIET_WAIT s for the
// machine (our servers idle) to be under 15 % busy over 1 s; what it was is recorded either way.
async function quiet() {
  const t0 = Date.now();
  for (;;) {
    const a = machineCpu();
    await sleep(1000);
    const b = machineCpu();
    const busy = 1 - (b.idle - a.idle) / (b.total - a.total);
    if (busy < 0.15 || Date.now() - t0 > CFG.quietWait * 1000) return busy;
  }
}

// Runs one cell SHARED_REPS times; medians of the headline numbers, the full runs kept.
// Server misbehaviour the harness worked around (see the report): listed in the results.
const incidents = [];

async function cell(section, label, servers, opts, extra = {}) {
  const runs = [];
  let retried = false;
  for (let i = 0; i < CFG.reps; i++) {
    const urls = servers.map(s => s.url);
    const ctx = { serverPids: servers.map(s => s.pid), redisPid: extra.redisPid };
    const busyBefore = await quiet();
    const stalled = opts.stallHelper ? await stallHelper(urls[0]) : null;
    const args = [...urls.map(u => `--url=${u}`), `--clients=${opts.clients}`, `--rate=${opts.rate}`,
      `--seconds=${opts.seconds ?? CFG.seconds}`, `--warmup=${opts.warmup ?? CFG.warmup}`, `--go=${opts.go}`,
      // Flat out every read carries many frames anyway: read everybody at once, so that all are equally fast.
      // (Not in the per-connection reference: there nobody sets anybody's pace, and its small writes make
      // reading at once cost a read(2) per line.)
      `--threads=${CFG.loadThreads}`, `--batch-ms=${opts.rate === 0 && section !== 'reference' ? 0 : CFG.batchMs}`, ...(opts.stop ? ['--stop'] : []), ...(opts.stall ? [`--stall=${opts.stall}`] : [])];
    const { result, win } = await loadgen(args, ctx, stalled ? stalled.release : null);
    // Every client connected and none got a line, with no program under the server: the route is stuck
    // (seen after flat-out cells: a shared program whose readers all left while its stdout was parked
    // for room is ended but never reaped as ended, so no new one starts). Say so, restart, retry once.
    if (result.connected > 0 && result.first_frame_ms.clients_with_data === 0 && extra.restart && !retried) {
      const what = `${section} / ${label}, run ${i + 1}: ${result.connected} clients connected, none got a line, ` +
        `${win.producers} programs running under the server`;
      log('STUCK: ' + what + ' — restarting the server and running this again');
      incidents.push(what);
      retried = true;
      if (stalled) await stalled.result().catch(() => null); // it was released at the window's end
      await extra.restart();
      i--;
      continue;
    }
    if (stalled) {
      const st = await stalled.result();
      // When the server gave up on it: its last line reached its kernel buffers; then --shared-queue's bytes
      // (100 a line) waited in the server and were dropped with the 1008. So the line that overflowed the
      // queue is about last_seq + queue / 100, and the others' timeline says when they got that one.
      const cutSeq = st.last_seq + Math.ceil((CFG.stallQueue || 1048576) / 100);
      const at = st.close_code === 1008 && st.last_seq >= 0 ? result.timeline.find(x => x[3] >= cutSeq) : null;
      result.stalled = [{ ...st, cut_off_seq: cutSeq, cut_off_after_go_s: at ? at[0] : null }];
    }
    const idle = extra.idleRss ?? null;
    const others = win.machine_busy * os.cpus().length - win.server_cpu - win.producer_cpu - result.loadgen.cpu_cores - (win.redis_cpu || 0);
    runs.push({ ...result, ...win, busy_before: busyBefore, rest_of_machine: others, rss_per_client_kib: idle === null ? null : (win.server_rss_kib - idle) / opts.clients });
    await sleep(1000); // the shared process's end, the close handshakes
  }
  const pick = (f) => median(runs.map(f));
  const r = runs[0];
  const c = {
    section, label, clients: opts.clients, rate: opts.rate, mode: opts.rate === 0 ? 'flat out' : `paced ${opts.rate}/s`,
    stall: opts.stallHelper ? 1 : 0, servers: servers.map(s => s.name), reps: runs.length,
    rate_min: pick(x => x.per_client_rate.min), rate_median: pick(x => x.per_client_rate.median), rate_max: pick(x => x.per_client_rate.max),
    frames_per_s: pick(x => x.frames_per_s), p50_ms: pick(x => x.latency_ms.p50), p99_ms: pick(x => x.latency_ms.p99),
    p99_all_ms: pick(x => x.latency_all_ms.p99), probes: r.latency_ms.probes, batch_ms: r.latency_all_ms.batch_ms,
    max_ms: pick(x => x.latency_ms.max), worst_250ms_rate: pick(x => x.worst_250ms.per_client_rate),
    server_cpu: pick(x => x.server_cpu), producer_cpu: pick(x => x.producer_cpu), redis_cpu: pick(x => x.redis_cpu),
    machine_busy: pick(x => x.machine_busy), rest_of_machine: pick(x => x.rest_of_machine), busy_before: pick(x => x.busy_before), loadgen_cpu: pick(x => x.loadgen.cpu_cores), loadgen_busiest: pick(x => x.loadgen.busiest_selector),
    server_rss_kib: pick(x => x.server_rss_kib), rss_per_client_kib: pick(x => x.rss_per_client_kib),
    us_per_frame: pick(x => x.frames_per_s > 0 ? 1e6 * x.server_cpu / x.frames_per_s : null),
    // Anything that went wrong in any run counts (closes, missing lines), not only the first run's.
    connected: Math.min(...runs.map(x => x.connected)), connect_errors: r.connect_errors,
    closed_during_run: sumMaps(runs.map(x => x.closed_during_run)), eof_during_run: runs.reduce((a, x) => a + x.eof_during_run, 0),
    integrity: sumMaps(runs.map(x => x.integrity)), stalled: runs.flatMap(x => x.stalled || []), server_threads: r.server_threads, first_frame_ms: r.first_frame_ms,
    per_url: r.per_url, closed_detail: r.closed_detail, runs,
  };
  log(`${section} | ${label}: per client ${fmt(c.rate_min)} / ${fmt(c.rate_median)} / ${fmt(c.rate_max)} lines/s, ` +
    `p50 ${fmt(c.p50_ms, 2)} p99 ${fmt(c.p99_ms, 2)} ms, server ${fmt(c.server_cpu, 2)} cores, loadgen ${fmt(c.loadgen_cpu, 2)}, ` +
    `machine ${pct(c.machine_busy)}, closed ${JSON.stringify(c.closed_during_run)}, gaps ${c.integrity.gaps}` +
    (c.stall ? `, stalled ${JSON.stringify(c.stalled)}` : ''));
  return c;
}
const sumMaps = (ms) => ms.reduce((a, m) => { for (const [k, v] of Object.entries(m || {})) a[k] = (a[k] || 0) + v; return a; }, {});
const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : (+x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(100 * x) + '%');

// Unmeasured load so that the server's JIT has compiled the paths the cells use.
// Flat out with 100 clients, then paced with `many` (the handshakes and the paced path), then a pause.
async function warm(servers, go, seconds = 3, many = Math.max(...CFG.clients)) {
  const ctx = { serverPids: servers.map(s => s.pid) };
  const common = [...servers.map(s => `--url=${s.url}`), '--warmup=0.5', `--go=${go}`, '--stop', `--threads=${CFG.loadThreads}`];
  await loadgen([...common, '--clients=100', '--rate=0', '--batch-ms=0', `--seconds=${seconds}`], ctx);
  await sleep(500);
  await loadgen([...common, `--clients=${many}`, `--rate=${CFG.rate}`, '--seconds=1'], ctx);
  await sleep(2000);
}
const idleRss = (servers) => servers.reduce((x, s) => x + rssKiB(s.pid), 0);

// ---------------------------------------------------------------- sections
async function sectionRef(result) {
  // websocketd has no shared mode: each of N clients gets its own producer, on both servers.
  const n = CFG.refClients;
  for (const [name, mk] of [['procsocket (per connection)', (p) => procsocketCmd(p, [])], ['websocketd', websocketdCmd]]) {
    const port = await freePort();
    const s = await startServer(name.split(' ')[0] + '-ref', mk(port), port);
    s.name = name;
    if (name.startsWith('procsocket')) await warm([s], 'all', 2, n);
    else await sleep(500);
    const idle = idleRss([s]);
    for (const rate of [CFG.rate, 0]) {
      result.cells.push(await cell('reference', `${name}, ${n} clients, ${rate ? 'paced' : 'flat out'}`, [s], { clients: n, rate, go: 'all' }, { idleRss: idle }));
    }
    await stop(s.child);
  }
}

async function sectionSingle(result, sharedFlags) {
  const s = { name: 'procsocket --shared' };
  const extra = {};
  // (Re)start: a fresh server, warmed up, its idle RSS measured. Again only if a route got stuck.
  const up = async () => {
    if (s.child) await stop(s.child);
    const port = await freePort();
    Object.assign(s, await startServer('procsocket-shared', procsocketCmd(port, sharedFlags), port), { name: 'procsocket --shared' });
    await warm([s], 'one');
    extra.idleRss = idleRss([s]);
    result.idle_rss_kib.single = extra.idleRss;
  };
  extra.restart = up;
  await up();
  for (const n of CFG.clients) {
    for (const rate of [0, CFG.rate]) {
      result.cells.push(await cell('shared', `${n} client${n > 1 ? 's' : ''}, ${rate ? 'paced' : 'flat out'}`, [s], { clients: n, rate, go: 'one', stop: true }, extra));
    }
  }
  await stop(s.child);
}

async function sectionStall(result, sharedFlags) {
  // The stalled client never reads (stall.py: MSS 536, 4 KiB receive buffer). At the target (1,000 clients,
  // 500 lines/s) the server's kernel buffer for it (~200 KiB) and then its 1 MiB queue fill in ~25 s, so that
  // cell is long; the baseline is the same without it. Then flat out, where the stalled client overflows
  // within a second and backpressure would show at once.
  const flags = CFG.stallQueue ? [...sharedFlags, `--shared-queue=${CFG.stallQueue}`] : sharedFlags;
  const s = {};
  const up = async () => {
    if (s.child) await stop(s.child);
    const port = await freePort();
    // Access log here: it says why and when a client was closed (a few thousand CONNECT lines besides).
    Object.assign(s, await startServer('procsocket-stall', procsocketCmd(port, flags, 'access'), port), { name: `procsocket ${flags.join(' ')}` });
    await warm([s], 'one', 2);
  };
  const extra = { restart: up };
  await up();
  const n = CFG.stallClients;
  for (const [stall, secs] of [[1, CFG.stallSeconds], [0, CFG.stallBaseSeconds]]) {
    result.cells.push(await cell('stall', `${n} clients, paced, ${stall ? 'one stalled' : 'none stalled'}`, [s],
      { clients: n, rate: CFG.rate, go: 'one', stop: true, stallHelper: !!stall, seconds: secs }, extra));
  }
  for (const stall of [1, 0]) {
    result.cells.push(await cell('stall', `100 clients, flat out, ${stall ? 'one stalled' : 'none stalled'}`, [s],
      // No warm-up: flat out the stalled client overflows ~0.2 s after "go", and that moment is the point.
      { clients: 100, rate: 0, go: 'one', stop: true, stallHelper: !!stall, seconds: 6, warmup: 0 }, extra));
  }
  await stop(s.child);
}

// The others around the moment the server stopped sending to the stalled client (±2 s): the slowest
// 250 ms (per-client rate) and the worst probe latency; null when it was not cut off inside the window.
function aroundCutOff(c) {
  const st = c.stalled && c.stalled[0], run = c.runs[0];
  if (!st || st.cut_off_after_go_s === null || st.close_code !== 1008) return null;
  const t = st.cut_off_after_go_s, w0 = run.window_start_s, w1 = w0 + run.seconds;
  if (t < w0 || t > w1) return { cut_off_s: t, inside_window: false };
  const near = run.timeline.filter(([at]) => at >= Math.max(w0, t - 2) && at < Math.min(w1, t + 2));
  return { cut_off_s: t, inside_window: true, slowest_250ms: Math.min(...near.map(x => x[1])), worst_latency_ms: Math.max(...near.map(x => x[2])) };
}

async function sectionBus(result, sharedFlags) {
  const rport = await freePort();
  const redis = start('redis', ['redis-server', '--port', String(rport), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'yes', '--loglevel', 'warning']);
  await waitReady(rport, redis);
  result.redis = execFileSync('redis-server', ['--version']).toString().trim();
  const busFlag = `--shared-bus=redis://127.0.0.1:${rport}`;
  const probe = await supports([...sharedFlags, busFlag]);
  if (!probe.ok) {
    result.bus = { skipped: `--shared-bus not available (${probe.why})` };
    log('bus: skipped: --shared-bus not available: ' + probe.why);
    await stop(redis);
    return;
  }
  const servers = [{ name: 'procsocket-bus-a' }, { name: 'procsocket-bus-b' }];
  const extra = { redisPid: redis.pid };
  const up = async (warmToo) => {
    for (const s of servers) if (s.child) await stop(s.child);
    for (const s of servers) {
      const port = await freePort();
      const name = s.name;
      Object.assign(s, await startServer(name, procsocketCmd(port, [...sharedFlags, busFlag]), port), { name });
    }
    if (warmToo) {
      await warm(servers, 'perurl');
      extra.idleRss = idleRss(servers);
      result.idle_rss_kib.bus = extra.idleRss;
    }
  };
  extra.restart = () => up(true);
  await up(false);
  // One process across both, really? Only the first client (on instance A) says "go": a client on B must
  // get the same lines. Two separate processes would leave B silent.
  const check = await loadgen([...servers.map(s => `--url=${s.url}`), '--clients=2', `--rate=${CFG.rate}`, '--seconds=1',
    '--warmup=0.5', '--go=one', '--stop'], { serverPids: servers.map(s => s.pid) });
  const onB = check.result.per_url[1];
  if (!(onB && onB.rate_median > 0)) {
    result.bus = { skipped: `--shared-bus accepted, but a client of the second instance got no lines from the first's program (${JSON.stringify(check.result.per_url)})` };
    log('bus: skipped: ' + result.bus.skipped);
    for (const s of servers) await stop(s.child);
    await stop(redis);
    return;
  }
  await warm(servers, 'perurl');
  extra.idleRss = idleRss(servers);
  result.idle_rss_kib.bus = extra.idleRss;
  for (const n of CFG.clients) {
    for (const rate of [0, CFG.rate]) {
      result.cells.push(await cell('bus', `2 instances, ${n} client${n > 1 ? 's' : ''}, ${rate ? 'paced' : 'flat out'}`, servers,
        { clients: n, rate, go: 'perurl', stop: true }, extra));
    }
  }
  for (const s of servers) await stop(s.child);
  await stop(redis);
  result.bus = { ok: true };
}

// ---------------------------------------------------------------- report
function targets(r) {
  const t = [];
  const big = Math.max(...CFG.clients);
  const paced = r.cells.find(c => c.section === 'shared' && c.clients === big && c.rate > 0);
  const flat = r.cells.find(c => c.section === 'shared' && c.clients === big && c.rate === 0);
  if (paced) {
    const ok = paced.rate_min >= 0.99 * CFG.rate && paced.integrity.missing === 0 && paced.connected === big &&
      Object.keys(paced.closed_during_run).length === 0;
    t.push({ target: `${big} clients: ≥ ${CFG.rate} lines of 100 B per second reach every client`,
      result: `paced ${CFG.rate}/s: slowest client ${fmt(paced.rate_min, 1)}/s (worst 250 ms: ${fmt(paced.worst_250ms_rate)}/s), ` +
        `${paced.connected}/${big} connected, ${paced.integrity.missing} lines missing, closes ${JSON.stringify(paced.closed_during_run)}` +
        (flat ? `; flat out: slowest ${fmt(flat.rate_min)}/s, median ${fmt(flat.rate_median)}/s` : ''), met: ok });
    t.push({ target: `${big} clients: p99 delivery latency ≤ 50 ms (paced ${CFG.rate}/s)`,
      result: `p50 ${fmt(paced.p50_ms, 2)} ms, p99 ${fmt(paced.p99_ms, 2)} ms, max ${fmt(paced.max_ms, 1)} ms`, met: paced.p99_ms <= 50 });
  }
  for (const kind of ['paced', 'flat out']) {
    const base = r.cells.find(c => c.section === 'stall' && c.label.includes(kind) && c.stall === 0);
    const st = r.cells.find(c => c.section === 'stall' && c.label.includes(kind) && c.stall === 1);
    if (!base || !st) continue;
    // Every run's stalled client must have been closed with 1008.
    const codes = st.stalled.map(x => x.close_code);
    const code = codes.length && codes.every(x => x === 1008) ? 1008 : (codes.find(x => x !== 1008) ?? null);
    const around = aroundCutOff(st);
    st.around_cut_off = around;
    const ratio = st.rate_median / base.rate_median, minRatio = st.rate_min / base.rate_min;
    const othersClosed = Object.keys(st.closed_during_run).length > 0;
    // Met: the others' median and slowest rates within 5 % of the run without a stalled client, nobody
    // else closed, the stalled one closed with 1008 inside the window, and no 250 ms around that moment
    // slower than the baseline's slowest 250 ms by more than 10 %.
    const ok = ratio >= 0.95 && minRatio >= 0.95 && code === 1008 && !othersClosed && around && around.inside_window &&
      around.slowest_250ms >= 0.9 * base.worst_250ms_rate;
    const genBound = Math.max(st.loadgen_busiest, base.loadgen_busiest) > 0.9;
    t.push({ target: `a stalled client changes nobody else's rate (${st.clients} clients, ${kind}) and is closed with 1008` +
      (genBound ? ' (the generator\'s thread was saturated here: rates compare the generator, not the server)' : ''),
      result: `others' median ${fmt(st.rate_median, 1)}/s vs ${fmt(base.rate_median, 1)}/s without (×${fmt(ratio, 3)}), slowest ${fmt(st.rate_min, 1)} vs ${fmt(base.rate_min, 1)}; ` +
        `p99 ${fmt(st.p99_ms, 1)} vs ${fmt(base.p99_ms, 1)} ms; stalled client: close ${code ?? 'none'}` +
        (st.stalled[0] ? ` after ${st.stalled[0].frames} lines` : '') +
        (around && around.inside_window ? `, cut off ${fmt(around.cut_off_s, 1)} s after go; the others ±2 s around it: slowest 250 ms ${fmt(around.slowest_250ms)}/s per client (baseline's slowest ${fmt(base.worst_250ms_rate)}/s), worst latency ${fmt(around.worst_latency_ms, 1)} ms`
          : around ? `, cut off at ${fmt(around.cut_off_s, 1)} s, outside the window` : ', not cut off in the window') +
        `; others closed ${JSON.stringify(st.closed_during_run)}`, met: genBound && !ok ? 'inconclusive' : !!ok });
  }
  const busPaced = r.cells.find(c => c.section === 'bus' && c.clients === big && c.rate > 0);
  if (busPaced) {
    t.push({ target: `two instances over Redis, ${big} clients: ≥ ${CFG.rate} lines/s reach every client, p99 ≤ 50 ms`,
      result: `slowest client ${fmt(busPaced.rate_min, 1)}/s, median ${fmt(busPaced.rate_median, 1)}/s; p50 ${fmt(busPaced.p50_ms, 1)} ms, p99 ${fmt(busPaced.p99_ms, 1)} ms; ` +
        `${busPaced.integrity.missing} lines missing in ${busPaced.integrity.gaps} gaps, closes ${JSON.stringify(busPaced.closed_during_run)}`,
      met: busPaced.rate_min >= 0.99 * CFG.rate && busPaced.p99_ms <= 50 && busPaced.integrity.missing === 0 });
  }
  // Whether the generator limited a cell: its one selector thread near a full core. Paced cells ask it for a
  // fixed rate (it must keep up); flat-out cells are a race between the server's and its thread.
  for (const [kind, pick] of [['paced', (c) => c.rate > 0], ['flat out', (c) => c.rate === 0]]) {
    const cs = r.cells.filter(c => c.section !== 'reference' && pick(c));
    if (!cs.length) continue;
    const worst = cs.reduce((a, c) => (c.loadgen_busiest > a.loadgen_busiest ? c : a));
    const sat = cs.filter(c => c.loadgen_busiest > 0.9).map(c => `${c.section}: ${c.label}`);
    t.push({ target: `the load generator is not the limit (${kind} cells)`,
      result: `busiest selector thread ≤ ${pct(worst.loadgen_busiest)} of a core (${worst.section}: ${worst.label}); generator process ≤ ${fmt(Math.max(...cs.map(c => c.loadgen_cpu)), 2)} cores` +
        (sat.length ? `; saturated (≥ 90 %) in: ${sat.join('; ')} — there the delivered rate is the generator's ceiling, a lower bound of the server's` : ''),
      met: sat.length === 0 });
  }
  return t;
}

function markdown(r) {
  const m = r.machine, o = [];
  o.push(`Run ${m.date}: ${m.nproc} cores (${m.cpu}), ${m.ram_gib} GiB RAM, Linux ${m.kernel}, ${m.java}, websocketd ${m.websocketd}${r.redis ? ', ' + r.redis : ''}.`);
  o.push(`Server JVM flags: \`${CFG.javaOpts.join(' ')}\`; generator: SharedLoad, ${CFG.loadThreads} selector thread(s), \`${CFG.loadJavaOpts.join(' ')}\`. ` +
    `${CFG.seconds} s measured after ${CFG.warmup} s (stall cells: ${CFG.stallSeconds} s), ${CFG.reps} run(s) per cell${CFG.reps > 1 ? ', medians' : ''}; ` +
    `lines of 100 B. Load average ${m.loadavg_start.join(' ')} at start, ${m.loadavg_end.join(' ')} at end; total ${m.total_seconds} s.`);
  o.push('');
  const head = '| case | lines/s per client: min / median / max | frames/s delivered | latency p50 / p99 / max ms (probes) | p99 all clients | server CPU (cores) | server µs per frame | producer CPU | RSS per client (KiB) | loadgen CPU (busiest thread) | machine busy (rest of machine, cores) | closed / lines missing |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const row = (c) => `| ${c.label}${c.section === 'reference' ? '' : ''} | ${fmt(c.rate_min)} / ${fmt(c.rate_median)} / ${fmt(c.rate_max)} | ${fmt(c.frames_per_s)} | ` +
    `${fmt(c.p50_ms, 2)} / ${fmt(c.p99_ms, 2)} / ${fmt(c.max_ms, 1)} | ${fmt(c.p99_all_ms, 1)} | ${fmt(c.server_cpu, 2)}${c.redis_cpu !== null ? ` (+redis ${fmt(c.redis_cpu, 2)})` : ''} | ${fmt(c.us_per_frame, 2)} | ` +
    `${fmt(c.producer_cpu, 2)} | ${fmt(c.rss_per_client_kib, 1)} | ${fmt(c.loadgen_cpu, 2)} (${pct(c.loadgen_busiest)}) | ${pct(c.machine_busy)} (${fmt(Math.max(0, c.rest_of_machine), 2)}) | ` +
    `${closes(c)} / ${c.integrity.missing} |`;
  const table = (title, cells, note) => {
    if (!cells.length) return;
    o.push(`### ${title}`, '');
    if (note) o.push(note, '');
    o.push(head, sep, ...cells.map(row), '');
  };
  table('One shared process, one instance (`--shared`)', r.cells.filter(c => c.section === 'shared'),
    'Flat out: the producer writes as fast as the server reads it; its latency includes queueing in the pipe and the per-client queues, so it is not the latency number. Paced: the latency number. ' +
    `Latency columns: the probe clients (every 20th, read at once); "p99 all clients" includes up to ${CFG.batchMs} ms the generator waits between reads of the others.`);
  table('A client that stops reading', r.cells.filter(c => c.section === 'stall'),
    'The stalled client (bench/shared/stall.py, connected first: MSS 536, 4 KiB receive buffer, never read) is not in the rates; after the window it is read to see how the server closed it. ' +
    `Server: ${CFG.stallQueue ? '--shared-queue=' + CFG.stallQueue : 'default --shared-queue (1 MiB)'}.`);
  if (r.bus && r.bus.skipped) o.push('### Two instances over Redis (`--shared-bus`)', '', `skipped: ${r.bus.skipped}`, '');
  else {
    const bus = r.cells.filter(c => c.section === 'bus');
    table('Two instances over Redis (`--shared-bus`), clients split between them', bus);
    if (bus.length) {
      o.push('Per instance (A: the first url, whose first client says "go"; B: the second):', '');
      for (const c of bus) {
        o.push(`- ${c.label}: ` + (c.per_url || []).filter(u => u.clients).map((u, i) => `${'AB'[i]} ${u.clients} clients, median ${fmt(u.rate_median)}/s, ` +
          `p50 / p99 ${fmt(u.p50_ms, 1)} / ${fmt(u.p99_ms, 1)} ms, ${u.missing ?? 'n/a'} lines missing in ${u.gaps ?? 'n/a'} gaps, ` +
          `server CPU ${fmt(c.runs[0].server_cpu_each[i], 2)}${c.runs[0].producers_per_server[i] ? ', runs the program' : ''}`).join('; '));
      }
      o.push('');
    }
  }
  table(`Reference: one process per connection (${CFG.refClients} clients, websocketd has no shared mode)`, r.cells.filter(c => c.section === 'reference'));
  const stallCells = r.cells.filter(c => c.section === 'stall' && c.stall);
  if (stallCells.length) {
    o.push('### The stalled client, each run', '');
    for (const c of stallCells) {
      o.push(`- ${c.label}: ` + c.stalled.map((x, i) => `run ${i + 1}: ${x.close_code === null ? 'not closed' : 'close ' + x.close_code}` +
        (x.reason ? ` ("${x.reason}")` : '') + ` after ${x.frames} lines` +
        (x.cut_off_after_go_s !== null && x.cut_off_after_go_s !== undefined ? `, cut off ≈ ${fmt(x.cut_off_after_go_s, 2)} s after go` : '')).join('; '));
    }
    o.push('');
  }
  o.push('### Server threads by CPU', '', 'Cores in the window, summed over the servers of a cell; digits in thread names folded to #.', '');
  for (const c of r.cells.filter(c => c.section !== 'reference' || true)) {
    o.push(`- ${c.section} / ${c.label}: ${c.server_threads.map(t => `${t.thread} ${fmt(t.cores, 2)}`).join(', ') || 'no thread ≥ 0.02 cores'}`);
  }
  if (r.incidents && r.incidents.length) {
    o.push('', '**Stuck routes** (a cell where every client connected and none got a line; the server was restarted and the run repeated):', '');
    for (const x of r.incidents) o.push(`- ${x}`);
  }
  o.push('', '### Targets', '', '| target | result | status |', '|---|---|---|');
  for (const t of r.targets) o.push(`| ${t.target} | ${t.result} | **${t.met === 'inconclusive' ? 'inconclusive' : t.met ? 'met' : 'missed'}** |`);
  if (r.bus && r.bus.skipped) o.push(`| two instances over Redis | ${r.bus.skipped} | **skipped** |`);
  o.push('');
  return o.join('\n') + '\n';
}
const closes = (c) => {
  const n = Object.values(c.closed_during_run).reduce((a, b) => a + b, 0) + c.eof_during_run;
  return n ? `${n} (${Object.entries(c.closed_during_run).map(([k, v]) => `${v}×${k}`).concat(c.eof_during_run ? [`${c.eof_during_run}×eof`] : []).join(', ')})` : '0';
};

function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1];
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr;
  let wd = 'n/a';
  try { wd = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'websocketd']).toString(); } catch (e) { /* not Debian's */ }
  return { nproc: os.cpus().length, cpu, ram_gib: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release(),
    java: (java.split('\n')[1] || '').trim(), node: process.version, websocketd: wd,
    loadavg_start: os.loadavg().map(x => +x.toFixed(2)), date: new Date().toISOString(),
    git: spawnSync('git', ['-C', ROOT, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).stdout.trim().slice(0, 120) };
}

async function main() {
  // node bench/shared.js --report [FILE]: the Markdown (and targets) again from a results file.
  if (process.argv[2] === '--report') {
    const file = process.argv[3] || path.join(OUT, 'shared.json');
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    Object.assign(CFG, r.config);
    r.targets = targets(r);
    fs.writeFileSync(file, JSON.stringify(r, null, 1) + '\n');
    fs.writeFileSync(file.replace(/\.json$/, '.md'), markdown(r));
    process.stdout.write(markdown(r));
    return;
  }
  fs.mkdirSync(OUT, { recursive: true });
  const t0 = Date.now();
  const result = { machine: machine(), config: CFG, flags: {}, idle_rss_kib: {}, cells: [] };
  // What this branch's WAR offers: --shared, and the optional flags passed when present.
  const shared = await supports(['--shared']);
  result.flags.shared = shared;
  const sharedFlags = ['--shared'];
  if (shared.ok) {
    const input = await supports(['--shared', '--shared-input=all']);
    result.flags.shared_input = input;
    if (input.ok) sharedFlags.push('--shared-input=all'); // the generator's "go" reaches the producer's stdin
  }
  log('flags: ' + JSON.stringify(result.flags));
  const want = (s) => CFG.sections.includes(s);
  if (want('ref')) await sectionRef(result);
  if (shared.ok) {
    if (want('single')) await sectionSingle(result, sharedFlags);
    if (want('stall')) await sectionStall(result, sharedFlags);
    if (want('bus')) await sectionBus(result, sharedFlags);
  } else {
    log('shared: skipped: --shared not available: ' + shared.why);
    result.skipped = `--shared not available (${shared.why})`;
  }
  result.machine.loadavg_end = os.loadavg().map(x => +x.toFixed(2));
  result.machine.total_seconds = Math.round((Date.now() - t0) / 1000);
  result.incidents = incidents;
  result.targets = targets(result);
  fs.writeFileSync(path.join(OUT, 'shared.json'), JSON.stringify(result, null, 1) + '\n');
  const md = markdown(result);
  fs.writeFileSync(path.join(OUT, 'shared.md'), md);
  process.stdout.write(md);
}
main().then(() => process.exit(0), (e) => { log('shared: ' + (e.stack || e.message)); process.exit(1); });
