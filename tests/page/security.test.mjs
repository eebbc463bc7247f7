// What comes from people and servers is shown as text, never run: a user id made of HTML and script
// stays inert, and the Content-Security-Policy really is in force.

import { test } from "node:test";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { openPage, lookUp, settled, finish, assert } from "./harness.mjs";
import { DATA } from "./dataset.mjs";

const WWW = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "www");
// Each within the 64 characters a user id may have, so the page really sends it to the relay and
// renders the relay's answer around it (an over-long id would stop at validation, proving less).
const HOSTILE = [
  `<img src=x onerror="window.__pwned='img'"><b>bold</b>`,
  `<script>window.__pwned='script'</script><i>x</i>`,
];

/** Nothing the hostile id carries may have become an element or run. */
async function assertInert(page) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "no injected script ran");
  assert.equal(await page.locator("img").count(), 0, "no <img> element was created");
  assert.equal(await page.locator("#results script, #results b").count(), 0, "no injected elements");
}

test("a user id made of HTML and script is shown as text, in a day and in a month", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  const asked = [];
  page.on("request", (r) => { if (r.url().includes("query_user_allowed_remedys")) asked.push(r.postDataJSON()?.user_id); });

  for (const hostile of HOSTILE) {
    assert.ok(hostile.length <= 64, "short enough to pass validation");
    await lookUp(page, { userId: hostile, date: DATA.missing.date });
    await settled(page, 60000);
    assert.equal(await page.textContent("#results h2 .user"), hostile, "the id appears literally");
    assert.ok(asked.includes(hostile), "the id went to the relay and its answer was rendered");
    await assertInert(page);

    await lookUp(page, { userId: hostile, month: DATA.month.month });
    await settled(page, 60000);
    assert.equal(await page.textContent("#results h2 .user"), hostile);
    await assertInert(page);
  }
  assert.deepEqual(dialogs, [], "no dialog opened");
  await finish(ctx, page, "hostile-user-id");
});

test("the Content-Security-Policy allows the wasm and blocks inline script", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  // The module is live (data-ready was set after init), so the wasm compiled under this policy.
  // Now prove the policy bites: an inline script added at run time must be refused.
  const result = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true });
    const s = document.createElement("script");
    s.textContent = "window.__inline = true";
    document.body.append(s);
    setTimeout(() => resolve(window.__inline ? "ran" : "no event"), 1000);
  }));
  assert.match(result, /^script-src/);
  ctx.problems.length = 0; // the violation above was provoked on purpose
  await finish(ctx, page, "csp");
});

test("the page's own code has no innerHTML, inline handlers or inline styles", () => {
  for (const name of readdirSync(WWW)) {
    const text = readFileSync(join(WWW, name), "utf8");
    if (name.endsWith(".js")) {
      assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/, name);
    }
    if (name.endsWith(".html")) {
      assert.doesNotMatch(text, /\son\w+\s*=|\sstyle\s*=|<script(?![^>]*\ssrc=)[^>]*>/i, name);
    }
  }
});
