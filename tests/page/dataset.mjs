// The simulation's cases for today, as the relay the tests run against lists them at
// `GET /_sim/dataset` (relay/README.md, "The dataset listing"). Every id, date and expected outcome
// comes from there: the listing is computed by the same function the simulated Feishu answers
// with, so no date rule of the simulation (China-time "today", the weekly cycle, the 30-day window)
// is repeated here. Fetched once per test file, when the file imports this module.
//
// What this module does know is how the page shows a Feishu entry in English: that is the page's
// own behaviour under test, not the simulation's.

import assert from "node:assert/strict";
import { PAGE_URL } from "./harness.mjs";

async function fetchListing() {
  const url = new URL("/_sim/dataset", PAGE_URL).href;
  let res;
  try {
    res = await fetch(url, { headers: { accept: "application/json" } });
  } catch (e) {
    throw new Error(`cannot fetch the simulation's dataset listing at ${url}: ${e.message}`);
  }
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}: is the relay running on its simulation?`);
  const listing = await res.json();
  assert.ok(Number.isInteger(listing.today), "the listing has today's date");
  assert.ok(Array.isArray(listing.cases) && listing.cases.length, "the listing has cases");
  assert.ok(Array.isArray(listing.months) && listing.months.length, "the listing has months");
  return listing;
}

export const LISTING = await fetchListing();

/** yyyyMMdd (number) → "yyyy-MM-dd", what a date input holds. */
export function isoDate(yyyymmdd) {
  const s = String(yyyymmdd);
  assert.match(s, /^\d{8}$/, `a yyyyMMdd date: ${yyyymmdd}`);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** yyyyMM (number) → "yyyy-MM", what a month input holds. */
export function isoMonth(yyyymm) {
  const s = String(yyyymm);
  assert.match(s, /^\d{6}$/, `a yyyyMM month: ${yyyymm}`);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}`;
}

// ---------- how the page shows an entry (English) ----------

const PAIR = ["1st", "2nd", "3rd"];
const CLOCK = { 1: "On duty (in)", 2: "Off duty (out)" };
const STATUS = { Lack: "Missing", Late: "Late", Early: "Left early" };

/** A Feishu time on the day being viewed shows as "HH:mm"; on another day it keeps its date. */
function shownTime(value, day) {
  const [d, time] = value.split(" ");
  return d === day ? time : value;
}

/** The five cells of the page's table for one `user_allowed_remedys` entry of `date` (yyyyMMdd). */
export function shownRow(e, date) {
  const day = isoDate(date);
  const pair = e.is_free_punch ? "Free punch" : PAIR[e.punch_no];
  assert.ok(pair && CLOCK[e.work_type] && STATUS[e.punch_status], `an entry the test knows how to show: ${JSON.stringify(e)}`);
  return [pair, CLOCK[e.work_type], STATUS[e.punch_status],
    shownTime(e.normal_punch_time, day), `${shownTime(e.remedy_start_time, day)} to ${shownTime(e.remedy_end_time, day)}`];
}

// ---------- the cases ----------

/** A listed case, with its date as the form wants it and the table the page should show. */
function dayCase(name) {
  const c = LISTING.cases.find((x) => x.name === name);
  assert.ok(c, `the dataset listing has a case named ${name}`);
  const remedys = c.remedys || [];
  const table = remedys.map((e) => shownRow(e, c.date));
  return {
    name,
    user: c.user_id,
    employeeType: c.employee_type,
    date: isoDate(c.date),
    expect: c.expect,
    http: c.http_status,
    then: c.then,
    remedys,
    rows: table.map((r) => r.slice(0, 3)), // pair, clock, status
    times: table.map((r) => r.slice(3)), // scheduled, window
  };
}

/** A listed month: its user, "yyyy-MM", and each day's expected outcome. */
function monthCase(name) {
  const m = LISTING.months.find((x) => x.name === name);
  assert.ok(m, `the dataset listing has a month named ${name}`);
  assert.ok(m.days.length >= 28 && m.days.length <= 31, `${name} lists every day of its month`);
  return { name, user: m.user_id, employeeType: m.employee_type, month: isoMonth(m.month), days: m.days };
}

/**
 * The punch results the simulation gives for a listed month's person (Feishu's `user_tasks/query`
 * reply, as `/_sim/dataset` lists it): a Map of yyyyMMdd → that day's records, or null when the
 * listing has none for them.
 */
function punchResults(m) {
  const listed = (LISTING.punch_results || []).find((p) => p.user_id === m.user && p.employee_type === m.employeeType);
  if (!listed || !listed.data) return null;
  return new Map(listed.data.user_task_results.map((r) => [r.day, r.records]));
}

/** A case whose answer has rows. */
function okCase(name) {
  const c = dayCase(name);
  assert.equal(c.expect, "ok", `${name} is a day with punches to correct`);
  assert.ok(c.rows.length >= 1, `${name} has rows`);
  return c;
}

const month = monthCase("month");
const missing = okCase("missing_punch");
const lateEarly = okCase("late_and_early");
// The day opened under the grid (and in docs/month-view.png): late + early when it lies in the
// month, else yesterday's missing punch (yesterday's month is the one listed).
const open = [lateEarly, missing].find((c) => month.days.some((d) => d.date === Number(c.date.replaceAll("-", ""))));
assert.ok(open, "a day with punches to correct lies in the listed month");

export const DATA = {
  today: isoDate(LISTING.today),
  missing,
  lateEarly,
  twoShifts: okCase("two_shifts"),
  free: okCase("free_punch"),
  nothing: dayCase("always_in_order"), // 1226501
  // Every error outcome the page shows, with the screenshot label it has always had.
  errors: [
    ["group_forbids", "group-forbids"],
    ["beyond_window", "outside-window"],
    ["quota_used_up", "quota-used-up"],
    ["unknown_employee", "unknown-user"],
    ["out_of_scope", "out-of-scope"],
    ["server_error", "server-error"],
  ].map(([name, label]) => ({ ...dayCase(name), label })),
  // sim_rate_limited: always 429 + 99991400 (the module's retries run out).
  rateLimited: { ...dayCase("rate_limited"), label: "rate-limited" },
  // sim_429_once: the 1st request of a (user, day) gets 429 + 99991400, the 2nd the day's rows.
  rateLimitedOnce: dayCase("rate_limited_once"),
  // sim_html_502: a proxy's HTML error page (HTTP 502), no Feishu reply.
  html502: dayCase("html_502"),
  month: { ...month, open, punchResults: punchResults(month) },
  monthForbidden: monthCase("month_group_forbids"),
};
