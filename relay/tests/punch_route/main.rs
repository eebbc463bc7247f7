//! The second forwarded route, `POST /open-apis/attendance/v1/user_tasks/query` (punch results),
//! one module per concern: its refusals (validation, method, content type, size) with nothing
//! sent upstream; what reaches upstream and the minimized reply; the sign-in rule in feishu and
//! token mode; its own limiter and coalescer; `--no-punch-results`.

#[path = "../common/mod.rs"]
mod common;

mod gates;
mod minimization;
mod refusals;
mod signin;

use feishu_remedy::punch_results::PUNCH_RESULTS_PATH;
use relay::RunningRelay;
use serde_json::{json, Value};

use common::{days_ago, post_to, Reply};

/// POSTs a punch-results query (`employee_type=…` and any flags in `query`) with `headers`.
pub(crate) async fn punch(base: &str, query: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
    post_to(base, PUNCH_RESULTS_PATH, query, body, headers).await
}

/// The body asking about `ids` from `from_days_ago` to `to_days_ago` days before the
/// simulation's today.
pub(crate) fn days_body(
    relay: &RunningRelay,
    ids: &[&str],
    from_days_ago: i64,
    to_days_ago: i64,
) -> String {
    json!({
        "user_ids": ids,
        "check_date_from": days_ago(relay, from_days_ago),
        "check_date_to": days_ago(relay, to_days_ago),
    })
    .to_string()
}

/// The keys of every punch object (`check_in_record`, `check_out_record`) in `reply`.
pub(crate) fn punch_object_keys(reply: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for day in reply["data"]["user_task_results"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for record in day["records"].as_array().into_iter().flatten() {
            for key in ["check_in_record", "check_out_record"] {
                if let Some(punch) = record[key].as_object() {
                    out.push(punch.keys().cloned().collect());
                }
            }
        }
    }
    out
}
