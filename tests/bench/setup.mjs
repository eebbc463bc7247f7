// What the benchmark (bench.mjs) and its profiler (profile.mjs) share: the bench page served
// cross-origin isolated (a 5 µs timer), the dataset case both time, and Debian's headless Chromium.
import { chromium } from "playwright-core";
import { serve } from "../pkg/serve.mjs";

const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

/** Serves SITE_DIR on PAGE_PORT, reads the `missing_punch` case from the relay, starts Chromium. */
export async function openBench() {
  const { SITE_DIR, RELAY_URL, PAGE_PORT } = process.env;
  const site = await serve(SITE_DIR, Number(PAGE_PORT), { isolated: true });
  const dataset = await (await fetch(new URL("/_sim/dataset", RELAY_URL))).json();
  const c = dataset.cases.find((x) => x.name === "missing_punch");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
  return { site, c, browser, relayUrl: RELAY_URL };
}
