#!/usr/bin/env bash
# Issue 17's evidence: where a round trip goes. The 10 × 32 B cell, Procsocket (native backend) beside websocketd
# through /usr/bin/cat, with server CPU, context switches and per-thread CPU per round trip; one more run of
# Procsocket with a JFR recording (jcmd JFR.start/JFR.stop around loadgen.js's measured window) drawn as an SVG
# flame graph by bench/flame.js; and a 1 MiB text and binary message written in 64 B - 2 KiB TCP writes
# (loadgen.js chops) through the gateway vs websocketd and the echo endpoint vs Node `ws`. On demand only.
# Writes bench/out/profile.{json,md}, bench/out/profile-*.{jfr,collapsed} and the SVGs (PROFILE_SVG_DIR, bench/out).
#   bench/profile.sh                                          # about 3 minutes on 2 cores
#   PROFILE_SVG_DIR=docs bench/profile.sh                     # as committed in docs/BENCHMARKS.md
#   PROFILE_SECTIONS=chops bench/profile.sh                   # only the small-segments shape
#   node bench/flame.js REC.jfr OUT.svg [TITLE]               # any JFR recording as a flame graph
#   node bench/profile.js --report bench/out/profile.json     # re-render the tables from a results file
# Knobs: see the head of bench/profile.js.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_prepare_war
mkdir -p bench/out

# profile.js ends what it started on any exit it sees; this catches the one it cannot (it was killed).
trap 'bench_cleanup_pids bench/out/profile.pids "*/java" "*/websocketd" "*/node" "*/nodejs" "*/cat"' EXIT
node bench/profile.js
