// init() forgotten: configure() keeps its options until the module is loaded, and the first query
// loads it, applies them and runs; from then on configure() checks its options at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { configure, queryAllowedRemedys, RemedyError } from "feishu-remedy";
import { RELAY_URL, simDay } from "./sim.mjs";

test("without init(), configure() then a query works", async () => {
  configure({ relayUrl: RELAY_URL });
  const { request, expected } = await simDay("missing_punch");
  const res = await queryAllowedRemedys(request);
  assert.equal(res.code, 0);
  assert.equal(res.data.user_allowed_remedys.length, expected.length);
});

test("once the module is loaded, configure() refuses a bad option at once", () => {
  assert.throws(
    () => configure({ relayUrl: "ftp://relay.example" }),
    (e) => e instanceof RemedyError && e.kind === "validation" && e.field === "relayUrl",
  );
});
