// Shortens the names by which the wasm module imports the glue's functions, in both files.
//
// wasm-bindgen names every import after the Rust item plus a 16-digit hash
// (`__wbg_addEventListener_847fd86b8c33ec43`) under the module "./feishu_remedy_bg.js". The names
// are written twice, once in the wasm's import section and once as keys of the glue's import
// object, and the hashes do not compress: about 2.5 KB of the gzipped package. Here each becomes
// a short name (`a`, `b`, ... `aa`, ...) and the module `a`, in the wasm and in the glue together.
//
// Nothing is guessed: every import of that module must appear in the glue exactly once, as a key
// (`name: function`), and nowhere else, and the module name exactly once, as the import object's
// key; otherwise this stops with an error and the build fails, rather than shipping a package
// whose instantiation would fail. Exports are not touched.
//
// Usage: node scripts/minify-imports.mjs pkg/feishu_remedy_bg.wasm pkg/feishu_remedy.js
import fs from "node:fs";

const [wasmPath, jsPath] = process.argv.slice(2);
const MODULE = "./feishu_remedy_bg.js";
const fail = (msg) => {
  console.error(`minify-imports: ${msg}`);
  process.exit(1);
};

const wasm = fs.readFileSync(wasmPath);
let js = fs.readFileSync(jsPath, "utf8");

// --- reading the binary ---
let pos = 0;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = wasm[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return result;
  }
};
const name = () => {
  const len = u32();
  const s = wasm.subarray(pos, pos + len).toString("utf8");
  pos += len;
  return s;
};
const limits = () => {
  const flags = wasm[pos++];
  u32();
  if (flags & 1) u32();
};
const encodeU32 = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
};
const encodeName = (s) => {
  const bytes = Buffer.from(s, "utf8");
  return Buffer.concat([encodeU32(bytes.length), bytes]);
};

// Short names: a..z, A..Z, then two letters; all valid unquoted object keys.
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const shortName = (i) => {
  let s = "";
  do {
    s = LETTERS[i % LETTERS.length] + s;
    i = Math.floor(i / LETTERS.length) - 1;
  } while (i >= 0);
  return s;
};

if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a wasm module`);
pos = 8;
const parts = [wasm.subarray(0, 8)];
let renamed = 0;
while (pos < wasm.length) {
  const sectionStart = pos;
  const id = wasm[pos++];
  const size = u32();
  const bodyStart = pos;
  const bodyEnd = bodyStart + size;
  if (id !== 2) {
    parts.push(wasm.subarray(sectionStart, bodyEnd));
    pos = bodyEnd;
    continue;
  }
  const count = u32();
  const entries = [encodeU32(count)];
  const seen = new Map();
  for (let i = 0; i < count; i++) {
    const module = name();
    const field = name();
    const descStart = pos;
    const kind = wasm[pos++];
    if (kind === 0) u32(); // function: type index
    else if (kind === 1) { pos++; limits(); } // table: reference type, limits
    else if (kind === 2) limits(); // memory
    else if (kind === 3) pos += 2; // global: value type, mutability
    else if (kind === 4) { pos++; u32(); } // tag
    else fail(`unknown import kind ${kind}`);
    const desc = wasm.subarray(descStart, pos);
    if (module !== MODULE) {
      entries.push(encodeName(module), encodeName(field), desc);
      continue;
    }
    if (!seen.has(field)) seen.set(field, shortName(seen.size));
    entries.push(encodeName("a"), encodeName(seen.get(field)), desc);
  }
  if (pos !== bodyEnd) fail("the import section did not parse to its end");
  for (const [long, short] of seen) {
    const escaped = long.replace(/[$]/g, "\\$");
    const everywhere = js.match(new RegExp(`\\b${escaped}\\b`, "g")) ?? [];
    const asKey = new RegExp(`^(\\s*)${escaped}:`, "m");
    if (everywhere.length !== 1 || !asKey.test(js)) {
      fail(`import ${long} is not exactly one key of the glue's import object`);
    }
    js = js.replace(asKey, `$1${short}:`);
    renamed++;
  }
  const moduleKey = `${JSON.stringify(MODULE)}:`;
  if (js.split(moduleKey).length !== 2) fail(`the glue does not name ${MODULE} exactly once`);
  js = js.replace(moduleKey, `"a":`);
  const body = Buffer.concat(entries);
  parts.push(Buffer.from([2]), encodeU32(body.length), body);
  pos = bodyEnd;
}
if (!renamed) fail(`no import of ${MODULE} found`);

fs.writeFileSync(wasmPath, Buffer.concat(parts));
fs.writeFileSync(jsPath, js);
console.log(`minify-imports: ${renamed} imports renamed`);
