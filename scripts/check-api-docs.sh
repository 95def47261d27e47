#!/usr/bin/env bash
# Every route of the daemon's table is documented: JSON API and public routes in
# docs/api.md, browser pages in docs/web.md. Fails naming each undocumented route.
# usage: scripts/check-api-docs.sh PATH-TO-ujikomd
set -euo pipefail
cd "$(dirname "$0")/.."
"$1" --routes | awk -F'"' '{print $4, $8}' | while read -r method pattern; do
  if ! grep -qF -- "$pattern" docs/api.md docs/web.md; then
    echo "undocumented route: $method $pattern (add it to docs/api.md or docs/web.md)"
  fi
done | tee /dev/stderr | { ! grep -q .; }
