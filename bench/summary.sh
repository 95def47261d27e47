#!/usr/bin/env bash
# Summarises several `make bench` reports (bench/results/<stamp>.md): for every scenario and
# engine, the ratio to the same run's ceiling and the requests per second as min / median /
# max over the runs, with the target and how many runs met it. Single 6-second runs spread by
# ±20 % on a small machine; a miss or a pass is decided by the median.
#
#   bench/summary.sh bench/results/A.md bench/results/B.md bench/results/C.md
#   bench/summary.sh --last 3          # the three newest reports in bench/results/
#
# Reads the scenario tables the reports print ("| scenario | conns | rps | p50 ms | p99 ms |
# × ceiling | target | result | ujikomd RSS MB |", since 2026-12-07 with "ceiling rps", the
# ceiling each ratio is to, after it): the first is SQLite's, the one under
# "## PostgreSQL beside SQLite" PostgreSQL's. Prints markdown.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
files=()
if [ "${1:-}" = --last ]; then
  n=${2:?--last needs a count}
  mapfile -t files < <(find "$here/results" -maxdepth 1 -name '20*Z.md' | sort | tail -n "$n")
else
  files=("$@")
fi
if [ "${#files[@]}" -eq 0 ]; then
  echo "usage: bench/summary.sh REPORT.md... | --last N" >&2
  exit 2
fi
for f in "${files[@]}"; do
  [ -r "$f" ] || { echo "bench/summary.sh: cannot read $f" >&2; exit 2; }
done

echo "# ujikom benchmark: ${#files[@]} runs summarised"
echo
for f in "${files[@]}"; do
  echo "- $(basename "$f"): $(sed -n 's/^Ceiling (minimal libmicrohttpd, 1 KB body, keep-alive): \([0-9.]*\) rps at 64.*/ceiling \1 rps at 64 connections/p' "$f")"
done
echo

awk '
  function median(list, n,    a, i, j, t) {
    split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function lo(list,    a, n, i, m) { n = split(list, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
  function hi(list,    a, n, i, m) { n = split(list, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 > m + 0) m = a[i]; return m }
  FNR == 1 { engine = "SQLite"; in_table = 0 }
  /^## PostgreSQL beside SQLite/ { engine = "PostgreSQL" }
  /^\| scenario \| conns \| rps \| p50 ms \| p99 ms \| × ceiling \|/ { in_table = 1; next }
  in_table && /^\|---/ { next }
  in_table && !/^\|/ { in_table = 0; next }
  in_table {
    n = split($0, c, "|")
    for (i = 2; i < n; i++) { gsub(/^ +| +$/, "", c[i]) }
    key = engine "\t" c[2] "\t" c[3]
    if (!(key in seen)) { seen[key] = 1; order[++keys] = key; target[key] = c[8] }
    ratio[key] = ratio[key] " " c[7]
    rps[key] = rps[key] " " c[4]
    runs[key]++
    if (c[9] == "met") met[key]++
  }
  END {
    print "| engine | scenario | conns | runs | × ceiling min / median / max | rps min / median / max | target | met in |"
    print "|---|---|---:|---:|---|---|---|---:|"
    for (k = 1; k <= keys; k++) {
      key = order[k]
      split(key, p, "\t")
      r = runs[key]
      t = target[key] == "-" ? "-" : target[key]
      m = t == "-" ? "-" : (met[key] + 0) " of " r
      printf "| %s | %s | %s | %d | %s / %s / %s | %s / %s / %s | %s | %s |\n", p[1], p[2], p[3], r,
             lo(ratio[key]), sprintf("%.2f", median(ratio[key], r)), hi(ratio[key]),
             lo(rps[key]), sprintf("%.1f", median(rps[key], r)), hi(rps[key]), t, m
    }
  }
' "${files[@]}"
