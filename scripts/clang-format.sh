#!/usr/bin/env bash
# Runs the clang-format this repository's .clang-format is written for, with the arguments
# given. Versions format differently and InsertBraces needs 15 or later, so the version is
# pinned: clang-format-15, or a plain clang-format that is version 15. CLANG_FORMAT overrides.
set -euo pipefail
want=15
if [ -n "${CLANG_FORMAT:-}" ]; then
  exec "$CLANG_FORMAT" "$@"
fi
if command -v "clang-format-$want" >/dev/null 2>&1; then
  exec "clang-format-$want" "$@"
fi
if command -v clang-format >/dev/null 2>&1 &&
  clang-format --version | grep -Eq "version $want\."; then
  exec clang-format "$@"
fi
echo "clang-format $want is needed (scripts/deps.sh test installs clang-format-$want)" >&2
exit 2
