#!/usr/bin/env bash
# `make pkg`: the npm package in pkg/. Release wasm, wasm-bindgen --target web (an ES module that
# works with and without a bundler), wasm-opt -Oz, then the maintained files from npm/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# The wasm features rustc emits for wasm32-unknown-unknown; wasm-opt must neither drop them nor add
# others (--all-features would let it write encodings browsers do not read yet).
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-reference-types --enable-multivalue --enable-mutable-globals)

# strip=false for this build only: wasm-bindgen reads the target_features section that stripping
# removes; wasm-opt strips debug info and names afterwards.
CARGO_PROFILE_RELEASE_STRIP=false cargo build --release --target wasm32-unknown-unknown -p feishu-remedy

build=target/pkg-build
rm -rf "$build" pkg
mkdir -p "$build" pkg
wasm-bindgen --target web --out-dir "$build" target/wasm32-unknown-unknown/release/feishu_remedy.wasm
# --strip-target-features: that section is for wasm-bindgen (already run); browsers ignore it.
wasm-opt -Oz "${WASM_FEATURES[@]}" --strip-debug --strip-producers --strip-target-features \
  "$build/feishu_remedy_bg.wasm" -o pkg/feishu_remedy_bg.wasm
cp "$build/feishu_remedy.js" "$build/feishu_remedy.d.ts" pkg/
# Short import names in the wasm and the glue together (the hashed ones cost ~2 KB gzipped).
node scripts/minify-imports.mjs pkg/feishu_remedy_bg.wasm pkg/feishu_remedy.js
cp -r "$build/snippets" pkg/

# index.js re-exports RemedyError from the snippet module the glue itself imports (one class).
snippet_dir=$(cd pkg/snippets && ls -d feishu-remedy-*)
if [ "$(echo "$snippet_dir" | wc -l)" != 1 ]; then
  echo "build-pkg: expected one snippet directory, found: $snippet_dir" >&2
  exit 1
fi
# The class's module sits beside the Rust that imports it (src/wasm/js_error.rs), and wasm-bindgen
# keeps that path under the snippet directory; index.js names the same path.
if [ ! -f "pkg/snippets/$snippet_dir/src/wasm/remedy_error.js" ]; then
  echo "build-pkg: pkg/snippets/$snippet_dir/src/wasm/remedy_error.js is missing" >&2
  exit 1
fi
sed "s/@SNIPPET_DIR@/$snippet_dir/" npm/index.js >pkg/index.js
# pkg/node.js: the same entry with npm/node.js's wasmBeside (node:fs) in place of index.js's.
if [ "$(grep -c '^const wasmBeside = ' pkg/index.js)" != 1 ]; then
  echo "build-pkg: npm/index.js must define wasmBeside on one line" >&2
  exit 1
fi
{ cat npm/node.js; grep -v '^const wasmBeside = ' pkg/index.js; } >pkg/node.js
cp npm/index.d.ts npm/package.json npm/README.md LICENSE pkg/

# The shipped JavaScript minified (the .d.ts and the README keep the documentation): 0.95 KB less
# gzipped than the glue with comments stripped. Exported names cannot change; --keep-classnames keeps
# `RemedyError` as the class's name in stack traces and devtools. Then a syntax check.
js_files=(pkg/index.js pkg/node.js pkg/feishu_remedy.js $(find pkg/snippets -name '*.js'))
for f in "${js_files[@]}"; do
  terser "$f" --module --compress passes=2 --mangle --keep-classnames --output "$f"
  node --check "$f"
done

# The package's version is maintained in npm/package.json; it must match the crate's.
crate_version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
npm_version=$(node -p 'require("./npm/package.json").version')
if [ "$crate_version" != "$npm_version" ]; then
  echo "build-pkg: npm/package.json is $npm_version but Cargo.toml is $crate_version" >&2
  exit 1
fi
echo "build-pkg: pkg/ ready ($(du -sh pkg | cut -f1)); scripts/size.sh for the budget"
