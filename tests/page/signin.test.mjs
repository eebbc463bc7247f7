// The page on a relay with Feishu sign-in (`--access feishu`, the second relay scripts/test-page.sh
// starts): signed out it offers the way in; signed in through the simulated Feishu sign-in page it
// opens onto the person's own month with a greeting and no ID field; another person's punches are
// refused; an admin (the simulation's HR, sim_hr) may look anyone up; signing out ends it all.
// Inside the Feishu client the sign-in passes without a click. On a relay without sign-in the page
// stays the lookup tool (the other test files run there).

import { test } from "node:test";
import { openPage, moduleReady, lookUp, settled, tableRows, finish, shot, assert, PAGE_URL, SIGNIN_URL, SIGNIN_SIM_URL } from "./harness.mjs";
import { DATA, LISTING, isoDate } from "./dataset.mjs";

if (!SIGNIN_URL || !SIGNIN_SIM_URL) throw new Error("SIGNIN_URL is not set: run these tests through scripts/test-page.sh");

const ZHANG = { link: /Zhang Wei/, name: "张伟", id: "abd754f7" }; // the dataset's month is his
const HR = { link: /Wang Fang \(HR\)/, id: "sim_hr" };
const focused = (page) => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));

/** This month as the page's month input holds it, and as the listing's months name it. */
const thisMonth = isoDate(LISTING.today).slice(0, 7);

/** On the simulated Feishu sign-in page: chooses a person, as a person would, and waits to be back. */
async function chooseAccount(page, who) {
  await page.waitForURL((u) => u.href.startsWith(SIGNIN_SIM_URL));
  await page.getByRole("link", { name: who.link }).click();
  await page.waitForURL((u) => u.href.startsWith(SIGNIN_URL));
  await moduleReady(page);
}

/** From the signed-out page: the sign-in button, then the simulated Feishu page. */
async function signIn(page, who) {
  await page.getByRole("link", { name: "Sign in with Feishu" }).click();
  await chooseAccount(page, who);
  await page.locator("#account").waitFor();
}

async function assertSignedOut(page) {
  await page.locator("#signed-out").waitFor();
  assert.equal(await page.isVisible("#sign-in"), true, "the sign-in button");
  const href = new URL(await page.getAttribute("#sign-in", "href"));
  assert.equal(href.href.startsWith(new URL("/auth/login", SIGNIN_URL).href), true, href.href);
  assert.equal(href.searchParams.get("return_to"), new URL(page.url()).pathname, "it comes back to this page");
  assert.equal(await page.isHidden("#query"), true, "no form while signed out");
  assert.equal(await page.isHidden("#account"), true, "no greeting while signed out");
  assert.equal(await page.isHidden("#results"), true, "nothing of before is left");
}

test("signed out: a sign-in button; through the simulated Feishu page onto one's own month", async () => {
  const ctx = await openPage({ query: SIGNIN_URL });
  const { page } = ctx;
  await assertSignedOut(page);
  assert.match(await page.textContent("#signed-out h2"), /Sign in to see your punches/);

  // By keyboard: Tab reaches the link, Enter follows it; on Feishu's (simulated) page, the same.
  let found = false;
  for (let i = 0; i < 6 && !found; i += 1) {
    await page.keyboard.press("Tab");
    found = (await focused(page)) === "sign-in";
  }
  assert.ok(found, "the sign-in link is reachable with Tab");
  await page.keyboard.press("Enter");
  await chooseAccount(page, ZHANG);

  assert.equal((await page.textContent("#greeting")).trim(), `Hello, ${ZHANG.name}`);
  assert.equal(await page.isVisible("#sign-out"), true);
  assert.equal(await page.isHidden("#user-id-field"), true, "no ID field: it is one's own page");
  assert.equal(await page.isHidden("#employee-type-field"), true);
  assert.equal(await page.isChecked("#mode-month"), true, "it opens onto a month");
  assert.equal(await page.inputValue("#month"), thisMonth, "this month");
  await settled(page, 60000);
  assert.match(await page.textContent("#results h2"), new RegExp(`· ${ZHANG.name}$`), "the month is named for the person");

  const days = await page.$$eval("#results button.day", (bs) => bs.map((b) => Number(b.dataset.date)));
  assert.equal(String(days[0]).slice(0, 6), thisMonth.replace("-", ""), "the grid is this month's");
  if (DATA.month.month === thisMonth) {
    assert.equal(DATA.month.user, ZHANG.id, "the listed month is Zhang Wei's");
    // The days to correct are the listing's, and only those.
    const expected = DATA.month.days.filter((d) => d.expect === "ok" && d.rows >= 1).map((d) => d.date);
    const shown = await page.$$eval("#results button.day-ok", (bs) => bs.map((b) => Number(b.dataset.date)));
    assert.deepEqual(shown, expected);
  }
  await finish(ctx, page, "signin-own-month");
});

test("another person's punches are refused (403), by hand through the module and on the page", async () => {
  const ctx = await openPage({ query: SIGNIN_URL });
  const { page } = ctx;
  await signIn(page, ZHANG);
  await settled(page, 60000);
  const other = DATA.twoShifts;
  assert.notEqual(other.user, ZHANG.id);
  // A hand-crafted request through the page's own module: the relay refuses it.
  const refused = await page.evaluate(async ({ user, date }) => {
    const m = await import("/pkg/index.js");
    try {
      await m.queryAllowedRemedys({ params: { employee_type: "employee_id" }, data: { user_id: user, remedy_date: date } }, { retries: 0 });
      return null;
    } catch (e) {
      return { remedy: e instanceof m.RemedyError, code: e.code, category: e.category, httpStatus: e.httpStatus, en: e.meaning.en };
    }
  }, { user: other.user, date: Number(other.date.replaceAll("-", "")) });
  assert.ok(refused, "the request was refused");
  assert.equal(refused.remedy, true, "a RemedyError");
  assert.equal(refused.code, 98000443);
  assert.equal(refused.category, "permission");
  assert.equal(refused.httpStatus, 403);

  // Someone who un-hides the ID field (developer tools) and asks anyway gets the page's answer.
  await page.evaluate(() => {
    document.getElementById("user-id-field").hidden = false;
    document.getElementById("employee-type-field").hidden = false;
  });
  await lookUp(page, { userId: other.user, date: other.date, employeeType: other.employeeType });
  await settled(page, 60000);
  assert.equal((await page.textContent("#results .error-title")).trim(), "You can only see your own punches.");
  assert.match(await page.textContent("#results .error-hint"), /ask an administrator/);
  assert.match(await page.textContent("#results .facts"), /98000443/);
  assert.equal(await page.locator("#results table.punches").count(), 0, "nothing of theirs is shown");
  await page.click("#lang");
  assert.equal((await page.textContent("#results .error-title")).trim(), "你只能查看自己的打卡记录。");
  await finish(ctx, page, "signin-not-yours");
});

test("an admin (HR) sees the lookup field and looks someone up", async () => {
  const ctx = await openPage({ query: SIGNIN_URL });
  const { page } = ctx;
  await signIn(page, HR);
  assert.match(await page.textContent("#greeting"), /^Hello, .+ Administrator: you can look up anyone\.$/);
  assert.equal(await page.isVisible("#user-id"), true, "the lookup field");
  assert.equal(await page.inputValue("#user-id"), HR.id, "starting from their own id");
  // Their own month comes first; looking someone up replaces it, loaded or not.
  assert.equal(await page.locator("#results button.day").count() >= 28, true);

  const c = DATA.missing;
  await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
  await settled(page, 60000);
  assert.equal(await page.textContent("#results h2 .user"), c.user);
  const rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.slice(0, 3)), c.rows, "someone else's punches, for an admin");
  await finish(ctx, page, "signin-admin-lookup");
});

test("signing out, by keyboard: the sign-in button takes its place, and stays after a reload", async () => {
  const ctx = await openPage({ query: SIGNIN_URL });
  const { page } = ctx;
  await signIn(page, ZHANG);
  // While the month may still be loading: signing out drops it, whatever it answers later.
  await page.focus("#sign-out");
  await page.keyboard.press("Enter");
  await assertSignedOut(page);
  assert.equal(await focused(page), "sign-in", "focus moves to the way back in");
  assert.equal(await page.textContent("#status"), "You have signed out.");
  const me = await page.evaluate(async () => (await import("/pkg/index.js")).currentUser());
  assert.equal(me, null, "the relay agrees: no one is signed in");
  await page.reload();
  await moduleReady(page);
  await assertSignedOut(page);
  await finish(ctx, page, "signin-signed-out");
});

test("a session that ends while the page is open (on a phone): the next query brings the sign-in button", async () => {
  const ctx = await openPage({ query: SIGNIN_URL, width: 390, height: 844 });
  const { page } = ctx;
  await signIn(page, ZHANG);
  await settled(page, 60000);
  await shot(page, "signin-phone");
  await ctx.context.clearCookies(); // the session is gone, as when it expires
  await page.click("#submit");
  await assertSignedOut(page);
  assert.match(await page.textContent("#signed-out-text"), /Sign in again/);
  assert.equal(await focused(page), "sign-in");
  await finish(ctx, page, "signin-session-ended");
});

test("inside the Feishu client the sign-in starts without a click", async () => {
  // Feishu's client gives its pages `window.tt`; a browser has none.
  const ctx = await openPage({ query: SIGNIN_URL, wait: false, init: () => { window.tt = {}; } });
  const { page } = ctx;
  await chooseAccount(page, ZHANG);
  assert.equal((await page.textContent("#greeting")).trim(), `Hello, ${ZHANG.name}`);
  await settled(page, 60000);
  await finish(ctx, page, "signin-feishu-client");
});

test("a relay without sign-in: the lookup tool, no greeting and no sign-in button", async () => {
  const ctx = await openPage({ query: PAGE_URL });
  const { page } = ctx;
  assert.equal(await page.isVisible("#user-id"), true);
  assert.equal(await page.isHidden("#account"), true);
  assert.equal(await page.isHidden("#signed-out"), true);
  assert.equal(await page.locator("#results button.day").count(), 0, "nothing is asked by itself");
  await finish(ctx, page, "open-lookup-tool");
});

test("when the relay cannot say who is signed in: the reason, and Try again", async () => {
  const ctx = await openPage({ query: SIGNIN_URL, wait: false });
  const { page } = ctx;
  // Before the page asks: /auth/me fails on the way (a network that drops it), then recovers.
  await page.route("**/auth/me", (route) => route.abort("failed"));
  await page.reload();
  await page.locator("#results [role=alert]").waitFor({ timeout: 30000 });
  assert.equal(await page.isHidden("#query"), true, "no form while it is unknown who asks");
  assert.equal(await page.isHidden("#signed-out"), true, "nor a claim that no one is signed in");
  await page.unroute("**/auth/me");
  await page.getByRole("button", { name: "Try again" }).click();
  await assertSignedOut(page);
  await finish(ctx, page, "signin-me-unreachable");
});
