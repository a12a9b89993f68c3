#!/usr/bin/env node
// Where a round trip goes (issue 17, docs/BENCHMARKS.md "Issue 17: where a round trip goes"): the 10 × 32 B cell,
// Procsocket (native backend) beside websocketd, both bridging /usr/bin/cat, with server CPU, context switches and
// CPU per server thread per round trip (/proc, sampled around loadgen.js's measured window); then one more measured
// run of Procsocket with a JFR recording (`jcmd PID JFR.start`/`JFR.stop` around the window, settings=profile)
// turned into a flame graph (bench/flame.js); then the "large message in small TCP segments" shape (loadgen.js
// chops: a 1 MiB text and binary message in 64 B - 2 KiB writes) through the gateway vs websocketd and the echo
// endpoint vs Node `ws` (bench/node-echo.js), time and server CPU per message, the echo endpoint's text one
// profiled too. Writes bench/out/profile.{json,md}, bench/out/profile-*.jfr and the flame graphs
// (PROFILE_SVG_DIR, default bench/out). `node bench/profile.js --report [FILE]` re-renders the Markdown.
//
// Knobs: BENCH_SECONDS (3), BENCH_WARMUP (1), BENCH_REPS (3) for the cell; PROFILE_SECONDS (the profiled run, 10);
// PROFILE_SECTIONS (rtt,chops); CHOPS_COUNT (measured messages per run, 10), CHOPS_WARMUP (3), CHOPS_REPS (3),
// CHOPS_BYTES (1048576); PROFILE_PERIOD_MS (JFR's Java sampling period, 1); PROFILE_QUIET_WAIT (10), PROFILE_MAX_REST (0.1), PROCSOCKET_JAVA_OPTS, WEBSOCKETD.
'use strict';
const { execFile, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { promisify } = require('util');
const { harness, machineInfo, writeResults, cli, runLine, summary, rotate, f0, f1, f2, ratio, machineNotes, PATHS, envNum, envList,
  runKnobs } = require('./lib');
const { flame } = require('./flame');

const { root: ROOT, out: OUT, war: WAR } = PATHS;
const env = process.env;
const CFG = {
  ...runKnobs(),
  profileSeconds: envNum('PROFILE_SECONDS', 10),
  sections: envList('PROFILE_SECTIONS', 'rtt,chops'),
  chopsCount: envNum('CHOPS_COUNT', 10), chopsWarmup: envNum('CHOPS_WARMUP', 3), chopsReps: envNum('CHOPS_REPS', 3),
  chopsBytes: envNum('CHOPS_BYTES', 1048576),
  quietWait: envNum('PROFILE_QUIET_WAIT', 10), maxRest: envNum('PROFILE_MAX_REST', 0.1), retakes: 2,
  svgDir: env.PROFILE_SVG_DIR || OUT,
  javaOpts: (env.PROCSOCKET_JAVA_OPTS || '-XX:+UseSerialGC -Xss256k -Xms64m -Xmn16m').split(/\s+/).filter(Boolean),
  websocketd: env.WEBSOCKETD || 'websocketd',
};
const CAT = execFileSync('sh', ['-c', 'command -v cat']).toString().trim();
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

const ps = (extra) => (port) => ['java', ...CFG.javaOpts, '-Dprocsocket.processes=native', '-jar', WAR, `--port=${port}`,
  '--address=127.0.0.1', '--loglevel=info', ...extra, CAT];
const wsd = (extra) => (port) => [CFG.websocketd, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', ...extra, CAT];
const SERVERS = {
  native: { label: 'Procsocket (native)', backend: 'native', cmd: ps(['--echoendpoint']) },
  websocketd: { label: 'websocketd', cmd: wsd([]) },
  native_bin: { label: 'Procsocket --binary', backend: 'native', cmd: ps(['--binary']) },
  websocketd_bin: { label: 'websocketd --binary', cmd: wsd(['--binary']) },
  node: { label: 'Node ws echo', cmd: (port) => [process.execPath, path.join(__dirname, 'node-echo.js'), String(port)] },
};

const H = harness({ out: OUT, pidsFile: path.join(OUT, 'profile.pids'), logPrefix: 'profile', program: CAT,
  loadgen: path.join(__dirname, 'loadgen.js'), seconds: CFG.seconds, warmup: CFG.warmup, reps: CFG.reps,
  quietWait: CFG.quietWait, maxRest: CFG.maxRest, retakes: CFG.retakes, log });

// loadgen marks that record JFR around the measured window of a run on server s; the recording in out/NAME.jfr.
const run = promisify(execFile);
// The JDK's profile.jfc with Java samples every PROFILE_PERIOD_MS (1; the JDK's 10 ms gives few samples in a short
// window: JFR samples only threads running Java code, and the servers' threads spend most of a round trip in the kernel).
function jfcFile() {
  const jdk = path.resolve(fs.realpathSync(execFileSync('sh', ['-c', 'command -v java']).toString().trim()), '..', '..');
  const file = path.join(OUT, 'profile.jfc');
  fs.writeFileSync(file, fs.readFileSync(path.join(jdk, 'lib', 'jfr', 'profile.jfc'), 'utf8')
    .replace(/(control="method-sampling-java-interval">)[^<]*/, `$1${envNum('PROFILE_PERIOD_MS', 1)} ms`));
  return file;
}
function jfrMarks(s, name) {
  const file = path.join(OUT, `${name}.jfr`);
  return { file,
    start: () => run('jcmd', [String(s.pid), 'JFR.start', `name=${name}`, `settings=${jfcFile()}`]),
    end: () => run('jcmd', [String(s.pid), 'JFR.stop', `name=${name}`, `filename=${file}`]) };
}
function flameOf(marks, name, title) {
  const svgFile = path.join(CFG.svgDir, `${name}.svg`);
  const sum = flame(marks.file, svgFile, title);
  log(`${name}: ${sum.samples} samples -> ${svgFile}`);
  return { svg: path.relative(ROOT, svgFile), jfr: path.relative(ROOT, marks.file), ...sum };
}

// One rtt run of s (profiled or not), reduced to per-round-trip numbers.
const perRt = (r, w) => {
  const rts = r.rps * w.secs;
  const by = (o, scale) => Object.fromEntries(Object.entries(o).sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, v]) => [k, +(scale * v / rts).toFixed(3)]));
  return { rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, loadgen_cpu: r.loadgen_cpu, server_cpu: w.cpu / w.secs,
    cpu_us_per_rt: 1e6 * w.cpu / rts, ctxt_per_rt: w.ctxt / rts, child_cpu_us_per_rt: 1e6 * w.kcpu / rts,
    machine_busy: w.machine_busy, rest_cores: w.rest_cores, ctxt_by_thread: by(w.ctxtBy, 1), cpu_us_by_thread: by(w.cpuBy, 1e6) };
};

const chopsRun = (r, w, retaken) => ({ ms_per_msg: r.ms_per_msg, p50_ms: r.p50_ms, max_ms: r.max_ms, after_last_write_ms: r.after_last_write_ms,
  writes_per_msg: r.writes_per_msg, loadgen_cpu: r.loadgen_cpu, server_cpu_ms_per_msg: 1000 * w.cpu / r.count,
  child_cpu_ms_per_msg: 1000 * w.kcpu / r.count, ctxt_per_msg: w.ctxt / r.count, rest_cores: w.rest_cores, kthread_cores: w.kthread_cores, retaken });

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  fs.mkdirSync(CFG.svgDir, { recursive: true });
  const result = { machine: { ...machineInfo(ROOT), java_opts: CFG.javaOpts.join(' '), seconds: CFG.seconds, warmup: CFG.warmup, reps: CFG.reps,
    profile_seconds: CFG.profileSeconds, chops: { count: CFG.chopsCount, warmup: CFG.chopsWarmup, reps: CFG.chopsReps, bytes: CFG.chopsBytes },
    quiet_wait: CFG.quietWait, max_rest: CFG.maxRest, date: new Date().toISOString() },
    series: Object.entries(SERVERS).map(([key, d]) => ({ key, label: d.label })), rtt: null, profiled: null, chops: [], profiles: {} };
  const t0 = Date.now();
  const S = {};
  const need = CFG.sections.includes('chops') ? Object.keys(SERVERS) : ['native', 'websocketd'];
  for (const k of need) S[k] = await H.startServer(k, SERVERS[k], 'p17');

  if (CFG.sections.includes('rtt')) {
    // JIT warm-up, not measured (as portable.js).
    for (const k of ['native', 'websocketd']) {
      await H.loadgen(['rtt', S[k].url, '10', '4096', '3', '0', 'text'], S[k].pid);
      await H.loadgen(['rtt', S[k].url, '10', '32', '3', '0', 'text'], S[k].pid);
    }
    const cell = await H.rttCell([S.native, S.websocketd], 10, 32);
    result.rtt = { median: cell.median, runs: cell.runs };
    await H.quiet('profiled run');
    const marks = jfrMarks(S.native, 'profile-rtt-10x32');
    const { result: r, win: w } = await H.loadgen(['rtt', S.native.url, '10', '32', String(CFG.profileSeconds), String(CFG.warmup), 'text'], S.native.pid, null, marks);
    result.profiled = perRt(r, w);
    // The same window unprofiled on websocketd, for its per-thread view.
    const { result: r2, win: w2 } = await H.loadgen(['rtt', S.websocketd.url, '10', '32', String(CFG.profileSeconds), String(CFG.warmup), 'text'], S.websocketd.pid);
    result.profiled_websocketd = perRt(r2, w2);
    result.profiles.rtt = flameOf(marks, 'profile-rtt-10x32', `Procsocket (native), 10 conns x 32 B through cat, ${CFG.profileSeconds} s, ${Math.round(r.rps)} rt/s`);
    log(`profiled: ${JSON.stringify(result.profiled)}`);
  }

  if (CFG.sections.includes('chops')) {
    const pairs = [
      { what: 'gateway', kind: 'text', a: 'native', b: 'websocketd' },
      { what: 'gateway', kind: 'binary', a: 'native_bin', b: 'websocketd_bin' },
      { what: 'echo', kind: 'text', a: 'native', b: 'node' },
      { what: 'echo', kind: 'binary', a: 'native', b: 'node' },
    ];
    const url = (k, what) => (what === 'echo' && k === 'native' ? S[k].url + '.procsocket/echo' : S[k].url);
    const args = (k, p, count, warmup) => ['chops', url(k, p.what), String(CFG.chopsBytes), String(count), String(warmup), p.kind];
    // A server that does not echo the message whole (loadgen.js: "stalled") is recorded as such and left out of the pair.
    const stalled = {};
    for (const p of pairs) {
      for (const k of [p.a, p.b]) {
        try { await H.loadgen(args(k, p, 1, CFG.chopsWarmup), S[k].pid); } // warm-up
        catch (e) { stalled[`${p.what} ${p.kind} ${k}`] = `no whole echo 10 s after the last chop (loadgen.js: "stalled", ${e.message})`; log(`chops ${p.what} ${p.kind} ${k}: ${e.message}`); }
      }
    }
    result.chops_stalled = stalled;
    for (const p of pairs) {
      if (stalled[`${p.what} ${p.kind} ${p.a}`] || stalled[`${p.what} ${p.kind} ${p.b}`]) {
        const k = stalled[`${p.what} ${p.kind} ${p.a}`] ? p.b : p.a; // measure the other one alone
        if (stalled[`${p.what} ${p.kind} ${k}`]) continue;
        await H.quiet(`chops ${p.what} ${p.kind}`);
        const runs = { [k]: [] };
        for (let i = 0; i < CFG.chopsReps; i++) {
          const { result: r, win: w, retaken } = await H.measured(`chops ${p.what} ${p.kind} ${k}`, args(k, p, CFG.chopsCount, 1), S[k].pid);
          runs[k].push(chopsRun(r, w, retaken));
        }
        result.chops.push({ ...p, median: { [k]: summary(runs[k]) }, runs });
        continue;
      }
      await H.quiet(`chops ${p.what} ${p.kind}`);
      const runs = { [p.a]: [], [p.b]: [] };
      for (let i = 0; i < CFG.chopsReps; i++) {
        for (const k of rotate([p.a, p.b], i)) {
          const { result: r, win: w, retaken } = await H.measured(`chops ${p.what} ${p.kind} ${k}`, args(k, p, CFG.chopsCount, 1), S[k].pid);
          runs[k].push(chopsRun(r, w, retaken));
        }
      }
      const res = { ...p, median: { [p.a]: summary(runs[p.a]), [p.b]: summary(runs[p.b]) }, runs };
      result.chops.push(res);
      log(`chops ${p.what} ${p.kind}: ${p.a} ${f1(res.median[p.a].ms_per_msg)} ms, ${p.b} ${f1(res.median[p.b].ms_per_msg)} ms per message`);
    }
    // The echo endpoint's text case profiled (the read path the gateway shares).
    const marks = jfrMarks(S.native, 'profile-chops-echo-text');
    await H.loadgen(args('native', pairs[2], CFG.chopsCount * 2, 1), S.native.pid, null, marks);
    result.profiles.chops = flameOf(marks, 'profile-chops-echo-text', `Procsocket echo endpoint, 1 MiB text messages in 64 B - 2 KiB TCP writes, ${CFG.chopsCount * 2} messages`);
  }
  for (const s of Object.values(S)) await H.stop(s);
  result.quiet = H.quietLog;
  result.retakes = H.retakes;
  writeResults(OUT, 'profile', result, markdown, t0);
}

function markdown(r) {
  const m = r.machine;
  const label = Object.fromEntries(r.series.map(s => [s.key, s.label]));
  const out = [runLine(m), ''];
  const threads = (o, unit) => Object.entries(o || {}).map(([k, v]) => `${k} ${f2(v)}${unit}`).join(', ');
  if (r.rtt) {
    const md = r.rtt.median, a = md.native, b = md.websocketd;
    out.push(`10 connections × 32 B text through \`cat\`, ${m.reps} runs each (alternating), ${m.seconds} s measured after ${m.warmup} s; medians. JVM flags \`${m.java_opts}\`.`);
    out.push('');
    out.push('| | Procsocket (native) | websocketd | ratio |');
    out.push('|---|---:|---:|---:|');
    out.push(`| round trips/s | ${f0(a.rps)} | ${f0(b.rps)} | **${ratio(a.rps, b.rps)}** |`);
    out.push(`| p50 / p99 ms | ${f2(a.p50_ms)} / ${f2(a.p99_ms)} | ${f2(b.p50_ms)} / ${f2(b.p99_ms)} | |`);
    out.push(`| server CPU µs per round trip | ${f1(a.cpu_us_per_rt)} | ${f1(b.cpu_us_per_rt)} | ${ratio(a.cpu_us_per_rt, b.cpu_us_per_rt)} |`);
    out.push(`| context switches per round trip (server threads) | ${f2(a.ctxt_per_rt)} | ${f2(b.ctxt_per_rt)} | ${ratio(a.ctxt_per_rt, b.ctxt_per_rt)} |`);
    out.push(`| server CPU (cores) | ${f2(a.server_cpu)} | ${f2(b.server_cpu)} | |`);
    out.push(`| loadgen CPU (core share) | ${f2(a.loadgen_cpu)} | ${f2(b.loadgen_cpu)} | |`);
    out.push(`| every run's rt/s | ${r.rtt.runs.native.map(x => f0(x.rps)).join(', ')} | ${r.rtt.runs.websocketd.map(x => f0(x.rps)).join(', ')} | |`);
    out.push('');
  }
  if (r.profiled) {
    const p = r.profiled, q = r.profiled_websocketd;
    out.push(`One longer run each (${m.profile_seconds} s), Procsocket with JFR recording (the JDK's profile settings, Java samples every 1 ms), websocketd without:`);
    out.push('');
    out.push('| | Procsocket (native, JFR on) | websocketd |');
    out.push('|---|---|---|');
    out.push(`| round trips/s | ${f0(p.rps)} | ${f0(q.rps)} |`);
    out.push(`| server CPU µs / context switches per rt | ${f1(p.cpu_us_per_rt)} / ${f2(p.ctxt_per_rt)} | ${f1(q.cpu_us_per_rt)} / ${f2(q.ctxt_per_rt)} |`);
    out.push(`| children's (cat) CPU µs per rt | ${f1(p.child_cpu_us_per_rt)} | ${f1(q.child_cpu_us_per_rt)} |`);
    out.push(`| context switches per rt by thread | ${threads(p.ctxt_by_thread, '')} | ${threads(q.ctxt_by_thread, '')} |`);
    out.push(`| server CPU µs per rt by thread | ${threads(p.cpu_us_by_thread, '')} | ${threads(q.cpu_us_by_thread, '')} |`);
    out.push('');
  }
  for (const [k, pr] of Object.entries(r.profiles || {})) {
    out.push(`Profile ${k}: [${path.basename(pr.svg)}](${pr.svg}), ${pr.samples} samples. By thread: ${pr.threads.map(t => `${t.name} ${Math.round(100 * t.share)} %`).join(', ')}.`);
    out.push(`Top frames by self samples: ${pr.self.slice(0, 8).map(t => `\`${t.name}\` ${Math.round(100 * t.share)} %`).join(', ')}.`);
    out.push('');
  }
  if (r.chops && r.chops.length) {
    out.push(`Large message in small TCP segments: one connection, a ${f0(m.chops.bytes)} B message in one frame written in 64–2048 B chops (each its own write, ` +
      `TCP_NODELAY), the next after the whole echo; ${m.chops.count} messages per run, ${m.chops.reps} runs each, medians.`);
    out.push('');
    out.push('| case | ms per message: A / B | ratio | server CPU ms per message: A / B | ratio | after the last chop ms: A / B | writes per message |');
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    const none = { ms_per_msg: null, server_cpu_ms_per_msg: null, after_last_write_ms: null, writes_per_msg: null };
    for (const c of r.chops) {
      const a = c.median[c.a] || none, b = c.median[c.b] || none;
      out.push(`| ${c.what} ${c.kind}: ${label[c.a]}${c.what === 'echo' ? ' echo endpoint' : ''} / ${label[c.b]} | ${f1(a.ms_per_msg)} / ${f1(b.ms_per_msg)} | **${ratio(a.ms_per_msg, b.ms_per_msg)}** | ` +
        `${f1(a.server_cpu_ms_per_msg)} / ${f1(b.server_cpu_ms_per_msg)} | ${ratio(a.server_cpu_ms_per_msg, b.server_cpu_ms_per_msg)} | ${f2(a.after_last_write_ms)} / ${f2(b.after_last_write_ms)} | ${f0(a.writes_per_msg)} |`);
    }
    out.push('');
  }
  for (const [k, v] of Object.entries(r.chops_stalled || {})) out.push(`- ${k.replace(/(\S+)$/, (x) => label[x] || x)}: ${v} (n/a above).`);
  if (Object.keys(r.chops_stalled || {}).length) out.push('');
  const all = [...(r.rtt ? Object.values(r.rtt.runs).flat() : []), ...(r.chops || []).flatMap(c => Object.values(c.runs).flat())];
  out.push(...machineNotes(r, all, label));
  return out.join('\n') + '\n';
}

module.exports = { markdown };
if (require.main === module) cli(OUT, 'profile', main, markdown, log);
