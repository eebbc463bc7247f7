// Node, as the READMEs say: `await init()` without arguments (the .wasm read from beside the
// module), then queries through the relay on the simulation.
import assert from "node:assert/strict";
import { test } from "node:test";
import init, { configure, queryAllowedRemedys, RemedyError } from "feishu-remedy";
import { RELAY_URL, simDay } from "./sim.mjs";

test("await init() without arguments loads the module in Node", async () => {
  const exports = await init();
  assert.ok(exports.memory instanceof WebAssembly.Memory);
});

test("a query from Node through the relay", async () => {
  configure({ relayUrl: RELAY_URL });
  const ok = await simDay("missing_punch");
  assert.equal(ok.request.data.user_id, "abd754f7");
  const res = await queryAllowedRemedys(ok.request);
  assert.equal(res.code, 0);
  assert.ok(res.log_id);
  assert.deepEqual(
    res.data.user_allowed_remedys.map((p) => [p.punch_no, p.work_type, p.punch_status]),
    ok.expected.map((p) => [p.punch_no, p.work_type, p.punch_status]),
  );

  const refused = await simDay("group_forbids");
  await assert.rejects(queryAllowedRemedys(refused.request), (e) => {
    assert.ok(e instanceof RemedyError && e instanceof Error);
    assert.equal(e.code, 1226502);
    assert.ok(e.logId);
    return true;
  });
});
