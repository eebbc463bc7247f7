#!/usr/bin/env bash
# Installs what the build and the tests need, skipping each piece that is already present, so it is
# cheap to run before every `make test` and works on a bare machine (crates.io, Debian and npm only).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# Root is what CI and these machines run as; elsewhere use sudo for apt when it exists.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  say "installing Debian packages: $*"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The CLI must be byte-for-byte the version of the crate, which Cargo.toml pins with `=`.
wasm_bindgen_version() { sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want=$(wasm_bindgen_version)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  # --locked fails today (the index lacks one pinned transitive version), so it is left off.
  say "installing wasm-bindgen-cli $want (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$want"
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt_install chromium chromium-driver
fi

# Without a CJK font, headless Chromium draws the page's Chinese as empty boxes in screenshots.
if ! fc-list 2>/dev/null | grep -qi -e "WenQuanYi" -e "Noto Sans CJK"; then
  apt_install fonts-wqy-microhei
fi

if [ "${1:-}" = "--bench" ]; then
  missing=()
  for tool in wrk nginx hyperfine; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
fi

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  say "installing npm tools (typescript, binaryen's wasm-opt, playwright-core, the Feishu Node SDK, the bundlers test-bundlers builds with)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi
say "ready"
