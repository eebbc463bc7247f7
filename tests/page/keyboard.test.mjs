// The whole form without a mouse: Tab through the fields in order, type, switch to a month with the
// arrow keys, submit with Enter, and walk the calendar with the arrows.

import { test } from "node:test";
import { openPage, settled, tableRows, finish, assert } from "./harness.mjs";
import { DATA } from "./dataset.mjs";

const focused = (page) => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));

/** Presses Tab and checks where focus landed: the order a keyboard user meets the controls in. */
async function tabTo(page, id, shift = false) {
  await page.keyboard.press(shift ? "Shift+Tab" : "Tab");
  assert.equal(await focused(page), id);
}

/**
 * Tabs out of a native date/month input. Chromium makes each part of the date (month, day, year)
 * a Tab stop of its own, so it takes as many Tabs as parts are left after the cursor.
 */
async function tabOutOf(page, from, to, shift = false) {
  for (let i = 0; i < 4 && (await focused(page)) === from; i += 1) await page.keyboard.press(shift ? "Shift+Tab" : "Tab");
  assert.equal(await focused(page), to);
}

/** Types an ISO date into a native date input the way a keyboard user does (en-US: mm dd yyyy). */
async function typeDate(page, iso) {
  const [y, m, d] = iso.split("-");
  await page.keyboard.type(`${m}${d}${y}`);
}

test("keyboard only: fill the form, look up a day, then a month, and pick a day in the grid", async () => {
  const ctx = await openPage({ locale: "en-US" });
  const { page } = ctx;
  const c = DATA.missing;

  // The ids are typed without touching the employee type: the listing's must be the default one.
  assert.equal(await page.inputValue("#employee-type"), c.employeeType);
  assert.equal(DATA.month.employeeType, c.employeeType);
  await tabTo(page, "lang");
  await tabTo(page, "employee-type");
  await tabTo(page, "user-id");
  // Submitting with an empty id keeps focus in the field and explains why.
  await page.keyboard.press("Enter");
  assert.equal(await focused(page), "user-id");
  assert.equal(await page.isVisible("#user-id-error"), true);

  await page.keyboard.type(c.user);
  await tabTo(page, "mode-day");
  await tabTo(page, "date");
  await typeDate(page, c.date);
  assert.equal(await page.inputValue("#date"), c.date);
  await tabOutOf(page, "date", "submit");
  await page.keyboard.press("Enter");
  await settled(page);
  const rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), c.rows);
  // Focus is not thrown away by the results: it stays on the button that was pressed.
  assert.equal(await focused(page), "submit");

  // Back to the period switch; the arrow key moves the radio selection to "Month".
  await tabTo(page, "date", true);
  await tabOutOf(page, "date", "mode-day", true);
  await page.keyboard.press("ArrowRight");
  assert.equal(await focused(page), "mode-month");
  assert.equal(await page.isChecked("#mode-month"), true);
  await tabTo(page, "month");
  const m = DATA.month;
  // A month input takes "month, year" key by key.
  const [y, mo] = m.month.split("-");
  await page.keyboard.type(`${mo}${y}`);
  assert.equal(await page.inputValue("#month"), m.month);
  // The month queries a different employee than the day did: retype the id from the id field.
  await tabOutOf(page, "month", "mode-month", true);
  await tabTo(page, "user-id", true);
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(m.user);
  await page.keyboard.press("Enter");
  await settled(page);

  // Into the grid: one tab stop for it, arrows between the days, Enter opens one.
  await tabTo(page, "mode-month");
  await tabTo(page, "month");
  await tabOutOf(page, "month", "submit");
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement.dataset.date);
  assert.ok(first, "focus entered the calendar");
  await page.keyboard.press("ArrowRight");
  const second = await page.evaluate(() => document.activeElement.dataset.date);
  assert.equal(Number(second), Number(first) + 1, "ArrowRight moves to the next day");
  await page.keyboard.press("ArrowDown");
  assert.equal(Number(await page.evaluate(() => document.activeElement.dataset.date)), Number(second) + 7);
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-pressed")), "true");
  assert.equal(await page.locator("#day-detail h3").count(), 1, "the chosen day's details are shown");
  await finish(ctx, page, "keyboard-only");
});
