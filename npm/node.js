// The Node entry (package.json's "node" condition; SSR frameworks and scripts get it): index.js with
// this wasmBeside in place of its own. Node's fetch cannot read file: URLs, so init() without
// arguments reads the .wasm beside this file with node:fs, when it is first needed (never at
// import). scripts/build-pkg.sh writes pkg/node.js as this file followed by index.js; browser
// bundlers resolve index.js and never see node:fs.
import { readFile } from "node:fs/promises";

const wasmBeside = () => readFile(new URL("feishu_remedy_bg.wasm", import.meta.url));
