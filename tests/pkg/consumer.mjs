// The Node side of the browser consumers (tests/pkg/run.mjs, tests/bundlers/run.mjs): Debian's
// Chromium driven by playwright-core, a page that runs check.js opened with the relay's URL and two
// cases of its simulation, and the assertions on what check.js reports.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

/** Debian's Chromium (never a downloaded one), headless. */
export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
}

/** The Content-Security-Policy the READMEs recommend, for a page calling `relayUrl`. */
export function readmeCsp(relayUrl) {
  return `script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${new URL(relayUrl).origin}`;
}

/** The simulation's cases check.js asks: one with punches to correct, one Feishu refuses (1226502). */
export async function simCases(relayUrl) {
  const dataset = await (await fetch(new URL("/_sim/dataset", relayUrl))).json();
  const byName = (n) => dataset.cases.find((c) => c.name === n);
  return { ok: byName("missing_punch"), bad: byName("group_forbids") };
}

/**
 * Opens `pageUrl` (a page running check.js) and resolves to what it reported, plus `problems`:
 * uncaught errors, CSP refusals and wasm-bindgen's warnings (deprecated init parameters, a .wasm not
 * served as application/wasm), none of which a consumer should see.
 */
export async function runCheck(browser, pageUrl, relayUrl, cases) {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to|deprecated|instantiateStreaming/i.test(m.text())) problems.push(m.text());
  });
  try {
    const q = new URLSearchParams({ relay: relayUrl, ok: JSON.stringify(cases.ok), bad: JSON.stringify(cases.bad) });
    await page.goto(`${pageUrl}?${q}`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20000 });
    return { result: await page.evaluate(() => window.__result), problems };
  } finally {
    await page.close();
  }
}

/** What check.js must have seen: a real answer, a real RemedyError of the package's class, a validation error. */
export function assertChecked({ result: r, problems }, cases) {
  assert.equal(r.failure, undefined, r.failure);
  assert.equal(r.code, 0);
  assert.equal(r.rows, cases.ok.remedys.length);
  assert.ok(r.logId, "log id");
  assert.equal(r.instanceOf, true, "err instanceof RemedyError, with the class imported from the package");
  assert.equal(r.isError, true);
  assert.equal(r.errorCode, 1226502);
  assert.ok(r.errorLogId);
  assert.ok(r.hint);
  assert.equal(r.validation, true);
  assert.deepEqual(r.signIn, { instanceOf: true, code: 98000404 }, "currentUser() on a relay without sign-in");
  assert.deepEqual(problems, []);
}
