#!/usr/bin/env bash
# Runs a command with the servers the tests need (PostgreSQL for the audit store and its
# coordinator, Redis for the replicas), started on loopback by .ci/ unless the environment already
# names them (.ci/run starts them once for both test commands). Without them those tests would
# skip, and the coverage floor would fail for a reason the output does not say.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PROVENANCE_TEST_DATABASE_URL:-}" ]; then . .ci/postgres.sh; fi
if [ -z "${TEST_REDIS_URL:-}" ]; then . .ci/redis.sh; fi
"$@"
