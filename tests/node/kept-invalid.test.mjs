// configure() before the module is loaded cannot check its options; a bad one fails the call that
// loads the module with configure's own validation error, once; later calls are not affected.
import assert from "node:assert/strict";
import { test } from "node:test";
import { configure, queryAllowedRemedys, RemedyError } from "feishu-remedy";
import { RELAY_URL, simDay } from "./sim.mjs";

test("a bad option kept by configure() fails the first call with its validation error", async () => {
  configure({ relayUrl: "ftp://relay.example" });
  const { request } = await simDay("missing_punch");
  await assert.rejects(
    queryAllowedRemedys(request),
    (e) => e instanceof RemedyError && e.kind === "validation" && e.field === "relayUrl",
  );
  const res = await queryAllowedRemedys(request, { relayUrl: RELAY_URL });
  assert.equal(res.code, 0);
});
