#!/usr/bin/env bash
# What the procsocket.v1 typed protocol costs (docs/PROTOCOL.md), side by side in the same run, same child
# (/usr/bin/cat), same load generator (bench/loadgen.js): Procsocket plain text, Procsocket procsocket.v1 text
# ({"type":"stdin"} in, {"type":"stdout"} out), Procsocket --binary procsocket.v1 (binary frames with a stream
# byte), and websocketd plain text as the reference. On demand only; never part of the tests nor of bench/run.sh.
# Measures round trips/s, p50/p99 and server CPU and context switches per round trip at 1, 10, 100 connections
# × 32 B and 4 KiB, and counts any message other than the echo. Writes bench/out/protocol.{json,md} and server
# logs bench/out/protocol-*.log; prints the tables.
#   bench/protocol.sh                                         # about 7 minutes on 2 cores
#   BENCH_SECONDS=1 BENCH_WARMUP=0.5 BENCH_REPS=1 PROTOCOL_JIT_WARMUP=2 PROTOCOL_QUIET_WAIT=2 \
#     PROTOCOL_RETAKES=0 bench/protocol.sh                    # smoke run, about a minute
#   PROTOCOL_SERIES=plain,v1 PROTOCOL_BYTES=32 bench/protocol.sh   # a part of it
#   node bench/protocol.js --report bench/out/protocol.json   # re-render the tables from a results file
# The WAR is built only when target/procsocket.war is missing (a stale one is reported, not rebuilt: run
# `mvn -B -q package -DskipTests` yourself). Knobs: see the head of bench/protocol.js; docs/BENCHMARKS.md
# "procsocket.v1" explains them.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

bench_prepare

if [ ! -f target/procsocket.war ]; then
  mvn -B -q package -DskipTests
elif [ -n "$(find src pom.xml -newer target/procsocket.war -type f -print -quit)" ]; then
  echo "protocol.sh: note: sources are newer than target/procsocket.war; measuring the WAR as it is" >&2
fi

ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p bench/out
# protocol.js ends what it started on any exit it sees; this catches the one it cannot (it was killed).
trap 'bench_cleanup_pids bench/out/protocol.pids "*/java" "*/websocketd" "*/node" "*/nodejs" "*/cat"' EXIT
node bench/protocol.js
