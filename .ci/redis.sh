#!/usr/bin/env bash
# A throwaway Redis for the replica and outage tests: loopback only, its own port, no persistence.
# Source it (`. .ci/redis.sh`): it exports TEST_REDIS_URL and stops the server when the calling
# shell exits (after any server an earlier script started). The outage tests start their own
# redis-server from the same package, since they stop it.
# (Not REDIS_URL: that would move every app test onto Redis coordination.)
set -euo pipefail
REDIS_PORT="${REDIS_PORT:-6390}"
# A port something else already listens on (a server left from an earlier run) is skipped.
while (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; do REDIS_PORT=$((REDIS_PORT + 1)); done
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
REDIS_DIR="$(mktemp -d /tmp/provenance-redis.XXXXXX)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDIS_DIR" \
  --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDIS_PORT" ping >/dev/null
export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
eval "stop_redis() { redis-cli -p '$REDIS_PORT' shutdown nosave >/dev/null 2>&1 || true; rm -rf '$REDIS_DIR'; }"
trap 'stop_redis; if declare -F stop_pg >/dev/null; then stop_pg; fi' EXIT
echo "Redis $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT for the replica tests"
