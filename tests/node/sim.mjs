// The relay scripts/test-node.sh started on the Feishu simulation, and requests for its cases
// (GET /_sim/dataset lists them with today's concrete dates and the expected punches).
export const RELAY_URL = process.env.RELAY_URL;
if (!RELAY_URL) throw new Error("RELAY_URL is not set: run these tests through scripts/test-node.sh (make test-node)");

/** The request of a named case of the simulation (e.g. "missing_punch") and the punches expected. */
export async function simDay(name) {
  const dataset = await (await fetch(new URL("/_sim/dataset", RELAY_URL))).json();
  const c = dataset.cases.find((x) => x.name === name);
  if (!c) throw new Error(`the simulation has no case ${name}`);
  return {
    request: { params: { employee_type: c.employee_type }, data: { user_id: c.user_id, remedy_date: c.date } },
    expected: c.remedys,
  };
}
