#!/usr/bin/env bash
# Every route of the daemon's table is documented: JSON API and public routes in
# docs/api.md, browser pages in docs/web.md. Fails naming each undocumented route.
# usage: scripts/check-api-docs.sh PATH-TO-ujikomd
set -euo pipefail
cd "$(dirname "$0")/.."
missing=$("$1" --routes | awk -F'"' '{print $4, $8}' | while read -r method pattern; do
  # The pattern as written in a table cell or heading: `PATTERN`, `PATTERN[?query]`,
  # `PATTERN?query`, or the last of several patterns in one cell.
  grep -qF -e "\`$pattern\`" -e "\`${pattern}[" -e "\`${pattern}?" -e " $pattern\`" \
    docs/api.md docs/web.md ||
    echo "undocumented route: $method $pattern (add it to docs/api.md or docs/web.md)"
done)
[ -z "$missing" ] && exit 0
echo "$missing" >&2
exit 1
