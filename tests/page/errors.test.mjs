// Every error outcome of the simulation, as a person sees it: the catalogue's meaning and what to do,
// Feishu's code and message, and the log id with a working copy button.

import { test } from "node:test";
import { openPage, lookUp, settled, tableRows, finish, assert } from "./harness.mjs";
import { DATA } from "./dataset.mjs";

/** Asks the module directly (same instance the page uses) for the error it raises for this case. */
async function moduleError(page, c) {
  return page.evaluate(async ({ user, date, employeeType }) => {
    const m = await import("/pkg/index.js");
    const remedy_date = Number(date.replaceAll("-", ""));
    try {
      await m.queryAllowedRemedys({ params: { employee_type: employeeType }, data: { user_id: user, remedy_date } },
        { relayUrl: location.origin, retries: 0 });
      return null;
    } catch (e) {
      return { meaning: e.meaning && e.meaning.en, hint: e.hint && e.hint.en, code: e.code, msg: e.msg, retryable: e.retryable };
    }
  }, { user: c.user, date: c.date, employeeType: c.employeeType });
}

/** The facts list of the error panel as { label: value }. */
async function facts(page) {
  return page.$$eval("#results .facts dt", (dts) =>
    Object.fromEntries(dts.map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])));
}

/** The HTTP status of every answer to the Feishu API path, in order (observed, never altered). */
function apiStatuses(page) {
  const statuses = [];
  page.on("response", (r) => { if (r.url().includes("query_user_allowed_remedys")) statuses.push({ status: r.status(), at: Date.now(), logId: r.headers()["x-tt-logid"] }); });
  return statuses;
}

const CASES = [...DATA.errors, DATA.rateLimited];

for (const c of CASES) {
  test(`error ${c.expect} (${c.label}): meaning, what to do, Feishu's message and the log id`, async () => {
    const ctx = await openPage();
    const { page, context } = ctx;
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    assert.ok(Number.isInteger(c.expect), `the listing expects an error code for ${c.name}: ${c.expect}`);
    const statuses = apiStatuses(page);
    const expected = await moduleError(page, c);
    assert.ok(expected, "the module rejects this case");
    assert.equal(expected.code, c.expect);

    await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
    await settled(page, 60000);
    // One request for the direct call (no retries), then the page's: retryable outcomes are retried
    // by the module (twice, by default) before the page gives up.
    const tries = 1 + (expected.retryable ? 3 : 1);
    assert.deepEqual(statuses.map((s) => s.status), Array(tries).fill(c.http), "each request's HTTP status");
    if (c.expect === 99991400) {
      // The gateway says x-ogw-ratelimit-reset: 1, and the module waits that long before each retry.
      const gaps = statuses.slice(1).map((s, i, a) => (i ? s.at - a[i - 1].at : null)).slice(1);
      assert.ok(gaps.every((g) => g >= 900), `the retries waited for the reset: ${gaps} ms`);
    }
    const panel = page.locator("#results [role=alert]");
    assert.equal(await panel.count(), 1, "one error panel");
    assert.equal((await panel.locator(".error-title").textContent()).trim(), expected.meaning);
    assert.ok(expected.hint, "the catalogue has a hint");
    assert.equal((await panel.locator(".error-hint").textContent()).trim(), `What to do: ${expected.hint}`);

    const f = await facts(page);
    assert.equal(f.Code, String(c.expect));
    assert.equal(f["HTTP status"], String(c.http));
    if (expected.msg) assert.equal(f["Feishu's message"], expected.msg);
    const logId = (await panel.locator(".logid-value").textContent()).trim();
    assert.match(logId, /^\S{6,}$/, "a log id is shown");
    assert.equal(logId, statuses.at(-1).logId, "it is the log id of the last answer");

    // The copy button puts exactly the log id on the clipboard.
    await panel.getByRole("button", { name: "Copy" }).click();
    await panel.locator(".copy-status", { hasText: "Copied" }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), logId);

    // Only outcomes worth retrying offer to try again.
    assert.equal(await panel.getByRole("button", { name: "Try again" }).count(), expected.retryable ? 1 : 0);
    await finish(ctx, page, `error-${c.expect}-${c.label}`);
  });
}

test("a single 429 is retried by the module and the page shows the day", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const statuses = apiStatuses(page);
  const c = DATA.rateLimitedOnce;
  assert.equal(c.expect, 99991400);
  assert.equal(c.then, "ok");
  assert.ok(c.rows.length >= 1, "the second answer has rows");
  await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
  await settled(page, 60000);
  assert.deepEqual(statuses.map((s) => s.status), [c.http, 200], "rate limited once, then answered");
  assert.equal(await page.locator("#results [role=alert]").count(), 0, "no error shown");
  const rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), c.rows);
  assert.deepEqual(rows.map((r) => r.slice(3)), c.times);
  await finish(ctx, page, "rate-limited-once-retried");
});

/** Submits `userId` and checks the refusal is shown at the field, focused, with no results. */
async function refusedAtTheField(page, userId, text) {
  await page.fill("#user-id", userId);
  await page.click("#submit");
  await page.locator("#user-id-error").waitFor();
  assert.equal(await page.textContent("#user-id-error"), text);
  assert.equal(await page.getAttribute("#user-id", "aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "user-id");
  assert.equal(await page.locator("#results").isHidden(), true, "no results panel");
}

test("the form refuses an empty user id and says why, beside the field", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  await refusedAtTheField(page, "   ", "Enter a user ID.");
  await finish(ctx, page, "form-empty-user-id");
});

test("the module's refusal of a user id is shown at the field, in the page's words", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  // A tab passes the form's own check (it is not blank) but no ID may contain one.
  await refusedAtTheField(page, "E10\t01", "This user ID contains characters an ID cannot have.");
  assert.equal(await page.getAttribute("#user-id", "maxlength"), "64", "longer ids cannot be typed");
  await finish(ctx, page, "form-module-refuses-user-id");
});

test("a proxy's HTML page: the relay's request id is labelled as the relay's, not Feishu's", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const c = DATA.html502;
  await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
  await settled(page, 60000);
  const f = await facts(page);
  assert.ok(!("Log ID" in f), `no Feishu log id claimed: ${JSON.stringify(f)}`);
  assert.match(f["Relay request ID"], /^relay-\S+/);
  assert.match(f["Relay request ID"], /whoever runs the relay/);
  await finish(ctx, page, "proxy-html-relay-id");
});

test("a ?relay= that is not an http(s) URL is refused, and the form stays disabled", async () => {
  const ctx = await openPage({ query: "?relay=javascript:alert(1)", wait: false });
  const { page } = ctx;
  await page.locator("#results [role=alert]").waitFor();
  assert.match(await page.textContent("#results"), /not an http\(s\) URL/);
  assert.equal(await page.isDisabled("#submit"), true);
  await finish(ctx, page, "bad-relay-param");
});
