#!/usr/bin/env bash
# Every schema migration exists for both backends: service/store/migrations/NNNN_name.sql
# (SQLite) and service/store/migrations/pg/NNNN_name.sql (PostgreSQL), the same numbers and
# names, so a database of either backend reaches the same schema version with the same
# tables (store_schema_latest is one number for both).
#
# Numbers are also unique and follow each other: the runner applies only the migrations
# above a database's version, so a migration numbered below one already released would be
# skipped on every database upgraded past it. A new migration takes the next number after
# the highest; the numbers never used (none ever shipped under them) are listed here.
set -euo pipefail
cd "$(dirname "$0")/../service/store/migrations"
fail=0
for f in [0-9][0-9][0-9][0-9]_*.sql; do
  [ -f "pg/$f" ] || {
    echo "migrations: $f has no PostgreSQL twin pg/$f" >&2
    fail=1
  }
done
for f in pg/[0-9][0-9][0-9][0-9]_*.sql; do
  [ -f "${f#pg/}" ] || {
    echo "migrations: $f has no SQLite migration ${f#pg/}" >&2
    fail=1
  }
done
never_used=" 12 16 25 26 "
expect=1
for f in [0-9][0-9][0-9][0-9]_*.sql; do
  n=$((10#${f%%_*}))
  while [[ "$never_used" == *" $expect "* ]]; do
    expect=$((expect + 1))
  done
  if [ "$n" -ne "$expect" ]; then
    echo "migrations: $f should be number $expect (numbers are unique and follow each other;" \
      "a new migration takes the next number after the highest)" >&2
    fail=1
  fi
  expect=$((n + 1))
done
exit $fail
