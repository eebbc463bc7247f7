// SSR frameworks and scripts import the package in Node: importing either entry must not touch
// anything only a browser has (nor fetch anything). Each name below is replaced by a getter that
// records the access for the time of the imports; the records must stay empty.
import assert from "node:assert/strict";
import { test } from "node:test";

const BROWSER_ONLY = ["window", "document", "self", "location", "navigator", "localStorage", "sessionStorage",
  "XMLHttpRequest", "HTMLElement", "customElements", "indexedDB", "Worker", "fetch", "Request", "Response"];

/** Replaces BROWSER_ONLY on globalThis by recording getters; restore() puts the originals back. */
function trap() {
  const touched = [];
  const saved = BROWSER_ONLY.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]);
  for (const name of BROWSER_ONLY) {
    Object.defineProperty(globalThis, name, { configurable: true, get: () => void touched.push(name) });
  }
  const restore = () => {
    for (const [name, d] of saved) {
      if (d) Object.defineProperty(globalThis, name, d);
      else delete globalThis[name];
    }
  };
  return { touched, restore };
}

test("importing the package touches no browser-only global, and Node gets the node entry", async () => {
  const t = trap();
  let nodeEntry, browserEntry;
  try {
    nodeEntry = await import("feishu-remedy");
    browserEntry = await import(new URL("./node_modules/feishu-remedy/index.js", import.meta.url).href);
  } finally {
    t.restore();
  }
  assert.deepEqual(t.touched, []);
  assert.match(import.meta.resolve("feishu-remedy"), /\/feishu-remedy\/node\.js$/);
  for (const entry of [nodeEntry, browserEntry]) {
    for (const name of ["default", "initSync", "configure", "queryAllowedRemedys", "queryAllowedRemedysRange", "RemedyError"]) {
      assert.equal(typeof entry[name], "function", name);
    }
  }
  assert.equal(nodeEntry.RemedyError, browserEntry.RemedyError, "one RemedyError class for both entries");
});
