// The npm-pack install test: the consumer directory (scripts/test-pkg.sh installed the tarball in
// it) served over HTTP with the README's CSP, index.html opened in Debian's Chromium, its results checked.
import { test } from "node:test";
import { assertChecked, launch, readmeCsp, runCheck, simCases } from "./consumer.mjs";
import { serve } from "./serve.mjs";

const { CONSUMER_DIR, RELAY_URL, PAGE_PORT } = process.env;

test("the installed package works on a plain page, under the README's CSP", async () => {
  // The port the harness started the relay's --cors-origin with: the page calls it cross-origin.
  const site = await serve(CONSUMER_DIR, Number(PAGE_PORT), {
    headers: { "content-security-policy": readmeCsp(RELAY_URL) },
  });
  const cases = await simCases(RELAY_URL);
  const browser = await launch();
  try {
    assertChecked(await runCheck(browser, `${site.url}index.html`, RELAY_URL, cases), cases);
  } finally {
    await browser.close();
    await site.close();
  }
});
