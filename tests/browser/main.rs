//! The browser module in headless Chromium, against the relay on its Feishu simulation (started by
//! scripts/test-wasm.sh on a free loopback port, from another origin than the test page, so CORS
//! is exercised too). Each test calls exactly what JavaScript calls: the `#[wasm_bindgen]` exports.
//!
//! One file per subject: `answers` (what a day's answer looks like), `failures` (every way a call
//! can fail after it is sent), `inputs` and `options` (what is refused before anything is sent),
//! `ranges` (a month at a time).
#![cfg(target_arch = "wasm32")]

#[path = "../support/mod.rs"]
mod support;

mod answers;
mod failures;
mod inputs;
mod options;
mod ranges;

use support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Any call.
pub(crate) async fn call(request: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    query(request, options).await
}

/// A call that must succeed.
pub(crate) async fn ok(request: JsValue, options: JsValue) -> JsValue {
    match call(request, options).await {
        Ok(r) => r,
        Err(e) => panic!("expected success, got {}", message_of(&e)),
    }
}

/// A call that must fail.
pub(crate) async fn err(request: JsValue, options: JsValue) -> JsValue {
    match call(request, options).await {
        Ok(r) => panic!("expected a failure, got {r:?}"),
        Err(e) => e,
    }
}

/// A request the relay answers: every bad-input case changes one thing of it.
pub(crate) fn good_request() -> JsValue {
    request("employee_id", "abd754f7", 20240105.0)
}

/// After bad input of every kind, the module still answers a good call.
pub(crate) async fn still_works() {
    let case = dataset_case("missing_punch").await;
    let r = ok(case_request(&case), opts("{}")).await;
    assert_eq!(num_at(&r, "code"), Some(0.0));
}
