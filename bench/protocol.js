#!/usr/bin/env node
// Orchestrates the procsocket.v1 benchmark (bench/protocol.sh, docs/BENCHMARKS.md "procsocket.v1"): what the typed
// protocol costs per round trip beside plain mode, through the same child (/usr/bin/cat) and the same load
// generator (bench/loadgen.js, a separate Node process). Four series, two Procsocket servers and websocketd, all
// started once on loopback and kept side by side:
//   plain      Procsocket, plain text frames (no subprotocol offered)            } one server, default
//   v1         Procsocket, procsocket.v1 text: {"type":"stdin"} / {"type":"stdout"} } --protocol=offered
//   v1binary   Procsocket --binary, procsocket.v1 binary frames [0|1, bytes]
//   websocketd websocketd, plain text frames (the reference)
// Every cell runs the series in turn, in an order rotated from one repetition to the next, and reports medians;
// the server's /proc is sampled when the generator's measured window opens and closes (LOADGEN_MARKS=1), as in
// bench/portable.js, whose harness (bench/lib.js) this uses. Procsocket runs at --loglevel=info; log lines after
// start-up are counted and quoted. Messages other than the echo (stderr, error, exit, ...) are counted by the
// generator and reported. Writes bench/out/protocol.{json,md}; `node bench/protocol.js --report [FILE]` re-renders.
//
// Knobs (environment): BENCH_SECONDS (measured per run, 3), BENCH_WARMUP (per run, 1), BENCH_REPS (3),
// PROTOCOL_JIT_WARMUP (s of unmeasured load per series before the first cell, 60 % at 10 × 4 KiB then 10 × 32 B;
// 5), PROTOCOL_CONNS (1,10,100), PROTOCOL_BYTES (32,4096), PROTOCOL_SERIES (plain,v1,v1binary,websocketd),
// PROTOCOL_QUIET_WAIT (s to wait before each cell for the machine to be under 15 % busy over 1 s, 10),
// PROTOCOL_MAX_REST (cores: a run in which the rest of the machine used more is taken again, 0.1),
// PROTOCOL_RETAKES (at most this many times, 2), PROCSOCKET_JAVA_OPTS (default bench.js's), WEBSOCKETD.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { laterLogLines, harness, machineInfo, writeResults, cli, runLine, f0, f1, f2, pct, ratio, machineNotes,
  PATHS, envNum, envList, runKnobs } = require('./lib');

const { root: ROOT, out: OUT, war: WAR } = PATHS;
const env = process.env;
const num = envNum, list = envList;
const CFG = {
  ...runKnobs(),
  jitWarmup: num('PROTOCOL_JIT_WARMUP', 5),
  conns: list('PROTOCOL_CONNS', '1,10,100').map(Number),
  bytes: list('PROTOCOL_BYTES', '32,4096').map(Number),
  series: list('PROTOCOL_SERIES', 'plain,v1,v1binary,websocketd'),
  quietWait: num('PROTOCOL_QUIET_WAIT', 10),
  maxRest: num('PROTOCOL_MAX_REST', 0.1),
  retakes: num('PROTOCOL_RETAKES', 2),
  javaOpts: (env.PROCSOCKET_JAVA_OPTS || '-XX:+UseSerialGC -Xss256k -Xms64m -Xmn16m').split(/\s+/).filter(Boolean),
  websocketd: env.WEBSOCKETD || 'websocketd',
};
const CAT = execFileSync('sh', ['-c', 'command -v cat']).toString().trim();
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

// ---------------------------------------------------------------- servers and series
const procsocketCmd = (...flags) => (port) => ['java', ...CFG.javaOpts, '-jar', WAR,
  `--port=${port}`, '--address=127.0.0.1', '--loglevel=info', ...flags, CAT];
const SERVERS = {
  procsocket: { label: 'Procsocket', backend: true, cmd: procsocketCmd() },
  'procsocket-binary': { label: 'Procsocket --binary', backend: true, cmd: procsocketCmd('--binary') },
  websocketd: { label: 'websocketd', cmd: (port) => [CFG.websocketd, `--port=${port}`, '--address=127.0.0.1', '--loglevel=error', CAT] },
};
const SERIES = {
  plain: { label: 'Procsocket plain text', server: 'procsocket', kind: 'text' },
  v1: { label: 'Procsocket v1 text', server: 'procsocket', kind: 'v1' },
  v1binary: { label: 'Procsocket v1 --binary', server: 'procsocket-binary', kind: 'v1binary' },
  websocketd: { label: 'websocketd plain text', server: 'websocketd', kind: 'text' },
};

const H = harness({ out: OUT, pidsFile: path.join(OUT, 'protocol.pids'), logPrefix: 'protocol', program: CAT,
  loadgen: path.join(__dirname, 'loadgen.js'), seconds: CFG.seconds, warmup: CFG.warmup, reps: CFG.reps,
  quietWait: CFG.quietWait, maxRest: CFG.maxRest, retakes: CFG.retakes, log });

// ---------------------------------------------------------------- run
async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  for (const k of CFG.series) if (!SERIES[k]) throw new Error(`PROTOCOL_SERIES: unknown series ${k} (${Object.keys(SERIES).join(', ')})`);
  const result = { machine: { ...machineInfo(ROOT), java_opts: CFG.javaOpts.join(' '), seconds: CFG.seconds, warmup: CFG.warmup,
    reps: CFG.reps, jit_warmup: CFG.jitWarmup, quiet_wait: CFG.quietWait, max_rest: CFG.maxRest, date: new Date().toISOString() },
    series: CFG.series.map(k => ({ key: k, label: SERIES[k].label, server: SERIES[k].server, kind: SERIES[k].kind })),
    backend_lines: {}, rtt: [], log_lines_after_startup: {} };
  const t0 = Date.now();

  const servers = {};
  for (const k of CFG.series) {
    const sk = SERIES[k].server;
    if (!servers[sk]) servers[sk] = await H.startServer(sk, SERVERS[sk], 'load');
  }
  for (const s of Object.values(servers)) if (s.backendLine) result.backend_lines[s.key] = s.backendLine;
  const series = CFG.series.map(k => ({ ...servers[SERIES[k].server], key: k, label: SERIES[k].label, kind: SERIES[k].kind }));
  // JIT warm-up, not measured (as bench.js and portable.js): each series' own frames, 10 × 4 KiB, then 32 B.
  if (CFG.jitWarmup > 0) {
    for (const s of series) {
      await H.loadgen(['rtt', s.url, '10', '4096', String(0.6 * CFG.jitWarmup), '0', s.kind], s.pid);
      await H.loadgen(['rtt', s.url, '10', '32', String(0.4 * CFG.jitWarmup), '0', s.kind], s.pid);
    }
  }
  for (const bytes of CFG.bytes) for (const conns of CFG.conns) result.rtt.push(await H.rttCell(series, conns, bytes));
  for (const s of Object.values(servers)) {
    if (s.backendLine) {
      const later = laterLogLines(s);
      result.log_lines_after_startup[s.key] = { count: later.length, first: later.slice(0, 5) };
    }
    await H.stop(s);
  }

  result.quiet = H.quietLog;
  result.retakes = H.retakes;
  writeResults(OUT, 'protocol', result, markdown, t0);
}

// ---------------------------------------------------------------- report
function markdown(r) {
  const m = r.machine;
  const keys = r.series.map(s => s.key);
  const label = Object.fromEntries([...r.series.map(s => [s.key, s.label]), ...Object.entries(SERVERS).map(([k, v]) => [k, v.label])]);
  const has = (k) => keys.includes(k);
  const out = [];
  out.push(runLine(m));
  out.push(`Procsocket JVM flags: \`${m.java_opts}\`. ${m.reps} runs per cell and series, in an order rotated between repetitions, ` +
    `${m.seconds} s measured after ${m.warmup} s warm-up; medians; ${m.jit_warmup} s of unmeasured load per series first. ` +
    `Load average ${m.loadavg_start.join(' ')} at start, ${(m.loadavg_end || []).join(' ')} at end; total ${m.total_seconds} s.`);
  out.push('');
  for (const [k, line] of Object.entries(r.backend_lines)) out.push(`- ${label[k]}: \`${line}\``);
  out.push('');
  out.push('#### Round trips through `cat`');
  out.push('');
  const ratios = [['v1 ÷ plain', 'v1', 'plain'], ['v1 --binary ÷ plain', 'v1binary', 'plain'], ['plain ÷ websocketd', 'plain', 'websocketd'],
    ['v1 ÷ websocketd', 'v1', 'websocketd']].filter(([, a, b]) => has(a) && has(b));
  out.push(`| case | ${keys.map(k => `${label[k]} rt/s`).join(' | ')} | ${ratios.map(x => x[0]).join(' | ')} | p50 ms: ${keys.map(k => label[k]).join(' / ')} | p99 ms (same order) |`);
  out.push(`|---|${keys.map(() => '---:').join('|')}|${ratios.map(() => '---:').join('|')}|---:|---:|`);
  for (const c of r.rtt) {
    const md = c.median;
    out.push(`| ${c.conns} conn × ${c.bytes} B | ${keys.map(k => f0(md[k].rps)).join(' | ')} | ` +
      `${ratios.map(([, a, b]) => `**${ratio(md[a].rps, md[b].rps)}**`).join(' | ')} | ` +
      `${keys.map(k => f2(md[k].p50_ms)).join(' / ')} | ${keys.map(k => f2(md[k].p99_ms)).join(' / ')} |`);
  }
  out.push('');
  out.push('Per round trip, medians (server CPU and context switches over the measured window, all the server\'s threads; `cat` excluded):');
  out.push('');
  const cpuRatios = ratios.filter(([, , b]) => b === 'plain');
  out.push(`| case | server CPU µs per rt: ${keys.map(k => label[k]).join(' / ')} |${cpuRatios.map(x => ` CPU per rt ${x[0]} |`).join('')} context switches per rt | server CPU (cores) | loadgen CPU (max) | machine busy (max) |`);
  out.push(`|---|---:|${cpuRatios.map(() => '---:|').join('')}---:|---:|---:|---:|`);
  for (const c of r.rtt) {
    const md = c.median;
    out.push(`| ${c.conns} conn × ${c.bytes} B | ${keys.map(k => f1(md[k].cpu_us_per_rt)).join(' / ')} |` +
      `${cpuRatios.map(([, a, b]) => ` ${ratio(md[a].cpu_us_per_rt, md[b].cpu_us_per_rt)} |`).join('')} ` +
      `${keys.map(k => f2(md[k].ctxt_per_rt)).join(' / ')} | ${keys.map(k => f2(md[k].server_cpu)).join(' / ')} | ` +
      `${pct(Math.max(...keys.map(k => md[k].loadgen_cpu)))} | ${pct(Math.max(...keys.map(k => md[k].machine_busy)))} |`);
  }
  out.push('');
  out.push(`Every run's round trips/s (in the order run; in brackets the cores the rest of the machine used in the run, where over ${f2(m.max_rest)}):`);
  out.push('');
  out.push(`| case | ${keys.map(k => label[k]).join(' | ')} |`);
  out.push(`|---|${keys.map(() => '---').join('|')}|`);
  for (const c of r.rtt) out.push(`| ${c.conns} conn × ${c.bytes} B | ${keys.map(k => c.runs[k].map(x => f0(x.rps) + (x.rest_cores > m.max_rest ? ` (${f2(x.rest_cores)})` : '')).join(', ')).join(' | ')} |`);
  out.push('');
  const runs = r.rtt.flatMap(c => Object.entries(c.runs).flatMap(([k, rs]) => rs.map(x => ({ ...x, what: `${label[k]}, ${c.conns} conn × ${c.bytes} B` }))));
  const odd = runs.filter(x => x.unexpected);
  out.push(odd.length
    ? `Messages other than the echo: ${odd.map(x => `${x.what}: ${JSON.stringify(x.unexpected)} (first: \`${x.unexpected_first}\`)`).join('; ')}.`
    : 'Messages other than the echo (after each connection\'s `start`): none, in any run.');
  out.push('');
  out.push(...machineNotes(r, runs, label));
  return out.join('\n') + '\n';
}

module.exports = { markdown };

if (require.main === module) cli(OUT, 'protocol', main, markdown, log);
