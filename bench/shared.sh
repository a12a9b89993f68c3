#!/usr/bin/env bash
# Benchmark of shared-process mode (--shared): every client of a route on ONE producer. On demand only;
# never part of the tests. Measures, with 1, 100 and 1,000 clients: lines/s reaching each client
# (min / median / max), delivery latency p50 / p99, server CPU and RSS per client; a client that stops
# reading; two instances over Redis (--shared-bus, when the WAR has it); and a per-connection reference
# (websocketd vs Procsocket without --shared). Writes bench/out/shared.{json,md}; prints the tables.
#   bench/shared.sh                                     # about 4 minutes on 2 cores
#   SHARED_SECONDS=1 SHARED_SECTIONS=single bench/shared.sh   # a quick look at one section
# Knobs: see the head of bench/shared.js; docs/BENCHMARKS.md "Shared process" explains the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages, only when missing (root, as on the project's machines and CI).
need=()
command -v websocketd >/dev/null || need+=(websocketd)
command -v node >/dev/null || need+=(nodejs)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v python3 >/dev/null || need+=(python3)
command -v redis-server >/dev/null || need+=(redis-server)
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi

# The WAR, rebuilt when any source or the POM is newer.
if [ ! -f target/procsocket.war ] || [ -n "$(find src pom.xml -newer target/procsocket.war -type f -print -quit)" ]; then
  mvn -B -q package -DskipTests
fi

mkdir -p bench/out/classes
# The producer (C, CLOCK_MONOTONIC stamps) and the load generator (JDK only), when their sources are newer.
if [ ! -x bench/out/producer ] || [ bench/shared/producer.c -nt bench/out/producer ]; then
  gcc -O2 -Wall -Wextra -o bench/out/producer bench/shared/producer.c
fi
if [ ! -f bench/out/classes/SharedLoad.class ] || [ bench/shared/SharedLoad.java -nt bench/out/classes/SharedLoad.class ]; then
  javac -d bench/out/classes bench/shared/SharedLoad.java
fi

# 1,000 clients: a socket each in the generator and the server, a pipe pair or three per producer in the
# per-connection reference.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# shared.js ends what it started on any exit it sees; this catches the one it cannot (it was killed):
# the pids it last wrote, each checked to still be one of ours before it is ended.
cleanup() {
  local f=bench/out/shared.pids pid exe
  [ -f "$f" ] || return 0
  while read -r pid; do
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    case "$exe" in
      */java|*/websocketd|*/redis-server|"$PWD"/bench/out/producer) kill -KILL "$pid" 2>/dev/null || true ;;
    esac
  done < "$f"
  rm -f "$f"
}
trap cleanup EXIT
node bench/shared.js
echo "results: bench/out/shared.json, bench/out/shared.md; server logs: bench/out/shared-*.log"
