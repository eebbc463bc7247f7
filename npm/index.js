// The package entry. Everything but RemedyError comes from wasm-bindgen's output; RemedyError is
// re-exported from the very module file the wasm glue imports, so there is one class and
// `err instanceof RemedyError` holds for every error the module rejects with.
// (scripts/build-pkg.sh fills in the snippet directory, whose name wasm-bindgen derives from a hash.)
export * from "./feishu_remedy.js";
export { default } from "./feishu_remedy.js";
export { RemedyError } from "./snippets/@SNIPPET_DIR@/src/wasm/remedy_error.js";
