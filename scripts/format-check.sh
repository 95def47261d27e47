#!/usr/bin/env bash
# Fails when any tracked C file differs from what clang-format (.clang-format) would write.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find service include tests -name '*.[ch]')
[ -n "$files" ] || exit 0
echo "$files" | xargs clang-format --dry-run -Werror
