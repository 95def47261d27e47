#!/usr/bin/env bash
# Every shell script of the project passes shellcheck at warning level (errors and warnings;
# style and info notes are not enforced). Fails naming each finding.
# usage: scripts/check-shell.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.sh' .ci/run)
else
  mapfile -t files < <(find . -path ./build -prune -o -path ./tests/node_modules -prune -o \
    -name '*.sh' -print; echo .ci/run)
fi
exec shellcheck --severity=warning "${files[@]}"
