// Drives tests/bench/bench.html in Debian's headless Chromium and prints the figures. Prints only:
// timings vary by machine, so nothing here asserts on them.
import { openBench } from "./setup.mjs";

const CALLS = Number(process.env.CALLS || 500);
const COLD_RUNS = Number(process.env.COLD_RUNS || 7);
// BLOCK: calls of one kind before switching to the other (default 1: strictly alternating).

const { site, c, browser, relayUrl: RELAY_URL } = await openBench();
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function run(query) {
  const context = await browser.newContext(); // a fresh context: nothing cached, a real cold start
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${site.url}bench.html?${query}`);
  await page.waitForFunction(() => window.__result !== undefined || document.title === "failed", null, { timeout: 600000 });
  const r = await page.evaluate(() => window.__result);
  await context.close();
  if (errors.length) throw new Error(errors.join("\n"));
  return r;
}

try {
  const base = new URLSearchParams({ relay: RELAY_URL, case: JSON.stringify(c) });
  const colds = [];
  for (let i = 0; i < COLD_RUNS; i++) colds.push(await run(`${base}&cold=1&calls=0`));
  const r = await run(`${base}&calls=${CALLS}&block=${process.env.BLOCK || 1}`);
  const f = (x) => x.toFixed(3);
  if (!r.isolated) throw new Error("the bench page is not cross-origin isolated: its timer ticks in 100 µs steps");
  console.log(`bench: ${r.calls} sequential calls each, headless Chromium, relay on the simulation (--sim-rate-limit 0), alternating in blocks of ${process.env.BLOCK || 1}, 5 µs timer`);
  console.log(`  plain fetch + JSON.parse   median ${f(r.plain.median)} ms   p90 ${f(r.plain.p90)} ms`);
  console.log(`  queryAllowedRemedys        median ${f(r.wasm.median)} ms   p90 ${f(r.wasm.p90)} ms`);
  console.log(`  ratio (median)             ${(r.wasm.median / r.plain.median).toFixed(3)}x   (goal <= 1.15x)`);
  const m = (k) => f(median(colds.map((x) => x[k])));
  console.log(`  cold start, median of ${COLD_RUNS} fresh pages: ${m("cold")} ms to ready (import ${m("imported")} ms, then init + configure), first call ${m("firstCall")} ms`);
} finally {
  await browser.close();
  await site.close();
}
