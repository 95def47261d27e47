#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) over every C file under service/, as many at once as there
# are cores, and fails on any finding. Needs a configured build directory for its
# compile_commands.json (default build/asan). usage: scripts/tidy.sh [build-dir] [file...]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
build=${1:-build/asan}
shift || true
tidy=${CLANG_TIDY:-clang-tidy}
if ! command -v "$tidy" >/dev/null 2>&1; then
  echo "tidy: $tidy is missing (scripts/deps.sh test installs clang-tidy)" >&2
  exit 2
fi
# TIDY_CHECKS adds to or narrows .clang-tidy's list (make analyze uses it).
extra=()
[ -z "${TIDY_CHECKS:-}" ] || extra=(--checks="$TIDY_CHECKS")
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy: $build/compile_commands.json is missing; configure the build first" >&2
  exit 2
fi
if [ $# -gt 0 ]; then
  files=$(printf '%s\n' "$@")
else
  files=$(git ls-files 'service/*.c' 2>/dev/null || find service -name '*.c')
fi
# Generated sources (web assets, migrations, the password list) are not checked: they are
# not in service/. Each clang-tidy prints its findings when it ends, so they do not interleave.
echo "$files" | xargs -P "$(nproc)" -n 2 "$tidy" -p "$build" --quiet --warnings-as-errors='*' \
  "${extra[@]}" 2>/dev/null
rc=$?
[ $rc -eq 0 ] || echo "tidy: findings above (clang-tidy, .clang-tidy)" >&2
exit $rc
