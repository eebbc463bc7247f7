// Every type, RemedyError included, is declared in feishu_remedy.d.ts, which wasm-bindgen generates
// from the Rust side (src/wasm/exports.rs). This file only mirrors index.js.
export * from "./feishu_remedy.js";
export { default } from "./feishu_remedy.js";
