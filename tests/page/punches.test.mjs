// The month with Feishu's punch results (issue 12): each day's cell says what happened ("09:12
// late", "no clock-out") with the correctable punches marked, a day opens to its corrections and to
// its punches, and a note says how the month was asked: from the punch results (one call for the
// month, then only the days they leave open) or, when those cannot be used, every day on its own.
// Expectations come from the punch results `/_sim/dataset` lists for the month's person.

import { test } from "node:test";
import { openPage, lookUp, settled, tableRows, finish, shot, assert, API_GLOB } from "./harness.mjs";
import { DATA, LISTING } from "./dataset.mjs";

const TASKS_GLOB = "**/open-apis/attendance/v1/user_tasks/query*";
const IN_ORDER = new Set(["Normal", "NoNeedCheck", "SystemCheck"]);
const SIDES = [["in", "clock-in", "On duty (in)"], ["out", "clock-out", "Off duty (out)"]];
const RESULT = { Normal: "On time", Late: "Late", Early: "Left early", Lack: "Missing", Todo: "Not punched yet" };
const PAIR = ["1st", "2nd", "3rd"];

/** Feishu's Unix seconds (a string) → "HH:mm" in China time, where Feishu's attendance lives. */
function chinaTime(seconds) {
  const d = new Date((Number(seconds) + 8 * 3600) * 1000);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

/** What a day's cell should say happened, in English, from the day's records. */
function expectedNotes(records) {
  const notes = [];
  for (const r of records || []) {
    for (const [side, word] of SIDES) {
      const result = r[`check_${side}_result`];
      const punch = r[`check_${side}_record`];
      if (result === "Late" || result === "Early") {
        const word2 = result === "Late" ? "late" : "early";
        notes.push(punch && punch.check_time ? `${chinaTime(punch.check_time)} ${word2}` : result === "Late" ? "late" : "left early");
      } else if (result === "Lack") notes.push(`no ${word}`);
    }
  }
  return notes;
}

/**
 * Whether the punch results settle a day without asking it: every punch in order (a `Todo` today
 * is a punch still ahead), or a day after today with no records.
 */
function settledByPunchResults(date, records) {
  if (!records || !records.length) return date > LISTING.today;
  return records.every((r) => ["in", "out"].every((side) => {
    const result = r[`check_${side}_result`];
    return IN_ORDER.has(result) || (result === "Todo" && date === LISTING.today);
  }));
}

/** Counts the page's calls to each Feishu route. */
function countCalls(page) {
  const calls = { remedys: [], tasks: 0 };
  page.on("request", (r) => {
    if (r.url().includes("/user_tasks/query")) calls.tasks += 1;
    if (r.url().includes("/query_user_allowed_remedys")) calls.remedys.push(r.postDataJSON().remedy_date);
  });
  return calls;
}

/** Each cell's short notes (without the mark) and how many of them carry the correctable mark. */
async function cellNotes(page) {
  return page.$$eval("#results button.day", (bs) => Object.fromEntries(bs.map((b) => {
    const notes = [...b.querySelectorAll(".day-notes .note")];
    return [b.dataset.date, { notes: notes.map((n) => n.textContent.replace(/^✎ /, "")), fixes: notes.filter((n) => n.classList.contains("fix")).length }];
  })));
}

test("a month with punch results: what happened in each cell, correctable ones marked, one call for the month", async () => {
  const c = DATA.month;
  assert.ok(c.punchResults, "the listing has the month person's punch results");
  const ctx = await openPage({ width: 1100, height: 1100 });
  const { page } = ctx;
  const calls = countCalls(page);
  await lookUp(page, { userId: c.user, month: c.month, employeeType: c.employeeType });
  await settled(page, 60000);

  // One punch-results call for the month, then only the days it does not settle.
  const open = c.days.filter((d) => !settledByPunchResults(d.date, c.punchResults.get(d.date)));
  assert.equal(calls.tasks, 1, "one punch-results call");
  assert.deepEqual([...calls.remedys].sort(), open.map((d) => d.date), "only the days punch results leave open are asked");
  const settledDays = c.days.length - open.length;
  assert.match(await page.textContent("#results .prefilter"),
    new RegExp(`^${settledDays} of ${c.days.length} days were settled from Feishu's punch results`));

  // Each cell: the day's irregular punches in short; as many marked as Feishu lets correct.
  const shown = await cellNotes(page);
  for (const day of c.days) {
    const cell = shown[String(day.date)];
    assert.deepEqual(cell.notes, expectedNotes(c.punchResults.get(day.date)), `notes of ${day.date}`);
    assert.equal(cell.fixes, day.expect === "ok" ? day.rows : 0, `correctable marks of ${day.date}`);
  }
  assert.ok(Object.values(shown).some((x) => x.fixes > 0), "some punch of the month is marked");
  assert.match(await page.textContent("#results .legend"), /✎ marks a punch that can be corrected/);
  // The screen-reader label says it in words.
  const marked = c.days.find((d) => d.expect === "ok" && d.rows >= 1);
  assert.match(await page.getAttribute(`#results button.day[data-date="${marked.date}"]`, "aria-label"), /\(can be corrected\)/);

  // A day opens to its corrections, as ever, and to what happened.
  const date = Number(c.open.date.replaceAll("-", ""));
  await page.locator(`#results button.day[data-date="${date}"]`).click();
  const rows = await tableRows(page, "#day-detail");
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), c.open.rows, "the correctable punches");
  const happened = await page.$$eval("#day-detail table.punch-results tbody tr", (trs) =>
    trs.map((tr) => ({ cells: [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()), fix: tr.classList.contains("fix") })));
  const records = c.punchResults.get(date);
  const expected = records.flatMap((r, i) => SIDES.map(([side, , clock]) => {
    const punch = r[`check_${side}_record`];
    return [PAIR[i], clock, RESULT[r[`check_${side}_result`]], punch ? chinaTime(punch.check_time) : "no punch", chinaTime(r[`check_${side}_shift_time`])];
  }));
  assert.deepEqual(happened.map((x) => [x.cells[0], x.cells[1], x.cells[2].split(/ · | ✎/)[0], x.cells[3], x.cells[4]]), expected);
  assert.equal(happened.filter((x) => x.fix).length, c.open.rows.length, "the correctable punches are marked");
  assert.ok(happened.filter((x) => x.fix).every((x) => x.cells[2].endsWith("✎ can be corrected")));

  // A day settled by the punch results says so.
  const quiet = c.days.find((d) => settledByPunchResults(d.date, c.punchResults.get(d.date)) && d.date < LISTING.today);
  if (quiet) {
    await page.locator(`#results button.day[data-date="${quiet.date}"]`).click();
    assert.match(await page.textContent("#day-detail .notice"), /was not asked separately/);
  }
  await shot(page, "month-punch-results");
  await finish(ctx, page, "month-punch-results-quiet-day");
});

test("a month whose punch results cannot be had: every day asked, and a note that says so", async () => {
  const c = DATA.month;
  const ctx = await openPage();
  const { page } = ctx;
  const calls = countCalls(page);
  // The punch-results call fails on the way (a proxy that lets only the first route through).
  await page.route(TASKS_GLOB, (route) => route.abort("failed"));
  await lookUp(page, { userId: c.user, month: c.month, employeeType: c.employeeType });
  await settled(page, 60000);
  assert.equal(calls.remedys.length, c.days.length, "every day was asked");
  assert.match(await page.textContent("#results .prefilter.fallback"), /could not be used, so every day was asked/);
  assert.equal(await page.locator("#results .day-notes").count(), 0, "no punch times without punch results");
  const ok = await page.$$eval("#results button.day-ok", (bs) => bs.map((b) => Number(b.dataset.date)));
  assert.deepEqual(ok, c.days.filter((d) => d.expect === "ok" && d.rows >= 1).map((d) => d.date), "the days to correct all the same");
  await page.click("#lang");
  assert.match(await page.textContent("#results .prefilter.fallback"), /无法使用飞书打卡结果/);
  await finish(ctx, page, "month-punch-results-fallback");
});
