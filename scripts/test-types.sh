#!/usr/bin/env bash
# `make test-types`: the package's TypeScript declarations, as a consumer sees them. tsc compiles
# tests/types/consumer.ts against pkg/index.d.ts; its @ts-expect-error lines prove the types are
# exact (literal unions, no `any`), because an expected error that does not happen fails tsc.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f pkg/index.d.ts ]; then
  echo "test-types: pkg/ is missing: run \`make pkg\` first" >&2
  exit 1
fi
# The public declarations (not wasm-bindgen's internal InitOutput table) must never say `any`.
if grep -nE '^export (declare )?(function|type|interface|class)' pkg/feishu_remedy.d.ts | grep -wE 'any'; then
  echo "test-types: a public declaration in pkg/feishu_remedy.d.ts uses \`any\` (above)" >&2
  exit 1
fi
node_modules/.bin/tsc -p tests/types/tsconfig.json
echo "test-types: consumer.ts compiles, and every @ts-expect-error line is an error"
