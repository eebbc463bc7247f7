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
        // No host for the browser's URL parser, so refused before anything is sent.
        (opts(r#"{"relayUrl":"http://999.1.1.1"}"#), "relayUrl", "not_a_url"),
        (opts(r#"{"relayUrl":"http://９９９.1.1.1"}"#), "relayUrl", "not_a_url"),
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

/// Issue 13: relay URLs whose host the browser's URL parser refuses (an IPv4 address out of range,
/// or one with five parts) are refused at once by every path: `configure()` throws, and a range
/// query rejects rather than resolving with the same validation error on every day.
#[wasm_bindgen_test]
async fn hostless_relay_urls_are_refused_by_every_path() {
    let month = range_request("employee_id", "abd754f7", 20240101.0, 20240131.0);
    for url in [
        "http://999.1.1.1",
        "http://256.256.256.256",
        "http://1.2.3.4.5",
        "http://0x100000000",
    ] {
        let o = js("{}");
        set(&o, "relayUrl", &url.into());
        let thrown = configure(o.clone()).expect_err(url);
        let e = expect_kind(&thrown, "validation");
        assert_eq!(text_at(&e, "field").as_deref(), Some("relayUrl"), "{url}");
        assert_eq!(
            text_at(&e, "problem").as_deref(),
            Some("not_a_url"),
            "{url}"
        );
        let e = range(month.clone(), o.clone()).await.expect_err(url);
        let e = expect_kind(&e, "validation");
        assert_eq!(text_at(&e, "field").as_deref(), Some("relayUrl"), "{url}");
        let e = expect_kind(&err(good_request(), o).await, "validation");
        assert_eq!(
            text_at(&e, "problem").as_deref(),
            Some("not_a_url"),
            "{url}"
        );
    }
    configure(js("{}")).expect("reset");
}

/// Issue 13: the core's check of a relay URL's host agrees with the browser's own parser, form by
/// form, and so does `configure()` (which leaves addresses to that parser).
/// (Not `[::01.2.3.4]`: the URL Standard refuses a leading zero in an IPv6 address's IPv4 part,
/// and so does the core, as Firefox and Safari do; Chromium accepts it.)
#[wasm_bindgen_test]
fn the_url_check_agrees_with_the_browser() {
    use feishu_remedy::validate::{relay_url, Loose};
    for host in [
        "127.0.0.1",
        "0x7f.1",
        "0177.0.0.1",
        "2130706433",
        "1.65535",
        "1.2.3.4.",
        "0x",
        "00",
        "999.1.1.1",
        "256.256.256.256",
        "1.2.3.4.5",
        "0x100000000",
        "4294967296",
        "1..2",
        "09",
        "example.123",
        "a.0x",
        "0x1g",
        "1.2.3.4..",
        "localhost",
        "a_b.example",
        "1a",
        "[::1]",
        "[1:2:3:4:5:6:7:8]",
        "[1:2:3:4:5:6:7::]",
        "[::ffff:1.2.3.4]",
        "[1:2]",
        "[1::2::3]",
        "[::1.2.3]",
        "[12345::]",
        "[::g]",
        "127.0.0.1:8787",
        "[::1]:80",
    ] {
        let url = format!("http://{host}/relay");
        let core = relay_url(&Loose::Text(url.clone())).is_ok();
        assert_eq!(core, url_parses(&url), "{url}: the core says {core}");
        // The module's own check (the core's form check, then the browser's parser) agrees too.
        let o = js("{}");
        set(&o, "relayUrl", &url.as_str().into());
        let accepted = configure(o).is_ok();
        assert_eq!(core, accepted, "{url}: configure says {accepted}");
    }
    // Names only IDNA can judge are left to the browser's parser, by the options' check.
    for host in [
        "飞书.cn",
        "xn--ls8h.la",
        "xn--a.example",
        "１２７.0.0.1",
        "９９９.1.1.1",
        "exa％mple.com",
    ] {
        let url = format!("http://{host}/relay");
        let o = js("{}");
        set(&o, "relayUrl", &url.as_str().into());
        let accepted = configure(o).is_ok();
        assert_eq!(
            accepted,
            url_parses(&url),
            "{url}: configure says {accepted}"
        );
    }
    configure(js("{}")).expect("reset");
}

/// Issue 13: a `headers` Map whose entries cannot be read (a key whose `toString` throws) is a
/// validation error naming `headers`, from `configure()` and from a call, not a Map silently
/// read as no headers at all (its valid `Authorization` dropped with it).
#[wasm_bindgen_test]
async fn a_headers_map_that_cannot_be_read_is_refused() {
    let o = opts("{}");
    set(&o, "headers", &map_with_throwing_key());
    let e = expect_kind(&err(good_request(), o.clone()).await, "validation");
    assert_eq!(text_at(&e, "field").as_deref(), Some("headers"));
    let thrown = configure(o).expect_err("configure");
    let e = expect_kind(&thrown, "validation");
    assert_eq!(text_at(&e, "field").as_deref(), Some("headers"));
    // Over configured headers too: the merge refuses it rather than keeping only the configured.
    let c = opts(r#"{"headers":{"x-a":"a"}}"#);
    configure(c).expect("configure");
    let call = js("{}");
    set(&call, "headers", &map_with_throwing_key());
    let e = expect_kind(&err(good_request(), call).await, "validation");
    assert_eq!(text_at(&e, "field").as_deref(), Some("headers"));
    configure(js("{}")).expect("reset");
    still_works().await;
}

/// Issue 13: `configure()` checks the range-only options it keeps (`concurrency`, `onProgress`,
/// `prefilter`), so a bad one throws there, by name; good ones become every range query's defaults.
#[wasm_bindgen_test]
async fn configure_checks_the_range_options() {
    for (o, field, problem) in [
        (r#"{"concurrency":0}"#, "concurrency", "out_of_range"),
        (r#"{"concurrency":17}"#, "concurrency", "out_of_range"),
        (r#"{"concurrency":"4"}"#, "concurrency", "wrong_type"),
        (r#"{"onProgress":5}"#, "onProgress", "wrong_type"),
        (r#"{"onProgress":{}}"#, "onProgress", "wrong_type"),
        (r#"{"prefilter":"yes"}"#, "prefilter", "wrong_type"),
    ] {
        let thrown = configure(opts(o)).expect_err(o);
        let e = expect_kind(&thrown, "validation");
        assert_eq!(text_at(&e, "field").as_deref(), Some(field), "{o}");
        assert_eq!(text_at(&e, "problem").as_deref(), Some(problem), "{o}");
    }
    // Kept, and used by a range query that names neither.
    let progress = progress_recorder();
    let o = opts(r#"{"concurrency":2}"#);
    set(&o, "onProgress", &progress);
    configure(o).expect("good range options");
    let case = dataset_case("missing_punch").await;
    let date = num_at(&case, "date").expect("date");
    let user = text_at(&case, "user_id").expect("user");
    let kind = text_at(&case, "employee_type").expect("type");
    let one_day = range_request(&kind, &user, date, date);
    let days: js_sys::Array = range(one_day, JsValue::UNDEFINED)
        .await
        .unwrap_or_else(|e| panic!("{}", message_of(&e)))
        .into();
    assert_eq!(days.length(), 1);
    let calls: js_sys::Array = at(&progress, "calls").into();
    assert_eq!(
        calls.length(),
        1,
        "the configured onProgress ran after the day"
    );
    configure(js("{}")).expect("reset");
}
