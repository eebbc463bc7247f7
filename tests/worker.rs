//! The module inside a dedicated Web Worker, where there is no `window`: fetch and the timers are
//! reached through the global scope. Same relay as tests/browser/.
#![cfg(target_arch = "wasm32")]

mod support;

use feishu_remedy::wasm::exports::configure;
use js_sys::Array;
use support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
async fn works_in_a_worker() {
    let case = dataset_case("missing_punch").await;
    let r = query(case_request(&case), opts("{}"))
        .await
        .unwrap_or_else(|e| panic!("{}", message_of(&e)));
    assert_eq!(num_at(&r, "code"), Some(0.0));
    let list: Array = at(&r, "data.user_allowed_remedys").into();
    assert_eq!(list.length(), 1);

    // Timeout and errors behave as on a page.
    let slow = dataset_case("slow").await;
    let e = query(case_request(&slow), opts(r#"{"timeoutMs":300}"#))
        .await
        .expect_err("times out");
    expect_kind(&e, "timeout");

    let forbids = dataset_case("group_forbids").await;
    let e = query(case_request(&forbids), opts("{}"))
        .await
        .expect_err("1226502");
    assert_eq!(num_at(&expect_kind(&e, "api"), "code"), Some(1226502.0));

    let date = num_at(&case, "date").expect("date");
    let one_day = range_request("employee_id", "abd754f7", date, date);
    let days: Array = range(one_day, opts("{}")).await.expect("range").into();
    assert_eq!(days.length(), 1);

    let o = opts("{}");
    configure(o).expect("configure in a worker");
    let r = query(case_request(&case), JsValue::UNDEFINED).await;
    assert!(r.is_ok());
}
