// What a month costs in Feishu calls, counted by the relay itself (GET /metrics), not timed: the
// range query asks punch results once, then query_user_allowed_remedys only for the days they do
// not settle. Each month is checked against what the simulation's /_sim/dataset lists for it (its
// punch results, day by day, and its days with something to correct). And the fallback: a relay
// started with --no-punch-results (no route: 404) still gets every day answered, each one asked.
//
// scripts/test-node.sh starts two relays of this file's own (RANGE_RELAY_URL, and NO_PUNCH_RELAY_URL
// with --no-punch-results), so the other test files' calls do not show in the counters.
import assert from "node:assert/strict";
import { test } from "node:test";
import { queryAllowedRemedysRange } from "feishu-remedy";

const RANGE_RELAY_URL = process.env.RANGE_RELAY_URL;
const NO_PUNCH_RELAY_URL = process.env.NO_PUNCH_RELAY_URL;
if (!RANGE_RELAY_URL || !NO_PUNCH_RELAY_URL) {
  throw new Error("RANGE_RELAY_URL / NO_PUNCH_RELAY_URL are not set: run through scripts/test-node.sh");
}

const QUERY = "/open-apis/attendance/v1/user_task_remedys/query_user_allowed_remedys";
const PUNCHES = "/open-apis/attendance/v1/user_tasks/query";
const ABNORMAL = new Set(["Early", "Late", "Lack"]);

/** Feishu calls the relay has made so far, per route (its Prometheus counters). */
async function calls(relay) {
  const text = await (await fetch(new URL("/metrics", relay))).text();
  const count = (route) => {
    const line = text.split("\n").find((l) => l.startsWith(`relay_upstream_calls_total{route="${route}"}`));
    return line ? Number(line.split(" ").pop()) : 0;
  };
  return { query: count(QUERY), punches: count(PUNCHES) };
}

/** A range and the Feishu calls it cost. */
async function costOf(relay, userId, from, to, options = {}) {
  const before = await calls(relay);
  const days = await queryAllowedRemedysRange(
    { params: { employee_type: "employee_id" }, data: { user_id: userId, from, to } },
    { relayUrl: relay, ...options },
  );
  const after = await calls(relay);
  return { days, query: after.query - before.query, punches: after.punches - before.punches };
}

const dataset = await (await fetch(new URL("/_sim/dataset", RANGE_RELAY_URL))).json();
const listed = (userId) => dataset.punch_results.find((p) => p.user_id === userId);

/** A listed record as the relay passes it on: each punch object keeps only `check_time` and `type`. */
function minimized(record) {
  const out = { ...record };
  for (const key of ["check_in_record", "check_out_record"]) {
    if (record[key]) out[key] = { check_time: record[key].check_time, type: record[key].type };
  }
  return out;
}

/** Checks a month's days against the listing; returns the days the listing says must be asked. */
function agreesWithTheListing(userId, days) {
  const entries = new Map(listed(userId).data.user_task_results.map((e) => [e.day, e]));
  let mustAsk = 0;
  for (const day of days) {
    const entry = entries.get(day.date);
    if (!entry) {
      assert.ok(day.date > dataset.today, `${userId} ${day.date}: only future days have no entry`);
      assert.equal(day.decidedBy, "calendar", `${userId} ${day.date}`);
      assert.equal(day.status, "nothing_to_correct");
      continue;
    }
    // Feishu's own records, minimized by the relay (no location, Wi-Fi, photos or device).
    assert.deepEqual(day.punches, entry.records.map(minimized), `${userId} ${day.date}: punches as listed`);
    const abnormal = entry.records.some((r) => ABNORMAL.has(r.check_in_result) || ABNORMAL.has(r.check_out_result));
    if (abnormal) {
      mustAsk += 1;
      assert.equal(day.decidedBy, "query", `${userId} ${day.date}`);
    } else {
      assert.equal(day.decidedBy, "punch_results", `${userId} ${day.date}`);
      assert.equal(day.status, "nothing_to_correct", `${userId} ${day.date}`);
    }
  }
  return mustAsk;
}

test("abd754f7's month costs 1 + its correctable days, and agrees with the dataset", async () => {
  const p = listed("abd754f7");
  const month = dataset.months.find((m) => m.user_id === "abd754f7");
  const correctable = month.days.filter((d) => d.expect === "ok" && d.rows > 0).map((d) => d.date);
  const { days, query, punches } = await costOf(RANGE_RELAY_URL, "abd754f7", p.check_date_from, p.check_date_to);
  assert.equal(days.prefilter.status, "used");
  assert.equal(days.length, month.days.length);
  const mustAsk = agreesWithTheListing("abd754f7", days);
  assert.deepEqual({ punches, query }, { punches: 1, query: mustAsk });
  // The days asked are the correctable ones (answered with their punches), and, on the 1st of a
  // month, a first day with an abnormal punch that is past the correction window (1226503).
  const asked = days.filter((d) => d.decidedBy === "query");
  assert.deepEqual(days.filter((d) => d.status === "ok").map((d) => d.date), correctable);
  for (const d of asked.filter((d) => !correctable.includes(d.date))) {
    assert.equal(month.days.find((m) => m.date === d.date).expect, 1226503, `${d.date}`);
  }
  assert.ok(1 + query < month.days.length / 2, `${1 + query} calls for ${month.days.length} days`);
  console.log(`abd754f7: ${1 + query} Feishu calls for ${days.length} days (${correctable.length} correctable)`);
});

test("a month with nothing to correct costs 1", async () => {
  const p = listed("sim_all_good");
  const { days, query, punches } = await costOf(RANGE_RELAY_URL, "sim_all_good", p.check_date_from, p.check_date_to);
  assert.deepEqual({ punches, query }, { punches: 1, query: 0 });
  assert.equal(agreesWithTheListing("sim_all_good", days), 0);
  assert.ok(days.every((d) => d.status === "nothing_to_correct"));
});

for (const userId of ["sim_two_shifts", "sim_free_punch"]) {
  test(`${userId}'s month asks only its abnormal days`, async () => {
    const p = listed(userId);
    const { days, query, punches } = await costOf(RANGE_RELAY_URL, userId, p.check_date_from, p.check_date_to);
    assert.equal(days.prefilter.status, "used");
    const mustAsk = agreesWithTheListing(userId, days);
    assert.deepEqual({ punches, query }, { punches: 1, query: mustAsk });
    assert.ok(mustAsk > 0 && mustAsk < days.length, `${mustAsk} of ${days.length}`);
    assert.ok(days.filter((d) => d.decidedBy === "query").every((d) => d.status === "ok"), userId);
    console.log(`${userId}: ${1 + query} Feishu calls for ${days.length} days`);
  });
}

test("without the route (--no-punch-results) the range falls back and still answers every day", async () => {
  const p = listed("abd754f7");
  const { days, query, punches } = await costOf(NO_PUNCH_RELAY_URL, "abd754f7", p.check_date_from, p.check_date_to);
  assert.equal(days.prefilter.status, "fallback");
  assert.equal(days.prefilter.error.code, 98000404);
  assert.equal(days.prefilter.error.httpStatus, 404);
  assert.equal(punches, 0);
  assert.equal(query, days.length, "every day asked");
  const month = dataset.months.find((m) => m.user_id === "abd754f7");
  for (const [i, day] of days.entries()) {
    assert.equal(day.decidedBy, "query");
    assert.equal(day.punches, undefined);
    assert.equal(day.status, month.days[i].rows > 0 ? "ok" : "nothing_to_correct", `${day.date}`);
  }
});

test("prefilter: false asks every day, as before", async () => {
  const p = listed("sim_all_good");
  const { days, query, punches } = await costOf(RANGE_RELAY_URL, "sim_all_good", p.check_date_from, p.check_date_to, {
    prefilter: false,
  });
  assert.equal(days.prefilter.status, "off");
  assert.deepEqual({ punches, query }, { punches: 0, query: days.length });
});
