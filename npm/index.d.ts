// Every type, RemedyError included, is declared in feishu_remedy.d.ts, which wasm-bindgen generates
// from the Rust side (src/wasm/exports.rs). This file mirrors index.js (and node.js, the same API):
// the glue's exports, with init() and initSync() in the object form only.
import type { InitInput, InitOutput, SyncInitInput } from "./feishu_remedy.js";
export * from "./feishu_remedy.js";

/**
 * Loads the WebAssembly module, once (later calls share it). Optional: the first query loads it
 * itself; await it to load early, or to load from elsewhere. Without `module_or_path`: in a browser
 * or a bundler, `feishu_remedy_bg.wasm` beside the module (fetched); in Node, read from disk.
 * Rejects with a `RemedyError` (kind `network`, problem `wasm_not_loaded`) when it cannot load;
 * also with configure()'s validation error when options configure() kept before are invalid.
 */
export default function init(options?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<InitOutput>;

/** Loads the module synchronously from bytes or a compiled `WebAssembly.Module`. */
export function initSync(options: { module: SyncInitInput }): InitOutput;
