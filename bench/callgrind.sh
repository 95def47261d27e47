#!/usr/bin/env bash
# Instructions per request, by request type, under valgrind --tool=callgrind: stable on a
# noisy machine where wall-clock figures are not. bench/run.sh calls it for its second table;
# run alone it is the quick way to see what a change to a hot path costs:
#
#   bench/callgrind.sh                 # every type, plus the libmicrohttpd ceiling
#   bench/callgrind.sh healthz form    # just these
#
# Prints one markdown row per type: | type | requests | 2xx | instructions per request |.
# Knobs (environment): BENCH_BUILD (release build directory, built if missing),
# CALLGRIND_REQUESTS (per type, default 100), BENCH_THREADS, BENCH_MAX_HEADER, BENCH_EVENT_LOOP,
# CALLGRIND_PROFILES (a directory for profile-<type>.txt; none written without it),
# CALLGRIND_KEEP (a directory for the busiest thread's raw dump, callgrind-profile-<type>.out,
# to read with callgrind_annotate --tree=caller or kcachegrind),
# CALLGRIND_DATABASE (the URI of an empty PostgreSQL database made by `bench/pg.sh createdb`:
# the seeded data is copied into it and ujikomd runs on it; each row then also gives, from
# pg_stat_statements, the statements (round trips) and write transactions a request sends
# and the server's execution time, per request; profiles are profile-pg-<type>.txt).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BENCH_BUILD:-build/bench-release}
N=${CALLGRIND_REQUESTS:-100}
THREADS=${BENCH_THREADS:-8}
MAX_HEADER=${BENCH_MAX_HEADER:-4096}
KDF_LOG2N=10
PROFILES=${CALLGRIND_PROFILES:-}
KEEP=${CALLGRIND_KEEP:-}
PGDB=${CALLGRIND_DATABASE:-}
PROFILE_PREFIX=profile-
[ -n "$PGDB" ] && PROFILE_PREFIX=profile-pg-
TYPES=${*:-ceiling healthz jwks static verify_page verify_json verify_again form save submit issue login}

say() { echo "callgrind: $*" >&2; }

if [ ! -x "$BUILD/ujikomd" ] || [ "${BENCH_REBUILD:-1}" = 1 ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUJIKOM_WERROR=OFF -DUJIKOM_TESTS=OFF \
    -DUJIKOM_BENCH=ON >/dev/null
  cmake --build "$BUILD" -j "$(nproc)" --target ujikomd ujikom ceiling >/dev/null
fi
UJIKOMD=$ROOT/$BUILD/ujikomd
UJIKOM=$ROOT/$BUILD/ujikom
CEILING=$ROOT/$BUILD/bench/ceiling
POOL=$("$UJIKOMD" --max-header "$MAX_HEADER" --pool-size 2>/dev/null || echo $((MAX_HEADER * 2)))
EVENT_LOOP=${BENCH_EVENT_LOOP:-epoll}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ujikom-cg.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_port() { # FILE PID -> prints the port
  local _
  for _ in $(seq 1 12000); do
    if [ -s "$1" ]; then cat "$1"; return 0; fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# Runs the curl config $2 against the process $1 under callgrind and prints the row for $3.
# Both servers run with --separate-threads=yes, and each dump ($4 is its file prefix) is one
# file per thread, <prefix>.<dump>-<thread>: the count is the sum over every thread but the
# first, the main thread, which serves no request (ujikomd's main thread closes overdue
# attempts every 15 s, which must not land in whichever type is being measured).
DUMPS=0
# What a dump spent opening read connections and preparing statements on them: once per
# connection, not per request, yet a measurement can catch it (the main thread's sweep, at
# start and every 15 s, may hold the only pooled connection just when a request needs one,
# and that request opens another: ~2.3 M instructions, ~78 k per request over 30). Left out,
# so every measurement counts the steady state. On PostgreSQL: connecting, and preparing a
# statement on the server at its first run on a connection.
once() { # DUMP
  callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
    awk '/[:](store_conn_open|pg_conn_open|pg_prepare_now) \[|[:]sqlite3_prepare_v3 \[/ { gsub(",", "", $1); s += $1 } END { print s + 0 }'
}
# The server's side of the requests between pg_zero and pg_row, from pg_stat_statements
# (every statement a connection sends, utility ones too: BEGIN, SAVEPOINT, COMMIT).
pg_zero() {
  [ -n "$PGDB" ] || return 0
  bench/pg.sh sql "$PGDB" "SELECT pg_stat_statements_reset()" >/dev/null
}
pg_row() { # -> the extra columns: statements, write transactions, server µs
  [ -n "$PGDB" ] || return 0
  bench/pg.sh sql "$PGDB" "SELECT round(coalesce(sum(calls), 0)::numeric / $N, 1),
      round(coalesce(sum(calls) FILTER (WHERE query LIKE 'SELECT pg_advisory_xact_lock%'), 0)::numeric / $N, 2),
      round((coalesce(sum(total_exec_time), 0) * 1000 / $N)::numeric, 0)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND query NOT LIKE '%pg_stat_statements%'" | awk -F'|' '{ printf " %s | %s | %s |", $1, $2, $3 }'
}
measure() { # PID CONFIG TYPE PREFIX
  local pid=$1 cfg=$2 t=$3 prefix=$4 codes ok dump ir per extra
  pg_zero
  callgrind_control -z "$pid" >/dev/null 2>&1
  codes=$(curl -s -K "$cfg" || true)
  callgrind_control -d "$t" "$pid" >/dev/null 2>&1
  extra=$(pg_row)
  ok=$(grep -c '^2' <<<"$codes" || true)
  sleep 0.3
  DUMPS=$((DUMPS + 1))
  ir=0
  dump=
  local f best=0 n
  for f in "$prefix.$DUMPS"-*; do
    [ "$f" = "$prefix.$DUMPS-01" ] && continue
    n=$(awk '/^(summary|totals):/ {print $2; exit}' "$f")
    if [ "${n:-0}" -gt 0 ]; then
      n=$((n - $(once "$f")))
    fi
    ir=$((ir + ${n:-0}))
    if [ "${n:-0}" -gt "$best" ]; then best=$n dump=$f; fi
  done
  per=$(awk -v i="$ir" -v n="$N" 'BEGIN { printf "%.0f", i / n }')
  if [ -n "$PROFILES" ]; then
    # Inclusive cost per function in the busiest thread (the worker that served the
    # connection, or the writer thread that ran a state-changing handler), anonymous library
    # internals left out; paths relative to the repository, so a profile reads the same
    # anywhere.
    callgrind_annotate --inclusive=yes --threshold=100 "$dump" 2>/dev/null | grep -v '???:0x' |
      sed -n '1,70p' | sed -e "s|$ROOT/||g" -e "s|${TMPDIR:-/tmp}/ujikom-cg\.[A-Za-z0-9]*/|\$DATA/|g" \
      >"$PROFILES/$PROFILE_PREFIX$t.txt" || true
  fi
  [ -n "$KEEP" ] && [ -n "$dump" ] && cp "$dump" "$KEEP/callgrind-$PROFILE_PREFIX$t.out"
  say "$t: $per instructions per request ($ok/$N 2xx)"
  echo "| $t | $N | $ok | $per |$extra"
}

# (curl refuses a trailing "next"; options hold per URL, so write-out is repeated)
finish_cfg() { sed -e '$d' -e 's|^output = "/dev/null"$|&\nwrite-out = "%{http_code}\\n"|'; }

if [[ " $TYPES " == *" ceiling "* ]]; then
  valgrind --tool=callgrind --callgrind-out-file="$WORK/ceil.out" --dump-instr=no --separate-threads=yes "$CEILING" \
    --event-loop "$EVENT_LOOP" \
    --threads "$THREADS" --memory-limit "$POOL" --port-file "$WORK/ceiling.port" 2>>"$WORK/cg.log" &
  CPID=$!
  PIDS+=("$CPID")
  CPORT=$(wait_port "$WORK/ceiling.port" "$CPID") || { tail "$WORK/cg.log" >&2; exit 1; }
  for _ in $(seq 1 "$N"); do printf 'url = "http://127.0.0.1:%s/"\noutput = "/dev/null"\nnext\n' "$CPORT"; done |
    finish_cfg >"$WORK/ceiling.curl"
  curl -s -o /dev/null "http://127.0.0.1:$CPORT/" # warm-up
  measure "$CPID" "$WORK/ceiling.curl" ceiling "$WORK/ceil.out" |
    sed 's/^| ceiling |/| ceiling (1 KB, libmicrohttpd only) |/'
  kill -TERM "$CPID"
  wait "$CPID" 2>/dev/null || true
fi
TYPES=${TYPES//ceiling/}
[ -n "${TYPES// /}" ] || exit 0

# On a small fresh data set: valgrind runs ~50x slower, and the per-request cost of a B-tree
# look-up grows only with the tree's depth.
DATA=$WORK/data
MAN=$WORK/manifest
"$UJIKOM" seed --data-dir "$DATA" --exams-dir exams --candidates 2000 --attempts 4000 \
  --certificates 1000 --issuable 1000 --open 1000 --manifest "$MAN" >/dev/null 2> >(grep -v ' INFO ' >&2)
DB_ARGS=()
if [ -n "$PGDB" ]; then
  "$UJIKOM" store copy --from "sqlite:$DATA/ujikom.db" --to "$PGDB" >"$WORK/copy.txt" 2>&1 ||
    { cat "$WORK/copy.txt" >&2; exit 1; }
  DB_ARGS=(--database "$PGDB")
fi
valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" --dump-instr=no --separate-threads=yes \
  "$UJIKOMD" --listen 127.0.0.1:0 --data-dir "$DATA" --exams-dir exams --port-file "$WORK/port" \
  --kdf-log2n "$KDF_LOG2N" --threads "$THREADS" --max-header "$MAX_HEADER" --event-loop "$EVENT_LOOP" \
  "${DB_ARGS[@]}" 2>>"$WORK/cg.log" &
PID=$!
PIDS+=("$PID")
PORT=$(wait_port "$WORK/port" "$PID") || { tail "$WORK/cg.log" >&2; exit 1; }
U=http://127.0.0.1:$PORT
TOKEN=$(cat "$MAN/admin.token")
mk_curl() { # TYPE: a curl config doing N+1 requests of that type (the first is the warm-up)
  local n=$((N + 1))
  case $1 in
  verify_page | verify_json | verify_again)
    # Page and JSON each verify certificates not verified before (as most requests of the
    # wrk scenarios over 100,000 certificates do); verify_again pages certificates of its
    # own a second time, each scanned once by its warm-up (the cache of what was verified).
    local accept=text/html skip=0
    [ "$1" = verify_json ] && accept=application/json skip=$n
    [ "$1" = verify_again ] && skip=$((2 * n))
    sed -n "$((skip + 1)),$((skip + n))p" "$MAN/verify.txt" | awk -v u="$U" -v a="$accept" '{print "url = \"" u "/V/" $1 "\"\nheader = \"Accept: " a "\"\noutput = \"/dev/null\"\nnext"}' ;;
  jwks | static | healthz)
    local p=/healthz
    [ "$1" = jwks ] && p=/.well-known/jwks.json
    [ "$1" = static ] && p=/static/app.css
    for _ in $(seq 1 "$n"); do printf 'url = "%s%s"\noutput = "/dev/null"\nnext\n' "$U" "$p"; done ;;
  form) head -n "$n" "$MAN/open.tsv" | awk -F'\t' -v u="$U" '{print "url = \"" u "/api/attempts/" $2 "\"\nheader = \"Authorization: Bearer " $1 "\"\noutput = \"/dev/null\"\nnext"}' ;;
  save) head -n "$n" "$MAN/save.tsv" | awk -F'\t' -v u="$U" '{gsub(/"/, "\\\"", $4); print "url = \"" u "/api/attempts/" $2 "/answers/" $3 "\"\nrequest = \"PUT\"\nheader = \"Authorization: Bearer " $1 "\"\nheader = \"Content-Type: application/json\"\ndata = \"{\\\"value\\\":" $4 "}\"\noutput = \"/dev/null\"\nnext"}' ;;
  submit) tail -n "$n" "$MAN/open.tsv" | awk -F'\t' -v u="$U" '{print "url = \"" u "/api/attempts/" $2 "/submit\"\nrequest = \"POST\"\nheader = \"Authorization: Bearer " $1 "\"\nheader = \"Content-Type: application/json\"\ndata = \"{}\"\noutput = \"/dev/null\"\nnext"}' ;;
  issue) head -n "$n" "$MAN/issuable.txt" | awk -v u="$U" -v t="$TOKEN" '{print "url = \"" u "/api/attempts/" $1 "/certificate\"\nrequest = \"POST\"\nheader = \"Authorization: Bearer " t "\"\nheader = \"Content-Type: application/json\"\ndata = \"{}\"\noutput = \"/dev/null\"\nnext"}' ;;
  login) head -n "$n" "$MAN/examday.tsv" | awk -F'\t' -v u="$U" '{print "url = \"" u "/api/auth/login\"\nrequest = \"POST\"\nheader = \"Content-Type: application/json\"\ndata = \"{\\\"email\\\":\\\"" $1 "\\\",\\\"password\\\":\\\"" $2 "\\\"}\"\noutput = \"/dev/null\"\nnext"}' ;;
  *) say "unknown type $1"; exit 2 ;;
  esac | finish_cfg >"$WORK/$1.curl"
}
curl -s -o /dev/null "$U/healthz" # first-use statement preparation is not per-request
for t in $TYPES; do
  mk_curl "$t"
  # the warm-up request is the first of N+1; measure the other N
  tail -n +"$(($(awk '/^next$/ {print NR; exit}' "$WORK/$t.curl") + 1))" "$WORK/$t.curl" >"$WORK/$t.measure.curl"
  head -n "$(awk '/^next$/ {print NR; exit}' "$WORK/$t.curl")" "$WORK/$t.curl" | sed '$d' >"$WORK/$t.warm.curl"
  if [ "$t" = verify_again ]; then
    cp "$WORK/$t.curl" "$WORK/$t.warm.curl" # every certificate scanned once first
  fi
  curl -s -K "$WORK/$t.warm.curl" >/dev/null || true
  measure "$PID" "$WORK/$t.measure.curl" "$t" "$WORK/cg.out"
done
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true
