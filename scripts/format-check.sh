#!/usr/bin/env bash
# Fails when any tracked C file differs from what clang-format (.clang-format) would write.
# With --fix, rewrites those files instead (make format).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find service include tests bench -name '*.[ch]')
[ -n "$files" ] || exit 0
if [ "${1:-}" = --fix ]; then
  echo "$files" | xargs scripts/clang-format.sh -i
else
  echo "$files" | xargs scripts/clang-format.sh --dry-run -Werror
fi
