#!/usr/bin/env bash
# Run one fuzz target for SECONDS over its checked-in seed corpus. New inputs go to a
# scratch directory, so the repository is never written; a crash fails the test and
# leaves the reproducer in the current directory.
set -euo pipefail
bin=$1 seeds=$2 seconds=${3:-15}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$seeds"
# Not exec: the EXIT trap must run after the fuzzer to remove the scratch directory.
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  "$scratch" "$seeds"
