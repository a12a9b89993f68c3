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
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { sleep, childrenOf, statusField, sample, topNames, laterLogLines, harness, machineInfo, writeResults, cli, runLine, summary, rotate,
  f0, f1, f2, pct, ratio, machineNotes, PATHS, envNum, envList, runKnobs } = require('./lib');

const { root: ROOT, out: OUT, war: WAR } = PATHS;
const env = process.env;
const num = envNum, list = envList;
const CFG = {
  ...runKnobs(),
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
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

// ---------------------------------------------------------------- the three series
const procsocketCmd = (backend) => (port) => ['java', ...CFG.javaOpts, `-Dprocsocket.processes=${backend}`, '-jar', WAR,
  `--port=${port}`, '--address=127.0.0.1', '--loglevel=info', CAT];
const SERIES = {
  native: { label: 'Procsocket (native)', backend: 'native', cmd: procsocketCmd('native') },
  portable: { label: 'Procsocket (portable)', backend: 'portable', cmd: procsocketCmd('portable') },
  websocketd: { label: 'websocketd', backend: null,
    cmd: (port) => [CFG.websocketd, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', CAT] },
};

// ---------------------------------------------------------------- processes we start, and their end; measured runs
const H = harness({ out: OUT, pidsFile: path.join(OUT, 'portable.pids'), logPrefix: 'portable', program: CAT,
  loadgen: path.join(__dirname, 'loadgen.js'), seconds: CFG.seconds, warmup: CFG.warmup, reps: CFG.reps,
  quietWait: CFG.quietWait, maxRest: CFG.maxRest, retakes: CFG.retakes, log });
const { stop, programs, remember, loadgen, quiet, measured, quietLog, retakes } = H;
const startServer = (key, tag) => H.startServer(key, SERIES[key], tag);
const rttCell = H.rttCell;

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
async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  for (const k of CFG.series) if (!SERIES[k]) throw new Error(`PORTABLE_SERIES: unknown series ${k} (native, portable, websocketd)`);
  const result = { machine: { ...machineInfo(ROOT), java_opts: CFG.javaOpts.join(' '), seconds: CFG.seconds, warmup: CFG.warmup,
    reps: CFG.reps, churn_warmup: CFG.churnWarmup, idle_conns: CFG.idleConns, idle_reps: CFG.idleReps, quiet_wait: CFG.quietWait,
    max_rest: CFG.maxRest, date: new Date().toISOString() }, series: CFG.series.map(k => ({ key: k, label: SERIES[k].label })),
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
  writeResults(OUT, 'portable', result, markdown, t0);
}


// ---------------------------------------------------------------- report
function markdown(r) {
  const m = r.machine;
  const keys = r.series.map(s => s.key);
  const label = Object.fromEntries(r.series.map(s => [s.key, s.label]));
  const has = (k) => keys.includes(k);
  const out = [];
  out.push(runLine(m));
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
  const allRuns = [...r.rtt.flatMap(c => Object.values(c.runs).flat()), ...(r.churn ? Object.values(r.churn.runs).flat() : [])];
  out.push(...machineNotes(r, allRuns, label));
  return out.join('\n') + '\n';
}

module.exports = { markdown };

if (require.main === module) cli(OUT, 'portable', main, markdown, log);
