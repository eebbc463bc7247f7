#!/usr/bin/env bash
# `make size` / `make size-check`: what a page downloads from the package, raw and gzipped (each
# file gzipped alone, as a server sends it): the wasm plus every JavaScript file of the glue.
# With --check, exits 1 when wasm + JS together exceed the budget. Sizes are deterministic, so
# this is a test, unlike timings.
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET_GZIP_BYTES=$((24 * 1024))

if [ ! -f pkg/feishu_remedy_bg.wasm ]; then
  echo "size: pkg/ is missing: run \`make pkg\` first" >&2
  exit 1
fi

gz() { gzip -9 -n -c "$1" | wc -c; }
raw() { wc -c <"$1"; }

total_raw=0
total_gz=0
row() { printf '  %-58s %8s %8s\n' "$1" "$2" "$3"; }
row file raw gzip
for f in pkg/feishu_remedy_bg.wasm pkg/feishu_remedy.js pkg/index.js $(find pkg/snippets -name '*.js' | sort); do
  r=$(raw "$f")
  g=$(gz "$f")
  total_raw=$((total_raw + r))
  total_gz=$((total_gz + g))
  row "${f#pkg/}" "$r" "$g"
done
row "total (wasm + JS)" "$total_raw" "$total_gz"
printf '  budget: %d bytes gzipped (%d KB)\n' "$BUDGET_GZIP_BYTES" $((BUDGET_GZIP_BYTES / 1024))

if [ "${1:-}" = "--check" ] && [ "$total_gz" -gt "$BUDGET_GZIP_BYTES" ]; then
  echo "size: OVER BUDGET by $((total_gz - BUDGET_GZIP_BYTES)) bytes gzipped" >&2
  exit 1
fi
