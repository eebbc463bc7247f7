#!/usr/bin/env bash
# `make size` / `make size-check`: what a page downloads from the package, raw and gzipped (each
# file gzipped alone, as a server sends it): the wasm plus every JavaScript file of the glue.
# With --check (run by `make test`), exits 1 when wasm + JS together exceed the ceiling. Sizes are
# deterministic, so this is a test, unlike timings.
#
# Two numbers, kept apart on purpose: GOAL is issue 4's budget (24 KB gzipped), which this build
# does NOT meet yet; CEILING is a regression guard at today's size (39,874 bytes, rounded up to the
# next KB, plus 1 KB), so the package
# cannot silently grow while the work to reach the goal is open. Issue 13's entry (the module loads
# on first use; a .wasm that does not load is a RemedyError) added 462 bytes: 40,336, still under it.
# Raised by 3,888 bytes, each measured with build-pkg.sh + this script on one base (42,334 bytes
# with the sign-in codes, 40,664 without): issue 13 item 5's checks (hostless relay URLs, unreadable
# headers Maps, configure's range options, the reply size in UTF-8 bytes) 1,182; issue 11's module
# (currentUser, the token option, signInUrl, GET requests) 2,706; the 1,670 of Feishu's sign-in
# codes, which the wasm no longer links, not counted back in. Lower CEILING as the size drops;
# never raise it without saying why in the commit.
set -euo pipefail
cd "$(dirname "$0")/.."

GOAL_GZIP_BYTES=$((24 * 1024))
CEILING_GZIP_BYTES=$((40 * 1024 + 3888))

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
# The baseline measured in the same run: the same wasm before wasm-opt (what -Oz buys).
if [ -f target/pkg-build/feishu_remedy_bg.wasm ]; then
  pre=target/pkg-build/feishu_remedy_bg.wasm
  printf '  baseline, wasm before wasm-opt: %d raw, %d gzip; wasm-opt -Oz keeps %s of the gzip\n' \
    "$(raw "$pre")" "$(gz "$pre")" "$(awk -v a="$(gz pkg/feishu_remedy_bg.wasm)" -v b="$(gz "$pre")" 'BEGIN{printf "%.2f", a/b}')"
fi
ratio=$(awk -v a="$total_gz" -v b="$GOAL_GZIP_BYTES" 'BEGIN{printf "%.2f", a/b}')
printf '  goal (issue 4): %d bytes gzipped (24 KB): %sx of it, %s\n' "$GOAL_GZIP_BYTES" "$ratio" \
  "$([ "$total_gz" -le "$GOAL_GZIP_BYTES" ] && echo met || echo NOT met)"
printf '  ceiling (regression guard of --check): %d bytes gzipped\n' "$CEILING_GZIP_BYTES"

if [ "${1:-}" = "--check" ] && [ "$total_gz" -gt "$CEILING_GZIP_BYTES" ]; then
  echo "size: over the ceiling by $((total_gz - CEILING_GZIP_BYTES)) bytes gzipped" >&2
  exit 1
fi
