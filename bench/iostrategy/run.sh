#!/usr/bin/env bash
# Echo round trips/s through `cat` for each Grizzly I/O strategy, then the same with one child that
# never reads stdin (first round only). Usage: bench/iostrategy/run.sh [CONNECTIONS] [SECONDS] [ROUNDS]
# (after mvn package). Rounds alternate the strategies so that noise from other load spreads evenly.
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-8}
seconds=${2:-10}
war=target/procsocket.war
lib=$(mktemp -d)
trap 'rm -rf "$lib"; [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null || true' EXIT
(cd "$lib" && unzip -q "$OLDPWD/$war" 'WEB-INF/lib-provided/*')
cp="$lib/WEB-INF/lib-provided/*"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rounds=${3:-3}
for round in $(seq "$rounds"); do
for strategy in ${STRATEGIES:-worker samethread leaderfollower}; do
  for deaf in ${DEAF:-0 $([[ $round == 1 ]] && echo 1)}; do
    port=$(free_port)
    java -Dprocsocket.iostrategy=$strategy -jar $war --port=$port --address=127.0.0.1 --loglevel=error \
      bench/iostrategy/echo.sh > /dev/null &
    server=$!
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
    printf '%-15s ' "$strategy"
    timeout $((seconds + 60)) java -cp "$cp" bench/iostrategy/EchoBench.java "$port" "$connections" "$seconds" "$deaf" \
      || echo "client failed or hung (exit $?)"
    kill "$server"; wait "$server" 2>/dev/null || true
    server=
  done
done
done
