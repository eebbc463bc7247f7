//! The relay options: every bad option refused by name before anything is sent, `configure()`'s
//! defaults and a call's own options laid over them, and a page's getter that reconfigures the
//! module while it reads the options.

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use feishu_remedy::wasm::exports::configure;

use crate::support::*;
use crate::{err, good_request, ok, still_works};

/// Each bad set of options, the field its error names, and the problem code. One case per line.
#[rustfmt::skip]
fn bad_options() -> Vec<(JsValue, &'static str, &'static str)> {
    vec![
        (JsValue::from(5), "options", "wrong_type"),
        (js("[]"), "options", "wrong_type"),
        (opts(r#"{"relayUrl":"not a url"}"#), "relayUrl", "not_a_url"),
        (opts(r#"{"relayUrl":"ftp://example.com"}"#), "relayUrl", "not_a_url"),
        (opts(r#"{"relayUrl":"https://"}"#), "relayUrl", "not_a_url"),
        (opts(r#"{"relayUrl":"https://a.example/x?y=1"}"#), "relayUrl", "not_a_url"),
        (opts(r#"{"relayUrl":42}"#), "relayUrl", "wrong_type"),
        // Refused by the browser's URL parser though not by the core's check.
        (opts(r#"{"relayUrl":"http://999.1.1.1"}"#), "relayUrl", "not_a_url"),
        (opts(r#"{"relayUrl":"http://[1:2]"}"#), "relayUrl", "not_a_url"),
        (opts(r#"{"timeoutMs":0}"#), "timeoutMs", "out_of_range"),
        (opts(r#"{"timeoutMs":-5}"#), "timeoutMs", "out_of_range"),
        (opts(r#"{"timeoutMs":1e20}"#), "timeoutMs", "not_an_integer"),
        (opts(r#"{"timeoutMs":1.5}"#), "timeoutMs", "not_an_integer"),
        (opts(r#"{"timeoutMs":"1000"}"#), "timeoutMs", "wrong_type"),
        (opts(r#"{"retries":11}"#), "retries", "out_of_range"),
        (opts(r#"{"retries":true}"#), "retries", "wrong_type"),
        (opts(r#"{"credentials":"bogus"}"#), "credentials", "not_allowed"),
        (opts(r#"{"credentials":1}"#), "credentials", "wrong_type"),
        (opts(r#"{"headers":"x"}"#), "headers", "wrong_type"),
        (opts(r#"{"headers":{"x-key":1}}"#), "headers", "wrong_type"),
        (opts(r#"{"headers":{"bad name":"x"}}"#), "headers", "wrong_type"),
        (opts(r#"{"headers":{"x-key":"a\nb"}}"#), "headers", "wrong_type"),
        (opts(r#"{"signal":{}}"#), "signal", "wrong_type"),
        (opts(r#"{"signal":"stop"}"#), "signal", "wrong_type"),
    ]
}

#[wasm_bindgen_test]
async fn bad_options_are_validation_errors() {
    for (i, (o, field, problem)) in bad_options().into_iter().enumerate() {
        let e = expect_kind(&err(good_request(), o).await, "validation");
        assert_eq!(
            text_at(&e, "field").as_deref(),
            Some(field),
            "options #{i}: {}",
            message_of(&e)
        );
        assert_eq!(
            text_at(&e, "problem").as_deref(),
            Some(problem),
            "options #{i}: {}",
            message_of(&e)
        );
    }
    still_works().await;
}

/// Options a JSON text cannot make: a long URL and header, signals that are not real, a headers
/// object that throws.
#[wasm_bindgen_test]
async fn odd_option_values_are_validation_errors() {
    let long_url = opts("{}");
    let url = format!("http://a.example/{}", "x".repeat(3000));
    set(&long_url, "relayUrl", &url.into());
    let e = expect_kind(&err(good_request(), long_url).await, "validation");
    assert_eq!(text_at(&e, "problem").as_deref(), Some("too_long"));
    let long_header = opts("{}");
    set(&long_header, "headers", &js("{}"));
    set(
        &at(&long_header, "headers"),
        "x-key",
        &long_string("a", 1 << 20),
    );
    let e = expect_kind(&err(good_request(), long_header).await, "validation");
    assert_eq!(text_at(&e, "field").as_deref(), Some("headers"));
    for signal in [fake_signal(), proxied_signal()] {
        let o = opts("{}");
        set(&o, "signal", &signal);
        let e = expect_kind(&err(good_request(), o).await, "validation");
        assert_eq!(text_at(&e, "field").as_deref(), Some("signal"));
    }
    let o = opts("{}");
    set(&o, "headers", &throwing_proxy());
    let e = expect_kind(&err(good_request(), o).await, "validation");
    assert_eq!(text_at(&e, "field").as_deref(), Some("headers"));
    still_works().await;
}

#[wasm_bindgen_test]
async fn configure_sets_defaults_that_calls_override() {
    let case = dataset_case("missing_punch").await;
    // Nothing configured (configure replaces, so an empty configuration is none).
    configure(js("{}")).expect("empty configuration");
    let e = expect_kind(
        &err(case_request(&case), JsValue::UNDEFINED).await,
        "validation",
    );
    assert_eq!(text_at(&e, "field").as_deref(), Some("relayUrl"));
    assert_eq!(text_at(&e, "problem").as_deref(), Some("missing"));
    // Bad configuration throws a validation RemedyError and changes nothing.
    let thrown = configure(js(r#"{"relayUrl":"nope"}"#)).expect_err("bad relayUrl");
    assert_eq!(
        text_at(&expect_kind(&thrown, "validation"), "field").as_deref(),
        Some("relayUrl")
    );
    let thrown = configure(JsValue::NULL).expect_err("null options");
    assert_eq!(
        text_at(&expect_kind(&thrown, "validation"), "field").as_deref(),
        Some("options")
    );
    // Configured: calls need no options; headers are sent (the relay accepts extra headers).
    let o = js(r#"{"headers":{"x-csrf-token":"t1"},"credentials":"omit","timeoutMs":5000}"#);
    set(&o, "relayUrl", &relay().into());
    configure(o).expect("configure");
    let r = ok(case_request(&case), JsValue::UNDEFINED).await;
    assert_eq!(num_at(&r, "code"), Some(0.0));
    let o = js(r#"{"headers":{}}"#);
    set(&o, "headers", &headers_instance("x-request-tag", "t2"));
    ok(case_request(&case), o).await;
    // A call's `undefined` or `null` option is not given: the configured value stands.
    let o = js(r#"{"relayUrl":null,"timeoutMs":null,"signal":null,"headers":null}"#);
    set(&o, "retries", &JsValue::UNDEFINED);
    ok(case_request(&case), o.clone()).await;
    set(&o, "relayUrl", &JsValue::UNDEFINED);
    ok(case_request(&case), o).await;
    // A per-call relay URL wins over the configured one.
    let o = js(r#"{"retries":0}"#);
    set(&o, "relayUrl", &down_relay().into());
    expect_kind(&err(case_request(&case), o).await, "network");
    configure(js("{}")).expect("reset");
}

#[wasm_bindgen_test]
async fn a_getter_that_calls_configure_does_not_break_the_module() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let case = dataset_case("missing_punch").await;
    // The caller's getter runs while the module reads the options; it reconfigures the module.
    let reconfigure = Closure::<dyn FnMut()>::new(|| {
        let _ = configure(js("{}"));
    });
    let options = reentrant_options(relay(), reconfigure.as_ref().unchecked_ref());
    let r = ok(case_request(&case), options).await;
    assert_eq!(num_at(&r, "code"), Some(0.0));
    // And the module keeps working: configure and a call both still succeed.
    let o = js("{}");
    set(&o, "relayUrl", &relay().into());
    configure(o).expect("configure after a reentrant getter");
    assert_eq!(
        num_at(&ok(case_request(&case), JsValue::UNDEFINED).await, "code"),
        Some(0.0)
    );
    configure(js("{}")).expect("reset");
}
