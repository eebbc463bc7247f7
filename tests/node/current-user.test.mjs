// currentUser() from the package, init() forgotten: the first call loads the module, as the queries
// do. The relay scripts/test-node.sh starts is in `open` access, which has no sign-in: it answers
// /auth/me with 404 and its code 98000404, which is how a page tells the lookup tool from a
// personal page. A bad token is refused before anything is sent, naming the field, never the value.
import assert from "node:assert/strict";
import { test } from "node:test";
import { currentUser, RemedyError } from "feishu-remedy";
import { RELAY_URL } from "./sim.mjs";

test("currentUser() loads the module itself; a relay without sign-in rejects with 98000404", async () => {
  await assert.rejects(
    currentUser({ relayUrl: RELAY_URL, retries: 0 }),
    (e) => e instanceof RemedyError && e.kind === "api" && e.code === 98000404 && e.httpStatus === 404,
  );
});

test("a token that is not one is a validation error naming token, without its value", async () => {
  const secret = "not a token: s3cr3t";
  await assert.rejects(currentUser({ relayUrl: RELAY_URL, token: () => secret }), (e) => {
    assert.ok(e instanceof RemedyError);
    assert.equal(e.kind, "validation");
    assert.equal(e.field, "token");
    assert.ok(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes("s3cr3t"));
    return true;
  });
});
