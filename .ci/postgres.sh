#!/usr/bin/env bash
# A throwaway PostgreSQL server for the audit store's tests: its own data directory under a
# temporary folder, loopback only, its own port. Source it (`. .ci/postgres.sh`): it exports
# PROVENANCE_TEST_DATABASE_URL and stops the server when the calling shell exits.
# (Not DATABASE_URL: that would move every app test onto PostgreSQL.)
set -euo pipefail
PG_PORT="${PG_PORT:-5439}"
# A port something else already listens on (a server left from an earlier run) is skipped.
while (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do PG_PORT=$((PG_PORT + 1)); done
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
PG_DIR="$(mktemp -d /tmp/provenance-pg.XXXXXX)"
# initdb refuses to run as root: the server runs as the `postgres` user Debian's package creates.
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U provenance --auth=trust -E UTF8 >/dev/null
run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null
run_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U provenance provenance_test
export PROVENANCE_TEST_DATABASE_URL="postgres://provenance@127.0.0.1:$PG_PORT/provenance_test"
stop_pg() { run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT for the audit tests"
