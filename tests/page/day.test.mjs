// One day at a time: the table of correctable punches for each kind of day the simulation offers.

import { test } from "node:test";
import { openPage, lookUp, settled, tableRows, finish, assert } from "./harness.mjs";
import { DATA } from "./dataset.mjs";

const TIME = /^(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}$/;
const WINDOW = /^(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} to (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}$/;

/**
 * Looks up the listing's case `c` and checks the table against it: pair, clock and status of every
 * row, and the scheduled time and window, which must be well-formed times (not blanks or raw
 * JSON) and exactly the listed ones. Returns the rows for the test's own checks.
 */
async function showsListedRows(page, c) {
  await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
  await settled(page);
  const rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), c.rows);
  for (const row of rows) {
    assert.match(row[3], TIME, `scheduled time in ${row}`);
    assert.match(row[4], WINDOW, `window in ${row}`);
  }
  assert.deepEqual(rows.map((r) => r.slice(3)), c.times);
  return rows;
}

test("happy day: the missing punch is listed with its pair, clock, status, time and window", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const c = DATA.missing;
  assert.equal(c.rows.length, 1, "the listing's missing punch is a single row");
  assert.equal(c.remedys[0].punch_status, "Lack");
  await showsListedRows(page, c);
  // The status is a coloured label that also carries its word.
  const label = page.locator("#results .label").first();
  assert.equal(await label.textContent(), "Missing");
  assert.match(await label.getAttribute("class"), /label-lack/);
  assert.match(await page.textContent("#results h2"), new RegExp(c.user));
  assert.match(await page.textContent("#results caption"), /1 punch can be corrected/);
  await finish(ctx, page, "day-missing-punch");
});

test("late arrival and early leave: two labelled rows", async () => {
  const c = DATA.lateEarly;
  assert.deepEqual(c.remedys.map((e) => e.punch_status).sort(), ["Early", "Late"], "the listing's day is late + early");
  const ctx = await openPage();
  const { page } = ctx;
  await showsListedRows(page, c);
  const classes = await page.$$eval("#results .label", (els) => els.map((e) => e.className));
  assert.ok(classes.some((k) => k.includes("label-late")) && classes.some((k) => k.includes("label-early")), String(classes));
  await finish(ctx, page, "day-late-early");
});

test("two shifts: punches of the 1st and the 2nd pair", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const c = DATA.twoShifts;
  assert.ok(c.remedys.some((e) => e.punch_no === 0) && c.remedys.some((e) => e.punch_no === 1), "the listing's day has two pairs");
  await showsListedRows(page, c);
  await finish(ctx, page, "day-two-shifts");
});

test("free punch: says 'Free punch' instead of a pair number", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const c = DATA.free;
  assert.ok(c.remedys.every((e) => e.is_free_punch), "the listing's day is a free-punch shift");
  const rows = await showsListedRows(page, c);
  assert.ok(rows.length >= 1);
  for (const row of rows) assert.equal(row[0], "Free punch");
  await finish(ctx, page, "day-free-punch");
});

test("nothing to correct: good news, not an error", async () => {
  const ctx = await openPage();
  const { page } = ctx;
  const c = DATA.nothing;
  assert.equal(c.expect, 1226501, "the listing's case has nothing to correct");
  await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
  await settled(page);
  assert.equal(await page.locator("#results [role=alert]").count(), 0, "no error panel");
  assert.equal(await page.locator("#results table").count(), 0, "no table");
  assert.match(await page.textContent("#results .notice.ok"), /nothing to correct/i);
  await finish(ctx, page, "day-nothing-to-correct");
});

test("phone width: the day's table stays readable at 375px", async () => {
  const ctx = await openPage({ width: 375, height: 800 });
  const { page } = ctx;
  const c = DATA.twoShifts;
  await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
  await settled(page);
  // No sideways scrolling of the page, and each value is shown beside its column name.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  const before = await page.$eval("#results td", (td) => getComputedStyle(td, "::before").content);
  assert.equal(before, '"Pair"');
  await finish(ctx, page, "day-phone-375");
});
