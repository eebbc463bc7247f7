// Shared set-up for the page tests: one Chromium per test file (Debian's, driven by playwright-core;
// never a downloaded browser), a fresh context per test, and the checks every test wants: no page
// errors, no Content-Security-Policy violations, a screenshot for a person to look at.

import { after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SHOTS = join(ROOT, "target", "page-screenshots");
export const DOCS = join(ROOT, "docs");

/** The relay started by scripts/test-page.sh, serving www/ at / and pkg/ at /pkg/. */
export const PAGE_URL = process.env.PAGE_URL;
if (!PAGE_URL) throw new Error("PAGE_URL is not set: run these tests through scripts/test-page.sh (make test-page)");
/** Its twin with Feishu sign-in (`--access feishu`), and the address of its simulated Feishu. */
export const SIGNIN_URL = process.env.SIGNIN_URL;
export const SIGNIN_SIM_URL = process.env.SIGNIN_SIM_URL;

// The API path the module posts to; tests intercept it to slow the month down or count requests.
export const API_GLOB = "**/open-apis/attendance/v1/user_task_remedys/query_user_allowed_remedys*";

const ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

let browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
});
after(async () => {
  if (browser) await browser.close();
});

/**
 * A new page in its own context. `problems` collects what must never happen on this page: uncaught
 * errors and CSP violations (console errors for failed HTTP statuses are expected: Feishu answers
 * errors with 4xx/5xx, and the browser logs those).
 */
export async function openPage({ locale = "en-US", width = 1100, height = 900, query = "", wait = true, init = null } = {}) {
  const context = await browser.newContext({ locale, viewport: { width, height } });
  // `init`: a function run in every document before its own scripts (e.g. to play the Feishu client).
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  await page.goto(new URL(query, PAGE_URL).href);
  if (wait) await moduleReady(page);
  return { page, context, problems };
}

/** Waits for the package to load, or fails with what the page says (e.g. pkg/ is missing). */
export async function moduleReady(page) {
  await page.waitForSelector("html[data-ready=true], #results [role=alert]", { timeout: 15000 });
  if (await page.getAttribute("html", "data-ready")) return;
  throw new Error(`the page could not load its module: ${await page.textContent("#results")}`);
}

/** Saves a full-page screenshot as target/page-screenshots/<name>.png. */
export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Fills the form with a mouse-free API (the keyboard test does it key by key instead). */
export async function lookUp(page, { userId, date, month, employeeType = "employee_id" }) {
  await page.selectOption("#employee-type", employeeType);
  await page.fill("#user-id", userId);
  // The radios are styled as a segmented switch; clicking the label is what a person does.
  if (month) {
    await page.click('label[for="mode-month"]');
    await page.fill("#month", month);
  } else {
    await page.click('label[for="mode-day"]');
    await page.fill("#date", date);
  }
  await page.click("#submit");
}

/** Waits until the query in flight has finished (the cancel button disappears). */
export async function settled(page, timeout = 30000) {
  await page.locator("#cancel").waitFor({ state: "hidden", timeout });
  await page.locator("#results .card").waitFor({ timeout });
}

/** The text of every cell of the punches table, row by row. */
export async function tableRows(page, scope = "#results") {
  return page.$$eval(`${scope} table.punches tbody tr`, (rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent.trim())));
}

export async function finish({ context, problems }, page, name) {
  await shot(page, name);
  await context.close();
  assert.deepEqual(problems, [], "no uncaught errors and no CSP violations");
}

export { assert };
