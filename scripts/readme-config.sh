#!/usr/bin/env bash
# Rewrites the configuration table in README.md from `ujikom config --markdown`, or with
# --check exits 1 when the README's table differs from it.
# usage: scripts/readme-config.sh PATH-TO-ujikom [--check]
set -euo pipefail
cli=$1
mode=${2:-write}
cd "$(dirname "$0")/.."
table=$("$cli" config --markdown)
new=$(awk -v table="$table" '
  /<!-- config-table:begin -->/ { print; print table; skip = 1; next }
  /<!-- config-table:end -->/ { skip = 0 }
  !skip { print }' README.md)
if [ "$mode" = --check ]; then
  if [ "$new" != "$(cat README.md)" ]; then
    echo "README.md's configuration table is stale: run scripts/readme-config.sh $cli" >&2
    exit 1
  fi
  exit 0
fi
printf '%s\n' "$new" > README.md
