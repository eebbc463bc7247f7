// Chinese and English: the default follows the browser, the switch re-renders everything (results
// included, without asking Feishu again), and the choice survives a reload.

import { test } from "node:test";
import { openPage, lookUp, settled, tableRows, finish, shot, assert, API_GLOB } from "./harness.mjs";
import { DATA } from "./dataset.mjs";

test("a Chinese browser gets Chinese; the switch turns page and results into English", async () => {
  const ctx = await openPage({ locale: "zh-CN" });
  const { page } = ctx;
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  assert.equal(await page.textContent("h1"), "补卡查询");
  assert.equal(await page.textContent("#submit"), "查询");
  assert.equal(await page.textContent('label[for="user-id"]'), "用户 ID 或工号");

  const c = DATA.twoShifts;
  await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
  await settled(page);
  const zhHead = await page.$$eval("#results th", (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(zhHead, ["班次", "打卡", "状态", "应打卡时间", "可补卡时间"]);
  const zhRows = await tableRows(page);
  assert.equal(zhRows[0][0], "第 1 次");
  await shot(page, "lang-zh");

  // Switching must not ask Feishu again: the results are re-rendered from memory.
  let calls = 0;
  await page.route(API_GLOB, (route) => { calls += 1; return route.continue(); });
  await page.click("#lang");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.textContent("h1"), "Punch corrections");
  assert.equal(await page.textContent("#lang"), "中文");
  const enRows = await tableRows(page);
  assert.deepEqual(enRows.map((r) => r.slice(0, 3)), c.rows);
  assert.equal(calls, 0, "no new request on switching language");

  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  assert.equal(await page.textContent("h1"), "Punch corrections", "the choice is remembered");
  await finish(ctx, page, "lang-switched-to-en");
});

test("an English browser gets English; errors follow the language too", async () => {
  const ctx = await openPage({ locale: "en-GB" });
  const { page } = ctx;
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.textContent("#lang"), "中文");
  const c = DATA.errors.find((x) => x.name === "group_forbids");
  await lookUp(page, { userId: c.user, date: c.date, employeeType: c.employeeType });
  await settled(page, 60000);
  const expected = await page.evaluate(async ({ user, date, employeeType }) => {
    const m = await import("/pkg/index.js");
    try {
      await m.queryAllowedRemedys({ params: { employee_type: employeeType }, data: { user_id: user, remedy_date: Number(date.replaceAll("-", "")) } }, { retries: 0 });
    } catch (e) {
      return { en: e.meaning.en, zh: e.meaning.zh, hintZh: e.hint.zh };
    }
    return null;
  }, { user: c.user, date: c.date, employeeType: c.employeeType });
  assert.equal((await page.textContent("#results .error-title")).trim(), expected.en);
  await page.click("#lang");
  assert.equal((await page.textContent("#results .error-title")).trim(), expected.zh);
  assert.equal((await page.textContent("#results .error-hint")).trim(), `处理建议：${expected.hintZh}`);
  const labels = await page.$$eval("#results .facts dt", (dts) => dts.map((dt) => dt.textContent));
  assert.ok(labels.includes("日志 ID") && labels.includes("错误码"), String(labels));
  assert.ok(await page.getByRole("button", { name: "复制" }).count(), "the copy button is translated");
  await finish(ctx, page, "lang-error-zh");
});
