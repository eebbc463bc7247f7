// Each bundler's build of the consumer app (build.mjs wrote them under CONSUMER_DIR/dist/) served
// on loopback with the README's CSP, opened in Debian's Chromium, its calls through the relay checked.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { assertChecked, launch, readmeCsp, runCheck, simCases } from "../pkg/consumer.mjs";
import { serve } from "../pkg/serve.mjs";

const { CONSUMER_DIR, RELAY_URL, PAGE_PORT } = process.env;
let site, browser, cases;

before(async () => {
  // The port the relay's --cors-origin names: the pages call it cross-origin.
  site = await serve(join(CONSUMER_DIR, "dist"), Number(PAGE_PORT), {
    headers: { "content-security-policy": readmeCsp(RELAY_URL) },
  });
  cases = await simCases(RELAY_URL);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

for (const bundler of ["vite", "webpack", "esbuild", "rollup"]) {
  test(`the ${bundler} build calls the relay`, async () => {
    assertChecked(await runCheck(browser, `${site.url}${bundler}/index.html`, RELAY_URL, cases), cases);
  });
}

// What the READMEs say happens without the recipe: the .wasm is not copied, and the first call
// rejects with a RemedyError saying so (the browser's 404 as its cause).
for (const bundler of ["esbuild", "rollup"]) {
  test(`${bundler} without the README's recipe: the first call rejects with wasm_not_loaded`, async () => {
    const { result } = await runCheck(browser, `${site.url}${bundler}-bare/index.html`, RELAY_URL, cases);
    assert.match(result.failure, /^RemedyError: the WebAssembly module did not load: Error: failed to fetch Wasm: 404/);
    assert.equal(result.failureProblem, "wasm_not_loaded");
  });
}
