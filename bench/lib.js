// What the benchmark orchestrators (bench.js, shared.js, portable.js, protocol.js) share: ports, readiness and a
// process's children on loopback and /proc; and, for portable.js and protocol.js, the round-trip harness (the
// servers and generators they start and end, /proc samples around the generator's measured window, the quiet-machine
// wait, the round-trip cell) and its report helpers. Node's standard library only.
'use strict';
const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

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

// ---------------------------------------------------------------- configuration
const ROOT = path.resolve(__dirname, '..');
const PATHS = { root: ROOT, out: path.join(__dirname, 'out'), war: path.join(ROOT, 'target', 'procsocket.war') };
const env = process.env;
const envNum = (k, d) => (env[k] !== undefined && env[k] !== '' ? +env[k] : d);
const envList = (k, d) => (env[k] || d).split(',').map(s => s.trim()).filter(Boolean);
// The knobs every round-trip orchestrator shares: BENCH_SECONDS, BENCH_WARMUP, BENCH_REPS.
const runKnobs = () => ({ seconds: envNum('BENCH_SECONDS', 3), warmup: envNum('BENCH_WARMUP', 1), reps: envNum('BENCH_REPS', 3) });

const median = (xs) => {
  const s = xs.filter(x => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
// The median of every numeric field over runs.
function summary(runs) {
  const o = {};
  for (const k of Object.keys(runs[0])) if (typeof runs[0][k] === 'number') o[k] = median(runs.map(r => r[k]));
  return o;
}
const rotate = (xs, i) => xs.map((_, j) => xs[(i + j) % xs.length]);

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
      let cpu = 0;
      try { const f = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8'); const x = f.slice(f.lastIndexOf(')') + 2).split(' '); cpu = (+x[11] + +x[12]) / 100; } catch (e) { /* ended */ }
      s.ctxt.set(t, { name, cpu, n: statusField(ts, 'voluntary_ctxt_switches') + statusField(ts, 'nonvoluntary_ctxt_switches') });
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
  const ctxtBy = {}, cpuBy = {};
  for (const [t, x] of b.ctxt) {
    const d = x.n - (a.ctxt.get(t)?.n || 0);
    ctxt += d;
    if (d) ctxtBy[x.name] = (ctxtBy[x.name] || 0) + d;
    const c = x.cpu - (a.ctxt.get(t)?.cpu || 0); // per thread, in s
    if (c > 0) cpuBy[x.name] = (cpuBy[x.name] || 0) + c;
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
  return { secs, cpu: b.cpu - a.cpu, ccpu: b.ccpu - a.ccpu, kcpu, ctxt, ctxtBy, cpuBy, forks: b.machine.forks - a.machine.forks,
    threads: b.threads, machine_busy: busy, rest_cores: rest, kthread_cores: kthreads };
}
// The most numerous thread names of a sample, "name ×count".
const topNames = (names, n = 6) => Object.entries(names).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ×${v}`);

// ---------------------------------------------------------------- server logs
const BACKEND_LINE = /Process backend\s*:\s*(\S+)\s*\((.*)\)\s*$/m;
// The server's own start-up line (--loglevel=info) says which backend runs; with `expected`, anything else than
// that backend is an error.
async function verifyBackend(logPath, expected) {
  const t0 = Date.now();
  for (;;) {
    const m = fs.readFileSync(logPath, 'utf8').match(BACKEND_LINE);
    if (m) {
      if (expected && m[1] !== expected) throw new Error(`${logPath}: asked for the ${expected} backend, the server runs ${m[1]} (${m[2]})`);
      return m[0].slice(m[0].indexOf('Process backend')).replace(/\s+/g, ' ').trim();
    }
    if (Date.now() - t0 > 10000) throw new Error(`${logPath}: no "Process backend" line within 10 s`);
    await sleep(50);
  }
}
// Log lines after the start-up lines (at --loglevel=info nothing is logged per connection unless something is wrong).
function laterLogLines(server) {
  const lines = fs.readFileSync(server.logPath, 'utf8').split('\n').filter(Boolean);
  const i = lines.findIndex(l => BACKEND_LINE.test(l));
  return i < 0 ? lines : lines.slice(i + 1);
}

// ---------------------------------------------------------------- the round-trip harness
// One orchestrator's servers and load generators: started, tracked in cfg.pidsFile (for the shell wrapper to end
// if the orchestrator is killed) and all ended on exit; /proc samples around each generator's measured window
// (LOADGEN_MARKS=1); the quiet-machine wait and the retakes. cfg: { out, pidsFile, logPrefix, program (the
// child's path), loadgen (loadgen.js's path), seconds, warmup, reps, quietWait, maxRest, retakes, log }.
function harness(cfg) {
  const log = cfg.log;
  process.env.LOADGEN_MARKS = '1'; // loadgen.js says when its measured window opens and closes

  const started = new Map(); // pid -> { child, name }
  const programs = new Set(); // children seen under our servers (the program), ended at the end if any is left
  function remember() {
    try { fs.writeFileSync(cfg.pidsFile, [...started.keys(), ...programs].join('\n') + '\n'); } catch (e) { /* out/ gone */ }
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
    for (const pid of programs) if (exeOf(pid) === cfg.program) killPid(pid, 'SIGKILL');
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
    const left = [...programs].filter(p => exeOf(p) === cfg.program);
    if (left.length) log(`${server.name}: ${left.length} programs still running after the server stopped; killing them`);
    killLeftPrograms();
    remember();
    return { stop_ms, sigkill: killed, programs_left: left.length };
  }
  function cleanupSync() {
    for (const { child } of started.values()) killPid(child.pid, 'SIGKILL');
    killLeftPrograms();
    try { fs.unlinkSync(cfg.pidsFile); } catch (e) { /* none */ }
  }
  process.on('exit', cleanupSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { log(`\n${sig}: stopping everything`); process.exit(130); });

  // A server from def = { cmd: (port) => argv, backend: the name its "Process backend" line must show, or true
  // for any (a Procsocket server), or absent (not Procsocket) }; its log in out/<logPrefix>-<key>-<tag>.log.
  async function startServer(key, def, tag) {
    const port = await freePort();
    const logPath = path.join(cfg.out, `${cfg.logPrefix}-${key}-${tag}.log`);
    const fd = fs.openSync(logPath, 'w');
    const child = start(`${key}-${tag}`, def.cmd(port), ['ignore', fd, fd]);
    fs.closeSync(fd);
    await waitReady(port, child);
    const backendLine = def.backend ? await verifyBackend(logPath, def.backend === true ? null : def.backend) : null;
    if (backendLine) log(`${key}-${tag} (pid ${child.pid}): ${backendLine}`);
    return { key, name: `${key}-${tag}`, label: def.label, child, pid: child.pid, port, url: `ws://127.0.0.1:${port}/`, logPath, backendLine };
  }

  // marks (optional): { start, end }, async, run when the measured window opens (after the first sample) and
  // closes (before the second), before the generator goes on: a profiler started and stopped there (bench/profile.js).
  function loadgen(args, pid, onOpen, marks) {
    return new Promise((resolve, reject) => {
      const c = start('loadgen', [process.execPath, cfg.loadgen, ...args], ['pipe', 'pipe', 'inherit']);
      c.stdin.on('error', () => { /* gone */ });
      let buf = '', a = null, b = null, result = null;
      c.stdout.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i); buf = buf.slice(i + 1);
          const ev = JSON.parse(line);
          // Sampled while every connection is still open; the generator waits for our line before it goes on.
          if (ev.event === 'measure_start') {
            if (marks) { Promise.resolve(marks.start()).then(() => { a = sample(pid, c.pid); c.stdin.write('\n'); }, e => { log(`marks: ${e.stack || e}`); c.kill(); }); }
            else { a = sample(pid, c.pid); c.stdin.write('\n'); }
          } else if (ev.event === 'measure_end') {
            b = sample(pid, c.pid);
            if (marks) Promise.resolve(marks.end()).then(() => c.stdin.write('\n'), e => { log(`marks: ${e.stack || e}`); c.kill(); });
            else c.stdin.write('\n');
          }
          else if (ev.mode === 'idle' && onOpen) onOpen(ev, c);
          else result = ev;
        }
      });
      c.on('exit', (code) => code === 0 ? resolve({ result, win: a && b ? windowOf(a, b) : null })
        : reject(new Error('loadgen ' + args.join(' ') + ' exited ' + code)));
    });
  }
  // This machine may be shared (other builds): before a cell, wait up to cfg.quietWait s for it (our servers
  // idle) to be under 15 % busy over 1 s; what it was is recorded either way.
  const quietLog = [];
  async function quiet(what) {
    const t0 = Date.now();
    for (;;) {
      const a = machine();
      await sleep(1000);
      const b = machine();
      const busy = 1 - (b.idle - a.idle) / (b.total - a.total);
      if (busy < 0.15 || Date.now() - t0 > cfg.quietWait * 1000) {
        quietLog.push({ what, busy: +busy.toFixed(3), waited_s: (Date.now() - t0) / 1000 });
        if (busy >= 0.15) log(`${what}: machine still ${Math.round(100 * busy)} % busy after ${cfg.quietWait} s; going on`);
        return busy;
      }
    }
  }
  // Runs one measured loadgen run; again (after a quiet wait) while the rest of the machine took more than
  // cfg.maxRest cores, at most cfg.retakes times.
  const retakes = [];
  async function measured(what, args, pid, marks) {
    for (let i = 0; ; i++) {
      const { result, win } = await loadgen(args, pid, null, marks);
      const rest = win.rest_cores;
      if (rest <= cfg.maxRest || i >= cfg.retakes) return { result, win, retaken: i };
      log(`${what}: the rest of the machine used ${rest.toFixed(2)} cores; taking this run again`);
      retakes.push({ what, rest_cores: +rest.toFixed(3) });
      await quiet(what + ' retake');
    }
  }

  // One round-trip cell: every series (each { key, url, pid, kind: loadgen's rtt kind, default text }) in turn,
  // cfg.reps times in a rotated order; medians.
  async function rttCell(series, conns, bytes) {
    await quiet(`rtt ${conns}x${bytes}`);
    const runs = Object.fromEntries(series.map(s => [s.key, []]));
    for (let i = 0; i < cfg.reps; i++) {
      for (const s of rotate(series, i)) {
        const { result: r, win: w, retaken } = await measured(`rtt ${conns}x${bytes} ${s.key}`,
          ['rtt', s.url, String(conns), String(bytes), String(cfg.seconds), String(cfg.warmup), s.kind || 'text'], s.pid);
        const rts = r.rps * w.secs;
        const run = { rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, loadgen_cpu: r.loadgen_cpu,
          server_cpu: w.cpu / w.secs, cpu_us_per_rt: 1e6 * w.cpu / rts, ctxt_per_rt: w.ctxt / rts,
          threads: w.threads, machine_busy: w.machine_busy, rest_cores: w.rest_cores, kthread_cores: w.kthread_cores, retaken,
          ctxt_per_rt_by_thread: Object.fromEntries(Object.entries(w.ctxtBy).sort((x, y) => y[1] - x[1]).slice(0, 5)
            .map(([k, v]) => [k, +(v / rts).toFixed(3)])),
          cpu_us_per_rt_by_thread: Object.fromEntries(Object.entries(w.cpuBy).sort((x, y) => y[1] - x[1]).slice(0, 5)
            .map(([k, v]) => [k, +(1e6 * v / rts).toFixed(2)])) };
        if (r.unexpected) {
          Object.assign(run, { unexpected: r.unexpected, unexpected_first: r.unexpected_first });
          log(`rtt ${conns}x${bytes} ${s.key}: unexpected messages ${JSON.stringify(r.unexpected)}, first: ${r.unexpected_first}`);
        }
        runs[s.key].push(run);
      }
    }
    const kinds = [...new Set(series.map(s => s.kind || 'text'))];
    const res = { conns, bytes, kind: kinds.join(','), median: {}, runs };
    for (const s of series) res.median[s.key] = summary(runs[s.key]);
    log(`rtt ${conns} conn × ${bytes} B: ` + series.map(s => `${s.key} ${Math.round(res.median[s.key].rps)}/s p99 ${res.median[s.key].p99_ms.toFixed(2)} ms`).join(' | '));
    return res;
  }

  return { start, stop, programs, remember, startServer, loadgen, quiet, measured, rttCell, quietLog, retakes };
}

// The machine, the tools and the commit, for a results file's head.
function machineInfo(root) {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1];
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr;
  let websocketd = '';
  try { websocketd = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'websocketd']).toString(); } catch (e) { /* not Debian's */ }
  let commit = '';
  try { commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD']).toString().trim(); } catch (e) { /* no git */ }
  return { nproc: os.cpus().length, cpu, ram_gib: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release(),
    java: (java.split('\n')[1] || '').trim(), node: process.version, websocketd, commit,
    loadavg_start: os.loadavg().map(x => +x.toFixed(2)) };
}

// Ends a run: the load average and the time taken into result.machine, then out/NAME.json and out/NAME.md
// (markdown(result)) written, and the Markdown printed.
function writeResults(out, name, result, markdown, t0) {
  result.machine.loadavg_end = os.loadavg().map(x => +x.toFixed(2));
  result.machine.total_seconds = Math.round((Date.now() - t0) / 1000);
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(result, null, 2));
  const md = markdown(result);
  fs.writeFileSync(path.join(out, `${name}.md`), md);
  process.stdout.write(md);
}
// An orchestrator's command line: `--report [FILE]` re-renders out/NAME.json (or FILE), anything else runs main.
function cli(out, name, main, markdown, log) {
  if (process.argv[2] === '--report') {
    const file = process.argv[3] || path.join(out, `${name}.json`);
    process.stdout.write(markdown(JSON.parse(fs.readFileSync(file, 'utf8'))));
  } else {
    main().then(() => process.exit(0)).catch(e => { log(`${name}: ` + (e.stack || e)); process.exit(1); });
  }
}

// ---------------------------------------------------------------- report helpers
const f0 = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(2));
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(100 * x) + '%');
const ratio = (a, b) => (a === null || b === null || a === undefined || b === undefined || !b ? 'n/a' : (a / b).toFixed(2));

// A report's first line: when, which commit, on what.
const runLine = (m) => `Run ${m.date} (commit ${m.commit || '?'}): ${m.nproc} cores (${m.cpu}), ${m.ram_gib} GiB RAM, Linux ${m.kernel}, ` +
  `${m.java}, Node ${m.node}, websocketd ${m.websocketd}.`;

// The closing notes of a report (lines): how busy the machine was before each cell, the rest of the machine in the
// runs kept and the retakes, and the servers' log lines after start-up. `runs`: every measured run kept.
function machineNotes(r, runs, label) {
  const out = [];
  const m = r.machine;
  if (r.quiet && r.quiet.length) {
    const busy = r.quiet.map(q => q.busy);
    out.push(`Machine busy over the 1 s before each cell or idle run (our servers idle): ${pct(Math.min(...busy))}–${pct(Math.max(...busy))}` +
      `${busy.some(b => b >= 0.15) ? ` (${busy.filter(b => b >= 0.15).length} of ${busy.length} not quiet within ${m.quiet_wait} s)` : ''}.`);
    out.push('');
  }
  if (r.retakes) {
    const rest = runs.map(x => x.rest_cores).filter(x => x !== undefined && x !== null);
    const kt = runs.map(x => x.kthread_cores).filter(x => x !== undefined && x !== null);
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
  return out;
}

module.exports = { PATHS, envNum, envList, runKnobs, sleep, freePort, waitReady, childrenOf, median, summary, rotate, statOf, statusField, machine, sample,
  windowOf, topNames, verifyBackend, laterLogLines, harness, machineInfo, writeResults, cli, runLine, f0, f1, f2, pct, ratio, machineNotes };
