#!/bin/sh
# `npm run bench [-- --quick | --rounds N | --only fanout,... | --write-results]`
#
# The bench is not a workspace: its peers (Hocuspocus with better-sqlite3, a native build) stay out of the
# root install, so `npm ci` and `npm test` never depend on them. This script installs them on first use from
# bench/package-lock.json, builds our server (turbo: a cache hit when nothing changed) and runs the bench
# pinned to core 0; the servers it starts pin themselves to core 1.
set -eu
cd "$(dirname "$0")/.."

if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  echo "bench: installing the bench's own dependencies (npm ci --prefix bench; builds better-sqlite3 from source if needed)" >&2
  npm ci --prefix bench --no-audit --no-fund
fi

if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  npx turbo run build --filter=@collab/sync-server... --output-logs=errors-only
fi

# 10,000 client sockets live in this process; raise the soft limit as far as the hard one allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec taskset -c 0 node --import tsx bench/src/main.ts "$@"
