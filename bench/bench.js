#!/usr/bin/env node
// Orchestrates one benchmark run (see bench/run.sh, docs/BENCHMARKS.md): starts Procsocket, websocketd
// and Node's ws echo side by side on loopback, drives them with loadgen.js (a separate process, so its
// CPU is its own), alternates A/B runs, takes medians and writes bench/out/results.{json,md} and the
// chart data. Knobs: BENCH_SECONDS (per run, default 3), BENCH_WARMUP (1), BENCH_REPS (3),
// PROCSOCKET_JAVA_OPTS (JVM flags for the throughput and memory runs).
'use strict';
const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { sleep, freePort, waitReady } = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');
const WAR = path.join(ROOT, 'target', 'procsocket.war');
const LOADGEN = path.join(__dirname, 'loadgen.js');
const SECONDS = +(process.env.BENCH_SECONDS || 3);
const WARMUP = +(process.env.BENCH_WARMUP || 1);
const REPS = +(process.env.BENCH_REPS || 3);
const CHURN_WARMUP = +(process.env.BENCH_CHURN_WARMUP || 20);
const JAVA_OPTS = (process.env.PROCSOCKET_JAVA_OPTS || '-XX:+UseSerialGC -Xss256k -Xms64m -Xmn16m').split(/\s+/).filter(Boolean);
const WEBSOCKETD = process.env.WEBSOCKETD || 'websocketd';
const CAT = execFileSync('sh', ['-c', 'command -v cat']).toString().trim();

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const log = (...a) => process.stderr.write(a.join(' ') + '\n');


function procsocketCmd(port, extra) {
  return ['java', ...JAVA_OPTS, '-jar', WAR, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', ...extra, CAT];
}
function websocketdCmd(port, extra) {
  return [WEBSOCKETD, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', ...extra, CAT];
}

const servers = [];
function startServer(name, cmd) {
  const logFile = fs.openSync(path.join(OUT, name + '.log'), 'w');
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', logFile, logFile] });
  servers.push(child);
  return child;
}
function stopAll() { for (const c of servers) { try { c.kill('SIGTERM'); } catch (e) { /* gone */ } } }
process.on('exit', stopAll);
process.on('SIGINT', () => { stopAll(); process.exit(130); });


function loadgen(args, onLine) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [LOADGEN, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', d => {
      out += d;
      if (onLine) { let i; while ((i = out.indexOf('\n')) >= 0) { const line = out.slice(0, i); out = out.slice(i + 1); onLine(JSON.parse(line), c); } }
    });
    c.on('exit', code => code === 0 ? resolve(out.trim() ? JSON.parse(out.trim().split('\n').pop()) : null)
      : reject(new Error('loadgen ' + args.join(' ') + ' exited ' + code)));
  });
}

function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (+fields[11] + +fields[12]) / 100; // utime + stime, in clock ticks of 1/100 s
}
function rssKiB(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return +m[1];
}

// One cell: A and B alternate (ABBAAB...), each run measured alone; medians of each metric.
async function abCell(label, a, b, args) {
  const runs = { [a.name]: [], [b.name]: [] };
  for (let i = 0; i < REPS; i++) {
    const order = i % 2 === 0 ? [a, b] : [b, a];
    for (const s of order) {
      const cpu0 = cpuSeconds(s.pid);
      const t0 = Date.now();
      const r = await loadgen(args(s));
      r.server_cpu = (cpuSeconds(s.pid) - cpu0) / ((Date.now() - t0) / 1000);
      runs[s.name].push(r);
    }
  }
  const summary = (rs) => {
    const o = {};
    for (const k of Object.keys(rs[0])) if (typeof rs[0][k] === 'number') o[k] = median(rs.map(r => r[k]));
    return o;
  };
  const res = { label, a: a.name, b: b.name, A: summary(runs[a.name]), B: summary(runs[b.name]), runs };
  log(`${label}: ${a.name} ${JSON.stringify(res.A)} | ${b.name} ${JSON.stringify(res.B)}`);
  return res;
}

async function idleRss(name, cmd, port, conns) {
  const server = startServer(name + '-idle', cmd);
  await waitReady(port, null, 20000);
  await loadgen(['rtt', `ws://127.0.0.1:${port}/`, '1', '32', '0.5', '0.2', 'text']); // first connection paths loaded
  await sleep(500);
  const before = rssKiB(server.pid);
  let after = 0;
  await loadgen(['idle', `ws://127.0.0.1:${port}/`, String(conns)], async (msg, c) => {
    await sleep(2000);
    after = rssKiB(server.pid);
    c.stdin.end();
  });
  server.kill('SIGTERM');
  const r = { name, conns, rss_before_kib: before, rss_after_kib: after, per_conn_kib: (after - before) / conns };
  log(`idle ${name}: ${JSON.stringify(r)}`);
  return r;
}

async function timed(mode, cmdFor, trials) {
  const xs = [];
  for (let i = 0; i < trials; i++) {
    const port = await freePort();
    const args = mode === 'ready' ? ['ready', `ws://127.0.0.1:${port}/`, '--', ...cmdFor(port)] : ['reject', '--', ...cmdFor(port)];
    const r = await loadgen(args);
    if (mode === 'reject' && r.status === 0) throw new Error('bad flag accepted: ' + cmdFor(port).join(' '));
    xs.push(r.ms);
    await sleep(300); // let the killed server release its port and CPU
  }
  return { median_ms: median(xs), all_ms: xs };
}

// Startup-tuned Procsocket: the WAR's classes on a plain class path, laid out by the WAR itself as bin/procsocket
// lays them out (AppCDS archives neither the Boot loader's nested jars nor directories), with C1 only and Serial GC.
function prepareTunedStartup() {
  const dir = path.join(OUT, 'exploded');
  fs.rmSync(dir, { recursive: true, force: true });
  execFileSync('java', [`-Dprocsocket.explodeTo=${dir}`, '-jar', WAR]);
  const cp = fs.readFileSync(path.join(dir, 'classpath'), 'utf8').trim().split('\n')
    .map(entry => path.join(dir, entry)).join(':');
  const jsa = path.join(dir, 'procsocket.jsa');
  const flags = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];
  return { cp, jsa, flags };
}

async function trainCds(t) {
  const port = await freePort();
  const c = startServer('cds-training', ['java', `-XX:ArchiveClassesAtExit=${t.jsa}`, ...t.flags, '-cp', t.cp,
    'io.procsocket.launcher.Main', `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', CAT]);
  await waitReady(port, null, 20000);
  await loadgen(['rtt', `ws://127.0.0.1:${port}/`, '1', '32', '0.5', '0.2', 'text']);
  await new Promise(r => { c.on('exit', r); c.kill('SIGTERM'); });
}

function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1];
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr;
  return { nproc: os.cpus().length, cpu, ram_gib: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release(),
    java: (java.split('\n')[1] || '').trim(), node: process.version,
    websocketd: execFileSync('dpkg-query', ['-W', '-f=${Version}', 'websocketd']).toString(),
    loadavg_start: os.loadavg().map(x => +x.toFixed(2)), java_opts: JAVA_OPTS.join(' '),
    seconds: SECONDS, warmup: WARMUP, reps: REPS, churn_warmup: CHURN_WARMUP, date: new Date().toISOString() };
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const result = { machine: machine(), rtt: [], echo: [], churn: null, idle: [], ready: {}, reject: {} };
  const t0 = Date.now();

  const P = {}; for (const k of ['psText', 'psBin', 'wdText', 'wdBin', 'nodeEcho']) P[k] = await freePort();
  const psText = startServer('procsocket-text', procsocketCmd(P.psText, ['--echoendpoint']));
  const psBin = startServer('procsocket-binary', procsocketCmd(P.psBin, ['--binary']));
  const wdText = startServer('websocketd-text', websocketdCmd(P.wdText, []));
  const wdBin = startServer('websocketd-binary', websocketdCmd(P.wdBin, ['--binary']));
  const nodeEcho = startServer('node-ws-echo', [process.execPath, path.join(__dirname, 'node-echo.js'), String(P.nodeEcho)]);
  for (const p of Object.values(P)) await waitReady(p, null, 20000);

  const S = (name, child, url) => ({ name, pid: child.pid, url });
  const gwText = [S('procsocket', psText, `ws://127.0.0.1:${P.psText}/`), S('websocketd', wdText, `ws://127.0.0.1:${P.wdText}/`)];
  const gwBin = [S('procsocket', psBin, `ws://127.0.0.1:${P.psBin}/`), S('websocketd', wdBin, `ws://127.0.0.1:${P.wdBin}/`)];
  const echo = [S('procsocket-echo', psText, `ws://127.0.0.1:${P.psText}/.procsocket/echo`), S('node-ws', nodeEcho, `ws://127.0.0.1:${P.nodeEcho}/`)];

  // JIT warm-up of both JVMs, not measured.
  for (const s of [gwText[0], gwBin[0], echo[0]]) {
    await loadgen(['rtt', s.url, '10', '4096', '3', '0', s === gwBin[0] ? 'binary' : 'text']);
  }

  for (const bytes of [32, 4096]) {
    for (const conns of [1, 10, 100]) {
      const args = (kind) => (s) => ['rtt', s.url, String(conns), String(bytes), String(SECONDS), String(WARMUP), kind];
      result.rtt.push({ kind: 'text', conns, bytes, ...await abCell(`gateway text ${conns}c ${bytes}B`, ...gwText, args('text')) });
      result.echo.push({ kind: 'text', conns, bytes, ...await abCell(`echo text ${conns}c ${bytes}B`, ...echo, args('text')) });
    }
    const argsBin = (s) => ['rtt', s.url, '10', String(bytes), String(SECONDS), String(WARMUP), 'binary'];
    result.rtt.push({ kind: 'binary', conns: 10, bytes, ...await abCell(`gateway binary 10c ${bytes}B`, ...gwBin, argsBin) });
    result.echo.push({ kind: 'binary', conns: 10, bytes, ...await abCell(`echo binary 10c ${bytes}B`, ...echo, argsBin) });
  }
  // Churn runs code the round trips never did (handshake, session set-up, process start): the JVM's JIT is
  // still compiling it for the first ~20 s (measured: 630/s in the first 4 s, 1150/s after 24 s). Both servers
  // get the same unmeasured churn warm-up, so the cell compares steady states; BENCH_CHURN_WARMUP=0 shows a cold JVM.
  if (CHURN_WARMUP > 0) for (const s of gwText) await loadgen(['churn', s.url, '10', String(CHURN_WARMUP)]);
  result.churn = await abCell('churn 10 concurrent', ...gwText, (s) => ['churn', s.url, '10', String(SECONDS + 1)]);
  stopAll(); servers.length = 0;
  await sleep(1000);

  for (const [name, cmd] of [['procsocket', procsocketCmd], ['websocketd', websocketdCmd]]) {
    const port = await freePort();
    result.idle.push(await idleRss(name, cmd(port, []), port, 1000));
    servers.length = 0;
    await sleep(1500);
  }

  const tuned = prepareTunedStartup();
  await trainCds(tuned);
  servers.length = 0;
  const tunedCmd = (port, extra = []) => ['java', `-XX:SharedArchiveFile=${tuned.jsa}`, ...tuned.flags, '-cp', tuned.cp,
    'io.procsocket.launcher.Main', `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', ...extra, CAT];
  const plainJar = (port, extra = []) => ['java', '-jar', WAR, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', ...extra, CAT];
  // The shipped launcher, its cache trained once beforehand (as the Docker image does at build time).
  const LAUNCHER = path.join(__dirname, '..', 'bin', 'procsocket');
  process.env.PROCSOCKET_CACHE_DIR = path.join(OUT, 'launcher-cache');
  process.env.PROCSOCKET_WAR = WAR;
  fs.rmSync(process.env.PROCSOCKET_CACHE_DIR, { recursive: true, force: true });
  execFileSync(LAUNCHER, ['--version'], { stdio: 'ignore' });
  const launcherCmd = (port, extra = []) => [LAUNCHER, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', ...extra, CAT];
  const TRIALS = 5;
  result.ready = {
    'procsocket java -jar (defaults)': await timed('ready', (p) => plainJar(p), TRIALS),
    'procsocket java -jar (bench JVM flags)': await timed('ready', (p) => procsocketCmd(p, []), TRIALS),
    'procsocket bin/procsocket (CDS archive)': await timed('ready', (p) => launcherCmd(p), TRIALS),
    'procsocket AppCDS+C1+SerialGC': await timed('ready', (p) => tunedCmd(p), TRIALS),
    'websocketd': await timed('ready', (p) => websocketdCmd(p, []), TRIALS),
  };
  result.reject = {
    'procsocket java -jar (defaults)': await timed('reject', (p) => plainJar(p, ['--no-such-flag']), TRIALS),
    'procsocket bin/procsocket (CDS archive)': await timed('reject', (p) => launcherCmd(p, ['--no-such-flag']), TRIALS),
    'procsocket AppCDS+C1+SerialGC': await timed('reject', (p) => tunedCmd(p, ['--no-such-flag']), TRIALS),
    'websocketd': await timed('reject', (p) => websocketdCmd(p, ['--no-such-flag']), TRIALS),
  };
  log('ready', JSON.stringify(result.ready));
  log('reject', JSON.stringify(result.reject));
  result.machine.loadavg_end = os.loadavg().map(x => +x.toFixed(2));
  result.machine.total_seconds = Math.round((Date.now() - t0) / 1000);

  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(result, null, 2));
  const report = require('./report.js');
  const md = report.markdown(result);
  fs.writeFileSync(path.join(OUT, 'results.md'), md);
  report.chartData(result, OUT);
  process.stdout.write(md);
}

main().then(() => { stopAll(); process.exit(0); }).catch(e => { log('bench: ' + (e.stack || e)); stopAll(); process.exit(1); });
