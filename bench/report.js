'use strict';
// Turns bench/out/results.json into the Markdown table of docs/BENCHMARKS.md and the chart's data.
const fs = require('fs');
const path = require('path');

const f0 = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const f2 = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(2));
const pct = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(100 * x) + '%');

function cellRows(cells, title, aName, bName) {
  const rows = [`| ${title} | ${aName} rt/s | ${bName} rt/s | ratio | ${aName} p50 / p99 ms | ${bName} p50 / p99 ms | p99 ratio | loadgen CPU | server CPU (A / B) |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const c of cells) {
    rows.push(`| ${c.kind} ${c.conns} conn × ${c.bytes} B | ${f0(c.A.rps)} | ${f0(c.B.rps)} | **${f2(c.A.rps / c.B.rps)}** | ` +
      `${f2(c.A.p50_ms)} / ${f2(c.A.p99_ms)} | ${f2(c.B.p50_ms)} / ${f2(c.B.p99_ms)} | ${f2(c.A.p99_ms / c.B.p99_ms)} | ` +
      `${pct(Math.max(c.A.loadgen_cpu, c.B.loadgen_cpu))} | ${pct(c.A.server_cpu)} / ${pct(c.B.server_cpu)} |`);
  }
  return rows.join('\n');
}

function markdown(r) {
  const m = r.machine;
  const idleP = r.idle.find(x => x.name === 'procsocket');
  const idleW = r.idle.find(x => x.name === 'websocketd');
  const ch = r.churn;
  const out = [];
  out.push(`Run ${m.date}: ${m.nproc} cores (${m.cpu}), ${m.ram_gib} GiB RAM, Linux ${m.kernel}, ${m.java}, Node ${m.node}, websocketd ${m.websocketd}.`);
  out.push(`Procsocket JVM flags: \`${m.java_opts}\`. ${m.reps} alternating A/B runs per cell, ${m.seconds} s measured after ${m.warmup} s warm-up; medians; churn after ${m.churn_warmup ?? 0} s of unmeasured churn on each server (JIT warm-up). ` +
    `Load average ${m.loadavg_start.join(' ')} at start, ${m.loadavg_end.join(' ')} at end; total ${m.total_seconds} s.`);
  out.push('');
  out.push('### Gateway (child `cat`): Procsocket / websocketd');
  out.push('');
  out.push(cellRows(r.rtt, 'case', 'Procsocket', 'websocketd'));
  out.push('');
  out.push('### In-JVM echo endpoint / Node `ws` echo server');
  out.push('');
  out.push(cellRows(r.echo, 'case', 'echo endpoint', 'node ws'));
  out.push('');
  out.push('### Churn, memory, startup');
  out.push('');
  out.push('| metric | Procsocket | websocketd | ratio |');
  out.push('|---|---:|---:|---:|');
  out.push(`| churn: connect + one echo + close, 10 concurrent (per s) | ${f0(ch.A.per_s)} | ${f0(ch.B.per_s)} | **${f2(ch.A.per_s / ch.B.per_s)}** |`);
  out.push(`| server RSS, idle (MiB) | ${f2(idleP.rss_before_kib / 1024)} | ${f2(idleW.rss_before_kib / 1024)} | ${f2(idleP.rss_before_kib / idleW.rss_before_kib)} |`);
  out.push(`| server RSS at ${idleP.conns} idle connections (MiB) | ${f2(idleP.rss_after_kib / 1024)} | ${f2(idleW.rss_after_kib / 1024)} | ${f2(idleP.rss_after_kib / idleW.rss_after_kib)} |`);
  out.push(`| server RSS per idle connection (KiB, child excluded) | ${f2(idleP.per_conn_kib)} | ${f2(idleW.per_conn_kib)} | **${f2(idleP.per_conn_kib / idleW.per_conn_kib)}** |`);
  for (const [k, v] of Object.entries(r.ready)) {
    if (k === 'websocketd') continue;
    out.push(`| start → first accepted WebSocket, ${k} (ms) | ${f0(v.median_ms)} | ${f0(r.ready.websocketd.median_ms)} | ${f2(v.median_ms / r.ready.websocketd.median_ms)} |`);
  }
  for (const [k, v] of Object.entries(r.reject)) {
    if (k === 'websocketd') continue;
    out.push(`| reject a bad flag, ${k} (ms) | ${f0(v.median_ms)} | ${f0(r.reject.websocketd.median_ms)} | ${f2(v.median_ms / r.reject.websocketd.median_ms)} |`);
  }
  out.push('');
  return out.join('\n') + '\n';
}

// ratios.dat: one bar per metric, oriented so that > 1 always means "Procsocket better".
function chartData(r, dir) {
  const lines = ['# label ratio(higher=Procsocket better)'];
  for (const c of r.rtt) lines.push(`"gw ${c.kind[0]} ${c.conns}c ${c.bytes}B" ${(c.A.rps / c.B.rps).toFixed(3)}`);
  lines.push(`"churn 10c" ${(r.churn.A.per_s / r.churn.B.per_s).toFixed(3)}`);
  const idleP = r.idle.find(x => x.name === 'procsocket');
  const idleW = r.idle.find(x => x.name === 'websocketd');
  lines.push(`"idle RSS/conn" ${(idleW.per_conn_kib / idleP.per_conn_kib).toFixed(3)}`);
  for (const c of r.echo) lines.push(`"echo ${c.kind[0]} ${c.conns}c ${c.bytes}B" ${(c.A.rps / c.B.rps).toFixed(3)}`);
  fs.writeFileSync(path.join(dir, 'ratios.dat'), lines.join('\n') + '\n');
  const p99 = ['# label p99 ratio websocketd/Procsocket (higher = Procsocket better)'];
  for (const c of r.rtt) p99.push(`"${c.kind[0]} ${c.conns}c ${c.bytes}B" ${(c.B.p99_ms / c.A.p99_ms).toFixed(3)}`);
  fs.writeFileSync(path.join(dir, 'p99.dat'), p99.join('\n') + '\n');
}

module.exports = { markdown, chartData };

if (require.main === module) {
  const r = JSON.parse(fs.readFileSync(process.argv[2] || path.join(__dirname, 'out', 'results.json'), 'utf8'));
  process.stdout.write(markdown(r));
  chartData(r, path.dirname(process.argv[2] || path.join(__dirname, 'out', 'results.json')));
}
