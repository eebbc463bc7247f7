//! Every bad request a page can pass: a validation error naming the field, never a panic, and the
//! module keeps working.

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use crate::support::*;
use crate::{err, good_request, still_works};

/// A good request with the value at `path` (e.g. `data.user_id`) replaced.
fn with(path: &str, value: JsValue) -> JsValue {
    let r = good_request();
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    let target = if parent.is_empty() {
        r.clone()
    } else {
        at(&r, parent)
    };
    set(&target, key, &value);
    r
}

/// Each bad request, the field its error names, and the problem code. One case per line.
#[rustfmt::skip]
fn bad_requests() -> Vec<(JsValue, &'static str, &'static str)> {
    vec![
        (JsValue::NULL, "request", "missing"),
        (JsValue::UNDEFINED, "request", "missing"),
        (JsValue::from(42), "request", "wrong_type"),
        (JsValue::from("employee_id"), "request", "wrong_type"),
        (js("[]"), "request", "wrong_type"),
        (symbol(), "request", "wrong_type"),
        (js("{}"), "params", "missing"),
        (with("params", JsValue::NULL), "params", "missing"),
        (with("params", js("[1]")), "params", "wrong_type"),
        (with("data", "x".into()), "data", "wrong_type"),
        (with("params.employee_type", "open_id".into()), "params.employee_type", "not_allowed"),
        (with("params.employee_type", JsValue::UNDEFINED), "params.employee_type", "missing"),
        (with("params.employee_type", js("{}")), "params.employee_type", "wrong_type"),
        (with("data.user_id", long_string("é", 100_000)), "data.user_id", "too_long"),
        (with("data.user_id", "".into()), "data.user_id", "empty"),
        (with("data.user_id", "   ".into()), "data.user_id", "empty"),
        (with("data.user_id", "a\nb".into()), "data.user_id", "control_character"),
        // A lone surrogate: JavaScript allows it, Rust strings cannot hold it (it would arrive
        // as U+FFFD and ask about another ID).
        (with("data.user_id", js(r#""u\ud800x""#)), "data.user_id", "not_unicode"),
        (with("data.user_id", "x".repeat(65).into()), "data.user_id", "too_long"),
        (with("data.user_id", js("{}")), "data.user_id", "wrong_type"),
        (with("data.user_id", js("[]")), "data.user_id", "wrong_type"),
        (with("data.user_id", JsValue::from(123)), "data.user_id", "wrong_type"),
        (with("data.user_id", func()), "data.user_id", "wrong_type"),
        (with("data.remedy_date", "20240105".into()), "data.remedy_date", "wrong_type"),
        (with("data.remedy_date", f64::NAN.into()), "data.remedy_date", "not_an_integer"),
        (with("data.remedy_date", 1e20.into()), "data.remedy_date", "not_an_integer"),
        (with("data.remedy_date", f64::INFINITY.into()), "data.remedy_date", "not_an_integer"),
        (with("data.remedy_date", 20240105.5.into()), "data.remedy_date", "not_an_integer"),
        (with("data.remedy_date", (-20240105.0).into()), "data.remedy_date", "not_eight_digits"),
        (with("data.remedy_date", 20230229.0.into()), "data.remedy_date", "no_such_day"),
        (with("data.remedy_date", 20241301.0.into()), "data.remedy_date", "no_such_month"),
        (with("data.remedy_date", bigint()), "data.remedy_date", "wrong_type"),
        (with("data.remedy_date", JsValue::NULL), "data.remedy_date", "missing"),
        (throwing_getter_request(), "params.employee_type", "wrong_type"),
        (throwing_proxy(), "params", "wrong_type"),
        (revoked_proxy(), "request", "wrong_type"),
        (with("params", throwing_proxy()), "params.employee_type", "wrong_type"),
        (with("data", revoked_proxy()), "data", "wrong_type"),
    ]
}

#[wasm_bindgen_test]
async fn bad_requests_are_validation_errors() {
    for (i, (req, field, problem)) in bad_requests().into_iter().enumerate() {
        let e = expect_kind(&err(req, opts("{}")).await, "validation");
        assert_eq!(
            text_at(&e, "field").as_deref(),
            Some(field),
            "request #{i}: {}",
            message_of(&e)
        );
        assert_eq!(
            text_at(&e, "problem").as_deref(),
            Some(problem),
            "request #{i}: {}",
            message_of(&e)
        );
        assert_eq!(text_at(&e, "category").as_deref(), Some("caller_input"));
        assert!(
            message_of(&e).contains(field),
            "the message names the field"
        );
    }
    still_works().await;
}

#[wasm_bindgen_test]
async fn extra_fields_are_ignored() {
    let extra = with("data.extra", "ignored".into());
    set(&extra, "more", &js(r#"{"a":1}"#));
    let e = err(
        extra,
        opts(r#"{"relayUrl":"http://127.0.0.1:1","retries":0}"#),
    )
    .await;
    expect_kind(&e, "network");
}

#[wasm_bindgen_test]
async fn long_strings_are_refused_without_being_copied() {
    // 64 MB of UTF-8, larger than anything else these tests pass, would have to grow the
    // module's memory if it were copied whole.
    let memory = wasm_bindgen::memory();
    let before = wasm_memory_bytes(&memory);
    for _ in 0..2 {
        let huge = with("data.user_id", long_string("é", 1 << 25));
        expect_kind(&err(huge, opts("{}")).await, "validation");
    }
    let grown = wasm_memory_bytes(&memory) - before;
    assert!(grown < 1_048_576.0, "memory grew by {grown} bytes");
    still_works().await;
}
