// Every error outcome of the simulation, as a person sees it: the catalogue's meaning and what to do,
// Feishu's code and message, and the log id with a working copy button.

import { test } from "node:test";
import { openPage, lookUp, settled, tableRows, finish, assert, API_GLOB } from "./harness.mjs";
import { DATA } from "./dataset.mjs";

/** Asks the module directly (same instance the page uses) for the error it raises for this case. */
async function moduleError(page, c) {
  return page.evaluate(async ({ user, date }) => {
    const m = await import("/pkg/index.js");
    const remedy_date = Number(date.replaceAll("-", ""));
    try {
      await m.queryAllowedRemedys({ params: { employee_type: "employee_id" }, data: { user_id: user, remedy_date } },
        { relayUrl: location.origin, retries: 0 });
      return null;
    } catch (e) {
      return { meaning: e.meaning && e.meaning.en, hint: e.hint && e.hint.en, code: e.code, msg: e.msg, retryable: e.retryable };
    }
  }, { user: c.user, date: c.date });
}

/** The facts list of the error panel as { label: value }. */
async function facts(page) {
  return page.$$eval("#results .facts dt", (dts) =>
    Object.fromEntries(dts.map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])));
}

/**
 * Feishu's gateway when it keeps refusing: 429 with 99991400 and its rate-limit headers. The
 * simulation only rate-limits once per day asked (which the module's retry absorbs), so a lasting
 * limit is played by the test itself, with the same wire format.
 */
async function alwaysRateLimited(page) {
  let n = 0;
  await page.route(API_GLOB, (route) => {
    n += 1;
    return route.fulfill({
      status: 429,
      contentType: "application/json; charset=utf-8",
      headers: { "x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "1", "x-tt-logid": `20261124rl${String(n).padStart(4, "0")}` },
      body: JSON.stringify({ code: 99991400, msg: "request trigger frequency limit" }),
    });
  });
}

const CASES = [...DATA.errors, { name: "rate-limited", user: DATA.rateLimitedOnce.user, date: DATA.rateLimitedOnce.date, code: 99991400, http: 429, setup: alwaysRateLimited }];

for (const c of CASES) {
  test(`error ${c.code} (${c.name}): meaning, what to do, Feishu's message and the log id`, async () => {
    const ctx = await openPage();
    const { page, context } = ctx;
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    if (c.setup) await c.setup(page);
    const expected = await moduleError(page, c);
    assert.ok(expected, "the module rejects this case");
    assert.equal(expected.code, c.code);

    await lookUp(page, { userId: c.user, date: c.date });
    await settled(page, 60000);
    const panel = page.locator("#results [role=alert]");
    assert.equal(await panel.count(), 1, "one error panel");
    assert.equal((await panel.locator(".error-title").textContent()).trim(), expected.meaning);
    assert.ok(expected.hint, "the catalogue has a hint");
    assert.equal((await panel.locator(".error-hint").textContent()).trim(), `What to do: ${expected.hint}`);

    const f = await facts(page);
    assert.equal(f.Code, String(c.code));
    if (c.http) assert.equal(f["HTTP status"], String(c.http));
    if (expected.msg) assert.equal(f["Feishu's message"], expected.msg);
    const logId = (await panel.locator(".logid-value").textContent()).trim();
    assert.match(logId, /^\S{6,}$/, "a log id is shown");

    // The copy button puts exactly the log id on the clipboard.
    await panel.getByRole("button", { name: "Copy" }).click();
    await panel.locator(".copy-status", { hasText: "Copied" }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), logId);

    // Only outcomes worth retrying offer to try again.
    assert.equal(await panel.getByRole("button", { name: "Try again" }).count(), expected.retryable ? 1 : 0);
    await finish(ctx, page, `error-${c.code}-${c.name}`);
  });
}

test("a single 429 is retried by the module and the page shows the day", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const statuses = [];
  page.on("response", (r) => { if (r.url().includes("query_user_allowed_remedys")) statuses.push(r.status()); });
  const c = DATA.rateLimitedOnce;
  await lookUp(page, { userId: c.user, date: c.date });
  await settled(page, 60000);
  assert.deepEqual(statuses, [429, 200], "rate limited once, then answered");
  assert.equal(await page.locator("#results [role=alert]").count(), 0, "no error shown");
  assert.deepEqual((await tableRows(page)).map((r) => r.slice(0, 3)), [["1st", "On duty (in)", "Missing"]]);
  await finish(ctx, page, "rate-limited-once-retried");
});

test("the form refuses an empty user id and says why, beside the field", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  await page.fill("#user-id", "   ");
  await page.click("#submit");
  await page.locator("#user-id-error").waitFor();
  assert.equal(await page.textContent("#user-id-error"), "Enter a user ID.");
  assert.equal(await page.getAttribute("#user-id", "aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "user-id");
  assert.equal(await page.locator("#results").isHidden(), true, "nothing was queried");
  await finish(ctx, page, "form-empty-user-id");
});

test("a ?relay= that is not an http(s) URL is refused, and the form stays disabled", async () => {
  const ctx = await openPage({ query: "?relay=javascript:alert(1)", wait: false });
  const { page } = ctx;
  await page.locator("#results [role=alert]").waitFor();
  assert.match(await page.textContent("#results"), /not an http\(s\) URL/);
  assert.equal(await page.isDisabled("#submit"), true);
  await finish(ctx, page, "bad-relay-param");
});
