#!/usr/bin/env bash
# Enforces the architecture's boundaries and the banned-function list (docs in
# ../shared/DESIGN.md and STYLE.md as summarised in README.md):
#   - which service directories each part may include ("<dir>/<file>.h"):
#       core, include/ujikom -> only core (and include/ujikom, the core's public headers)
#       store  -> not core's internals (service/core), common, http: the store sits beside the
#                 core and may use only its public headers, include/ujikom
#       common -> not http (the application layer never calls the HTTP shell)
#       http   -> not cli, daemon;  cli -> not http, daemon;  daemon -> not cli
#     The build enforces the same with per-library include roots (CMakeLists.txt); this check
#     also covers what a build configuration might not compile.
#   - no relative include that climbs out of its directory ("../http/x.h")
#   - service/core and include/ujikom include neither microhttpd.h nor sqlite3.h
#   - only service/store includes sqlite3.h or libpq-fe.h, and there only its backends'
#     files (store_sqlite_*, store_pg_*): the resource files speak through store_internal.h
#   - only service/http/server.c and secheaders.c include microhttpd.h
#   - no sprintf, vsprintf, strcpy, strcat, strtok, atoi, atol, sscanf, gets in C sources
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
files=$(git ls-files 'service/*.c' 'service/*.h' 'include/*.h' 2>/dev/null)
fail=0
report() {
  echo "boundary: $1" >&2
  fail=1
}
for f in $files; do
  case "$f" in
  service/core/* | include/*) forbidden='store|common|http|cli|daemon' ;;
  service/store/*) forbidden='core|common|http|cli|daemon' ;;
  service/common/*) forbidden='http|cli|daemon' ;;
  service/http/*) forbidden='cli|daemon' ;;
  service/cli/*) forbidden='http|daemon' ;;
  service/daemon/*) forbidden='cli' ;;
  *) forbidden='' ;;
  esac
  if [ -n "$forbidden" ]; then
    grep -Hn -E "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($forbidden)/" "$f" &&
      report "$f: includes a directory its layer must not use (${forbidden//|/, })"
  fi
  grep -Hn -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][^>"]*\.\./' "$f" &&
    report "$f: relative include that leaves its directory; include \"<dir>/<file>.h\""
  case "$f" in
  service/core/* | include/*)
    grep -Hn -E '#include *[<"](microhttpd|sqlite3)\.h[>"]' "$f" && report "$f: the core must not include HTTP or SQL headers"
    ;;
  esac
  case "$f" in
  service/store/store_sqlite_*) ;;
  service/store/*) grep -Hn -E '#include *[<"]sqlite3\.h[>"]' "$f" && report "$f: only the SQLite backend's files (store_sqlite_*) include sqlite3.h" ;;
  *) grep -Hn -E '#include *[<"]sqlite3\.h[>"]' "$f" && report "$f: only service/store may include sqlite3.h" ;;
  esac
  case "$f" in
  service/store/store_pg_*) ;;
  *) grep -Hn -E '#include *[<"]libpq-fe\.h[>"]' "$f" && report "$f: only the PostgreSQL backend's files (store_pg_*) include libpq-fe.h" ;;
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
