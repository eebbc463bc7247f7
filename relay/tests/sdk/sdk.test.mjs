// Feishu's official Node SDK, unchanged, pointed at the relay: `domain` set to the relay's URL and
// the token passed per call with `lark.withTenantToken` (the relay replaces it with its own).
// Run by scripts/test-sdk.sh, which starts the relay on its simulation and sets RELAY_URL.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as lark from "@larksuiteoapi/node-sdk";

const RELAY_URL = process.env.RELAY_URL;
assert.ok(RELAY_URL, "RELAY_URL must be set (scripts/test-sdk.sh does)");

const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

// The SDK's own example, with the credentials replaced by placeholders: the relay holds the
// real ones, so a client of the relay never has them.
const client = new lark.Client({
  appId: "app id",
  appSecret: "app secret",
  domain: RELAY_URL,
  disableTokenCache: true,
  logger: quiet,
});

const dataset = await (await fetch(`${RELAY_URL}/_sim/dataset`)).json();
const caseNamed = (name) => {
  const c = dataset.cases.find((x) => x.name === name);
  assert.ok(c, `case ${name} in /_sim/dataset`);
  return c;
};

const ask = (c, token = "t-7f1b******8e560") =>
  client.attendance.v1.userTaskRemedy.queryUserAllowedRemedys(
    { params: { employee_type: c.employee_type }, data: { user_id: c.user_id, remedy_date: c.date } },
    lark.withTenantToken(token),
  );

/** The rejection of `promise`, which must reject. */
async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("the call should have failed");
}

test("a real result comes through the SDK", async () => {
  for (const name of ["missing_punch", "late_and_early", "two_shifts", "missing_punch_by_employee_no"]) {
    const c = caseNamed(name);
    const res = await ask(c);
    assert.equal(res.code, 0, name);
    assert.deepEqual(res.data.user_allowed_remedys, c.remedys, name);
  }
});

test("a Feishu error code comes through the SDK unchanged, with its log id", async () => {
  for (const name of ["group_forbids", "beyond_window", "quota_used_up", "unknown_employee", "server_error"]) {
    const c = caseNamed(name);
    const e = await rejection(ask(c));
    assert.equal(e.response.status, c.http_status, name);
    assert.equal(e.response.data.code, c.expect, name);
    const logid = e.response.headers["x-tt-logid"];
    assert.match(logid, /^[0-9A-F]{32}$/, name);
    assert.equal(e.response.data.error.log_id, logid, name);
  }
});

test("the relay's validation answers in Feishu's format too", async () => {
  const c = { ...caseNamed("missing_punch"), date: 20230229 };
  const e = await rejection(ask(c));
  assert.equal(e.response.status, 400);
  assert.equal(e.response.data.code, 1220001);
  assert.match(e.response.data.msg, /^remedy_date invalid/);
  assert.match(e.response.headers["x-tt-logid"], /^relay-/);
});

test("whatever token the client holds, the relay's own is used", async () => {
  const res = await ask(caseNamed("missing_punch"), "t-not-a-real-token");
  assert.equal(res.code, 0);
});
