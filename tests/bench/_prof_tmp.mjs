import { chromium } from "playwright-core";
import { serve } from "../pkg/serve.mjs";
const { SITE_DIR, RELAY_URL } = process.env;
const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"];
const site = await serve(SITE_DIR, 0, { isolated: true });
const dataset = await (await fetch(new URL("/_sim/dataset", RELAY_URL))).json();
const c = dataset.cases.find((x) => x.name === "missing_punch");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
const page = await browser.newPage();
await page.goto(`${site.url}prof.html?relay=${encodeURIComponent(RELAY_URL)}&case=${encodeURIComponent(JSON.stringify(c))}`);
await page.waitForFunction(() => window.ready);
await page.evaluate(() => window.runWasm(100));
const cdp = await page.context().newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
await cdp.send("Profiler.start");
const t = Date.now();
await page.evaluate((w) => window[w](500), process.env.WHICH || "runWasm");
const ms = Date.now() - t;
const { profile } = await cdp.send("Profiler.stop");
// self time per function
const dt = profile.timeDeltas; const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`;
  self.set(k, (self.get(k) || 0) + (dt[i] || 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log("wall", ms, "ms for 500; profiled", (total / 1000).toFixed(1), "ms");
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 1000).toFixed(1).padStart(8), k);
await browser.close(); await site.close();
