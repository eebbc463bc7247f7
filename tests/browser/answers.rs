//! What a day's answer looks like: every case of the simulation's dataset as listed, the fields of
//! an API error, Feishu's own reply shape.

use js_sys::Array;
use wasm_bindgen_test::*;

use crate::support::*;
use crate::{call, err, ok};

#[wasm_bindgen_test]
async fn every_dataset_case_answers_as_listed() {
    let dataset = get_json(&[relay(), "/_sim/dataset"].concat()).await;
    let cases: Array = at(&dataset, "cases").into();
    assert!(cases.length() >= 15, "the dataset lists its cases");
    for case in cases.iter() {
        let name = text_at(&case, "name").unwrap_or_default();
        // These three have their own tests (timing, alternation, HTML).
        if matches!(name.as_str(), "slow" | "rate_limited_once" | "html_502") {
            continue;
        }
        let result = call(case_request(&case), opts(r#"{"retries":0}"#)).await;
        let expect = at(&case, "expect");
        if expect.as_string().as_deref() == Some("ok") {
            let r = result.unwrap_or_else(|e| panic!("{name}: {}", message_of(&e)));
            assert_eq!(num_at(&r, "code"), Some(0.0), "{name}");
            let list: Array = at(&r, "data.user_allowed_remedys").into();
            let rows: Array = at(&case, "remedys").into();
            assert_eq!(list.length(), rows.length(), "{name}: rows");
            assert!(text_at(&r, "log_id").is_some(), "{name}: log id");
            for (got, want) in list.iter().zip(rows.iter()) {
                for key in ["punch_no", "work_type", "punch_status", "remedy_end_time"] {
                    assert_eq!(
                        at(&got, key)
                            .as_string()
                            .or(at(&got, key).as_f64().map(|n| n.to_string())),
                        at(&want, key)
                            .as_string()
                            .or(at(&want, key).as_f64().map(|n| n.to_string())),
                        "{name}: {key}"
                    );
                }
            }
        } else {
            let e = result.expect_err(&name);
            let e = expect_kind(&e, "api");
            assert_eq!(num_at(&e, "code"), expect.as_f64(), "{name}: code");
            assert_eq!(
                num_at(&e, "httpStatus"),
                num_at(&case, "http_status"),
                "{name}"
            );
            assert!(text_at(&e, "logId").is_some(), "{name}: log id");
            assert!(text_at(&e, "msg").is_some(), "{name}: Feishu's msg");
            let nothing = expect.as_f64() == Some(1226501.0);
            assert_eq!(
                at(&e, "nothingToCorrect").as_bool(),
                Some(nothing),
                "{name}"
            );
            let log = text_at(&e, "logId").unwrap_or_default();
            assert!(
                message_of(&e).contains(&log),
                "{name}: message carries the log id"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn error_fields_are_complete() {
    let case = dataset_case("group_forbids").await;
    let e = expect_kind(&err(case_request(&case), opts("{}")).await, "api");
    assert_eq!(num_at(&e, "code"), Some(1226502.0));
    assert_eq!(text_at(&e, "category").as_deref(), Some("business_rule"));
    assert_eq!(at(&e, "retryable").as_bool(), Some(false));
    assert!(at(&e, "retryAfterMs").is_null());
    assert!(at(&e, "field").is_null());
    assert_eq!(text_at(&e, "name").as_deref(), Some("RemedyError"));
    assert!(stack_of(&e).contains("RemedyError"), "has a stack");
    assert!(message_of(&e).contains("1226502"));
}
#[wasm_bindgen_test]
async fn responses_keep_feishus_shape() {
    let case = dataset_case("free_punch").await;
    let r = ok(case_request(&case), opts("{}")).await;
    assert_eq!(num_at(&r, "code"), Some(0.0));
    assert!(text_at(&r, "msg").is_some());
    let list: Array = at(&r, "data.user_allowed_remedys").into();
    assert!(list.length() > 0);
    assert_eq!(at(&list.get(0), "is_free_punch").as_bool(), Some(true));
    // 1226501 is an error with nothingToCorrect, for a single day.
    let case = dataset_case("nothing_to_correct").await;
    let e = expect_kind(&err(case_request(&case), opts("{}")).await, "api");
    assert_eq!(at(&e, "nothingToCorrect").as_bool(), Some(true));
}
