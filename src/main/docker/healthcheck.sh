#!/bin/sh
# Docker HEALTHCHECK for the Procsocket image: asks the running server's readiness probe
# (/.procsocket/health/ready: programs can be started, every listener is bound, not shutting down), on the port,
# address and scheme it was started with (read from its own command line), so `docker run ... --port=9000 --ssl ...`
# is checked where it actually listens. Exit 0 = healthy (200), 1 = unhealthy; the probe's JSON is printed when
# unhealthy, and `docker inspect` keeps it.
set -u

# PROCSOCKET_PID picks the process when several could match (tests); in the image there is exactly one.
pid=${PROCSOCKET_PID:-}
# The server is `java ... -jar .../procsocket.war FLAGS...` or, started by bin/procsocket (the image's entry point),
# `java ... io.procsocket.launcher.Main FLAGS...`: its flags follow that word.
marker='procsocket\.war$|^io\.procsocket\.launcher\.Main$'
[ -n "$pid" ] || for d in /proc/[0-9]*; do
  if tr '\0' '\n' < "$d/cmdline" 2>/dev/null | grep -Eq -- "$marker"; then
    pid=${d#/proc/}
    break
  fi
done
[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || { echo "no procsocket process"; exit 1; }

port=""; address=""; scheme=http
# websocketd's flag syntax: one or two dashes, --name=value or --name value, flags end at the first non-flag.
set -- $(tr '\0' '\n' < "/proc/$pid/cmdline" | awk -v m="$marker" 'f { print } !f && $0 ~ m { f = 1 }' | tr '\n' ' ')
while [ $# -gt 0 ]; do
  case "$1" in
    --) break ;;
    -port=*|--port=*) port=${1#*=} ;;
    -port|--port) shift; port=${1:-} ;;
    -address=*|--address=*) [ -n "$address" ] || address=${1#*=} ;;
    -address|--address) shift; [ -n "$address" ] || address=${1:-} ;;
    -ssl|--ssl|-ssl=true|--ssl=true) scheme=https ;;
    -*) ;;
    *) break ;;
  esac
  shift
done
[ -n "$port" ] || { [ "$scheme" = https ] && port=443 || port=80; }
case "$address" in
  ""|0.0.0.0) host=127.0.0.1 ;;
  "[::]"|"::") host="[::1]" ;;
  *) host=$address ;;
esac

url="$scheme://$host:$port/.procsocket/health/ready"
# The status code on a line of its own after the body.
out=$(curl -sk --max-time 4 -w '\n%{http_code}' "$url" || true)
code=$(printf '%s\n' "$out" | tail -n 1)
[ "$code" = 200 ] && exit 0
if [ -z "$code" ] || [ "$code" = 000 ]; then
  echo "no HTTP answer from $url"
else
  echo "not ready: $url answered $code: $(printf '%s\n' "$out" | sed '$d')"
fi
exit 1
