// The app Vite, webpack 5 and Rollup build: the README's calls, without init() (the first query
// loads the module from wherever the bundler put the .wasm it found through
// `new URL("feishu_remedy_bg.wasm", import.meta.url)`).
import * as remedy from "feishu-remedy";
import { check } from "./check.js";

check(remedy).then((result) => {
  window.__result = result;
});
