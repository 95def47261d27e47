#!/usr/bin/env bash
# The PostgreSQL side of `make bench` (bench/run.sh, bench/callgrind.sh): a throwaway cluster
# tuned for the benchmark, and the few queries the bench makes of it.
#
#   bench/pg.sh start DIR            # starts a cluster in DIR, prints the URI of its database
#   bench/pg.sh stop DIR             # stops it and removes DIR
#   bench/pg.sh crash DIR            # stops the server at once (-m immediate), keeping DIR
#   bench/pg.sh resume DIR           # starts it again (crash recovery from the WAL)
#   bench/pg.sh createdb DIR NAME    # an empty database NAME with pg_stat_statements; its URI
#   bench/pg.sh sql URI SQL          # runs SQL, prints the rows unaligned ('|' between values)
#   bench/pg.sh answers URI FILE     # attempt_answers copied into the SQLite file FILE
#   bench/pg.sh compare A B          # per table of two SQLite files: rows and a digest
#   bench/pg.sh fsync DIR            # fdatasync rate of DIR's file system (pg_test_fsync)
#
# The cluster is scripts/pg-cluster.sh's (initdb into DIR, a Unix socket in DIR, run as an
# unprivileged user when started as root), with these settings:
#   synchronous_commit=on, fsync=on (the defaults, UJIKOM_PG_DURABLE=1): a commit returns
#     only when its WAL is on disk, as durable as SQLite's synchronous=FULL, so an
#     acknowledged save is still there after kill -9 and an immediate stop;
#   shared_buffers=1GB: the seeded volume (about 1 GB in SQLite) fits in PostgreSQL's own
#     cache, as SQLite's file fits in the page cache;
#   max_wal_size=4GB, checkpoint_timeout=30min: no checkpoint storm in the middle of a
#     6-second scenario (a checkpoint is the server's housekeeping, not a request's cost);
#   jit=off: the statements are small OLTP look-ups, which JIT compilation only slows;
#   shared_preload_libraries=pg_stat_statements with pg_stat_statements.track=none, turned
#     on only in the databases made by createdb (the callgrind pass counts the statements
#     each request sends with it).
# Start it under taskset to pin the server and every backend it forks to a core.
set -euo pipefail

cd "$(dirname "$0")/.."

bindir=
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/psql" ] && bindir=$d
done
if [ -z "$bindir" ]; then
  echo "bench/pg.sh: no PostgreSQL found (the Debian package postgresql)" >&2
  exit 1
fi

# (one line: pg_ctl hands them to a shell)
settings="-c shared_buffers=1GB -c max_wal_size=4GB -c checkpoint_timeout=30min -c jit=off"
settings+=" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=none"

sql() { # URI SQL
  "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

cmd=${1:-}
case $cmd in
start)
  UJIKOM_PG_DURABLE=1 UJIKOM_PG_OPTS=$settings scripts/pg-cluster.sh start "$2"
  ;;
resume)
  UJIKOM_PG_DURABLE=1 UJIKOM_PG_OPTS=$settings scripts/pg-cluster.sh resume "$2"
  ;;
stop | crash) scripts/pg-cluster.sh "$cmd" "$2" ;;
createdb)
  base=$(scripts/pg-cluster.sh uri "$2")
  sql "$base" "CREATE DATABASE $3" >/dev/null
  uri=${base/\/\/\/ujikom?/\/\/\/$3?}
  sql "$uri" "CREATE EXTENSION pg_stat_statements; ALTER DATABASE $3 SET pg_stat_statements.track = 'all'" >/dev/null
  echo "$uri"
  ;;
sql) sql "$2" "$3" ;;
fsync)
  # 8 KB writes, each followed by fdatasync (the Linux default wal_sync_method), for 1 s;
  # the later tests are cut off.
  timeout 6 stdbuf -oL "$bindir/pg_test_fsync" -s 1 -f "$2/fsync.test" >"$2/fsync.out" 2>&1 || true
  awk '/^ *fdatasync / { printf "%s fdatasync/s, %.2f ms each", $2, $4 / 1000; exit }' "$2/fsync.out"
  rm -f "$2/fsync.out"
  rm -f "$2/fsync.test"
  ;;
answers)
  rm -f "$3"
  sqlite3 "$3" "CREATE TABLE attempt_answers(attempt_id INTEGER, item_id TEXT, value TEXT)"
  "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -F $'\x1f' -R $'\x1e' -d "$2" \
    -c "SELECT attempt_id, item_id, value FROM attempt_answers" >"$3.rows"
  # psql ends the last record with a line break instead of the separator
  [ "$(tail -c 1 "$3.rows" | od -An -c | tr -d ' ')" = '\n' ] && truncate -s -1 "$3.rows"
  printf '.mode ascii\n.import %s attempt_answers\n' "$3.rows" | sqlite3 "$3"
  rm -f "$3.rows"
  ;;
compare)
  # Rows and a SHA-256 of the sorted quoted rows of every table of A (the order rows were
  # written in does not matter); prints "TABLE ROWS same|DIFFERENT" per table, then
  # "tables: N, different: D". SQLite's internal tables are left out.
  tables=$(sqlite3 "$2" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE
    'sqlite\_%' ESCAPE '\' ORDER BY name")
  n=0 bad=0
  for t in $tables; do
    a=$(sqlite3 -readonly -cmd '.mode quote' "$2" "SELECT * FROM \"$t\"" | LC_ALL=C sort | sha256sum)
    b=$(sqlite3 -readonly -cmd '.mode quote' "$3" "SELECT * FROM \"$t\"" | LC_ALL=C sort | sha256sum)
    rows=$(sqlite3 -readonly "$2" "SELECT count(*) FROM \"$t\"")
    n=$((n + 1))
    if [ "$a" = "$b" ]; then
      echo "$t $rows same"
    else
      echo "$t $rows DIFFERENT"
      bad=$((bad + 1))
    fi
  done
  echo "tables: $n, different: $bad"
  [ "$bad" = 0 ]
  ;;
*)
  sed -n '2,13p' "$0" >&2
  exit 2
  ;;
esac
