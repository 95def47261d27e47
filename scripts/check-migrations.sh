#!/usr/bin/env bash
# Every schema migration exists for both backends: service/store/migrations/NNNN_name.sql
# (SQLite) and service/store/migrations/pg/NNNN_name.sql (PostgreSQL), the same numbers and
# names, so a database of either backend reaches the same schema version with the same
# tables (store_schema_latest is one number for both).
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
exit $fail
