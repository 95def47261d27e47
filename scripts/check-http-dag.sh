#!/usr/bin/env bash
# Checks that the modules of service/http form a DAG, and prints its layers.
#
#   check-http-dag.sh [libujikom_http.a]
#
# A module is a file's name without .c/.h (x.c and x.h are module x); the handler files
# h_*.c and their header handlers.h are one module, "handlers"; the generated asset table
# (web_assets.c in the build) belongs to "assets". Two graphs are checked:
#   - includes: module A -> B when x.c or x.h of A has #include "http/B.h". Fails on a
#     cycle (printed) and on an include of a header that does not exist.
#   - symbols (with the library): A -> B when an object of A uses a global symbol that an
#     object of B defines (nm). Fails on a cycle, and on any such use that A's includes
#     (followed transitively) do not reach: a call through an ad-hoc extern declaration
#     would make the include graph lie. Also fails when an object other than server.c's
#     and secheaders.c's uses a libmicrohttpd symbol.
set -uo pipefail
lib=${1:-}
if [ -n "$lib" ]; then
  [ -f "$lib" ] || { echo "check-http-dag: no library $lib" >&2; exit 2; }
  lib=$(realpath "$lib")
fi
cd "$(dirname "$0")/.." || exit 2
dir=service/http

include_edges() {
  for f in "$dir"/*.c "$dir"/*.h; do
    sed -n 's|^[[:space:]]*#[[:space:]]*include[[:space:]]*"http/\([^"]*\)\.h".*|\1|p' "$f" |
      while read -r dep; do
        [ -f "$dir/$dep.h" ] || echo "missing $f http/$dep.h"
        echo "inc $(basename "$f") $dep.h"
      done
    echo "node $(basename "$f")"
  done
}

symbol_edges() {
  [ -n "$lib" ] || return 0
  nm -A -g --defined-only "$lib" | awk -F: '{ split($3, a, " "); print "def", $2, a[3] }'
  nm -A -u "$lib" | awk -F: '{ split($3, a, " "); print "use", $2, a[2] }'
}

{
  include_edges
  symbol_edges
} | awk '
function module(file) {
  sub(/\.(c|h)(\.o)?$/, "", file)
  if (file ~ /^h_/ || file == "handlers") return "handlers"
  if (file == "web_assets") return "assets"
  return file
}
function add(kind, a, b) {
  if (a == b || ((kind, a, b) in edge)) return
  edge[kind, a, b] = 1
  out[kind, a] = out[kind, a] " " b
  nodes[kind, a] = 1
  nodes[kind, b] = 1
}
# Depth-first search; on a back edge, prints the cycle and marks failure.
function visit(kind, n,    list, k, i, m, j, cycle) {
  state[kind, n] = 1
  stack[++depth] = n
  k = split(out[kind, n], list, " ")
  for (i = 1; i <= k; i++) {
    m = list[i]
    if (state[kind, m] == 1) {
      for (j = depth; j >= 1 && stack[j] != m; j--) {}
      cycle = m
      for (j++; j <= depth; j++) cycle = cycle " -> " stack[j]
      printf "check-http-dag: %s cycle: %s -> %s\n", kind, cycle, m >"/dev/stderr"
      bad = 1
    } else if (state[kind, m] != 2) {
      visit(kind, m)
    }
  }
  depth--
  state[kind, n] = 2
}
# Longest path to a leaf; only called on an acyclic graph.
function level(kind, n,    list, k, i, l, best) {
  if ((kind, n) in lvl) return lvl[kind, n]
  best = 0
  k = split(out[kind, n], list, " ")
  for (i = 1; i <= k; i++) {
    l = level(kind, list[i]) + 1
    if (l > best) best = l
  }
  lvl[kind, n] = best
  return best
}
function reaches(a, b,    seen, queue, head, tail, list, k, i, n) {
  head = 1; tail = 1; queue[1] = a; seen[a] = 1
  while (head <= tail) {
    n = queue[head++]
    if (n == b) return 1
    k = split(out["includes", n], list, " ")
    for (i = 1; i <= k; i++)
      if (!(list[i] in seen)) { seen[list[i]] = 1; queue[++tail] = list[i] }
  }
  return 0
}
function check(kind,    key, parts, n, maxl, l, line, count, names, i, j, t) {
  for (key in nodes) {
    split(key, parts, SUBSEP)
    if (parts[1] == kind && state[kind, parts[2]] == 0) visit(kind, parts[2])
  }
  if (bad) return
  maxl = 0
  for (key in nodes) {
    split(key, parts, SUBSEP)
    if (parts[1] != kind) continue
    l = level(kind, parts[2])
    layer[l] = layer[l] " " parts[2]
    if (l > maxl) maxl = l
  }
  printf "%s: no cycle; layers, bottom first:\n", kind
  for (l = 0; l <= maxl; l++) {
    count = split(layer[l], names, " ")
    line = ""
    # sorted, for a stable listing
    for (i = 1; i <= count; i++)
      for (j = i + 1; j <= count; j++)
        if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
    for (i = 1; i <= count; i++) line = line " " names[i]
    printf "  %2d:%s\n", l, line
    delete layer[l]
  }
}
$1 == "missing" { printf "check-http-dag: %s includes %s, which does not exist\n", $2, $3 >"/dev/stderr"; bad = 1; next }
$1 == "node" { nodes["includes", module($2)] = 1; next }
$1 == "inc" { add("includes", module($2), module($3)); next }
$1 == "def" { owner[$3] = module($2); objs[module($2)] = 1; next }
$1 == "use" { uses[++nuses] = module($2) SUBSEP $3; mhd[module($2)] = mhd[module($2)] || ($3 ~ /^MHD_/); next }
END {
  check("includes")
  for (i = 1; i <= nuses; i++) {
    split(uses[i], parts, SUBSEP)
    if (!(parts[2] in owner)) continue
    a = parts[1]; b = owner[parts[2]]
    if (a == b) continue
    add("symbols", a, b)
    if (!bad && !reaches(a, b)) {
      printf "check-http-dag: %s uses %s of %s without including its header\n", a, parts[2], b >"/dev/stderr"
      bad = 1
    }
  }
  for (m in mhd)
    if (mhd[m] && m != "server" && m != "secheaders") {
      printf "check-http-dag: %s uses libmicrohttpd; only the adapter (server.c) may\n", m >"/dev/stderr"
      bad = 1
    }
  if (nuses > 0) {
    for (m in objs) nodes["symbols", m] = 1
    check("symbols")
  }
  exit bad
}'
