#!/usr/bin/env bash
# The production first start of docs/operations.md ("First start": install, build,
# start:prod under node), run as written
# against a throwaway PostgreSQL database: GATEHOUSE_ENV=production, --migrate, then
# /readyz must answer 200 {"status":"ready"}. Safe on a shared host: a database of its
# own (created and dropped), a free port, and it stops only the process group it started.
#
#   PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/check-production-start.sh
set -euo pipefail
cd "$(dirname "$0")/.."

admin_url="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db="gatehouse_prodcheck_$$_$(date +%s)"
base_url="${admin_url%/*}"
log="$(mktemp)"
server_pid=""

cleanup() {
  local code=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
  fi
  psql "$admin_url" -qAtc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -f "$log"
  exit "$code"
}
trap cleanup EXIT

psql "$admin_url" -qAtc "CREATE DATABASE \"$db\"" >/dev/null
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

# The lines of docs/operations.md's block after <!-- production-start -->: every one but the
# last runs to completion (install, build); the last starts the server.
mapfile -t steps < <(awk '/<!-- production-start -->/{f=1;next} f&&/^```sh/{next} f&&/^```/{exit} f&&NF{print}' docs/operations.md)
if [ "${#steps[@]}" -lt 1 ]; then echo "docs/operations.md has no production start block"; exit 1; fi
start_cmd="${steps[-1]}"
for step in "${steps[@]:0:${#steps[@]}-1}"; do
  echo "== $step"
  bash -c "$step" >"$log" 2>&1 || { cat "$log"; exit 1; }
done
echo "== production start, as docs/operations.md says: $start_cmd"

export GATEHOUSE_ENV=production
export DATABASE_URL="$base_url/$db"
export HOST=127.0.0.1 PORT="$port"
export TRUST_PROXY=127.0.0.1
export GATEHOUSE_ENCRYPTION_KEYS="k1:$(openssl rand -base64 32)"
export METRICS_TOKEN="$(openssl rand -hex 24)"
export PUBLIC_URL="https://gatehouse.invalid"
unset GATEHOUSE_DATA_DIR REDIS_URL TEST_DATABASE_URL TLS_CERT_FILE TLS_KEY_FILE

# setsid: the server (npx → pnpm → node) gets a process group of its own to stop.
setsid bash -c "$start_cmd" >"$log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  body="$(curl -fsS "http://127.0.0.1:$port/readyz" 2>/dev/null || true)"
  if [ "$body" = '{"status":"ready"}' ]; then ready=1; break; fi
  sleep 1
done
if [ -z "$ready" ]; then
  echo "production server did not become ready on port $port:"; cat "$log"; exit 1
fi
# Production runs the compiled build under node, not TypeScript through tsx.
procs="$(ps -o args= -g "$server_pid" || true)"
if ! grep -q 'server/dist/main.js' <<<"$procs" || grep -q 'tsx' <<<"$procs"; then
  echo "the production server is not node on server/dist/main.js:"; echo "$procs"; exit 1
fi
applied="$(psql "$base_url/$db" -qAtc 'SELECT count(*) FROM kysely_migration')"
echo "production server (node server/dist/main.js) ready on port $port: /readyz {\"status\":\"ready\"}, $applied migrations applied"
