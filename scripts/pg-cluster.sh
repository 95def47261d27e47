#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb into DIR, listening only on a Unix
# socket in DIR (no TCP port), an empty database "ujikom", trust
# authentication for the socket (only the user running the tests can reach DIR).
# PostgreSQL refuses to run as root: as root, the cluster runs as the unprivileged user
# $UJIKOM_PG_USER (default nobody) through setpriv, and DIR belongs to that user.
#
#   scripts/pg-cluster.sh start DIR   # prints the database URI on stdout
#   scripts/pg-cluster.sh uri DIR     # the URI of a running cluster
#   scripts/pg-cluster.sh stop DIR    # stops it (immediate) and removes DIR
#   scripts/pg-cluster.sh crash DIR   # stops the server at once (-m immediate), keeping DIR
#   scripts/pg-cluster.sh resume DIR  # starts the server of DIR again (crash recovery)
#   scripts/pg-cluster.sh start-standby PRIMARY_DIR STANDBY_DIR
#       # a streaming-replication standby of the running cluster of PRIMARY_DIR (started with
#       # UJIKOM_PG_DURABLE=1), from a base backup into STANDBY_DIR through a replication slot,
#       # on a socket in STANDBY_DIR; then made the primary's synchronous standby (a commit
#       # is acknowledged once the standby has it) and waited for until it is in sync
#   scripts/pg-cluster.sh promote DIR  # promotes the standby of DIR to a primary (pg_ctl promote)
#
# Nothing outside DIR is written. start removes a stale DIR left by an earlier run first.
# UJIKOM_PG_OPTS: more server settings ("-c name=value ..."), after the defaults (so they win;
# bench/run.sh tunes its cluster with them).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|uri|stop|crash|resume|promote DIR | start-standby PRIMARY_DIR STANDBY_DIR" >&2
  exit 2
fi
case "$dir" in
/*) ;;
*) dir="$PWD/$dir" ;;
esac

bindir=${UJIKOM_PG_BINDIR:-}
if [ -z "$bindir" ]; then
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && bindir=$d
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-cluster: no initdb found (install the Debian package postgresql: scripts/deps.sh test)" >&2
  exit 1
fi

pguser=${UJIKOM_PG_USER:-nobody}
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid="$pguser" --regid="$(id -g "$pguser")" --clear-groups -- "$@"
  else
    "$@"
  fi
}

uri() {
  # libpq's URI form with the socket directory as host; the superuser is "ujikom".
  echo "postgresql:///ujikom?host=$dir&user=ujikom"
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf -- "$dir"
}

psql_on() { # psql_on SOCKET_DIR SQL: runs SQL as the superuser on the database postgres
  as_owner "$bindir/psql" -X -q -At -h "$1" -U ujikom -d postgres -v ON_ERROR_STOP=1 -c "$2"
}

server_start() {
  # Throwaway data: no fsync and asynchronous commits, unless UJIKOM_PG_DURABLE=1 (a test
  # that kills the server and counts what survived needs every commit in the WAL on disk).
  local fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${UJIKOM_PG_DURABLE:-0}" = 1 ] && fast="-c synchronous_commit=on"
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' $fast -c max_connections=200 ${UJIKOM_PG_OPTS:-}" \
    start >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
  }
}

case "$cmd" in
start)
  stop
  mkdir -p -- "$dir"
  chmod 0700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$pguser:$(id -g "$pguser")" "$dir"
  fi
  as_owner "$bindir/initdb" -D "$dir/data" -U ujikom --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  server_start
  as_owner "$bindir/psql" -X -q -h "$dir" -U ujikom -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE ujikom" >/dev/null
  uri
  ;;
uri) uri ;;
stop) stop ;;
crash) as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null ;;
resume) server_start ;;
start-standby)
  standby=${3:-}
  if [ -z "$standby" ]; then
    echo "usage: $0 start-standby PRIMARY_DIR STANDBY_DIR" >&2
    exit 2
  fi
  case "$standby" in
  /*) ;;
  *) standby="$PWD/$standby" ;;
  esac
  primary=$dir
  dir=$standby
  stop
  mkdir -p -- "$dir"
  chmod 0700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$pguser:$(id -g "$pguser")" "$dir"
  fi
  # A slot of its own keeps the primary's WAL until the standby has it; -R writes
  # standby.signal and primary_conninfo (the primary's socket) into the copy.
  slot="standby_$(basename "$dir" | tr -c 'a-zA-Z0-9_\n' _ | tr 'A-Z' 'a-z')"
  psql_on "$primary" "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
    WHERE slot_name = '$slot' AND NOT active" >/dev/null
  as_owner "$bindir/pg_basebackup" -h "$primary" -U ujikom -D "$dir/data" -X stream -c fast -R \
    -C -S "$slot" >"$dir/basebackup.log" 2>&1 || {
    cat "$dir/basebackup.log" >&2
    exit 1
  }
  UJIKOM_PG_DURABLE=1 server_start
  psql_on "$primary" "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
  psql_on "$primary" "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 1 300); do
    state=$(psql_on "$primary" "SELECT sync_state FROM pg_stat_replication WHERE state = 'streaming'" || true)
    [ "$state" = sync ] && exit 0
    sleep 0.1
  done
  echo "pg-cluster: the standby of $dir did not become synchronous" >&2
  exit 1
  ;;
promote) as_owner "$bindir/pg_ctl" -D "$dir/data" -w -t 60 promote >/dev/null ;;
*)
  echo "usage: $0 start|uri|stop|crash|resume|promote DIR | start-standby PRIMARY_DIR STANDBY_DIR" >&2
  exit 2
  ;;
esac
