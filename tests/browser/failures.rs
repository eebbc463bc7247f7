//! Every way a call can fail once it is sent: retried server errors, an honoured rate limit, the
//! time limit, the caller's cancel, a relay that is down, a proxy's error page, a route the relay
//! does not have, and `currentUser` on a relay without sign-in.

use js_sys::Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use crate::support::*;
use crate::{call, err, ok};

#[wasm_bindgen_test]
async fn server_errors_are_retried_then_reported() {
    let case = dataset_case("server_error").await;
    let start = now();
    let e = expect_kind(
        &err(case_request(&case), opts(r#"{"retries":2}"#)).await,
        "api",
    );
    assert_eq!(num_at(&e, "code"), Some(1225000.0));
    assert_eq!(num_at(&e, "httpStatus"), Some(500.0));
    assert_eq!(at(&e, "retryable").as_bool(), Some(true));
    // Two backoffs: at least 125 + 250 ms with equal jitter.
    assert!(now() - start >= 370.0, "retried with backoff");
}

#[wasm_bindgen_test]
async fn rate_limit_is_honoured_then_retried() {
    let case = dataset_case("rate_limited_once").await;
    // Find the phase: the simulation alternates 429 and success per (user, day).
    let first = call(case_request(&case), opts(r#"{"retries":0}"#)).await;
    if first.is_ok() {
        let e = expect_kind(
            &err(case_request(&case), opts(r#"{"retries":0}"#)).await,
            "api",
        );
        assert_eq!(num_at(&e, "code"), Some(99991400.0));
        assert_eq!(num_at(&e, "httpStatus"), Some(429.0));
        assert_eq!(num_at(&e, "retryAfterMs"), Some(1000.0));
        assert_eq!(text_at(&e, "category").as_deref(), Some("rate_limit"));
        assert_eq!(at(&e, "retryable").as_bool(), Some(true));
    } else {
        ok(case_request(&case), opts(r#"{"retries":0}"#)).await;
    }
    // The next request is rate-limited: the call waits the second it was told, then succeeds.
    let start = now();
    let r = ok(case_request(&case), opts(r#"{"retries":2}"#)).await;
    let took = now() - start;
    assert_eq!(num_at(&r, "code"), Some(0.0));
    assert!(
        took >= 1000.0,
        "waited x-ogw-ratelimit-reset (took {took} ms)"
    );
    // A timeout shorter than the wait: no retry past the deadline, the 429 stands.
    let e = err(
        case_request(&case),
        opts(r#"{"retries":2,"timeoutMs":500}"#),
    )
    .await;
    assert_eq!(num_at(&expect_kind(&e, "api"), "code"), Some(99991400.0));
}

#[wasm_bindgen_test]
async fn a_slow_relay_times_out_within_the_limit() {
    let case = dataset_case("slow").await;
    let start = now();
    let e = expect_kind(
        &err(case_request(&case), opts(r#"{"timeoutMs":400}"#)).await,
        "timeout",
    );
    let took = now() - start;
    assert!(
        took < 1500.0,
        "gave up at the deadline, retries included (took {took} ms)"
    );
    assert_eq!(text_at(&e, "category").as_deref(), Some("network"));
    assert_eq!(at(&e, "retryable").as_bool(), Some(true));
    // Within a longer limit the same slow day answers as the dataset lists it.
    let r = ok(case_request(&case), opts(r#"{"timeoutMs":8000}"#)).await;
    let list: Array = at(&r, "data.user_allowed_remedys").into();
    let rows: Array = at(&case, "remedys").into();
    assert_eq!(list.length(), rows.length(), "slow: rows");
}

#[wasm_bindgen_test]
async fn the_callers_signal_cancels() {
    let case = dataset_case("slow").await;
    // Aborted while waiting, with a reason that is not an Error (a string).
    let signal = abort_later(100, &"user left".into());
    let o = opts("{}");
    set(&o, "signal", &signal);
    let start = now();
    let e = expect_kind(&err(case_request(&case), o).await, "aborted");
    assert!(now() - start < 1500.0);
    assert_eq!(text_at(&e, "category").as_deref(), Some("cancelled"));
    // Already aborted before the call.
    let o = opts("{}");
    set(&o, "signal", &aborted_signal(&JsValue::from(42)));
    expect_kind(&err(case_request(&case), o).await, "aborted");
}

#[wasm_bindgen_test]
async fn a_relay_that_is_down_is_a_network_error() {
    let o = js(r#"{"retries":0}"#);
    set(&o, "relayUrl", &down_relay().into());
    let e = expect_kind(
        &err(request("employee_id", "u1", 20240105.0), o).await,
        "network",
    );
    assert!(at(&e, "httpStatus").is_null());
    assert_eq!(at(&e, "retryable").as_bool(), Some(true));
}

#[wasm_bindgen_test]
async fn a_proxy_page_is_an_http_error() {
    let case = dataset_case("html_502").await;
    let e = expect_kind(
        &err(case_request(&case), opts(r#"{"retries":0}"#)).await,
        "http",
    );
    assert_eq!(num_at(&e, "httpStatus"), Some(502.0));
    assert_eq!(text_at(&e, "problem").as_deref(), Some("html"));
    assert!(at(&e, "code").is_null());
    assert_eq!(at(&e, "retryable").as_bool(), Some(true));
}

#[wasm_bindgen_test]
async fn an_unknown_route_is_the_relays_refusal() {
    // A relay URL with a path: the Feishu path is appended, and the relay has no such route.
    let o = js(r#"{"retries":0}"#);
    set(&o, "relayUrl", &[relay(), "/nowhere"].concat().into());
    let e = err(request("employee_id", "abd754f7", 20240105.0), o).await;
    let kind = text_at(&e, "kind").unwrap_or_default();
    assert!(kind == "api" || kind == "http", "{}", message_of(&e));
    assert_eq!(num_at(&e, "httpStatus"), Some(404.0));
}

/// Issue 11: `currentUser()` through the relay the harness started, which is in `open` access
/// (no sign-in): its 404, code 98000404, rejects (it is not "signed out"), so a page can tell that
/// this relay is the lookup tool. A token is sent along and does not change that.
#[wasm_bindgen_test]
async fn current_user_on_a_relay_without_sign_in() {
    let o = opts(r#"{"retries":0,"token":"eyJ.open.mode"}"#);
    let e = current_user(o)
        .await
        .expect_err("no sign-in in open access");
    let e = expect_kind(&e, "api");
    assert_eq!(num_at(&e, "code"), Some(98000404.0));
    assert_eq!(num_at(&e, "httpStatus"), Some(404.0));
    // And a query with a token still goes through (open access ignores it).
    let case = dataset_case("missing_punch").await;
    let r = ok(case_request(&case), opts(r#"{"token":"eyJ.open.mode"}"#)).await;
    assert_eq!(num_at(&r, "code"), Some(0.0));
}
