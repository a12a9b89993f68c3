#!/usr/bin/env bash
# The process backends side by side: Procsocket's gateway run twice, with -Dprocsocket.processes=native and
# with =portable (ProcessBuilder, a thread per pipe), beside websocketd, in the same run, same child
# (/usr/bin/cat), same load generator (bench/loadgen.js). On demand only; never part of the tests, and not
# part of bench/run.sh (which stays at its ~9 minutes). Measures round trips/s, p50/p99, server CPU and
# context switches per round trip (1, 10, 100 connections × 32 B and 4 KiB text), churn (connect, one
# echo, close; 10 concurrent, after the same JIT warm-up as bench/run.sh), and at 1,000 idle connections
# the server's threads and RSS per connection (children excluded, their memory reported apart).
# Checks each Procsocket server's start-up line "Process backend : NAME" and stops if it is not the one
# asked for. Writes bench/out/portable.{json,md} and server logs bench/out/portable-*.log; prints the tables.
#   bench/portable.sh                                        # about 9 minutes on 2 cores
#   BENCH_SECONDS=1 BENCH_REPS=1 PORTABLE_IDLE_REPS=1 BENCH_CHURN_WARMUP=2 bench/portable.sh   # smoke run
#   PORTABLE_BYTES=32 PORTABLE_SECTIONS=rtt,churn bench/portable.sh                            # a part of it
#   PORTABLE_SERIES=native,portable bench/portable.sh        # without websocketd
#   node bench/portable.js --report bench/out/portable.json  # re-render the tables from a results file
# Knobs: see the head of bench/portable.js; docs/BENCHMARKS.md "Portable process backend" explains them.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/lib.sh
. bench/lib.sh

# System packages (root, as on the project's machines and CI) and npm ws, only when missing; the WAR when stale.
bench_prepare_war

# 1,000 connections: a socket each in the generator and the server, three pipes per program.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p bench/out

# portable.js ends what it started on any exit it sees; this catches the one it cannot (it was killed).
trap 'bench_cleanup_pids bench/out/portable.pids "*/java" "*/websocketd" "*/node" "*/nodejs" "*/cat"' EXIT
node bench/portable.js
