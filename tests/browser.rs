//! The browser module in headless Chromium, against the relay on its Feishu simulation (started by
//! scripts/test-wasm.sh on a free loopback port, from another origin than the test page, so CORS
//! is exercised too). Each test calls exactly what JavaScript calls: the `#[wasm_bindgen]` exports.
#![cfg(target_arch = "wasm32")]

mod support;

use feishu_remedy::wasm::exports::configure;
use js_sys::Array;
use support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn call(request: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    query(request, options).await
}

/// A call that must succeed.
async fn ok(request: JsValue, options: JsValue) -> JsValue {
    match call(request, options).await {
        Ok(r) => r,
        Err(e) => panic!("expected success, got {}", message_of(&e)),
    }
}

/// A call that must fail.
async fn err(request: JsValue, options: JsValue) -> JsValue {
    match call(request, options).await {
        Ok(r) => panic!("expected a failure, got {r:?}"),
        Err(e) => e,
    }
}

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

/// Every bad input: a validation error naming the field, never a panic; the module keeps working.
#[wasm_bindgen_test]
async fn bad_javascript_inputs_are_validation_errors() {
    let good_request = || request("employee_id", "abd754f7", 20240105.0);
    let with = |path: &str, value: JsValue| {
        let r = good_request();
        let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
        let target = if parent.is_empty() {
            r.clone()
        } else {
            at(&r, parent)
        };
        set(&target, key, &value);
        r
    };
    let requests: Vec<(JsValue, &str, &str)> = vec![
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
        (
            with("params.employee_type", "open_id".into()),
            "params.employee_type",
            "not_allowed",
        ),
        (
            with("params.employee_type", JsValue::UNDEFINED),
            "params.employee_type",
            "missing",
        ),
        (
            with("params.employee_type", js("{}")),
            "params.employee_type",
            "wrong_type",
        ),
        (
            with("data.user_id", long_string("é", 100_000)),
            "data.user_id",
            "too_long",
        ),
        (with("data.user_id", "".into()), "data.user_id", "empty"),
        (with("data.user_id", "   ".into()), "data.user_id", "empty"),
        (
            with("data.user_id", "a\nb".into()),
            "data.user_id",
            "control_character",
        ),
        // A lone surrogate: JavaScript allows it, Rust strings cannot hold it (it would arrive
        // as U+FFFD and ask about another ID).
        (
            with("data.user_id", js(r#""u\ud800x""#)),
            "data.user_id",
            "not_unicode",
        ),
        (
            with("data.user_id", "x".repeat(65).into()),
            "data.user_id",
            "too_long",
        ),
        (with("data.user_id", js("{}")), "data.user_id", "wrong_type"),
        (with("data.user_id", js("[]")), "data.user_id", "wrong_type"),
        (
            with("data.user_id", JsValue::from(123)),
            "data.user_id",
            "wrong_type",
        ),
        (with("data.user_id", func()), "data.user_id", "wrong_type"),
        (
            with("data.remedy_date", "20240105".into()),
            "data.remedy_date",
            "wrong_type",
        ),
        (
            with("data.remedy_date", f64::NAN.into()),
            "data.remedy_date",
            "not_an_integer",
        ),
        (
            with("data.remedy_date", 1e20.into()),
            "data.remedy_date",
            "not_an_integer",
        ),
        (
            with("data.remedy_date", f64::INFINITY.into()),
            "data.remedy_date",
            "not_an_integer",
        ),
        (
            with("data.remedy_date", 20240105.5.into()),
            "data.remedy_date",
            "not_an_integer",
        ),
        (
            with("data.remedy_date", (-20240105.0).into()),
            "data.remedy_date",
            "not_eight_digits",
        ),
        (
            with("data.remedy_date", 20230229.0.into()),
            "data.remedy_date",
            "no_such_day",
        ),
        (
            with("data.remedy_date", 20241301.0.into()),
            "data.remedy_date",
            "no_such_month",
        ),
        (
            with("data.remedy_date", bigint()),
            "data.remedy_date",
            "wrong_type",
        ),
        (
            with("data.remedy_date", JsValue::NULL),
            "data.remedy_date",
            "missing",
        ),
        (
            throwing_getter_request(),
            "params.employee_type",
            "wrong_type",
        ),
        (throwing_proxy(), "params", "wrong_type"),
        (revoked_proxy(), "request", "wrong_type"),
        (
            with("params", throwing_proxy()),
            "params.employee_type",
            "wrong_type",
        ),
        (with("data", revoked_proxy()), "data", "wrong_type"),
    ];
    for (i, (req, field, problem)) in requests.into_iter().enumerate() {
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
    // Extra fields are ignored.
    let extra = with("data.extra", "ignored".into());
    set(&extra, "more", &js(r#"{"a":1}"#));
    let e = err(
        extra,
        opts(r#"{"relayUrl":"http://127.0.0.1:1","retries":0}"#),
    )
    .await;
    expect_kind(&e, "network");

    let options: Vec<(JsValue, &str, &str)> = vec![
        (JsValue::from(5), "options", "wrong_type"),
        (js("[]"), "options", "wrong_type"),
        (opts(r#"{"relayUrl":"not a url"}"#), "relayUrl", "not_a_url"),
        (
            opts(r#"{"relayUrl":"ftp://example.com"}"#),
            "relayUrl",
            "not_a_url",
        ),
        (opts(r#"{"relayUrl":"https://"}"#), "relayUrl", "not_a_url"),
        (
            opts(r#"{"relayUrl":"https://a.example/x?y=1"}"#),
            "relayUrl",
            "not_a_url",
        ),
        (opts(r#"{"relayUrl":42}"#), "relayUrl", "wrong_type"),
        // Refused by the browser's URL parser though not by the core's check.
        (
            opts(r#"{"relayUrl":"http://999.1.1.1"}"#),
            "relayUrl",
            "not_a_url",
        ),
        (
            opts(r#"{"relayUrl":"http://[1:2]"}"#),
            "relayUrl",
            "not_a_url",
        ),
        (opts(r#"{"timeoutMs":0}"#), "timeoutMs", "out_of_range"),
        (opts(r#"{"timeoutMs":-5}"#), "timeoutMs", "out_of_range"),
        (opts(r#"{"timeoutMs":1e20}"#), "timeoutMs", "not_an_integer"),
        (opts(r#"{"timeoutMs":1.5}"#), "timeoutMs", "not_an_integer"),
        (opts(r#"{"timeoutMs":"1000"}"#), "timeoutMs", "wrong_type"),
        (opts(r#"{"retries":11}"#), "retries", "out_of_range"),
        (opts(r#"{"retries":true}"#), "retries", "wrong_type"),
        (
            opts(r#"{"credentials":"bogus"}"#),
            "credentials",
            "not_allowed",
        ),
        (opts(r#"{"credentials":1}"#), "credentials", "wrong_type"),
        (opts(r#"{"headers":"x"}"#), "headers", "wrong_type"),
        (opts(r#"{"headers":{"x-key":1}}"#), "headers", "wrong_type"),
        (
            opts(r#"{"headers":{"bad name":"x"}}"#),
            "headers",
            "wrong_type",
        ),
        (
            opts(r#"{"headers":{"x-key":"a\nb"}}"#),
            "headers",
            "wrong_type",
        ),
        (opts(r#"{"signal":{}}"#), "signal", "wrong_type"),
        (opts(r#"{"signal":"stop"}"#), "signal", "wrong_type"),
    ];
    for (i, (o, field, problem)) in options.into_iter().enumerate() {
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
    // Long strings are refused without being copied whole into the module's memory: 64 MB of
    // UTF-8, larger than anything else these tests pass, would have to grow it.
    let memory = wasm_bindgen::memory();
    let before = wasm_memory_bytes(&memory);
    for _ in 0..2 {
        let huge = with("data.user_id", long_string("é", 1 << 25));
        expect_kind(&err(huge, opts("{}")).await, "validation");
    }
    let grown = wasm_memory_bytes(&memory) - before;
    assert!(grown < 1_048_576.0, "memory grew by {grown} bytes");
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

    // After all that, the module still works.
    let case = dataset_case("missing_punch").await;
    let r = ok(case_request(&case), opts("{}")).await;
    assert_eq!(num_at(&r, "code"), Some(0.0));
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

#[wasm_bindgen_test]
async fn range_inputs_are_validated() {
    let bad: Vec<(JsValue, JsValue, &str, &str)> = vec![
        (
            range_request("employee_id", "u", 20240101.0, 20240303.0),
            opts("{}"),
            "data.to",
            "range_too_long",
        ),
        (
            range_request("employee_id", "u", 20240105.0, 20240101.0),
            opts("{}"),
            "data.to",
            "range_reversed",
        ),
        (
            range_request("employee_id", "u", 20240100.0, 20240101.0),
            opts("{}"),
            "data.from",
            "no_such_day",
        ),
        (
            range_request("nope", "u", 20240101.0, 20240101.0),
            opts("{}"),
            "params.employee_type",
            "not_allowed",
        ),
        (
            range_request("employee_id", "u", 20240101.0, 20240102.0),
            opts(r#"{"concurrency":0}"#),
            "concurrency",
            "out_of_range",
        ),
        (
            range_request("employee_id", "u", 20240101.0, 20240102.0),
            opts(r#"{"concurrency":17}"#),
            "concurrency",
            "out_of_range",
        ),
        (
            range_request("employee_id", "u", 20240101.0, 20240102.0),
            opts(r#"{"onProgress":"x"}"#),
            "onProgress",
            "wrong_type",
        ),
        (JsValue::NULL, opts("{}"), "request", "missing"),
    ];
    for (i, (req, o, field, problem)) in bad.into_iter().enumerate() {
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
