#!/usr/bin/env node
// Orchestrates the process-backend benchmark (bench/portable.sh, docs/BENCHMARKS.md "Portable process
// backend"): the gateway twice, with -Dprocsocket.processes=native and =portable, beside websocketd, all
// three on loopback with the same child (/usr/bin/cat) and the same load generator (bench/loadgen.js, a
// separate Node process). Every cell runs the series in turn, in an order rotated from one repetition to
// the next, and reports medians; the server's /proc is sampled when the generator's measured window opens
// and closes (LOADGEN_MARKS=1). Each Procsocket server is started with --loglevel=info so that its start-up
// line "Process backend : NAME (...)" shows, and the run stops unless NAME is the backend asked for.
// Writes bench/out/portable.{json,md}; `node bench/portable.js --report [FILE]` re-renders the Markdown.
//
// Knobs (environment): BENCH_SECONDS (measured per run, 3), BENCH_WARMUP (per run, 1), BENCH_REPS (3),
// BENCH_CHURN_WARMUP (s of unmeasured churn on each server before the churn cell, 20), PORTABLE_CONNS
// (1,10,100), PORTABLE_BYTES (32,4096), PORTABLE_SERIES (native,portable,websocketd), PORTABLE_SECTIONS
// (rtt,churn,idle), PORTABLE_IDLE_CONNS (1000), PORTABLE_IDLE_REPS (3), PORTABLE_IDLE_SETTLE_MS (after the
// last connection is open, before the sample, 2000), PORTABLE_QUIET_WAIT (s to wait, before each cell and idle
// run, for the machine to be under 15 % busy over 1 s, 10; what it was is recorded), PROCSOCKET_JAVA_OPTS
// (default bench.js's), WEBSOCKETD, PORTABLE_MAX_REST (cores: a round-trip or churn run in which the rest of
// the machine, every user process but the server, its children, the generator and this one, used more is
// taken again, 0.1; kernel threads are reported, not counted) and
// PORTABLE_RETAKES (at most this many times, 2; the last one counts either way; retakes are reported).
'use strict';
const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { sleep, freePort, waitReady, childrenOf } = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');
const WAR = path.join(ROOT, 'target', 'procsocket.war');
const LOADGEN = path.join(__dirname, 'loadgen.js');
const PIDS_FILE = path.join(OUT, 'portable.pids');
const env = process.env;
const num = (k, d) => (env[k] !== undefined && env[k] !== '' ? +env[k] : d);
const list = (k, d) => (env[k] || d).split(',').map(s => s.trim()).filter(Boolean);
const CFG = {
  seconds: num('BENCH_SECONDS', 3),
  warmup: num('BENCH_WARMUP', 1),
  reps: num('BENCH_REPS', 3),
  churnWarmup: num('BENCH_CHURN_WARMUP', 20),
  churnConcurrent: 10,
  conns: list('PORTABLE_CONNS', '1,10,100').map(Number),
  bytes: list('PORTABLE_BYTES', '32,4096').map(Number),
  series: list('PORTABLE_SERIES', 'native,portable,websocketd'),
  sections: list('PORTABLE_SECTIONS', 'rtt,churn,idle'),
  idleConns: num('PORTABLE_IDLE_CONNS', 1000),
  idleReps: num('PORTABLE_IDLE_REPS', 3),
  idleSettleMs: num('PORTABLE_IDLE_SETTLE_MS', 2000),
  quietWait: num('PORTABLE_QUIET_WAIT', 10),
  maxRest: num('PORTABLE_MAX_REST', 0.1),
  retakes: num('PORTABLE_RETAKES', 2),
  // bench.js's flags: Serial GC and a small young generation, so that idle RSS shows live memory.
  javaOpts: (env.PROCSOCKET_JAVA_OPTS || '-XX:+UseSerialGC -Xss256k -Xms64m -Xmn16m').split(/\s+/).filter(Boolean),
  websocketd: env.WEBSOCKETD || 'websocketd',
};
const CAT = execFileSync('sh', ['-c', 'command -v cat']).toString().trim();
process.env.LOADGEN_MARKS = '1'; // loadgen.js says when its measured window opens and closes

const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const median = (xs) => {
  const s = xs.filter(x => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

// ---------------------------------------------------------------- the three series
const procsocketCmd = (backend) => (port) => ['java', ...CFG.javaOpts, `-Dprocsocket.processes=${backend}`, '-jar', WAR,
  `--port=${port}`, '--address=127.0.0.1', '--loglevel=info', CAT];
const SERIES = {
  native: { label: 'Procsocket (native)', backend: 'native', cmd: procsocketCmd('native') },
  portable: { label: 'Procsocket (portable)', backend: 'portable', cmd: procsocketCmd('portable') },
  websocketd: { label: 'websocketd', backend: null,
    cmd: (port) => [CFG.websocketd, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', CAT] },
};

// ---------------------------------------------------------------- processes we start, and their end
const started = new Map(); // pid -> { child, name }
const programs = new Set(); // children seen under our servers (cat), ended at the end if any is left
function remember() {
  try { fs.writeFileSync(PIDS_FILE, [...started.keys(), ...programs].join('\n') + '\n'); } catch (e) { /* out/ gone */ }
}
function start(name, cmd, stdio) {
  const child = spawn(cmd[0], cmd.slice(1), { stdio });
  started.set(child.pid, { child, name });
  child.on('exit', () => { started.delete(child.pid); remember(); });
  remember();
  return child;
}
function killPid(pid, sig) { try { process.kill(pid, sig); } catch (e) { /* gone */ } }
const exeOf = (pid) => { try { return fs.readlinkSync(`/proc/${pid}/exe`); } catch (e) { return null; } };
function killLeftPrograms() {
  for (const pid of programs) if (exeOf(pid) === CAT) killPid(pid, 'SIGKILL');
  programs.clear();
}
async function stop(server) {
  const child = server.child;
  if (child.exitCode !== null || child.signalCode !== null) return { stop_ms: 0 };
  for (const k of childrenOf(child.pid)) programs.add(k);
  const gone = new Promise(r => child.once('exit', r));
  const t0 = Date.now();
  killPid(child.pid, 'SIGTERM');
  await Promise.race([gone, sleep(10000)]);
  let killed = false;
  if (child.exitCode === null && child.signalCode === null) { killPid(child.pid, 'SIGKILL'); killed = true; await gone; }
  const stop_ms = Date.now() - t0;
  const left = [...programs].filter(p => exeOf(p) === CAT);
  if (left.length) log(`${server.name}: ${left.length} programs still running after the server stopped; killing them`);
  killLeftPrograms();
  remember();
  return { stop_ms, sigkill: killed, programs_left: left.length };
}
function cleanupSync() {
  for (const { child } of started.values()) killPid(child.pid, 'SIGKILL');
  killLeftPrograms();
  try { fs.unlinkSync(PIDS_FILE); } catch (e) { /* none */ }
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { log(`\n${sig}: stopping everything`); process.exit(130); });

// ---------------------------------------------------------------- /proc
function statOf(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // utime + stime, and cutime + cstime (children waited for: the programs, and kill(1) runs), in 1/100 s.
  return { cpu: (+x[11] + +x[12]) / 100, ccpu: (+x[13] + +x[14]) / 100 };
}
function statusField(text, name) {
  const m = text.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'));
  return m ? +m[1] : null;
}
function machine() {
  const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const f = lines[0].trim().split(/\s+/).slice(1).map(Number);
  const forks = +lines.find(l => l.startsWith('processes ')).split(' ')[1];
  return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + f[4], forks };
}
// Server CPU, its children's CPU, context switches per thread, threads, RSS; the machine's CPU and forks.
// CPU (own and reaped children's) of every process not in `ours`, user processes and kernel threads apart.
function othersCpu(ours) {
  const m = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || ours.has(+d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
      const kernel = (+x[6] & 0x00200000) !== 0; // PF_KTHREAD
      m.set(+d, { kernel, cpu: (+x[11] + +x[12] + +x[13] + +x[14]) / 100 });
    } catch (e) { /* ended */ }
  }
  return m;
}
// With `generator` (the loadgen's pid) also the rest of the machine: every other process's CPU.
function sample(pid, generator) {
  const s = { t: process.hrtime.bigint(), ...statOf(pid), ctxt: new Map(), names: {}, machine: machine() };
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  s.threads = statusField(status, 'Threads');
  s.rss = statusField(status, 'VmRSS');
  // The live children's CPU (cat); those reaped meanwhile are in ccpu.
  s.kids = new Map();
  for (const k of childrenOf(pid)) { try { s.kids.set(k, statOf(k).cpu); } catch (e) { /* gone */ } }
  if (generator) s.others = othersCpu(new Set([pid, generator, process.pid, ...s.kids.keys()]));
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const ts = fs.readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
      // Threads by name, digits folded (procsocket-stdout-1234 -> procsocket-stdo#, comm keeps 15 characters).
      const name = (ts.match(/^Name:\s*(.*)$/m) || [, '?'])[1].trim().replace(/\d+/g, '#');
      s.ctxt.set(t, { name, n: statusField(ts, 'voluntary_ctxt_switches') + statusField(ts, 'nonvoluntary_ctxt_switches') });
      s.names[name] = (s.names[name] || 0) + 1;
    } catch (e) { /* thread ended */ }
  }
  return s;
}
// Between two samples. Context switches: every thread alive at the end, less what it had at the start (a thread
// that ended inside the window is missed; in the round-trip windows threads neither start nor end).
function windowOf(a, b) {
  const secs = Number(b.t - a.t) / 1e9;
  let ctxt = 0;
  const ctxtBy = {};
  for (const [t, x] of b.ctxt) {
    const d = x.n - (a.ctxt.get(t)?.n || 0);
    ctxt += d;
    if (d) ctxtBy[x.name] = (ctxtBy[x.name] || 0) + d;
  }
  let kcpu = 0;
  for (const [k, c] of b.kids) kcpu += c - (a.kids.get(k) || 0);
  const m = { total: b.machine.total - a.machine.total, idle: b.machine.idle - a.machine.idle };
  const busy = m.total ? 1 - m.idle / m.total : null;
  // The rest of the machine: every other process's CPU in the window (new ones in full), kernel threads apart.
  let rest = null, kthreads = null;
  if (a.others && b.others) {
    rest = 0; kthreads = 0;
    for (const [p, o] of b.others) {
      const d = o.cpu - (a.others.get(p)?.cpu ?? 0);
      if (o.kernel) kthreads += d; else rest += d;
    }
    rest /= secs; kthreads /= secs;
  }
  return { secs, cpu: b.cpu - a.cpu, ccpu: b.ccpu - a.ccpu, kcpu, ctxt, ctxtBy, forks: b.machine.forks - a.machine.forks,
    threads: b.threads, machine_busy: busy, rest_cores: rest, kthread_cores: kthreads };
}
// Runs one measured loadgen run; again (after a quiet wait) while the rest of the machine took more than
// PORTABLE_MAX_REST cores, at most PORTABLE_RETAKES times.
const retakes = [];
async function measured(what, args, pid) {
  for (let i = 0; ; i++) {
    const { result, win } = await loadgen(args, pid);
    const rest = win.rest_cores;
    if (rest <= CFG.maxRest || i >= CFG.retakes) return { result, win, retaken: i };
    log(`${what}: the rest of the machine used ${rest.toFixed(2)} cores; taking this run again`);
    retakes.push({ what, rest_cores: +rest.toFixed(3) });
    await quiet(what + ' retake');
  }
}

// The most numerous thread names of a sample, "name ×count".
const topNames = (names, n = 6) => Object.entries(names).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ×${v}`);

// ---------------------------------------------------------------- servers
const BACKEND_LINE = /Process backend\s*:\s*(\S+)\s*\((.*)\)\s*$/m;
// The server's own start-up line says which backend runs; anything else than the one asked for stops the run.
async function verifyBackend(logPath, expected) {
  const t0 = Date.now();
  for (;;) {
    const m = fs.readFileSync(logPath, 'utf8').match(BACKEND_LINE);
    if (m) {
      if (m[1] !== expected) throw new Error(`${logPath}: asked for the ${expected} backend, the server runs ${m[1]} (${m[2]})`);
      return m[0].slice(m[0].indexOf('Process backend')).replace(/\s+/g, ' ').trim();
    }
    if (Date.now() - t0 > 10000) throw new Error(`${logPath}: no "Process backend" line within 10 s`);
    await sleep(50);
  }
}
async function startServer(key, tag) {
  const def = SERIES[key];
  const port = await freePort();
  const logPath = path.join(OUT, `portable-${key}-${tag}.log`);
  const fd = fs.openSync(logPath, 'w');
  const child = start(`${key}-${tag}`, def.cmd(port), ['ignore', fd, fd]);
  fs.closeSync(fd);
  await waitReady(port, child);
  const backendLine = def.backend ? await verifyBackend(logPath, def.backend) : null;
  if (backendLine) log(`${key}-${tag} (pid ${child.pid}): ${backendLine}`);
  return { key, name: `${key}-${tag}`, label: def.label, child, pid: child.pid, port, url: `ws://127.0.0.1:${port}/`, logPath, backendLine };
}
// Log lines after the start-up lines (at --loglevel=info nothing is logged per connection unless something is wrong).
function laterLogLines(server) {
  const lines = fs.readFileSync(server.logPath, 'utf8').split('\n').filter(Boolean);
  const i = lines.findIndex(l => BACKEND_LINE.test(l));
  return i < 0 ? lines : lines.slice(i + 1);
}

// ---------------------------------------------------------------- the load generator
function loadgen(args, pid, onOpen) {
  return new Promise((resolve, reject) => {
    const c = start('loadgen', [process.execPath, LOADGEN, ...args], ['pipe', 'pipe', 'inherit']);
    c.stdin.on('error', () => { /* gone */ });
    let buf = '', a = null, b = null, result = null;
    c.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        const ev = JSON.parse(line);
        // Sampled while every connection is still open; the generator waits for our line before it goes on.
        if (ev.event === 'measure_start') { a = sample(pid, c.pid); c.stdin.write('\n'); }
        else if (ev.event === 'measure_end') { b = sample(pid, c.pid); c.stdin.write('\n'); }
        else if (ev.mode === 'idle' && onOpen) onOpen(ev, c);
        else result = ev;
      }
    });
    c.on('exit', (code) => code === 0 ? resolve({ result, win: a && b ? windowOf(a, b) : null })
      : reject(new Error('loadgen ' + args.join(' ') + ' exited ' + code)));
  });
}
// This machine may be shared (other builds): before a cell, wait up to PORTABLE_QUIET_WAIT s for it (our servers
// idle) to be under 15 % busy over 1 s; what it was is recorded either way.
const quietLog = [];
async function quiet(what) {
  const t0 = Date.now();
  for (;;) {
    const a = machine();
    await sleep(1000);
    const b = machine();
    const busy = 1 - (b.idle - a.idle) / (b.total - a.total);
    if (busy < 0.15 || Date.now() - t0 > CFG.quietWait * 1000) {
      quietLog.push({ what, busy: +busy.toFixed(3), waited_s: (Date.now() - t0) / 1000 });
      if (busy >= 0.15) log(`${what}: machine still ${Math.round(100 * busy)} % busy after ${CFG.quietWait} s; going on`);
      return busy;
    }
  }
}
const rotate = (xs, i) => xs.map((_, j) => xs[(i + j) % xs.length]);

function summary(runs) {
  const o = {};
  for (const k of Object.keys(runs[0])) if (typeof runs[0][k] === 'number') o[k] = median(runs.map(r => r[k]));
  return o;
}

async function rttCell(servers, conns, bytes) {
  await quiet(`rtt ${conns}x${bytes}`);
  const runs = Object.fromEntries(servers.map(s => [s.key, []]));
  for (let i = 0; i < CFG.reps; i++) {
    for (const s of rotate(servers, i)) {
      const { result: r, win: w, retaken } = await measured(`rtt ${conns}x${bytes} ${s.key}`,
        ['rtt', s.url, String(conns), String(bytes), String(CFG.seconds), String(CFG.warmup), 'text'], s.pid);
      const rts = r.rps * w.secs;
      runs[s.key].push({ rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, loadgen_cpu: r.loadgen_cpu,
        server_cpu: w.cpu / w.secs, cpu_us_per_rt: 1e6 * w.cpu / rts, ctxt_per_rt: w.ctxt / rts,
        threads: w.threads, machine_busy: w.machine_busy, rest_cores: w.rest_cores, kthread_cores: w.kthread_cores, retaken,
        ctxt_per_rt_by_thread: Object.fromEntries(Object.entries(w.ctxtBy).sort((x, y) => y[1] - x[1]).slice(0, 5)
          .map(([k, v]) => [k, +(v / rts).toFixed(3)])) });
    }
  }
  const res = { conns, bytes, kind: 'text', median: {}, runs };
  for (const s of servers) res.median[s.key] = summary(runs[s.key]);
  log(`rtt ${conns} conn × ${bytes} B: ` + servers.map(s => `${s.key} ${Math.round(res.median[s.key].rps)}/s p99 ${res.median[s.key].p99_ms.toFixed(2)} ms`).join(' | '));
  return res;
}

async function churnCell(servers) {
  // Same unmeasured warm-up for every server: churn runs code (handshake, session set-up, spawn) that the JIT
  // is still compiling for ~20 s (see BENCHMARKS.md).
  if (CFG.churnWarmup > 0) for (const s of servers) await loadgen(['churn', s.url, String(CFG.churnConcurrent), String(CFG.churnWarmup)], s.pid);
  await quiet('churn');
  const runs = Object.fromEntries(servers.map(s => [s.key, []]));
  for (let i = 0; i < CFG.reps; i++) {
    for (const s of rotate(servers, i)) {
      const { result: r, win: w, retaken } = await measured(`churn ${s.key}`,
        ['churn', s.url, String(CFG.churnConcurrent), String(CFG.seconds + 1)], s.pid);
      const cycles = r.per_s * w.secs;
      await sleep(1500); // the last connections' kill sequences (100 ms to SIGINT) end before the next run
      runs[s.key].push({ per_s: r.per_s, failed: r.failed, loadgen_cpu: r.loadgen_cpu, server_cpu: w.cpu / w.secs,
        cpu_ms_per_conn: 1000 * w.cpu / cycles, child_cpu_ms_per_conn: 1000 * w.ccpu / cycles,
        forks_per_conn: w.forks / cycles, threads_end: w.threads, machine_busy: w.machine_busy, rest_cores: w.rest_cores, kthread_cores: w.kthread_cores, retaken,
        programs_after: childrenOf(s.pid).length });
    }
  }
  const res = { concurrent: CFG.churnConcurrent, median: {}, runs };
  for (const s of servers) res.median[s.key] = summary(runs[s.key]);
  log('churn: ' + servers.map(s => `${s.key} ${Math.round(res.median[s.key].per_s)}/s`).join(' | '));
  return res;
}

// Children's memory, reported apart from the server's: their count, RSS and PSS (shared pages split among
// the processes that map them) summed.
function programsMemory(pid) {
  const kids = childrenOf(pid);
  let rss = 0, pss = 0;
  for (const k of kids) {
    programs.add(k);
    try { rss += statusField(fs.readFileSync(`/proc/${k}/status`, 'utf8'), 'VmRSS') || 0; } catch (e) { /* gone */ }
    try { pss += statusField(fs.readFileSync(`/proc/${k}/smaps_rollup`, 'utf8'), 'Pss') || 0; } catch (e) { /* gone */ }
  }
  remember();
  return { count: kids.length, rss_kib: rss, pss_kib: pss };
}
const fdCount = (pid) => { try { return fs.readdirSync(`/proc/${pid}/fd`).length; } catch (e) { return null; } };

async function idleRun(key, tag) {
  await quiet(`idle ${key} ${tag}`);
  const s = await startServer(key, tag);
  await loadgen(['rtt', s.url, '1', '32', '0.5', '0.2', 'text'], s.pid); // first connection's paths loaded
  await sleep(500);
  const before = sample(s.pid);
  const fdsBefore = fdCount(s.pid);
  const t0 = Date.now();
  let r = null;
  await loadgen(['idle', s.url, String(CFG.idleConns)], s.pid, async (msg, c) => {
    const open_s = (Date.now() - t0) / 1000;
    await sleep(CFG.idleSettleMs);
    const after = sample(s.pid);
    const kids = programsMemory(s.pid);
    r = { open: msg.open, open_s, rss_before_kib: before.rss, rss_after_kib: after.rss,
      per_conn_kib: (after.rss - before.rss) / CFG.idleConns, threads_before: before.threads, threads_after: after.threads,
      threads_per_conn: (after.threads - before.threads) / CFG.idleConns, fds_before: fdsBefore, fds_after: fdCount(s.pid),
      programs: kids.count, program_rss_kib_each: kids.count ? kids.rss_kib / kids.count : null,
      program_pss_kib_each: kids.count ? kids.pss_kib / kids.count : null, thread_names_after: topNames(after.names) };
    c.stdin.end(); // the generator drops every connection at once
  });
  // How long until every program is gone after all clients left, and what the server keeps then.
  const t1 = Date.now();
  while (childrenOf(s.pid).length > 0 && Date.now() - t1 < 30000) await sleep(50);
  r.programs_gone_s = (Date.now() - t1) / 1000;
  r.programs_left = childrenOf(s.pid).length;
  await sleep(1000);
  const end = sample(s.pid);
  r.threads_after_close = end.threads;
  r.thread_names_after_close = topNames(end.names);
  r.log_lines_after_startup = s.backendLine ? laterLogLines(s).length : null;
  r.backend_line = s.backendLine;
  Object.assign(r, await stop(s));
  log(`idle ${key} ${tag}: ${JSON.stringify(r)}`);
  return r;
}

// ---------------------------------------------------------------- run
function machineInfo() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1];
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr;
  let websocketd = '';
  try { websocketd = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'websocketd']).toString(); } catch (e) { /* not Debian's */ }
  let commit = '';
  try { commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).toString().trim(); } catch (e) { /* no git */ }
  return { nproc: os.cpus().length, cpu, ram_gib: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release(),
    java: (java.split('\n')[1] || '').trim(), node: process.version, websocketd, commit,
    loadavg_start: os.loadavg().map(x => +x.toFixed(2)), java_opts: CFG.javaOpts.join(' '),
    seconds: CFG.seconds, warmup: CFG.warmup, reps: CFG.reps, churn_warmup: CFG.churnWarmup,
    idle_conns: CFG.idleConns, idle_reps: CFG.idleReps, quiet_wait: CFG.quietWait, max_rest: CFG.maxRest, date: new Date().toISOString() };
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  for (const k of CFG.series) if (!SERIES[k]) throw new Error(`PORTABLE_SERIES: unknown series ${k} (native, portable, websocketd)`);
  const result = { machine: machineInfo(), series: CFG.series.map(k => ({ key: k, label: SERIES[k].label })),
    backend_lines: {}, rtt: [], churn: null, idle: {}, log_lines_after_startup: {} };
  const t0 = Date.now();

  if (CFG.sections.includes('rtt') || CFG.sections.includes('churn')) {
    const servers = [];
    for (const k of CFG.series) servers.push(await startServer(k, 'load'));
    for (const s of servers) result.backend_lines[s.key] = s.backendLine;
    // JIT warm-up, not measured (as bench.js): 10 connections × 4 KiB for 3 s, then 32 B.
    for (const s of servers) {
      await loadgen(['rtt', s.url, '10', '4096', '3', '0', 'text'], s.pid);
      await loadgen(['rtt', s.url, '10', '32', '2', '0', 'text'], s.pid);
    }
    if (CFG.sections.includes('rtt')) {
      for (const bytes of CFG.bytes) for (const conns of CFG.conns) result.rtt.push(await rttCell(servers, conns, bytes));
    }
    if (CFG.sections.includes('churn')) result.churn = await churnCell(servers);
    for (const s of servers) {
      if (s.backendLine) {
        const later = laterLogLines(s);
        result.log_lines_after_startup[s.key] = { count: later.length, first: later.slice(0, 5) };
      }
      await stop(s);
    }
    await sleep(1500);
  }

  if (CFG.sections.includes('idle')) {
    for (const k of CFG.series) result.idle[k] = [];
    for (let i = 0; i < CFG.idleReps; i++) {
      for (const k of rotate(CFG.series, i)) {
        result.idle[k].push(await idleRun(k, `idle${i + 1}`));
        await sleep(1500);
      }
    }
  }

  result.quiet = quietLog;
  result.retakes = retakes;
  result.machine.loadavg_end = os.loadavg().map(x => +x.toFixed(2));
  result.machine.total_seconds = Math.round((Date.now() - t0) / 1000);
  fs.writeFileSync(path.join(OUT, 'portable.json'), JSON.stringify(result, null, 2));
  const md = markdown(result);
  fs.writeFileSync(path.join(OUT, 'portable.md'), md);
  process.stdout.write(md);
}

// ---------------------------------------------------------------- report
const f0 = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(2));
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(100 * x) + '%');
const ratio = (a, b) => (a === null || b === null || a === undefined || b === undefined || !b ? 'n/a' : (a / b).toFixed(2));

function markdown(r) {
  const m = r.machine;
  const keys = r.series.map(s => s.key);
  const label = Object.fromEntries(r.series.map(s => [s.key, s.label]));
  const has = (k) => keys.includes(k);
  const out = [];
  out.push(`Run ${m.date} (commit ${m.commit || '?'}): ${m.nproc} cores (${m.cpu}), ${m.ram_gib} GiB RAM, Linux ${m.kernel}, ${m.java}, Node ${m.node}, websocketd ${m.websocketd}.`);
  out.push(`Procsocket JVM flags: \`${m.java_opts}\`. ${m.reps} runs per cell and series, in an order rotated between repetitions, ` +
    `${m.seconds} s measured after ${m.warmup} s warm-up; medians; churn after ${m.churn_warmup} s of unmeasured churn on each server. ` +
    `Idle: ${m.idle_conns} connections, ${m.idle_reps} fresh servers per series. Load average ${m.loadavg_start.join(' ')} at start, ` +
    `${(m.loadavg_end || []).join(' ')} at end; total ${m.total_seconds} s.`);
  out.push('');
  for (const k of keys) if (r.backend_lines[k]) out.push(`- ${label[k]}: \`${r.backend_lines[k]}\``);
  out.push('');
  if (r.rtt.length) {
    out.push('#### Round trips (text through `cat`)');
    out.push('');
    const ratios = [];
    if (has('portable') && has('native')) ratios.push(['portable ÷ native', 'portable', 'native']);
    if (has('portable') && has('websocketd')) ratios.push(['portable ÷ websocketd', 'portable', 'websocketd']);
    if (has('native') && has('websocketd')) ratios.push(['native ÷ websocketd', 'native', 'websocketd']);
    out.push(`| case | ${keys.map(k => `${label[k]} rt/s`).join(' | ')} | ${ratios.map(x => x[0]).join(' | ')} | p99 ms: ${keys.map(k => label[k]).join(' / ')} | p99 portable ÷ native |`);
    out.push(`|---|${keys.map(() => '---:').join('|')}|${ratios.map(() => '---:').join('|')}|---:|---:|`);
    for (const c of r.rtt) {
      const md = c.median;
      out.push(`| ${c.conns} conn × ${c.bytes} B | ${keys.map(k => f0(md[k].rps)).join(' | ')} | ` +
        `${ratios.map(([, a, b]) => `**${ratio(md[a].rps, md[b].rps)}**`).join(' | ')} | ` +
        `${keys.map(k => f2(md[k].p99_ms)).join(' / ')} | ${has('portable') && has('native') ? ratio(md.portable.p99_ms, md.native.p99_ms) : 'n/a'} |`);
    }
    out.push('');
    out.push('Per round trip, medians (server CPU and context switches over the measured window, summed over the server\'s threads; children excluded):');
    out.push('');
    out.push(`| case | server CPU µs per rt: ${keys.map(k => label[k]).join(' / ')} | context switches per rt | server threads | p50 ms | server CPU (cores) | loadgen CPU (max) | machine busy (max) |`);
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const c of r.rtt) {
      const md = c.median;
      out.push(`| ${c.conns} conn × ${c.bytes} B | ${keys.map(k => f1(md[k].cpu_us_per_rt)).join(' / ')} | ` +
        `${keys.map(k => f2(md[k].ctxt_per_rt)).join(' / ')} | ${keys.map(k => f0(md[k].threads)).join(' / ')} | ` +
        `${keys.map(k => f2(md[k].p50_ms)).join(' / ')} | ${keys.map(k => f2(md[k].server_cpu)).join(' / ')} | ` +
        `${pct(Math.max(...keys.map(k => md[k].loadgen_cpu)))} | ${pct(Math.max(...keys.map(k => md[k].machine_busy)))} |`);
    }
    out.push('');
    out.push('Context switches per round trip by server thread (the run with the median rt/s; names as in /proc, digits folded to #):');
    out.push('');
    out.push(`| case | ${keys.map(k => label[k]).join(' | ')} |`);
    out.push(`|---|${keys.map(() => '---').join('|')}|`);
    for (const c of r.rtt) {
      const pick = (k) => { const rs = [...c.runs[k]].sort((x, y) => x.rps - y.rps); return rs[Math.floor((rs.length - 1) / 2)]; };
      out.push(`| ${c.conns} conn × ${c.bytes} B | ${keys.map(k => Object.entries(pick(k).ctxt_per_rt_by_thread || {}).slice(0, 3)
        .map(([n, v]) => `${n} ${f2(v)}`).join(', ')).join(' | ')} |`);
    }
    out.push('');
    out.push('Every run\'s round trips/s (in the order run):');
    out.push('');
    out.push(`| case | ${keys.map(k => label[k]).join(' | ')} |`);
    out.push(`|---|${keys.map(() => '---').join('|')}|`);
    for (const c of r.rtt) out.push(`| ${c.conns} conn × ${c.bytes} B | ${keys.map(k => c.runs[k].map(x => f0(x.rps)).join(', ')).join(' | ')} |`);
    out.push('');
  }
  if (r.churn) {
    const md = r.churn.median;
    out.push(`#### Churn: connect, one echo, close; ${r.churn.concurrent} concurrent`);
    out.push('');
    const cols = keys.map(k => label[k]);
    const rr = has('portable') && has('native');
    out.push(`| metric | ${cols.join(' | ')} |${rr ? ' portable ÷ native |' : ''}${has('portable') && has('websocketd') ? ' portable ÷ websocketd |' : ''}`);
    out.push(`|---|${keys.map(() => '---:').join('|')}|${rr ? '---:|' : ''}${has('portable') && has('websocketd') ? '---:|' : ''}`);
    const row = (name, f, fmt, bold) => {
      const rat = [];
      if (rr) rat.push(bold ? `**${ratio(md.portable[f], md.native[f])}**` : ratio(md.portable[f], md.native[f]));
      if (has('portable') && has('websocketd')) rat.push(bold ? `**${ratio(md.portable[f], md.websocketd[f])}**` : ratio(md.portable[f], md.websocketd[f]));
      out.push(`| ${name} | ${keys.map(k => fmt(md[k][f])).join(' | ')} |${rat.map(x => ` ${x} |`).join('')}`);
    };
    row('connections per s (median)', 'per_s', f0, true);
    out.push(`| connections per s, every run | ${keys.map(k => r.churn.runs[k].map(x => f0(x.per_s)).join(', ')).join(' | ')} |${rr ? ' |' : ''}${has('portable') && has('websocketd') ? ' |' : ''}`);
    row('server CPU per connection (ms)', 'cpu_ms_per_conn', f2);
    row('children\'s CPU per connection (ms; programs and kill(1), as reaped)', 'child_cpu_ms_per_conn', f2);
    row('forks per connection (system-wide, threads included)', 'forks_per_conn', f2);
    row('server CPU (cores)', 'server_cpu', f2);
    row('server threads at the window\'s end', 'threads_end', f0);
    row('failed connections (median)', 'failed', f0);
    row('programs left 1.5 s after the run', 'programs_after', f0);
    row('machine busy', 'machine_busy', pct);
    out.push('');
  }
  if (Object.keys(r.idle).length) {
    out.push(`#### ${m.idle_conns} idle connections (fresh server, each connection has echoed once; medians of ${m.idle_reps})`);
    out.push('');
    const md = Object.fromEntries(keys.map(k => [k, summary(r.idle[k])]));
    const rr = has('portable') && has('native');
    const rw = has('portable') && has('websocketd');
    out.push(`| metric | ${keys.map(k => label[k]).join(' | ')} |${rr ? ' portable ÷ native |' : ''}${rw ? ' portable ÷ websocketd |' : ''}`);
    out.push(`|---|${keys.map(() => '---:').join('|')}|${rr ? '---:|' : ''}${rw ? '---:|' : ''}`);
    const row = (name, f, fmt, bold, scale = 1) => {
      const v = (k) => (md[k][f] === null || md[k][f] === undefined ? null : md[k][f] / scale);
      const rat = [];
      if (rr) rat.push(bold ? `**${ratio(v('portable'), v('native'))}**` : ratio(v('portable'), v('native')));
      if (rw) rat.push(bold ? `**${ratio(v('portable'), v('websocketd'))}**` : ratio(v('portable'), v('websocketd')));
      out.push(`| ${name} | ${keys.map(k => fmt(v(k))).join(' | ')} |${rat.map(x => ` ${x} |`).join('')}`);
    };
    row('server RSS before (MiB)', 'rss_before_kib', f1, false, 1024);
    row(`server RSS at ${m.idle_conns} idle connections (MiB)`, 'rss_after_kib', f1, false, 1024);
    row('**server RSS per idle connection (KiB, children excluded)**', 'per_conn_kib', f1, true);
    out.push(`| server RSS per idle connection, every run (KiB) | ${keys.map(k => r.idle[k].map(x => f1(x.per_conn_kib)).join(', ')).join(' | ')} |${rr ? ' |' : ''}${rw ? ' |' : ''}`);
    row('server threads before', 'threads_before', f0);
    row(`**server threads at ${m.idle_conns} idle connections**`, 'threads_after', f0, true);
    row('server threads per idle connection', 'threads_per_conn', f2);
    row('server file descriptors before', 'fds_before', f0);
    row(`server file descriptors at ${m.idle_conns} idle connections`, 'fds_after', f0);
    row('programs (children) running', 'programs', f0);
    row('each program\'s RSS (KiB; not in the server\'s)', 'program_rss_kib_each', f0);
    row('each program\'s PSS (KiB; shared pages divided among their users)', 'program_pss_kib_each', f0);
    row(`time to open ${m.idle_conns} connections, 50 at a time, one echo each (s)`, 'open_s', f2);
    row('all clients drop at once: no child process left (programs, zombies, kill(1) runs) after (s)', 'programs_gone_s', f2);
    row('server threads 1 s after that', 'threads_after_close', f0);
    row('SIGTERM to exit of the server (ms)', 'stop_ms', f0);
    out.push('');
    out.push('Most numerous server threads (first run; names as in /proc, digits folded to #):');
    out.push('');
    for (const k of keys) {
      const x = r.idle[k][0];
      if (!x.thread_names_after) continue;
      out.push(`- ${label[k]}: at the idle connections ${x.thread_names_after.join(', ')}; 1 s after they all left ${x.thread_names_after_close.join(', ')}`);
    }
    out.push('');
  }
  if (r.quiet && r.quiet.length) {
    const busy = r.quiet.map(q => q.busy);
    out.push(`Machine busy over the 1 s before each cell or idle run (our servers idle): ${pct(Math.min(...busy))}–${pct(Math.max(...busy))}` +
      `${busy.some(b => b >= 0.15) ? ` (${busy.filter(b => b >= 0.15).length} of ${busy.length} not quiet within ${m.quiet_wait} s)` : ''}.`);
    out.push('');
  }
  if (r.retakes) {
    const allRuns = [...r.rtt.flatMap(c => Object.values(c.runs).flat()), ...(r.churn ? Object.values(r.churn.runs).flat() : [])];
    const rest = allRuns.map(x => x.rest_cores).filter(x => x !== undefined && x !== null);
    const kt = allRuns.map(x => x.kthread_cores).filter(x => x !== undefined && x !== null);
    out.push(`Rest of the machine in the runs kept (CPU of every other user process: not the server, its children, the generator or the orchestrator): ` +
      `${rest.length ? `${f2(Math.min(...rest))}–${f2(Math.max(...rest))} cores, median ${f2(median(rest))}` : 'n/a'}; ` +
      `kernel threads (ksoftirqd, kworker, ...) ${kt.length ? `${f2(Math.min(...kt))}–${f2(Math.max(...kt))} cores` : 'n/a'}; ` +
      `${r.retakes.length} run(s) taken again because it was over ${f2(m.max_rest)} cores` +
      `${r.retakes.length ? ` (${r.retakes.map(x => `${x.what}: ${f2(x.rest_cores)}`).join('; ')})` : ''}.`);
    out.push('');
  }
  const later = Object.entries(r.log_lines_after_startup || {});
  if (later.length) {
    out.push('Log lines after the start-up lines (`--loglevel=info`), load servers: ' +
      later.map(([k, v]) => `${label[k]} ${v.count}${v.count ? ` (first: ${v.first.map(l => '`' + l.split(' | ').slice(1).join(' | ').trim() + '`').join('; ')})` : ''}`).join(', ') + '.');
    out.push('');
  }
  return out.join('\n') + '\n';
}

module.exports = { markdown };

if (require.main === module) {
  if (process.argv[2] === '--report') {
    const file = process.argv[3] || path.join(OUT, 'portable.json');
    process.stdout.write(markdown(JSON.parse(fs.readFileSync(file, 'utf8'))));
  } else {
    main().then(() => process.exit(0)).catch(e => { log('portable: ' + (e.stack || e)); process.exit(1); });
  }
}
