#!/usr/bin/env bash
# One command for the whole benchmark: Procsocket vs websocketd (and the echo endpoint vs Node's ws),
# side by side on loopback, same child, same load generator. On demand only; never part of the tests.
# Writes bench/out/results.{json,md} and docs/benchmarks.png; prints the table.
#   bench/run.sh                 # ~8 minutes on 2 cores
#   BENCH_SECONDS=1 BENCH_REPS=1 bench/run.sh   # a quick smoke run
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages, only when missing (root, as on the project's machines and CI).
need=()
command -v websocketd >/dev/null || need+=(websocketd)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v gnuplot >/dev/null || need+=(gnuplot-nox)
command -v setsid >/dev/null || need+=(util-linux)
command -v mvn >/dev/null || need+=(maven)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi

# npm ws, locally under bench/ (the load generator and the Node echo server).
if [ ! -f bench/node_modules/ws/package.json ]; then
  (cd bench && npm ci --no-audit --no-fund --silent)
fi

# The WAR, rebuilt when any source or the POM is newer.
if [ ! -f target/procsocket.war ] || [ -n "$(find src pom.xml -newer target/procsocket.war -type f -print -quit)" ]; then
  mvn -B -q package -DskipTests
fi

ulimit -n 20000 2>/dev/null || true
mkdir -p bench/out docs
node bench/bench.js
gnuplot -e "out='docs/benchmarks.png'; dir='bench/out'" bench/chart.gp
echo "chart: docs/benchmarks.png   results: bench/out/results.json, bench/out/results.md"
