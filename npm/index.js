// The package entry: wasm-bindgen's glue, wrapped so that init() cannot be forgotten. The first
// call loads the module itself (init() stays, to load it early or from elsewhere), configure()
// before that keeps its options until the module can check them, and a module that does not load
// is a RemedyError. RemedyError comes from the very module file the glue imports, so there is one
// class and `err instanceof RemedyError` holds for every error the package rejects with.
// (scripts/build-pkg.sh fills in the snippet directory, whose name wasm-bindgen derives from a hash,
// and makes pkg/node.js from this file with npm/node.js's wasmBeside.)
import load, * as glue from "./feishu_remedy.js";
import { RemedyError, makeRemedyError } from "./snippets/@SNIPPET_DIR@/src/wasm/remedy_error.js";

export { RemedyError };

// What init() loads when given nothing. Undefined: the glue's own
// `new URL("feishu_remedy_bg.wasm", import.meta.url)`, which browsers fetch and Vite and webpack 5 follow.
const wasmBeside = () => undefined;

let ready = false; // the module is instantiated: configure() can check its options now
let kept; // [options] of the last configure() before that, applied once it is

/** Loads the module once (later calls share it); `{ module_or_path }` says from where. */
export default function init(options) {
  return load(options ?? { module_or_path: ready ? undefined : wasmBeside() }).then(applyKept, (e) => {
    throw notLoaded(e);
  });
}

/** The synchronous form, for bytes or a compiled `WebAssembly.Module` at hand: `initSync({ module })`. */
export function initSync(options) {
  return applyKept(glue.initSync(options));
}

/** Stores the options every call starts from; before the module is loaded, keeps them until it is. */
export function configure(options) {
  if (ready) glue.configure(options);
  else kept = [options];
}

/** Which punches of one day can still be corrected (loads the module first if need be). */
export const queryAllowedRemedys = loaded(glue.queryAllowedRemedys);

/** Every day of a range, in date order (loads the module first if need be). */
export const queryAllowedRemedysRange = loaded(glue.queryAllowedRemedysRange);

/** Who is signed in at the relay, or null when no one is (loads the module first if need be). */
export const currentUser = loaded(glue.currentUser);

// Straight through once the module is ready (the same promise, no extra tick); before, after init().
function loaded(call) {
  return (...args) => (ready ? call(...args) : init().then(() => call(...args)));
}

// The options configure() kept: checked now, so a bad one fails the call that loaded the module
// (init() or the first query) with configure's own validation error. Applied once.
function applyKept(output) {
  ready = true;
  const options = kept;
  kept = undefined;
  if (options) glue.configure(options[0]);
  return output;
}

// A module that did not load (a .wasm the bundler did not copy, a 404, a server's HTML in its
// place) as a RemedyError like any other failure; the next call tries again.
function notLoaded(cause) {
  const e = makeRemedyError(
    `the WebAssembly module did not load: ${cause}`,
    "network", null, null, null, null, null, "network", null, "wasm_not_loaded",
    "无法加载 .wasm 文件",
    "The .wasm file did not load",
    "把 feishu_remedy_bg.wasm 放在本包旁边提供，或传给 init({ module_or_path })",
    "Serve feishu_remedy_bg.wasm beside the package, or pass it to init({ module_or_path })",
    false, null, false,
  );
  e.cause = cause;
  return e;
}
