// The app esbuild builds, with the README's recipe: esbuild does not follow
// `new URL("…wasm", import.meta.url)`, so the .wasm is imported with its file loader
// (--loader:.wasm=file), which copies it into the output, and its URL given to init().
import init, * as remedy from "feishu-remedy";
import wasmUrl from "feishu-remedy/feishu_remedy_bg.wasm";
import { check } from "./check.js";

await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
window.__result = await check(remedy);
