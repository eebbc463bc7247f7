// `make bench-rush`'s driver (scripts/bench-rush.sh starts the relays): the morning rush. N distinct
// simulated people (rush_0001 …) open their month within T seconds through a relay, with the real
// module (the package's Node entry, pkg/node.js), once on today's path (every day asked, a relay
// with no limiter and no coalescing) and once on the new one (punch results first, the relay's
// limiter on), each against its own simulation enforcing Feishu's 50 calls/s. Feishu calls and
// 429s are the relays' own counters (GET /metrics); times are each month's, from its start to its
// last day's answer; the floor is the calls a complete rush needs (each month: its days asked, plus
// the punch results) on the busier route ÷ the limit (Feishu limits each API on its own). Prints the table and writes the figures as JSON (RUSH_JSON, if set).
//
//   node tests/bench/rush.mjs OLD_RELAY_URL NEW_RELAY_URL
//   env: RUSH_N (300), RUSH_T (10 s), RUSH_FROM/RUSH_TO (the month, yyyyMMdd), RUSH_FEISHU_LIMIT (50),
//        RUSH_TIMEOUT_MS (120000) / RUSH_RETRIES / RUSH_CONCURRENCY (the module's defaults): its options,
//        `default` for the module's own
import { writeFileSync } from "node:fs";
import { queryAllowedRemedysRange } from "../../pkg/node.js";

const [oldRelay, newRelay] = process.argv.slice(2);
if (!oldRelay || !newRelay) throw new Error("usage: rush.mjs OLD_RELAY_URL NEW_RELAY_URL");
const N = Number(process.env.RUSH_N ?? 300);
const T = Number(process.env.RUSH_T ?? 10);
const LIMIT = Number(process.env.RUSH_FEISHU_LIMIT ?? 50);
const FROM = Number(process.env.RUSH_FROM);
const TO = Number(process.env.RUSH_TO);
if (!(N >= 1 && N <= 9999 && T >= 0 && FROM && TO)) throw new Error("RUSH_N 1-9999, RUSH_T ≥ 0, RUSH_FROM and RUSH_TO");
// The module's options on both paths. By default what the page (www/app.js) sets for a month: 300
// months need about 75 s of Feishu's quota however they are sent, so a day's call must be allowed
// to wait that long (timeoutMs 120000); the relay's own 429s, with their reset, do not use up the
// retries (src/retry.rs, rule 2), so retries and concurrency stay the module's defaults. `default`
// for an option: the module's own default (10 s, 2 retries, 4 at a time); a number sets it.
const moduleOptions = {};
for (const [name, env, rush] of [
  ["timeoutMs", "RUSH_TIMEOUT_MS", 120000],
  ["retries", "RUSH_RETRIES", "default"],
  ["concurrency", "RUSH_CONCURRENCY", "default"],
]) {
  const value = process.env[env] ?? String(rush);
  if (value !== "default") moduleOptions[name] = Number(value);
}
// Bounded whatever happens: the module's own timeouts end every month; this is a backstop.
const BACKSTOP_MS = (T + 600) * 1000;
setTimeout(() => {
  console.error(`bench-rush: still running after ${BACKSTOP_MS / 1000} s; giving up`);
  process.exit(1);
}, BACKSTOP_MS).unref();

/** The relay's counters summed over its Feishu routes. */
async function counters(relay) {
  const text = await (await fetch(new URL("/metrics", relay))).text();
  const sum = (name) =>
    text
      .split("\n")
      .filter((l) => l.startsWith(`${name}{`))
      .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
  return {
    calls: sum("relay_upstream_calls_total"),
    feishu429: sum("relay_feishu_rate_limited_total"),
    relay429: sum("relay_rate_limited_total"),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const DONE = new Set(["ok", "nothing_to_correct", "skipped"]);

/** One person's month: how long it took, and whether every day got its answer. */
async function month(relay, n, prefilter) {
  const userId = `rush_${String(n).padStart(4, "0")}`;
  const start = performance.now();
  const days = await queryAllowedRemedysRange(
    { params: { employee_type: "employee_id" }, data: { user_id: userId, from: FROM, to: TO } },
    { relayUrl: relay, prefilter, ...moduleOptions },
  );
  const failed = days.filter((d) => !DONE.has(d.status));
  const asked = days.filter((d) => d.decidedBy === "query").length;
  return {
    ms: performance.now() - start,
    complete: failed.length === 0,
    // What this month costs Feishu when nothing is refused: the days asked, and the punch results.
    needed: { query: asked, punches: days.prefilter.status === "off" ? 0 : 1 },
    failure: failed[0] ? (failed[0].error?.code ?? failed[0].error?.kind ?? failed[0].status) : null,
    prefilter: days.prefilter.status,
  };
}

/** The rush on one relay: N months started evenly over T seconds. */
async function rush(relay, prefilter) {
  const before = await counters(relay);
  const started = performance.now();
  const months = await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      await sleep((i * T * 1000) / N);
      return month(relay, i + 1, prefilter);
    }),
  );
  const wall = performance.now() - started;
  const after = await counters(relay);
  const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
  return { ...delta, wall, months };
}

/** The p-th percentile of the months' times, an incomplete month counting as never done (∞). */
function percentile(months, p) {
  const times = months.map((m) => (m.complete ? m.ms : Infinity)).sort((a, b) => a - b);
  return times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
}

function summary(r) {
  const complete = r.months.filter((m) => m.complete).length;
  const failures = {};
  for (const m of r.months.filter((m) => !m.complete)) failures[m.failure] = (failures[m.failure] ?? 0) + 1;
  return {
    feishuCalls: r.calls,
    feishu429: r.feishu429,
    relay429: r.relay429,
    complete,
    months: r.months.length,
    p50: percentile(r.months, 50),
    p95: percentile(r.months, 95),
    max: percentile(r.months, 100),
    needed: neededCalls(r.months),
    floor: floor(r.months),
    wall: r.wall,
    failures,
    prefilter: [...new Set(r.months.map((m) => m.prefilter))].join(","),
  };
}

/** The Feishu calls a complete rush needs, per route. */
function neededPerRoute(months) {
  const sum = (route) => months.reduce((n, m) => n + m.needed[route], 0);
  return { query: sum("query"), punches: sum("punches") };
}
const neededCalls = (months) => Object.values(neededPerRoute(months)).reduce((a, b) => a + b, 0);
/** Feishu limits each API on its own (and the relay each route), so the busier route sets the floor. */
const floor = (months) => (Math.max(...Object.values(neededPerRoute(months))) / LIMIT) * 1000;

const secs = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "never (incomplete)");
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "—");

console.log(`bench-rush: ${N} people (rush_0001…), their month ${FROM}–${TO}, opened within ${T} s; Feishu's limit ${LIMIT}/s`);
console.log(`bench-rush: module options on both paths ${JSON.stringify(moduleOptions)} (an option not named: the module's default)`);
console.log("bench-rush: today's path (prefilter: false; relay --feishu-rate-limit 0 --no-coalesce) …");
const before = summary(await rush(oldRelay, false));
console.log("bench-rush: the new path (punch results first; relay's limiter and coalescing on) …");
const after = summary(await rush(newRelay, true));

const rows = [
  ["Feishu calls a complete rush needs", before.needed, after.needed, ratio(after.needed, before.needed)],
  ["Feishu calls made", before.feishuCalls, after.feishuCalls, ratio(after.feishuCalls, before.feishuCalls)],
  ["429s from Feishu", before.feishu429, after.feishu429, ""],
  ["429s from the relay", before.relay429, after.relay429, ""],
  ["months complete", `${before.complete}/${before.months}`, `${after.complete}/${after.months}`, ""],
  ["p50 time to a complete month", secs(before.p50), secs(after.p50), ratio(after.p50, before.p50)],
  ["p95 time to a complete month", secs(before.p95), secs(after.p95), ratio(after.p95, before.p95)],
  ["max time to a complete month", secs(before.max), secs(after.max), ratio(after.max, before.max)],
  [`floor (busier route's calls ÷ ${LIMIT}/s)`, secs(before.floor), secs(after.floor), ratio(after.floor, before.floor)],
  ["p95 ÷ floor", ratio(before.p95, before.floor), ratio(after.p95, after.floor), ""],
  ["whole rush, first start to last answer", secs(before.wall), secs(after.wall), ratio(after.wall, before.wall)],
];
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => String(r[c]).length), 12));
const line = (r) => `| ${r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join(" | ")} |`;
console.log(line(["", "today's path", "new path", "new ÷ today"]));
console.log(`|${widths.map((w, c) => (c === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
for (const r of rows) console.log(line(r));
console.log(`failed months by the code (or kind) of their first failed day: today's ${JSON.stringify(before.failures)}, new ${JSON.stringify(after.failures)}`);
console.log(`prefilter: today's path ${before.prefilter}, new path ${after.prefilter}`);
const goals = {
  "0 Feishu 429s on the new path": after.feishu429 === 0,
  "every month completes": after.complete === after.months,
  "p95 within 1.5× the floor": after.p95 <= 1.5 * after.floor,
};
for (const [goal, met] of Object.entries(goals)) console.log(`goal: ${goal}: ${met ? "met" : "NOT met"}`);
if (process.env.RUSH_JSON) writeFileSync(process.env.RUSH_JSON, JSON.stringify({ before, after, goals }, null, 2));
