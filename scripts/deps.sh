#!/usr/bin/env bash
# Install the Debian packages a goal needs, or say exactly which are missing.
# usage: scripts/deps.sh run|test|bench|fuzz
set -euo pipefail

goal=${1:-run}

build_pkgs=(cmake make gcc pkg-config sqlite3
  libmicrohttpd-dev libsqlite3-dev libssl-dev libqrencode-dev libpng-dev
  libjansson-dev libyaml-dev libcbor-dev libhpdf-dev libutf8proc-dev zlib1g-dev libzxcvbn-dev libcurl4-openssl-dev fonts-dejavu-core
  libmagic-dev libgd-dev
  libzip-dev libexpat1-dev libxlsxwriter-dev libpq-dev libdeflate-dev libbrotli-dev
  esbuild zopfli brotli) # web assets: minified and precompressed at build time
test_pkgs=(libcmocka-dev clang libclang-rt-14-dev clang-format-15 clang-tidy shellcheck chromium zbar-tools poppler-utils
  postgresql)
bench_pkgs=(wrk valgrind)

pkgs=("${build_pkgs[@]}")
case "$goal" in
run) ;;
test | fuzz) pkgs+=("${test_pkgs[@]}") ;;
bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
*)
  echo "usage: $0 run|test|bench|fuzz" >&2
  exit 2
  ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node.js runs the integration and browser tests; any node >= 18 will do, so only
# ask Debian for it when there is none on the PATH.
if [ "$goal" != run ] && ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "ujikom: missing Debian packages; run as root:" >&2
  echo "  sudo apt-get update && sudo $line" >&2
  exit 1
fi
echo "ujikom: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists; refresh them only when needed.
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
