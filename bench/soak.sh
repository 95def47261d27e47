#!/usr/bin/env bash
# Soak: five minutes (SOAK_SECONDS) of mixed load against a release ujikomd — answer saves,
# form loads, verification pages and health checks from a pool of candidates logged in
# once — sampling the daemon's RSS every 10 s. Prints a table and the start/end RSS. Not
# part of `make test`.
#
# Knobs (environment): SOAK_SECONDS (300), SOAK_WORKERS (8 concurrent clients),
# SOAK_BUILD (build directory, default build/release; built here if ujikomd is missing),
# SOAK_THREADS (ujikomd --threads, default 0 = one per CPU). The per-address limits on
# registration and certificate-number look-ups are lifted: all load comes from one address.
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SOAK_SECONDS:-300}
WORKERS=${SOAK_WORKERS:-8}
BUILD=${SOAK_BUILD:-build/release}
THREADS=${SOAK_THREADS:-0}

if [ ! -x "$BUILD/ujikomd" ] || [ ! -x "$BUILD/ujikom" ]; then
  echo "soak: building a release into $BUILD" >&2
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUJIKOM_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j 2 --target ujikomd ujikom >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ujikom-soak.XXXXXX")
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BUILD/ujikomd" --listen 127.0.0.1:0 --data-dir "$WORK/data" --exams-dir exams \
  --port-file "$WORK/port" --log-level warn --threads "$THREADS" \
  --register-per-hour 100000 --verify-lookups-per-hour 1000000 >"$WORK/ujikomd.log" 2>&1 &
PID=$!
for _ in $(seq 1 200); do
  [ -s "$WORK/port" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/ujikomd.log" >&2; exit 1; }
  sleep 0.05
done
[ -s "$WORK/port" ] || { echo "soak: ujikomd did not start" >&2; cat "$WORK/ujikomd.log" >&2; exit 1; }
PORT=$(cat "$WORK/port")
echo "soak: ujikomd pid $PID on port $PORT, $SECONDS_TOTAL s, $WORKERS workers ($(nproc) CPUs)" >&2

status=0
UJIKOM_CLI="$PWD/$BUILD/ujikom" UJIKOMD="$PWD/$BUILD/ujikomd" UJIKOM_SOURCE_DIR="$PWD" \
  node bench/soak.mjs "http://127.0.0.1:$PORT" "$PID" "$WORK/data" "$SECONDS_TOTAL" "$WORKERS" || status=$?

kill -0 "$PID" 2>/dev/null || { echo "soak: ujikomd died" >&2; cat "$WORK/ujikomd.log" >&2; exit 1; }
if grep -q ERROR "$WORK/ujikomd.log"; then
  echo "soak: ERROR lines in the daemon log:" >&2
  grep ERROR "$WORK/ujikomd.log" | head -20 >&2
  status=1
fi
exit "$status"
