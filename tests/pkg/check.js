// What every browser consumer of the installed package does (the plain page of tests/pkg and the
// bundled apps of tests/bundlers): the README's calls against the relay, without init() (the first
// call loads the module), and what came back, for run.mjs / tests/bundlers/run.mjs to check.
// The relay's URL and two cases of its simulation (GET /_sim/dataset) come in the page's query string.

/** Runs the calls with the package's exports; resolves to a plain object describing the results. */
export async function check({ configure, currentUser, queryAllowedRemedys, RemedyError }) {
  const params = new URLSearchParams(location.search);
  const day = (name) => {
    const c = JSON.parse(params.get(name));
    return { params: { employee_type: c.employee_type }, data: { user_id: c.user_id, remedy_date: c.date } };
  };
  const out = {};
  try {
    configure({ relayUrl: params.get("relay") });
    const res = await queryAllowedRemedys(day("ok"));
    out.code = res.code;
    out.rows = res.data.user_allowed_remedys.length;
    out.logId = res.log_id;
    try {
      await queryAllowedRemedys(day("bad"));
    } catch (err) {
      out.instanceOf = err instanceof RemedyError;
      out.isError = err instanceof Error;
      out.errorCode = err.code;
      out.errorLogId = err.logId;
      out.hint = err.hint.zh;
    }
    try {
      await queryAllowedRemedys(null);
    } catch (err) {
      out.validation = err instanceof RemedyError && err.kind === "validation" && err.field === "request";
    }
    // The test relay is in `open` access: no sign-in, so currentUser() rejects with its 404.
    out.signIn = await currentUser().then(
      (user) => ({ user }),
      (err) => ({ instanceOf: err instanceof RemedyError, code: err.code }),
    );
  } catch (err) {
    out.failure = String((err && err.stack) || err);
    out.failureProblem = err && err.problem;
  }
  return out;
}
