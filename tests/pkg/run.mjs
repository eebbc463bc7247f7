// The npm-pack install test: the consumer directory (scripts/test-pkg.sh installed the tarball in
// it) served over HTTP, index.html opened in Debian's Chromium, its results checked.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const { CONSUMER_DIR, RELAY_URL, PAGE_PORT } = process.env;
const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

test("the installed package works on a plain page", async () => {
  // The port the harness started the relay's --cors-origin with: the page calls it cross-origin.
  const site = await serve(CONSUMER_DIR, Number(PAGE_PORT));
  const dataset = await (await fetch(new URL("/_sim/dataset", RELAY_URL))).json();
  const byName = (n) => dataset.cases.find((c) => c.name === n);
  const q = new URLSearchParams({
    relay: RELAY_URL,
    ok: JSON.stringify(byName("missing_punch")),
    bad: JSON.stringify(byName("group_forbids")),
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${site.url}index.html?${q}`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20000 });
    const r = await page.evaluate(() => window.__result);
    assert.equal(r.failure, undefined, r.failure);
    assert.equal(r.code, 0);
    assert.equal(r.rows, byName("missing_punch").remedys.length);
    assert.ok(r.logId, "log id");
    assert.equal(r.instanceOf, true, "err instanceof RemedyError, with the class imported from the package");
    assert.equal(r.isError, true);
    assert.equal(r.errorCode, 1226502);
    assert.ok(r.errorLogId);
    assert.ok(r.hint);
    assert.equal(r.validation, true);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await site.close();
  }
});
