// The relay simulation's dataset, as documented in relay/README.md: which employee gives which kind
// of day. Dates are relative to the simulation's "today", which is the date in China (UTC+8), so the
// tests compute the same "today" and never flip at midnight UTC.

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The China date `n` days before today, as "yyyy-MM-dd". */
export function daysAgo(n, now = Date.now()) {
  return new Date(now + CHINA_OFFSET_MS - n * DAY_MS).toISOString().slice(0, 10);
}

const FIXED = "abd754f7"; // 09:00-18:00; by days ago, weekly: 1 missing in, 2 late + early, 4 missing out
const yesterday = daysAgo(1);
const month = yesterday.slice(0, 7); // the month that holds yesterday always has a day to correct

/** Within `month`, the cells the month test checks: a date that falls in it, and what it says. */
function monthExpectations() {
  const out = [[yesterday, /^1 to correct$/]]; // days ago 1: a missing clock-in
  for (const [ago, text] of [[2, /^2 to correct$/], [3, /^Nothing to correct$/], [4, /^1 to correct$/]]) {
    const d = daysAgo(ago);
    if (d.startsWith(month)) out.push([d, text]);
  }
  const today = daysAgo(0);
  if (today.startsWith(month)) out.push([today, /^Nothing to correct$/]); // today is not over yet
  return out;
}

export const DATA = {
  missing: {
    user: FIXED, date: daysAgo(1),
    rows: [["1st", "On duty (in)", "Missing"]],
    times: [["09:00", "08:00 to 10:00"]],
  },
  lateEarly: {
    user: FIXED, date: daysAgo(2),
    rows: [["1st", "On duty (in)", "Late"], ["1st", "Off duty (out)", "Left early"]],
  },
  twoShifts: {
    user: "sim_two_shifts", date: daysAgo(1),
    rows: [["1st", "On duty (in)", "Late"], ["1st", "Off duty (out)", "Missing"], ["2nd", "Off duty (out)", "Left early"]],
  },
  free: { user: "sim_free_punch", date: daysAgo(1) },
  nothing: { user: "sim_all_good", date: daysAgo(1) },
  errors: [
    { name: "group-forbids", user: "sim_group_forbids", date: daysAgo(1), code: 1226502, http: 400 },
    { name: "outside-window", user: FIXED, date: daysAgo(40), code: 1226503, http: 400 },
    { name: "quota-used-up", user: "sim_quota_used", date: daysAgo(1), code: 1226504, http: 400 },
    { name: "unknown-user", user: "nobody", date: daysAgo(1), code: 1220004, http: 400 },
    { name: "out-of-scope", user: "sim_out_of_scope", date: daysAgo(1), code: 1220005, http: 400 },
    { name: "server-error", user: "sim_server_error", date: daysAgo(1), code: 1225000, http: 500 },
  ],
  // Odd requests get 429 + 99991400, even ones a missing clock-in: the module's retry absorbs it.
  rateLimitedOnce: { user: "sim_429_once", date: daysAgo(1) },
  // The day opened under the grid (and in docs/month-view.png): late + early when it is in the month.
  month: { user: FIXED, month, expect: monthExpectations(), open: daysAgo(2).startsWith(month) ? daysAgo(2) : yesterday },
  monthForbidden: { user: "sim_group_forbids", month },
};
