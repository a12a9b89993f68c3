#!/usr/bin/env node
// A JFR recording to collapsed stacks and a self-contained SVG flame graph (no CDN, no npm package): the JDK's
// `jfr print --json --events jdk.ExecutionSample` (CPU samples of threads running Java code; threads parked or in
// native code are not sampled), each sample's stack folded to "thread;frame;frame..." (the thread's name with its
// digits folded to #, as bench/lib.js names threads), then one rectangle per frame, its width its share of the samples.
//
//   node bench/flame.js REC.jfr OUT.svg [TITLE]     writes OUT.svg and REC.collapsed (text: "stack count" lines)
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');

// "thread;bottom;...;top" -> samples, from the recording's execution samples.
function collapse(jfrFile, depth = 96) {
  const json = execFileSync('jfr', ['print', '--json', '--stack-depth', String(depth), '--events', 'jdk.ExecutionSample', jfrFile],
    { maxBuffer: 1 << 30 }).toString();
  const events = JSON.parse(json).recording.events;
  const stacks = new Map();
  for (const e of events) {
    const v = e.values;
    const thread = ((v.sampledThread && (v.sampledThread.javaName || v.sampledThread.osName)) || '?').replace(/\d+/g, '#');
    const frames = (v.stackTrace && v.stackTrace.frames) || [];
    const names = frames.map(f => `${f.method.type.name.replace(/\//g, '.')}.${f.method.name}`.replace(/;/g, ':')).reverse();
    if (v.stackTrace && v.stackTrace.truncated) names.unshift('[truncated]');
    const key = [thread, ...names].join(';');
    stacks.set(key, (stacks.get(key) || 0) + 1);
  }
  return stacks;
}

// Samples per thread and the frames with the most self samples (the top of a stack), for a report.
function summarize(stacks) {
  let total = 0;
  const threads = {}, self = {};
  for (const [k, n] of stacks) {
    total += n;
    const parts = k.split(';');
    threads[parts[0]] = (threads[parts[0]] || 0) + n;
    const top = parts[parts.length - 1];
    self[top] = (self[top] || 0) + n;
  }
  const sorted = (o, n) => Object.entries(o).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => ({ name: k, samples: v, share: +(v / total).toFixed(3) }));
  return { samples: total, threads: sorted(threads, 8), self: sorted(self, 12) };
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Colour by where the frame's code comes from.
function colour(name, depth) {
  const h = (s) => { let x = 0; for (const c of s) x = (x * 31 + c.charCodeAt(0)) >>> 0; return x; };
  const j = h(name) % 40;
  if (depth === 0) return 'rgb(180,180,180)';
  if (name.startsWith('io.procsocket')) return `rgb(${60 + j},${160 + j},${60})`; // green: ours
  if (name.startsWith('org.glassfish')) return `rgb(${230},${120 + j},${40})`; // orange: Tyrus, Grizzly
  if (/^(java|jdk|sun)\./.test(name)) return `rgb(${70},${130 + j},${210})`; // blue: the JDK
  return `rgb(${200 + j},${80 + j},${80})`; // red: the rest
}

// The flame graph: the root at the bottom, a frame's children on it, widths by samples; frames under minShare left out.
function svg(stacks, title, minShare = 0.002) {
  const root = { name: 'all', n: 0, kids: new Map() };
  for (const [k, n] of stacks) {
    root.n += n;
    let node = root;
    for (const f of k.split(';')) {
      let c = node.kids.get(f);
      if (!c) { c = { name: f, n: 0, kids: new Map() }; node.kids.set(f, c); }
      c.n += n;
      node = c;
    }
  }
  const W = 1200, H = 16, top = 40;
  const rects = [];
  let maxDepth = 0;
  (function lay(node, x, depth) {
    let cx = x;
    for (const c of [...node.kids.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (c.n / root.n >= minShare) {
        rects.push({ node: c, x: cx, depth });
        maxDepth = Math.max(maxDepth, depth);
        lay(c, cx, depth + 1);
      }
      cx += c.n;
    }
  })(root, 0, 0);
  const height = top + (maxDepth + 2) * H + 20;
  const y = (d) => height - 20 - (d + 1) * H;
  const out = [];
  out.push(`<?xml version="1.0" standalone="no"?>`);
  out.push(`<svg version="1.1" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" xmlns="http://www.w3.org/2000/svg" font-family="monospace" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#fafafa"/>`);
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  out.push(`<text x="${W / 2}" y="34" text-anchor="middle" fill="#555">${root.n} CPU samples (JFR jdk.ExecutionSample); width = share of samples; bottom row: thread; green io.procsocket, orange org.glassfish, blue JDK; frames under ${minShare * 100} % left out; hover for counts</text>`);
  for (const r of rects) {
    const px = (r.x / root.n) * W, pw = (r.node.n / root.n) * W;
    const label = r.node.name.replace(/^.*\.([^.]+\.[^.]+)$/, '$1'); // Class.method
    const chars = Math.floor((pw - 4) / 6.6);
    const text = chars >= 3 ? (label.length <= chars ? label : label.slice(0, chars - 2) + '..') : '';
    out.push(`<g><title>${esc(r.node.name)} (${r.node.n} samples, ${(100 * r.node.n / root.n).toFixed(1)} %)</title>` +
      `<rect x="${px.toFixed(1)}" y="${y(r.depth)}" width="${Math.max(pw - 0.5, 0.5).toFixed(1)}" height="${H - 1}" fill="${colour(r.node.name, r.depth)}" rx="2"/>` +
      (text ? `<text x="${(px + 3).toFixed(1)}" y="${y(r.depth) + 11}">${esc(text)}</text>` : '') + `</g>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

// Writes OUT.svg and REC.collapsed from REC.jfr; returns the summary.
function flame(jfrFile, svgFile, title) {
  const stacks = collapse(jfrFile);
  fs.writeFileSync(jfrFile.replace(/\.jfr$/, '') + '.collapsed', [...stacks].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join('\n') + '\n');
  fs.writeFileSync(svgFile, svg(stacks, title || jfrFile));
  return summarize(stacks);
}

module.exports = { collapse, summarize, svg, flame };

if (require.main === module) {
  const [rec, out, title] = process.argv.slice(2);
  if (!rec || !out) { process.stderr.write('usage: node bench/flame.js REC.jfr OUT.svg [TITLE]\n'); process.exit(2); }
  process.stdout.write(JSON.stringify(flame(rec, out, title), null, 2) + '\n');
}
