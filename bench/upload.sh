#!/usr/bin/env bash
# Evidence upload throughput beside the disk's own write rate, measured in the same run on the
# same file system: a fresh ujikomd takes a photo-sized upload in 256 KiB chunks (each chunk
# committed before it is acknowledged) from one client, then from UPLOAD_CLIENTS at once;
# dd writes the same amount to the data directory's file system, once with one flush at the
# end and once flushed after every 256 KiB block (what a committed chunk costs at least).
# Prints markdown lines (bench/run.sh puts them in its report).
#
# usage: bench/upload.sh BUILD_DIR WORK_DIR   Knobs: UPLOAD_MB (32), UPLOAD_CLIENTS (4).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=$1
WORK=$2
MB=${UPLOAD_MB:-32}
CLIENTS=${UPLOAD_CLIENTS:-4}
DATA=$WORK/upload-data
mkdir -p "$DATA"

# dd's own figure, in MB/s (MiB: dd counts bytes; the upload figure is MiB/s as well)
dd_rate() { # extra dd flags...
  local out
  out=$(dd if=/dev/zero of="$DATA/dd.test" bs=256k count=$((MB * 4)) "$@" 2>&1 | tail -1)
  rm -f "$DATA/dd.test"
  awk -v b="$(awk '{print $1}' <<<"$out")" -v s="$(sed -E 's/.* ([0-9.]+) s, .*/\1/' <<<"$out")" \
    'BEGIN { if (s > 0) printf "%.1f", b / s / 1048576; else print "?" }'
}
DISK_FLUSH_END=$(dd_rate conv=fdatasync)
DISK_FLUSH_EACH=$(dd_rate oflag=dsync)

"$BUILD/ujikomd" --listen 127.0.0.1:0 --data-dir "$DATA" --exams-dir exams \
  --port-file "$WORK/upload-port" --log-level warn --register-per-hour 100000 \
  >"$WORK/upload-ujikomd.log" 2>&1 &
PID=$!
trap 'kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 400); do
  [ -s "$WORK/upload-port" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/upload-ujikomd.log" >&2; exit 1; }
  sleep 0.05
done
PORT=$(cat "$WORK/upload-port")
OUT=$(UJIKOM_CLI="$PWD/$BUILD/ujikom" UJIKOMD="$PWD/$BUILD/ujikomd" UJIKOM_SOURCE_DIR="$PWD" \
  node bench/upload.mjs "http://127.0.0.1:$PORT" "$MB" "$CLIENTS")
field() { grep "^RESULT $1" <<<"$OUT" | sed -E "s/.* $2=([0-9.]+).*/\1/"; }

echo "Evidence uploads ($MB MiB photo, 256 KiB chunks, each committed before its 2xx): one client $(field single mbps) MiB/s (completion — SHA-256, type by content, preview — $(field single complete_ms) ms); $CLIENTS clients at once $(field parallel mbps) MiB/s in all (slowest completion $(field parallel complete_ms_max) ms)."
echo "The disk under the data directory, same run (dd, $MB MiB in 256 KiB blocks): $DISK_FLUSH_END MiB/s flushed once at the end, $DISK_FLUSH_EACH MiB/s flushed after every block."
