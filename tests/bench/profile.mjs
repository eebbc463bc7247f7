// `make bench PROFILE=1`: where a call's time goes. Samples Chromium's CPU profiler over calls of
// queryAllowedRemedys and over plain fetch + JSON.parse (tests/bench/bench.html), and prints the
// functions with the most self time in each. Prints only, like the bench: a profile is for reading.
// It found a caught TypeError per call (Reflect.get on `undefined`) worth 5-10% of a call.
import { openBench } from "./setup.mjs";

const CALLS = Number(process.env.CALLS || 500);
const TOP = Number(process.env.TOP || 15);

const { site, c, browser, relayUrl: RELAY_URL } = await openBench();

/** Self time by function (name, file, line) over one profiled run of `calls` calls. */
function selfTimes(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map();
  profile.samples.forEach((id, i) => {
    const f = nodes.get(id).callFrame;
    const key = `${f.functionName || "(anonymous)"}  ${f.url.split("/").pop().split("?")[0]}:${f.lineNumber + 1}`;
    out.set(key, (out.get(key) || 0) + (profile.timeDeltas[i] || 0) / 1000);
  });
  return out;
}

try {
  const page = await browser.newPage();
  const query = new URLSearchParams({ relay: RELAY_URL, case: JSON.stringify(c), calls: "0", profile: "1" });
  await page.goto(`${site.url}bench.html?${query}`);
  await page.waitForFunction(() => window.__result !== undefined);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  for (const which of ["plain", "wasm"]) {
    await page.evaluate((w) => window.runCalls(50, w), which); // warm up
    await cdp.send("Profiler.start");
    const t0 = Date.now();
    await page.evaluate(([n, w]) => window.runCalls(n, w), [CALLS, which]);
    const wall = Date.now() - t0;
    const { profile } = await cdp.send("Profiler.stop");
    const rows = [...selfTimes(profile)].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    console.log(`profile: ${which === "plain" ? "plain fetch + JSON.parse" : "queryAllowedRemedys"}, ${CALLS} calls, ${wall} ms wall; self time per call:`);
    for (const [k, ms] of rows) console.log(`  ${((ms / CALLS) * 1000).toFixed(1).padStart(8)} µs  ${k}`);
  }
} finally {
  await browser.close();
  await site.close();
}
