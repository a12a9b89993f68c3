# Shell helpers for the on-demand benchmark wrappers (bench/portable.sh, bench/protocol.sh, bench/profile.sh); sourced, not run.

# Debian packages, installed only when some are missing (root, as on the project's machines and CI):
#   bench_install PKG...   (nothing when called with none)
bench_install() {
  (($#)) || return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@"
}

# What every round-trip benchmark needs (websocketd, node, npm, maven) and PKG... besides, installed when missing;
# then npm ws.
#   bench_prepare PKG...
bench_prepare() {
  local need=("$@")
  command -v websocketd >/dev/null || need+=(websocketd)
  command -v node >/dev/null || need+=(nodejs)
  command -v npm >/dev/null || need+=(npm)
  command -v mvn >/dev/null || need+=(maven)
  bench_install ${need[@]+"${need[@]}"}
  bench_npm
}

# What a harness that starts Procsocket beside websocketd needs (setsid, kill(1) and bench_prepare's), then the WAR,
# rebuilt when any source or the POM is newer.
#   bench_prepare_war
bench_prepare_war() {
  local need=()
  command -v setsid >/dev/null || need+=(util-linux)
  [ -x /usr/bin/kill ] || [ -x /bin/kill ] || need+=(procps)
  bench_prepare ${need[@]+"${need[@]}"}
  if [ ! -f target/procsocket.war ] || [ -n "$(find src pom.xml -newer target/procsocket.war -type f -print -quit)" ]; then
    mvn -B -q package -DskipTests
  fi
}

# npm ws, locally under bench/ (the load generator).
bench_npm() {
  if [ ! -f bench/node_modules/ws/package.json ]; then
    (cd bench && npm ci --no-audit --no-fund --silent)
  fi
}

# The orchestrator ends what it started on any exit it sees; this catches the one it cannot (it was killed): the
# pids it last wrote to FILE, each ended only if its executable still matches one of the case PATTERNs.
#   bench_cleanup_pids FILE PATTERN...
bench_cleanup_pids() {
  local f=$1 pid exe p
  shift
  [ -f "$f" ] || return 0
  while read -r pid; do
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    for p in "$@"; do
      # shellcheck disable=SC2254
      case "$exe" in $p) kill -KILL "$pid" 2>/dev/null || true; break ;; esac
    done
  done < "$f"
  rm -f "$f"
}
