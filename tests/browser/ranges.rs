//! A range of days at a time (`queryAllowedRemedysRange`): every day in order with progress, a
//! range stopped early, its validation, cancelling.

use js_sys::Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use crate::ok;
use crate::support::*;

async fn month(name: &str) -> JsValue {
    let dataset = get_json(&[relay(), "/_sim/dataset"].concat()).await;
    let months: Array = at(&dataset, "months").into();
    months
        .iter()
        .find(|m| text_at(m, "name").as_deref() == Some(name))
        .expect("month in dataset")
}

fn month_request(m: &JsValue) -> (JsValue, Array) {
    let days: Array = at(m, "days").into();
    let from = num_at(&days.get(0), "date").expect("first day");
    let to = num_at(&days.get(days.length() - 1), "date").expect("last day");
    let user = text_at(m, "user_id").expect("user");
    (range_request("employee_id", &user, from, to), days)
}

#[wasm_bindgen_test]
async fn a_month_answers_every_day_in_order() {
    let m = month("month").await;
    let (req, days) = month_request(&m);
    let progress = progress_recorder();
    let o = opts(r#"{"concurrency":3}"#);
    set(&o, "onProgress", &progress);
    let result: Array = range(req, o)
        .await
        .unwrap_or_else(|e| panic!("{}", message_of(&e)))
        .into();
    assert_eq!(result.length(), days.length());
    for (got, want) in result.iter().zip(days.iter()) {
        let date = num_at(&want, "date");
        assert_eq!(num_at(&got, "date"), date, "date order");
        let status = text_at(&got, "status").unwrap_or_default();
        let expect = at(&want, "expect");
        match expect.as_string().as_deref() {
            Some("ok") => {
                assert_eq!(status, "ok", "{date:?}");
                let entries: Array = at(&got, "entries").into();
                assert_eq!(
                    Some(entries.length() as f64),
                    num_at(&want, "rows"),
                    "{date:?}"
                );
            }
            _ if expect.as_f64() == Some(1226501.0) => {
                assert_eq!(status, "nothing_to_correct", "{date:?}")
            }
            _ => {
                assert_eq!(status, "error", "{date:?}");
                let e = expect_kind(&at(&got, "error"), "api");
                assert_eq!(num_at(&e, "code"), expect.as_f64(), "{date:?}");
            }
        }
    }
    let calls: Array = at(&progress, "calls").into();
    assert_eq!(calls.length(), days.length(), "onProgress after every day");
    let last = calls.get(calls.length() - 1);
    assert_eq!(num_at(&last, "0"), Some(days.length() as f64));
    assert_eq!(num_at(&last, "1"), Some(days.length() as f64));
    // Each call brings its day: the very object the final array holds for that date.
    let mut seen = Vec::new();
    for call in calls.iter() {
        let day = at(&call, "2");
        let date = num_at(&day, "date").expect("a day with each call");
        let i = result.iter().position(|d| num_at(&d, "date") == Some(date));
        let i = i.expect("a date of the range") as u32;
        assert!(js_sys::Object::is(&day, &result.get(i)), "{date}");
        seen.push(date as u32);
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len() as u32, days.length(), "every day once");
}

#[wasm_bindgen_test]
async fn a_group_that_forbids_corrections_stops_the_range() {
    let m = month("month_group_forbids").await;
    let (req, days) = month_request(&m);
    let progress = progress_recorder();
    let o = opts(r#"{"concurrency":1}"#);
    set(&o, "onProgress", &progress);
    let result: Array = range(req, o)
        .await
        .unwrap_or_else(|e| panic!("{}", message_of(&e)))
        .into();
    assert_eq!(result.length(), days.length());
    let statuses: Vec<String> = result
        .iter()
        .map(|d| text_at(&d, "status").unwrap_or_default())
        .collect();
    let first_error = statuses
        .iter()
        .position(|s| s == "error")
        .expect("an error day");
    let e = expect_kind(&at(&result.get(first_error as u32), "error"), "api");
    assert_eq!(num_at(&e, "code"), Some(1226502.0));
    for (i, s) in statuses.iter().enumerate().skip(first_error + 1) {
        assert_eq!(s, "skipped", "day {i}");
        let reason = expect_kind(&at(&result.get(i as u32), "reason"), "api");
        assert_eq!(num_at(&reason, "code"), Some(1226502.0));
    }
    let calls: Array = at(&progress, "calls").into();
    let last = calls.get(calls.length() - 1);
    assert_eq!(
        num_at(&last, "0"),
        Some(days.length() as f64),
        "progress reaches the end"
    );
    // Skipped days were never answered: the call that accounts for them brings no day.
    assert!(at(&last, "2").is_undefined());
    assert_eq!(
        calls.length() as usize,
        first_error + 2,
        "answered days, then the end"
    );
}

/// Each bad range query (request and options), the field its error names, and the problem code.
/// One case per line.
#[rustfmt::skip]
fn bad_ranges() -> Vec<(JsValue, JsValue, &'static str, &'static str)> {
    let days = |from, to| range_request("employee_id", "u", from, to);
    let two_days = || days(20240101.0, 20240102.0);
    vec![
        (days(20240101.0, 20240303.0), opts("{}"), "data.to", "range_too_long"),
        (days(20240105.0, 20240101.0), opts("{}"), "data.to", "range_reversed"),
        (days(20240100.0, 20240101.0), opts("{}"), "data.from", "no_such_day"),
        (range_request("nope", "u", 20240101.0, 20240101.0), opts("{}"), "params.employee_type", "not_allowed"),
        (two_days(), opts(r#"{"concurrency":0}"#), "concurrency", "out_of_range"),
        (two_days(), opts(r#"{"concurrency":17}"#), "concurrency", "out_of_range"),
        (two_days(), opts(r#"{"onProgress":"x"}"#), "onProgress", "wrong_type"),
        (JsValue::NULL, opts("{}"), "request", "missing"),
    ]
}

#[wasm_bindgen_test]
async fn range_inputs_are_validated() {
    for (i, (req, o, field, problem)) in bad_ranges().into_iter().enumerate() {
        let e = range(req, o).await.expect_err("invalid");
        let e = expect_kind(&e, "validation");
        assert_eq!(
            text_at(&e, "field").as_deref(),
            Some(field),
            "#{i}: {}",
            message_of(&e)
        );
        assert_eq!(
            text_at(&e, "problem").as_deref(),
            Some(problem),
            "#{i}: {}",
            message_of(&e)
        );
    }
    // 62 days, the most a range may cover, are all answered in order, and a throwing onProgress
    // does not disturb the range.
    let case = dataset_case("always_in_order").await;
    let to = num_at(&case, "date").expect("date") as i64;
    let from = feishu_remedy::RemedyDate::from_yyyymmdd(to)
        .ok()
        .and_then(|d| d.add_days(-61))
        .expect("62 days back")
        .yyyymmdd();
    let user = text_at(&case, "user_id").expect("user_id");
    let req = range_request("employee_id", &user, f64::from(from), to as f64);
    let o = opts("{}");
    set(&o, "onProgress", &throwing_progress());
    let result: Array = range(req, o).await.expect("range").into();
    assert_eq!(result.length(), 62);
    assert_eq!(num_at(&result.get(0), "date"), Some(f64::from(from)));
    assert_eq!(num_at(&result.get(61), "date"), Some(to as f64));
}

#[wasm_bindgen_test]
async fn a_cancelled_range_rejects_as_aborted() {
    let case = dataset_case("slow").await;
    let to = num_at(&case, "date").expect("date") as i64;
    let from = feishu_remedy::RemedyDate::from_yyyymmdd(to)
        .ok()
        .and_then(|d| d.add_days(-3))
        .expect("three days earlier")
        .yyyymmdd();
    let req = range_request("employee_id", "sim_slow", f64::from(from), to as f64);
    let o = opts("{}");
    set(&o, "signal", &abort_later(200, &JsValue::UNDEFINED));
    let start = now();
    let e = range(req, o).await.expect_err("cancelled");
    expect_kind(&e, "aborted");
    assert!(now() - start < 2500.0, "stopped at once");
    // And the module goes on working.
    let case = dataset_case("missing_punch").await;
    ok(case_request(&case), opts("{}")).await;
}
