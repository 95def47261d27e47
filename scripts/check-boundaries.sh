#!/usr/bin/env bash
# Enforces the architecture's boundaries and the banned-function list (docs in
# ../shared/DESIGN.md and STYLE.md as summarised in README.md):
#   - service/core and include/ujikom include neither microhttpd.h nor sqlite3.h
#   - only service/store includes sqlite3.h
#   - only service/http/server.c and secheaders.c include microhttpd.h
#   - no sprintf, vsprintf, strcpy, strcat, strtok, atoi, atol, sscanf, gets in C sources
set -uo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files 'service/*.c' 'service/*.h' 'include/*.h' 2>/dev/null)
fail=0
report() {
  echo "boundary: $1" >&2
  fail=1
}
for f in $files; do
  case "$f" in
  service/core/* | include/*)
    grep -Hn -E '#include *[<"](microhttpd|sqlite3)\.h[>"]' "$f" && report "$f: the core must not include HTTP or SQL headers"
    ;;
  esac
  case "$f" in
  service/store/*) ;;
  *) grep -Hn -E '#include *[<"]sqlite3\.h[>"]' "$f" && report "$f: only service/store may include sqlite3.h" ;;
  esac
  case "$f" in
  service/http/server.c | service/http/secheaders.c) ;;
  *) grep -Hn -E '#include *[<"]microhttpd\.h[>"]' "$f" && report "$f: only the server module may include microhttpd.h" ;;
  esac
  # Banned calls (word boundary, followed by an opening parenthesis), ignoring comments.
  sed -e 's://.*$::' "$f" | grep -n -E '(^|[^_a-zA-Z0-9.>])(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|sscanf|gets)[[:space:]]*\(' |
    sed "s|^|$f:|" | grep . && report "$f: uses a banned function (use snprintf, length-checked copies, strtol)"
done
exit $fail
