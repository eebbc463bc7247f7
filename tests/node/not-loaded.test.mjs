// A module that cannot load rejects with a RemedyError saying what to do, and the next call tries
// again. The browser entry (index.js) in Node gives a real such failure: its default .wasm is a
// file: URL, which Node's fetch cannot read.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { RELAY_URL, simDay } from "./sim.mjs";

const here = (path) => new URL(`./node_modules/feishu-remedy/${path}`, import.meta.url);
const { default: init, queryAllowedRemedys, RemedyError } = await import(here("index.js").href);

const notLoaded = (e) => {
  assert.ok(e instanceof RemedyError && e instanceof Error);
  assert.equal(e.kind, "network");
  assert.equal(e.problem, "wasm_not_loaded");
  assert.equal(e.retryable, false);
  assert.match(e.message, /WebAssembly module did not load/);
  assert.match(e.hint.en, /init\(\{ module_or_path \}\)/);
  assert.ok(e.hint.zh && e.meaning.zh && e.cause);
  return true;
};

test("a module that does not load is a RemedyError; init({ module_or_path }) then loads it", async (t) => {
  const warn = t.mock.method(console, "warn");
  const { request } = await simDay("missing_punch");
  await assert.rejects(queryAllowedRemedys(request, { relayUrl: RELAY_URL }), notLoaded);
  await assert.rejects(init(), notLoaded);
  await init({ module_or_path: readFile(here("feishu_remedy_bg.wasm")) });
  const res = await queryAllowedRemedys(request, { relayUrl: RELAY_URL });
  assert.equal(res.code, 0);
  assert.equal(warn.mock.callCount(), 0, "no deprecation warning from wasm-bindgen");
});
