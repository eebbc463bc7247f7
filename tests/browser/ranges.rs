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
    // However the punch results served (the relay may not have the route yet: fallback), the
    // days are the dataset's, and each says what decided it.
    let prefilter = text_at(&at(&result, "prefilter"), "status").unwrap_or_default();
    assert!(
        ["used", "fallback"].contains(&prefilter.as_str()),
        "{prefilter}"
    );
    for got in result.iter() {
        let by = text_at(&got, "decidedBy").unwrap_or_default();
        assert!(
            ["query", "punch_results", "calendar"].contains(&by.as_str()),
            "{by}"
        );
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

/// Every day asked (`prefilter: false`): the first 1226502 stops the asking, the rest are skipped.
#[wasm_bindgen_test]
async fn a_group_that_forbids_corrections_stops_the_range() {
    let m = month("month_group_forbids").await;
    let (req, days) = month_request(&m);
    let progress = progress_recorder();
    let o = opts(r#"{"concurrency":1,"prefilter":false}"#);
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

/// Feishu's today (China time) by this machine's clock, as the module reads it.
fn china_today() -> feishu_remedy::RemedyDate {
    let secs = (now() / 1000.0).floor() as i64;
    feishu_remedy::calendar::china_at(secs)
        .expect("a real clock")
        .0
}

/// `n` days after today (before, when negative), yyyyMMdd.
fn day(n: i64) -> u32 {
    china_today().add_days(n).expect("a real day").yyyymmdd()
}

/// `hh:mm` China time on `yyyymmdd`, as Unix seconds in a string (Feishu's `check_time`).
fn unix_at(yyyymmdd: u32, hh: i64, mm: i64) -> String {
    let date = feishu_remedy::RemedyDate::from_yyyymmdd(i64::from(yyyymmdd)).expect("a day");
    (date.days_since_epoch() * 86_400 - 8 * 3600 + hh * 3600 + mm * 60).to_string()
}

/// One record of a 09:00-18:00 shift on `d`: punched in at 09:12, out at 18:00 (none for `Lack`).
fn record(d: u32, check_in: &str, check_out: &str) -> serde_json::Value {
    let punch = |result: &str, at: String| {
        (result != "Lack").then(|| serde_json::json!({ "check_time": at, "type": 0 }))
    };
    serde_json::json!({
        "check_in_result": check_in, "check_out_result": check_out,
        "check_in_result_supplement": "None", "check_out_result_supplement": "None",
        "check_in_shift_time": unix_at(d, 9, 0), "check_out_shift_time": unix_at(d, 18, 0),
        "check_in_record": punch(check_in, unix_at(d, 9, 12)),
        "check_out_record": punch(check_out, unix_at(d, 18, 0)),
    })
}

fn punch_reply(entries: Vec<serde_json::Value>) -> String {
    serde_json::json!({"code": 0, "msg": "success", "data": {
        "user_task_results": entries, "invalid_user_ids": [], "unauthorized_user_ids": []}})
    .to_string()
}

const DAY_REPLY: &str = r#"{"code":0,"msg":"success","data":{"user_allowed_remedys":[{"punch_no":0,"work_type":1,"punch_status":"Late"}]}}"#;

/// Runs a range of `u1` from `from` to `to` against [`routed_fetch`]; fetch is put back before
/// anything is checked. Returns the result (or error) and the requests made, in order.
async fn routed_range(
    punch: (u16, &str),
    (from, to): (u32, u32),
    options: JsValue,
) -> (Result<JsValue, JsValue>, Vec<JsValue>) {
    let fake = routed_fetch(punch.0, punch.1, DAY_REPLY);
    let req = range_request("employee_id", "u1", f64::from(from), f64::from(to));
    let result = range(req, options).await;
    restore(&fake);
    let calls: Array = at(&fake, "calls").into();
    (result, calls.iter().collect())
}

fn fake_options(extra: &str) -> JsValue {
    let o = js(extra);
    set(&o, "relayUrl", &"https://relay.example".into());
    set(&o, "retries", &JsValue::from(0));
    set(&o, "headers", &js(r#"{"x-a":"a"}"#));
    o
}

/// The `remedy_date`s the day requests asked, in date order.
fn asked_days(calls: &[JsValue]) -> Vec<u32> {
    let mut days: Vec<u32> = calls
        .iter()
        .filter(|c| text_at(c, "url").is_some_and(|u| u.contains("query_user_allowed_remedys")))
        .map(|c| {
            let body = text_at(c, "init.body").expect("a body");
            num_at(&js(&body), "remedy_date").expect("remedy_date") as u32
        })
        .collect();
    days.sort_unstable();
    days
}

fn days_of(result: Result<JsValue, JsValue>) -> (Array, JsValue) {
    let result = result.unwrap_or_else(|e| panic!("{}", message_of(&e)));
    let prefilter = at(&result, "prefilter");
    (result.into(), prefilter)
}

#[wasm_bindgen_test]
async fn punch_results_leave_only_the_days_to_correct_to_ask() {
    let d: Vec<u32> = (-10..=-5).map(day).collect();
    let entries = vec![
        serde_json::json!({"user_id": "u1", "day": d[0], "records": [record(d[0], "Normal", "Normal")]}),
        // Another person's late day is not this person's.
        serde_json::json!({"user_id": "u2", "day": d[0], "records": [record(d[0], "Late", "Normal")]}),
        serde_json::json!({"user_id": "u1", "day": d[1], "records": [record(d[1], "Late", "Normal")]}),
        // d[2]: not covered.
        serde_json::json!({"user_id": "u1", "day": d[3], "records": [record(d[3], "Todo", "Normal")]}),
        serde_json::json!({"user_id": "u1", "day": d[4], "records": [record(d[4], "NoNeedCheck", "NoNeedCheck")]}),
        serde_json::json!({"user_id": "u1", "day": d[5], "records": [record(d[5], "Normal", "Lack")]}),
    ];
    let progress = progress_recorder();
    let o = fake_options(r#"{"concurrency":2}"#);
    set(&o, "onProgress", &progress);
    let (result, calls) = routed_range((200, &punch_reply(entries)), (d[0], d[5]), o).await;
    let (days, prefilter) = days_of(result);

    // One punch-results call, first, in Feishu's wire format through the same options...
    let punch = &calls[0];
    assert_eq!(
        text_at(punch, "url").as_deref(),
        Some("https://relay.example/open-apis/attendance/v1/user_tasks/query?employee_type=employee_id")
    );
    let body = format!(
        r#"{{"user_ids":["u1"],"check_date_from":{},"check_date_to":{}}}"#,
        d[0], d[5]
    );
    assert_eq!(text_at(punch, "init.body"), Some(body));
    assert_eq!(text_at(punch, "init.headers.x-a").as_deref(), Some("a"));
    // ...then only the days with an abnormal punch, a past Todo, or no punch results.
    assert_eq!(asked_days(&calls), [d[1], d[2], d[3], d[5]]);
    assert_eq!(calls.len(), 1 + 4);
    assert_eq!(text_at(&prefilter, "status").as_deref(), Some("used"));

    let get = |i: u32| days.get(i);
    let fields = |i: u32| {
        let v = get(i);
        (
            text_at(&v, "status").unwrap_or_default(),
            text_at(&v, "decidedBy").unwrap_or_default(),
        )
    };
    let settled = (
        "nothing_to_correct".to_string(),
        "punch_results".to_string(),
    );
    let asked = ("ok".to_string(), "query".to_string());
    assert_eq!(
        (0..6).map(fields).collect::<Vec<_>>(),
        [
            settled.clone(),
            asked.clone(),
            asked.clone(),
            asked.clone(),
            settled,
            asked
        ]
    );
    assert_eq!(text_at(&get(0), "logId").as_deref(), Some("PUNCH-LOG"));
    assert_eq!(text_at(&get(1), "logId").as_deref(), Some("DAY-LOG"));
    // What happened: Feishu's records themselves, exactly as the reply had them, Unix seconds
    // included (late at 09:12, scheduled 09:00; no clock-out on the last day).
    let sent = |d: u32, check_in: &str, check_out: &str| {
        serde_json::Value::Array(vec![record(d, check_in, check_out)]).to_string()
    };
    let punches_of = |i: u32| {
        js_sys::JSON::stringify(&at(&get(i), "punches"))
            .ok()
            .and_then(|s| s.as_string())
    };
    assert_eq!(punches_of(1), Some(sent(d[1], "Late", "Normal")));
    assert_eq!(punches_of(5), Some(sent(d[5], "Normal", "Lack")));
    assert_eq!(punches_of(0), Some(sent(d[0], "Normal", "Normal")));
    let late = at(&get(1), "punches.0");
    assert_eq!(text_at(&late, "check_in_result").as_deref(), Some("Late"));
    assert_eq!(
        text_at(&late, "check_in_record.check_time"),
        Some(unix_at(d[1], 9, 12))
    );
    assert_eq!(
        text_at(&late, "check_in_shift_time"),
        Some(unix_at(d[1], 9, 0))
    );
    assert_eq!(
        text_at(&late, "check_in_result_supplement").as_deref(),
        Some("None")
    );
    let lack = at(&get(5), "punches.0");
    assert_eq!(text_at(&lack, "check_out_result").as_deref(), Some("Lack"));
    assert!(at(&lack, "check_out_record").is_null());
    assert!(
        at(&get(2), "punches").is_undefined(),
        "no punch results for that day"
    );
    // Every day reported once, the settled ones included.
    let progress_calls: Array = at(&progress, "calls").into();
    assert_eq!(progress_calls.length(), 6);
    assert_eq!(num_at(&progress_calls.get(5), "0"), Some(6.0));
}

#[wasm_bindgen_test]
async fn days_not_yet_lived_cost_no_call() {
    let (result, calls) = routed_range(
        (200, &punch_reply(Vec::new())),
        (day(2), day(4)),
        fake_options("{}"),
    )
    .await;
    let (days, prefilter) = days_of(result);
    assert_eq!(calls.len(), 1, "the punch results only");
    assert_eq!(text_at(&prefilter, "status").as_deref(), Some("used"));
    for d in days.iter() {
        assert_eq!(text_at(&d, "status").as_deref(), Some("nothing_to_correct"));
        assert_eq!(text_at(&d, "decidedBy").as_deref(), Some("calendar"));
    }
}

#[wasm_bindgen_test]
async fn without_usable_punch_results_every_day_is_asked() {
    let range_days = (day(-6), day(-4));
    let cases = [
        // A relay without the route.
        (
            404,
            r#"{"code":98000404,"msg":"relay: no such route"}"#,
            "api",
        ),
        // No permission.
        (400, r#"{"code":1220005,"msg":"no permission"}"#, "api"),
        // Replies that cannot be read: not a list, a record field of the wrong type (the records
        // go to the page as they are, so their documented fields are held to their types).
        (
            200,
            r#"{"code":0,"msg":"success","data":{"user_task_results":"x"}}"#,
            "decode",
        ),
        (
            200,
            r#"{"code":0,"msg":"success","data":{"user_task_results":[{"user_id":"u1","records":[{"check_in_result":1}]}]}}"#,
            "decode",
        ),
        (
            200,
            r#"{"code":0,"msg":"success","data":{"user_task_results":[{"records":[{"check_out_record":{"check_time":1}}]}]}}"#,
            "decode",
        ),
        (
            200,
            r#"{"code":0,"msg":"success","data":{"user_task_results":[{"records":[7]}]}}"#,
            "decode",
        ),
    ];
    for (status, text, kind) in cases {
        let (result, calls) = routed_range((status, text), range_days, fake_options("{}")).await;
        let (days, prefilter) = days_of(result);
        assert_eq!(asked_days(&calls), [day(-6), day(-5), day(-4)], "{text}");
        assert_eq!(text_at(&prefilter, "status").as_deref(), Some("fallback"));
        let e = expect_kind(&at(&prefilter, "error"), kind);
        assert_eq!(num_at(&e, "httpStatus"), Some(f64::from(status)), "{text}");
        for d in days.iter() {
            assert_eq!(text_at(&d, "status").as_deref(), Some("ok"));
            assert_eq!(text_at(&d, "decidedBy").as_deref(), Some("query"));
            assert!(at(&d, "punches").is_undefined());
        }
    }
    // The person listed as unauthorized: the reply cannot speak for them.
    let refused = serde_json::json!({"code": 0, "msg": "success", "data": {
        "user_task_results": [], "unauthorized_user_ids": ["u1"]}})
    .to_string();
    let (result, calls) = routed_range((200, &refused), range_days, fake_options("{}")).await;
    let (_, prefilter) = days_of(result);
    assert_eq!(asked_days(&calls).len(), 3);
    assert_eq!(text_at(&prefilter, "status").as_deref(), Some("fallback"));
    assert!(at(&prefilter, "error").is_undefined());
}

#[wasm_bindgen_test]
async fn prefilter_false_asks_every_day_and_a_cancel_during_punch_results_rejects() {
    let all_fine = punch_reply(vec![
        serde_json::json!({"user_id": "u1", "day": day(-6), "records": [record(day(-6), "Normal", "Normal")]}),
    ]);
    let range_days = (day(-6), day(-4));
    let (result, calls) = routed_range(
        (200, &all_fine),
        range_days,
        fake_options(r#"{"prefilter":false}"#),
    )
    .await;
    let (days, prefilter) = days_of(result);
    assert_eq!(text_at(&prefilter, "status").as_deref(), Some("off"));
    assert_eq!(calls.len(), 3, "no punch-results call");
    assert_eq!(asked_days(&calls), [day(-6), day(-5), day(-4)]);
    assert_eq!(text_at(&days.get(0), "decidedBy").as_deref(), Some("query"));

    // A punch-results call that never answers, cancelled: the range rejects, no day is asked.
    let o = fake_options("{}");
    set(&o, "signal", &abort_later(50, &JsValue::UNDEFINED));
    let (result, calls) = routed_range((0, ""), range_days, o).await;
    expect_kind(&result.expect_err("cancelled"), "aborted");
    assert_eq!(calls.len(), 1);

    let bad = fake_options(r#"{"prefilter":"no"}"#);
    let e = range(
        range_request("employee_id", "u1", 20240101.0, 20240102.0),
        bad,
    )
    .await
    .expect_err("invalid");
    let e = expect_kind(&e, "validation");
    assert_eq!(text_at(&e, "field").as_deref(), Some("prefilter"));
}

/// With punch results first, the stop rule still holds for the days that are asked: after the
/// first 1226502 every day is either skipped for it, or was settled by the punch results
/// (nothing to correct there whatever the group allows) and never asked.
#[wasm_bindgen_test]
async fn a_group_that_forbids_corrections_stops_the_asked_days() {
    let m = month("month_group_forbids").await;
    let (req, days) = month_request(&m);
    let result: Array = range(req, opts(r#"{"concurrency":1}"#))
        .await
        .unwrap_or_else(|e| panic!("{}", message_of(&e)))
        .into();
    assert_eq!(result.length(), days.length());
    assert_eq!(
        text_at(&at(&result, "prefilter"), "status").as_deref(),
        Some("used")
    );
    let first_error = result
        .iter()
        .position(|d| text_at(&d, "status").as_deref() == Some("error"))
        .expect("an error day");
    let e = expect_kind(&at(&result.get(first_error as u32), "error"), "api");
    assert_eq!(num_at(&e, "code"), Some(1226502.0));
    for (i, day) in result.iter().enumerate().skip(first_error + 1) {
        match text_at(&day, "status").as_deref() {
            Some("skipped") => {
                let reason = expect_kind(&at(&day, "reason"), "api");
                assert_eq!(num_at(&reason, "code"), Some(1226502.0), "day {i}");
            }
            Some("nothing_to_correct") => assert_ne!(
                text_at(&day, "decidedBy").as_deref(),
                Some("query"),
                "day {i}: settled by punch results, never asked"
            ),
            other => panic!("day {i}: {other:?}"),
        }
    }
}
