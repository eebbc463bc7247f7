// The month view: a progress bar while the days load, a calendar grid of outcomes, a day's table on
// click, and a month that can be cancelled half-way.

import { test } from "node:test";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { openPage, lookUp, settled, tableRows, finish, shot, assert, API_GLOB, DOCS } from "./harness.mjs";
import { DATA } from "./dataset.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Slows every Feishu call down so a person (and the test) can see the month load. */
async function slowApi(page, ms, requests = []) {
  await page.route(API_GLOB, async (route) => {
    requests.push(Date.now());
    await sleep(ms);
    // The page may have aborted the request meanwhile (cancel): then there is nothing to continue.
    await route.continue().catch(() => {});
  });
  return requests;
}

/** What a day's cell must say, from the listing's outcome for that day: null if it is a problem. */
function cellText(day) {
  if (day.expect === "ok") return day.rows ? `${day.rows} to correct` : "Nothing to correct";
  if (day.expect === 1226501) return "Nothing to correct"; // Feishu's "all fine that day"
  return null;
}

/** Samples the progress bar until the query ends; returns every distinct value seen. */
async function watchProgress(page) {
  const seen = [];
  for (let i = 0; i < 400; i += 1) {
    const s = await page.evaluate(() => {
      const p = document.getElementById("progress");
      const bar = document.getElementById("progress-bar");
      return { shown: !p.hidden, value: bar.value, max: bar.max, text: document.getElementById("progress-text").textContent };
    });
    if (s.shown && !seen.some((x) => x.value === s.value)) seen.push(s);
    if (!s.shown && seen.length) break;
    await sleep(25);
  }
  return seen;
}

test("month: progress while loading, a grid of outcomes, and a day's table on click", async () => {
  const ctx = await openPage({ width: 1100, height: 1000 });
  const { page } = ctx;
  const c = DATA.month;
  assert.ok(c.days.some((d) => d.expect === "ok" && d.rows >= 1), "the listed month has a day to correct");
  await slowApi(page, 60);
  await lookUp(page, { userId: c.user, month: c.month, employeeType: c.employeeType });
  const seen = await watchProgress(page);
  await settled(page);
  const total = c.days.length;
  // The bar moved through intermediate values towards the number of days, with a matching caption.
  assert.ok(seen.length >= 3, `progress seen: ${JSON.stringify(seen)}`);
  assert.ok(seen.every((s) => s.max === total), "max is the number of days");
  assert.ok(seen.some((s) => s.value > 0 && s.value < total), "an intermediate value was shown");
  assert.match(seen[seen.length - 1].text, new RegExp(`of ${total} days`));
  assert.equal(await page.isHidden("#progress"), true, "the bar goes away when done");

  const days = page.locator("#results button.day");
  assert.equal(await days.count(), total, "one button per day");
  // Every day says what the simulation answers for it.
  for (const day of c.days) {
    const button = page.locator(`#results button.day[data-date="${day.date}"]`);
    const text = cellText(day);
    if (text) assert.equal((await button.locator(".day-status").textContent()).trim(), text, `cell ${day.date}`);
    else assert.match(await button.getAttribute("class"), /\bday-(error|skipped)\b/, `cell ${day.date}`);
  }
  assert.match(await page.textContent("#results .summary"), /days with punches to correct/);

  // Clicking a day with punches shows its table under the grid.
  const open = page.locator(`#results button.day[data-date="${c.open.date.replaceAll("-", "")}"]`);
  await open.click();
  assert.equal(await open.getAttribute("aria-pressed"), "true");
  const rows = await tableRows(page, "#day-detail");
  assert.ok(rows.length >= 1, "the day's table has rows");
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), c.open.rows);
  assert.deepEqual(rows.map((r) => r.slice(3)), c.open.times);
  await shot(page, "month-view");
  // The README's picture is re-taken only when asked (UPDATE_DOCS=1 scripts/test-page.sh), so a
  // test run leaves the tracked tree as it found it.
  if (process.env.UPDATE_DOCS === "1") {
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, "month-view.png"), fullPage: true });
  }
  await finish(ctx, page, "month-view-day-open");
});

test("month where the group forbids corrections: the reason, then later days not asked", async () => {
  const c = DATA.monthForbidden;
  assert.ok(c.days.every((d) => d.expect === 1226502), "the group forbids corrections on every listed day");
  const ctx = await openPage();
  const { page } = ctx;
  await lookUp(page, { userId: c.user, month: c.month, employeeType: c.employeeType });
  await settled(page);
  const kinds = await page.$$eval("#results button.day", (bs) => bs.map((b) => b.className.replace(/^day /, "")));
  assert.ok(kinds.includes("day-error"), "at least one day shows the reason");
  assert.ok(kinds.includes("day-skipped"), "later days are marked not asked");
  assert.ok(!kinds.includes("day-ok"), "no day claims punches to correct");
  await page.locator("#results button.day-skipped").first().click();
  assert.match(await page.textContent("#day-detail"), /Not asked/);
  assert.equal(await page.locator("#day-detail [role=alert]").count(), 1, "the reason is shown for a skipped day");
  await finish(ctx, page, "month-group-forbids");
});

test("a month fills in day by day; cancelled, it stops asking and keeps the days it had", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const c = DATA.month;
  const requests = await slowApi(page, 400);
  await lookUp(page, { userId: c.user, month: c.month, employeeType: c.employeeType });
  await page.locator("#cancel").waitFor({ state: "visible" });
  // The first days appear in the grid while the rest still load.
  const answered = page.locator("#results button.day:not(.day-pending)");
  await answered.first().waitFor();
  assert.equal(await page.isVisible("#cancel"), true, "still loading");
  // An answered day opens while the month loads.
  const first = answered.first();
  const date = await first.getAttribute("data-date");
  await first.click();
  assert.match(await page.textContent("#day-detail h3"), new RegExp(String(Number(date) % 100)));
  await page.click("#cancel");
  await page.locator("#results .notice.warn").waitFor();
  const atCancel = requests.length;
  assert.match(await page.textContent("#results .notice.warn"), /Cancelled/);
  assert.equal(await page.isHidden("#cancel"), true);
  assert.equal(await page.isHidden("#progress"), true);
  assert.ok(atCancel < c.days.length, `only ${atCancel} of the month's days were asked`);
  const kept = await answered.count();
  assert.ok(kept >= 1 && kept < c.days.length, `the ${kept} days answered before cancelling stay shown`);
  // Each kept day says what the simulation answers for it.
  for (const day of c.days) {
    const cell = page.locator(`#results button.day[data-date="${day.date}"]:not(.day-pending)`);
    const text = cellText(day);
    if (text && (await cell.count())) assert.equal((await cell.locator(".day-status").textContent()).trim(), text);
  }
  await sleep(1200);
  assert.equal(requests.length, atCancel, "no request after cancelling");
  assert.equal(await answered.count(), kept, "nothing changes after cancelling");
  await finish(ctx, page, "month-cancelled");
});

test("a day of a month that failed is asked again alone by its Try again", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const c = DATA.month;
  const target = Number(c.open.date.replaceAll("-", ""));
  // That day's first three requests (the module's try and its two retries) meet a proxy's error
  // page; every other request goes through.
  const asked = [];
  await page.route(API_GLOB, async (route) => {
    const day = route.request().postDataJSON().remedy_date;
    asked.push(day);
    if (day === target && asked.filter((d) => d === target).length <= 3) {
      await route.fulfill({ status: 502, contentType: "text/html", body: "<html><body>Bad gateway</body></html>" });
    } else {
      await route.continue();
    }
  });
  await lookUp(page, { userId: c.user, month: c.month, employeeType: c.employeeType });
  await settled(page, 60000);
  const cell = page.locator(`#results button.day[data-date="${target}"]`);
  assert.match(await cell.getAttribute("class"), /\bday-error\b/);
  await cell.click();
  const before = asked.length;
  await page.locator("#day-detail").getByRole("button", { name: "Try again" }).click();
  await page.locator(`#results button.day-ok[data-date="${target}"]`).waitFor();
  assert.deepEqual(asked.slice(before), [target], "only that day was asked again");
  const rows = await tableRows(page, "#day-detail");
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), c.open.rows);
  assert.equal(await page.locator("#results button.day").count(), c.days.length, "the rest of the month stays");
  await finish(ctx, page, "month-day-retried");
});

test("retrying a second day while the first is asked again keeps the first day", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const c = DATA.month;
  const [a, b] = c.days.filter((d) => d.expect === "ok").map((d) => d.date);
  assert.ok(a && b, "two days that answer");
  // Both days fail three times (the module's try and retries); day A's next answer is slow.
  const asked = [];
  await page.route(API_GLOB, async (route) => {
    const day = route.request().postDataJSON().remedy_date;
    asked.push(day);
    const n = asked.filter((d) => d === day).length;
    if ((day === a || day === b) && n <= 3) {
      await route.fulfill({ status: 502, contentType: "text/html", body: "<html>Bad gateway</html>" });
    } else {
      if (day === a) await sleep(1500);
      await route.continue().catch(() => {});
    }
  });
  await lookUp(page, { userId: c.user, month: c.month, employeeType: c.employeeType });
  await settled(page, 60000);
  const retry = async (day) => {
    await page.locator(`#results button.day[data-date="${day}"]`).click();
    await page.locator("#day-detail").getByRole("button", { name: "Try again" }).click();
  };
  await retry(a);
  await retry(b); // supersedes A's retry
  await page.locator(`#results button.day-ok[data-date="${b}"]`).waitFor();
  const cellA = page.locator(`#results button.day[data-date="${a}"]`);
  assert.match(await cellA.getAttribute("class"), /\bday-error\b/, "A keeps its earlier answer");
  await finish(ctx, page, "month-two-retries");
});
