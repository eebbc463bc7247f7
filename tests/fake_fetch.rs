//! Replies no relay would send on purpose, from a stand-in for the global `fetch`: what the module
//! sends (path, body, headers merged from configure and the call), and how it reads odd bodies.
//! One test function, so nothing else runs while `fetch` is replaced.
#![cfg(target_arch = "wasm32")]

mod support;

use feishu_remedy::wasm::exports::configure;
use js_sys::Array;
use support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RELAY: &str = "https://relay.example/base";

fn one_day() -> JsValue {
    request("employee_no", "E\"1\\", 20240229.0)
}

/// Answers the next call with `status` and `text`; returns the reply (or error) and the request.
async fn exchange(
    status: u16,
    text: &str,
    options: JsValue,
) -> (Result<JsValue, JsValue>, JsValue) {
    let fake = fake_fetch(status, text, &js(r#"{"x-tt-logid":"FAKE-LOG"}"#));
    let result = query(one_day(), options).await;
    restore(&fake);
    let calls: Array = at(&fake, "calls").into();
    (result, calls.get(0))
}

fn problem_of(result: Result<JsValue, JsValue>, kind: &str) -> String {
    let e = result.expect_err("a failure");
    text_at(&expect_kind(&e, kind), "problem").unwrap_or_default()
}

#[wasm_bindgen_test]
async fn requests_and_odd_replies() {
    let o = || js(&format!(r#"{{"relayUrl":"{RELAY}/","retries":0}}"#));

    // The request: Feishu's path under the base, its query, its body byte for byte.
    let (result, sent) = exchange(
        200,
        r#"{"code":0,"msg":"success","data":{"user_allowed_remedys":[]}}"#,
        o(),
    )
    .await;
    let r = result.expect("success");
    assert_eq!(
        text_at(&sent, "url").as_deref(),
        Some("https://relay.example/base/open-apis/attendance/v1/user_task_remedys/query_user_allowed_remedys?employee_type=employee_no")
    );
    assert_eq!(text_at(&sent, "init.method").as_deref(), Some("POST"));
    assert_eq!(
        text_at(&sent, "init.body").as_deref(),
        Some(r#"{"user_id":"E\"1\\","remedy_date":20240229}"#)
    );
    assert_eq!(text_at(&r, "log_id").as_deref(), Some("FAKE-LOG"));

    // Headers: configure's, then the call's over them (case-insensitively), content type kept.
    let c = js(r#"{"headers":{"Authorization":"Bearer k1","X-A":"a"},"retries":0}"#);
    set(&c, "relayUrl", &RELAY.into());
    configure(c).expect("configure");
    let call = js("{}");
    set(
        &call,
        "headers",
        &headers_instance("authorization", "Bearer k2"),
    );
    let (result, sent) = exchange(200, r#"{"code":0,"msg":"ok"}"#, call).await;
    result.expect("success");
    assert_eq!(
        text_at(&sent, "init.headers.authorization").as_deref(),
        Some("Bearer k2")
    );
    assert_eq!(text_at(&sent, "init.headers.x-a").as_deref(), Some("a"));
    assert_eq!(
        text_at(&sent, "init.headers.content-type").as_deref(),
        Some("application/json; charset=utf-8")
    );
    // A `Map` is read by its entries, not as an object with no fields.
    let map = js_sys::Map::new();
    map.set(&"X-A".into(), &"from a map".into());
    let call = js("{}");
    set(&call, "headers", &map);
    let (result, sent) = exchange(200, r#"{"code":0,"msg":"ok"}"#, call).await;
    result.expect("success");
    assert_eq!(
        text_at(&sent, "init.headers.x-a").as_deref(),
        Some("from a map")
    );
    configure(js("{}")).expect("reset");

    // Lists: missing, null and the old key all come out as `user_allowed_remedys`.
    for body in [
        r#"{"code":0,"msg":"ok"}"#,
        r#"{"code":0,"msg":"ok","data":null}"#,
        r#"{"code":0,"msg":"ok","data":{"user_allowed_remedys":null}}"#,
    ] {
        let r = exchange(200, body, o()).await.0.expect(body);
        let list: Array = at(&r, "data.user_allowed_remedys").into();
        assert_eq!(list.length(), 0, "{body}");
    }
    let old = r#"{"code":0,"msg":"ok","data":{"user_allowed_remedy_times":[{"punch_no":1,"work_type":2.0,"punch_status":"Unheard"}]}}"#;
    let r = exchange(200, old, o()).await.0.expect("old key");
    let list: Array = at(&r, "data.user_allowed_remedys").into();
    assert_eq!(num_at(&list.get(0), "work_type"), Some(2.0));
    assert_eq!(
        text_at(&list.get(0), "punch_status").as_deref(),
        Some("Unheard"),
        "unknown values kept"
    );

    // Bodies that are not Feishu's.
    assert_eq!(
        problem_of(exchange(200, "<html>login</html>", o()).await.0, "decode"),
        "html"
    );
    assert_eq!(
        problem_of(exchange(200, "", o()).await.0, "decode"),
        "empty"
    );
    assert_eq!(
        problem_of(
            exchange(200, r#"{"code":0,"msg":"succ"#, o()).await.0,
            "decode"
        ),
        "truncated"
    );
    assert_eq!(
        problem_of(exchange(200, "OK", o()).await.0, "decode"),
        "not_json"
    );
    assert_eq!(
        problem_of(exchange(200, "[1,2]", o()).await.0, "decode"),
        "wrong_shape"
    );
    assert_eq!(
        problem_of(exchange(200, r#"{"code":"0"}"#, o()).await.0, "decode"),
        "wrong_shape"
    );
    let bad_entry = r#"{"code":0,"data":{"user_allowed_remedys":[{"punch_no":"1"}]}}"#;
    assert_eq!(
        problem_of(exchange(200, bad_entry, o()).await.0, "decode"),
        "wrong_shape"
    );
    assert_eq!(
        problem_of(exchange(503, "Service Unavailable", o()).await.0, "http"),
        "not_json"
    );
    // A `Retry-After` date is read against the reply's own `Date`.
    let fake = fake_fetch(
        503,
        "Service Unavailable",
        &js(
            r#"{"retry-after":"Wed, 25 Nov 2026 08:00:03 GMT","date":"Wed, 25 Nov 2026 08:00:00 GMT"}"#,
        ),
    );
    let e = query(one_day(), o()).await;
    restore(&fake);
    let e = expect_kind(&e.expect_err("503"), "http");
    assert_eq!(num_at(&e, "retryAfterMs"), Some(3000.0));
    let huge = " ".repeat(1 << 21);
    assert_eq!(
        problem_of(exchange(200, &huge, o()).await.0, "decode"),
        "too_large"
    );

    // A token error arrives with HTTP 200: the code decides, not the status.
    let e = exchange(
        200,
        r#"{"code":99991663,"msg":"invalid token","error":{"troubleshooter":"see https://x"}}"#,
        o(),
    )
    .await
    .0;
    let e = expect_kind(&e.expect_err("api"), "api");
    assert_eq!(num_at(&e, "code"), Some(99991663.0));
    assert_eq!(text_at(&e, "category").as_deref(), Some("token"));
    assert_eq!(
        text_at(&e, "troubleshooter").as_deref(),
        Some("see https://x")
    );

    // A page that replaced fetch with something broken gets a typed error, within the call's
    // time limit even when its fetch ignores the signal, and never a dead or stuck module.
    let short = || {
        js(&format!(
            r#"{{"relayUrl":"{RELAY}","retries":0,"timeoutMs":300}}"#
        ))
    };
    for (mode, kind) in [
        ("throw", "network"),
        ("junk", "network"),
        ("reject", "network"),
        ("used", "network"),
        ("status_throws", "network"),
        ("then_throws", "network"),
        ("hang", "timeout"),
        ("stall_body", "timeout"),
    ] {
        let broken = broken_fetch(mode);
        let e = query(one_day(), short()).await;
        restore(&broken);
        expect_kind(&e.expect_err(mode), kind);
    }
    // A `headers` whose `get` throws: read as no headers; the body decides.
    let broken = broken_fetch("headers_throw");
    let e = query(one_day(), short()).await;
    restore(&broken);
    expect_kind(&e.expect_err("headers_throw"), "decode");
    // Header values that are not strings, or are huge, are not copied whole into the module.
    let memory = wasm_bindgen::memory();
    let before = wasm_memory_bytes(&memory);
    for mode in ["huge_header", "odd_header"] {
        let broken = broken_fetch(mode);
        let r = query(one_day(), short()).await;
        restore(&broken);
        assert_eq!(num_at(&r.expect(mode), "code"), Some(0.0), "{mode}");
    }
    let grown = wasm_memory_bytes(&memory) - before;
    assert!(grown < 1_048_576.0, "memory grew by {grown} bytes");
    // A promise whose `constructor` getter throws rejects when awaited (its `then` asks).
    let broken = broken_fetch("constructor_throws");
    let e = query(one_day(), short()).await;
    restore(&broken);
    expect_kind(&e.expect_err("constructor_throws"), "network");
    // The caller's abort ends a call whose fetch ignores it.
    let broken = broken_fetch("hang");
    let cancelled = short();
    set(&cancelled, "timeoutMs", &JsValue::from(5000));
    set(&cancelled, "signal", &abort_later(50, &JsValue::UNDEFINED));
    let e = query(one_day(), cancelled).await;
    restore(&broken);
    expect_kind(&e.expect_err("aborted"), "aborted");
    // A signal whose `aborted` getter starts throwing after validation read it.
    let tricky = o();
    set(&tricky, "signal", &signal_that_throws_later());
    let (result, _) = exchange(200, r#"{"code":0,"msg":"ok"}"#, tricky).await;
    result.expect("a throwing aborted getter is not the call's failure");

    let (result, _) = exchange(200, r#"{"code":0,"msg":"ok"}"#, o()).await;
    result.expect("still working");

    every_catalogue_code(&o).await;
    too_large_is_never_retried().await;
    current_user_answers().await;
    the_relays_refusals().await;
    the_token_option().await;
    bad_tokens_are_refused_without_their_value().await;
    the_relays_queue_keeps_a_calls_place().await;
}

/// Answers every call with `status` and `text` while `f` runs; returns what `f` came to and the
/// requests sent.
async fn replying<F: std::future::Future<Output = Result<JsValue, JsValue>>>(
    status: u16,
    text: &str,
    f: F,
) -> (Result<JsValue, JsValue>, Array) {
    let fake = fake_fetch(status, text, &js(r#"{"x-tt-logid":"FAKE-LOG"}"#));
    let result = f.await;
    restore(&fake);
    (result, at(&fake, "calls").into())
}

/// The relay's 401 in `feishu` access, in Feishu's error format, naming where to sign in.
const SIGNED_OUT: &str = r#"{"code":98000441,"msg":"relay: sign in first","error":{"log_id":"relay-1","helps":[{"url":"https://relay.example/auth/login","description":"sign in"}]}}"#;

/// `extra` (JSON) with the fake relay's URL, and no retries unless it says.
fn options(extra: &str) -> JsValue {
    let o = js(extra);
    set(&o, "relayUrl", &RELAY.into());
    if at(&o, "retries").is_undefined() {
        set(&o, "retries", &JsValue::from(0));
    }
    o
}

/// Issue 11: `currentUser()` asks `GET {relayUrl}/auth/me` with the call's options; the relay's
/// user comes back in the page's names, fields absent when the relay gave none; its 401 98000441
/// is `null` (signed out); anything else rejects, 404 98000404 meaning "no sign-in here".
async fn current_user_answers() {
    let me = r#"{"user_id":"abd754f7","employee_no":"E1001","name":"张三","admin":false}"#;
    let (r, calls) = replying(
        200,
        me,
        current_user(options(r#"{"credentials":"include"}"#)),
    )
    .await;
    let user = r.unwrap_or_else(|e| panic!("{}", message_of(&e)));
    assert_eq!(text_at(&user, "userId").as_deref(), Some("abd754f7"));
    assert_eq!(text_at(&user, "employeeNo").as_deref(), Some("E1001"));
    assert_eq!(text_at(&user, "name").as_deref(), Some("张三"));
    assert_eq!(at(&user, "admin").as_bool(), Some(false));
    assert_eq!(calls.length(), 1);
    let sent = calls.get(0);
    assert_eq!(
        text_at(&sent, "url").as_deref(),
        Some("https://relay.example/base/auth/me")
    );
    assert!(matches!(
        text_at(&sent, "init.method").as_deref(),
        None | Some("GET")
    ));
    assert!(at(&sent, "init.body").is_undefined(), "a GET has no body");
    assert!(at(&sent, "init.headers.content-type").is_undefined());
    assert_eq!(
        text_at(&sent, "init.credentials").as_deref(),
        Some("include")
    );

    let (r, _) = replying(200, r#"{"admin":true}"#, current_user(options("{}"))).await;
    let user = r.expect("an admin without ids");
    assert_eq!(at(&user, "admin").as_bool(), Some(true));
    for absent in ["userId", "employeeNo", "name"] {
        assert!(!has_own(&user, absent), "{absent}");
    }

    let (r, _) = replying(401, SIGNED_OUT, current_user(options("{}"))).await;
    assert!(r.expect("signed out is an answer").is_null());

    for (status, body, code) in [
        (
            404,
            r#"{"code":98000404,"msg":"relay: no such route"}"#,
            98000404.0,
        ),
        (
            401,
            r#"{"code":98000401,"msg":"relay: missing or wrong API key"}"#,
            98000401.0,
        ),
    ] {
        let (r, _) = replying(status, body, current_user(options("{}"))).await;
        let e = expect_kind(&r.expect_err(body), "api");
        assert_eq!(num_at(&e, "code"), Some(code));
    }
    for (body, kind) in [
        (r#"{"user_id":5,"admin":false}"#, "decode"),
        (r#"{"admin":"yes"}"#, "decode"),
        (r#"[]"#, "decode"),
        (r#"{"code":0,"msg":"ok"}"#, "decode"),
        ("<html>sign in</html>", "decode"),
    ] {
        let (r, _) = replying(200, body, current_user(options("{}"))).await;
        expect_kind(&r.expect_err(body), kind);
    }
    let e = current_user(js(r#"{"relayUrl":"http://999.1.1.1"}"#)).await;
    expect_kind(&e.expect_err("a bad relay URL"), "validation");
}

/// Issue 11: the relay's 401 and 403 are permission errors with their zh/en texts; the 401 says
/// where to sign in (`signInUrl`), absent when it names no page.
async fn the_relays_refusals() {
    let (r, _) = replying(401, SIGNED_OUT, query(one_day(), options("{}"))).await;
    let e = expect_kind(&r.expect_err("401"), "api");
    assert_eq!(num_at(&e, "code"), Some(98000441.0));
    assert_eq!(text_at(&e, "category").as_deref(), Some("permission"));
    assert_eq!(
        text_at(&e, "signInUrl").as_deref(),
        Some("https://relay.example/auth/login")
    );
    assert_eq!(text_at(&e, "meaning.en").as_deref(), Some("Sign in first"));
    assert_eq!(text_at(&e, "meaning.zh").as_deref(), Some("请先登录"));
    assert_eq!(at(&e, "retryable").as_bool(), Some(false));

    let bare = r#"{"code":98000441,"msg":"relay: sign in first"}"#;
    let (r, _) = replying(401, bare, query(one_day(), options("{}"))).await;
    let e = expect_kind(&r.expect_err("401"), "api");
    assert!(
        !has_own(&e, "signInUrl"),
        "absent, not null, without a link"
    );

    let not_yours = r#"{"code":98000443,"msg":"relay: only your own punches can be asked"}"#;
    let (r, calls) = replying(
        403,
        not_yours,
        query(one_day(), options(r#"{"retries":2}"#)),
    )
    .await;
    let e = expect_kind(&r.expect_err("403"), "api");
    assert_eq!(text_at(&e, "category").as_deref(), Some("permission"));
    assert_eq!(
        text_at(&e, "meaning.en").as_deref(),
        Some("You can only see your own punches")
    );
    assert_eq!(
        text_at(&e, "meaning.zh").as_deref(),
        Some("只能查看自己的打卡")
    );
    assert!(!has_own(&e, "signInUrl"));
    assert_eq!(calls.length(), 1, "a 403 is not retried");
}

/// Issue 11: `token` as a string, or a function called once per call (once for a whole range),
/// sent as `Authorization: Bearer …` over an `authorization` header.
async fn the_token_option() {
    let ok = r#"{"code":0,"msg":"ok"}"#;
    let auth = |calls: &Array, i: u32| text_at(&calls.get(i), "init.headers.authorization");
    let o = options(r#"{"token":"eyJ.abc.d-_=","headers":{"Authorization":"Basic x"}}"#);
    let (r, calls) = replying(200, ok, query(one_day(), o)).await;
    r.expect("a string token");
    assert_eq!(auth(&calls, 0).as_deref(), Some("Bearer eyJ.abc.d-_="));

    // Configured once as a function: called for each call, so each gets a fresh token.
    let source = token_source("t");
    let c = options("{}");
    set(&c, "token", &source);
    configure(c).expect("a token function");
    let (r, calls) = replying(200, ok, query(one_day(), JsValue::UNDEFINED)).await;
    r.expect("first");
    assert_eq!(auth(&calls, 0).as_deref(), Some("Bearer t1"));
    let (r, calls) = replying(200, ok, query(one_day(), JsValue::UNDEFINED)).await;
    r.expect("second");
    assert_eq!(auth(&calls, 0).as_deref(), Some("Bearer t2"));
    // A range of three days (without the punch-results call): each day is a call, with a token
    // of its own.
    let days = range_request("employee_no", "E1", 20240301.0, 20240303.0);
    let no_prefilter = js(r#"{"prefilter":false}"#);
    let (r, calls) = replying(200, ok, range(days, no_prefilter)).await;
    r.unwrap_or_else(|e| panic!("{}", message_of(&e)));
    assert_eq!(calls.length(), 3);
    let mut sent: Vec<String> = (0..3).filter_map(|i| auth(&calls, i)).collect();
    sent.sort();
    assert_eq!(sent, ["Bearer t3", "Bearer t4", "Bearer t5"]);
    // currentUser too.
    let (r, calls) = replying(200, r#"{"admin":false}"#, current_user(JsValue::UNDEFINED)).await;
    r.expect("currentUser");
    assert_eq!(auth(&calls, 0).as_deref(), Some("Bearer t6"));
    assert_eq!(num_at(&source, "calls"), Some(6.0));
    configure(js("{}")).expect("reset");
    // A retry reuses its call's token: the function is called per call, not per attempt.
    let source = token_source("r");
    let o = options(r#"{"retries":1,"timeoutMs":60000}"#);
    set(&o, "token", &source);
    let busy = r#"{"code":99991400,"msg":"rate limited"}"#;
    let fake = fake_fetch(429, busy, &js(r#"{"x-ogw-ratelimit-reset":"0"}"#));
    let r = query(one_day(), o).await;
    restore(&fake);
    expect_kind(&r.expect_err("rate limited twice"), "api");
    let calls: Array = at(&fake, "calls").into();
    assert_eq!(calls.length(), 2, "one retry");
    assert_eq!(auth(&calls, 1).as_deref(), Some("Bearer r1"));
    assert_eq!(num_at(&source, "calls"), Some(1.0));

    // A promise of a token.
    let o = options("{}");
    set(&o, "token", &async_token("from-a-promise"));
    let (r, calls) = replying(200, ok, query(one_day(), o)).await;
    r.expect("async token");
    assert_eq!(auth(&calls, 0).as_deref(), Some("Bearer from-a-promise"));
}

/// Issue 11: a token that is not a non-empty bearer token, or a function that throws, rejects,
/// returns something else or never answers, fails before anything is sent, naming `token`, and
/// the token (or what the function said) is nowhere in the error.
async fn bad_tokens_are_refused_without_their_value() {
    const SECRET: &str = "s3cr3t";
    let ok = r#"{"code":0,"msg":"ok"}"#;
    let with = |token: JsValue| {
        let o = options(r#"{"timeoutMs":300}"#);
        set(&o, "token", &token);
        o
    };
    let cases: Vec<(JsValue, &str, &str)> = vec![
        ("".into(), "validation", "empty"),
        ("s3cr3t with spaces".into(), "validation", "not_a_token"),
        (
            "s3cr3t
x-evil: 1"
                .into(),
            "validation",
            "not_a_token",
        ),
        (JsValue::from(5), "validation", "wrong_type"),
        (js(r#"{"token":"s3cr3t"}"#), "validation", "wrong_type"),
        (
            token_source("s3cr3t with spaces "),
            "validation",
            "not_a_token",
        ),
        (
            js_sys::Function::new_no_args("return 42").into(),
            "validation",
            "wrong_type",
        ),
        (
            js_sys::Function::new_no_args("return undefined").into(),
            "validation",
            "wrong_type",
        ),
        (throwing_token(SECRET), "validation", "wrong_type"),
        (rejecting_token(SECRET), "validation", "wrong_type"),
        (hanging_token(), "timeout", ""),
    ];
    for (i, (token, kind, problem)) in cases.into_iter().enumerate() {
        for (which, result) in [
            (
                "query",
                replying(200, ok, query(one_day(), with(token.clone()))).await,
            ),
            (
                "currentUser",
                replying(200, ok, current_user(with(token.clone()))).await,
            ),
        ] {
            let (r, calls) = result;
            let e = expect_kind(&r.expect_err("a bad token"), kind);
            if kind == "validation" {
                assert_eq!(
                    text_at(&e, "field").as_deref(),
                    Some("token"),
                    "#{i} {which}"
                );
                assert_eq!(
                    text_at(&e, "problem").as_deref(),
                    Some(problem),
                    "#{i} {which}"
                );
            }
            let shown = error_text(&e);
            assert!(!shown.contains(SECRET), "#{i} {which}: {shown}");
            assert_eq!(calls.length(), 0, "#{i} {which}: nothing sent");
        }
    }
    let thrown = configure(options(r#"{"token":"s3cr3t token"}"#)).expect_err("configure");
    let e = expect_kind(&thrown, "validation");
    assert_eq!(text_at(&e, "field").as_deref(), Some("token"));
    assert!(!error_text(&e).contains(SECRET));
    // In a range, each day is a call: a token function that throws fails each day it is asked
    // for, by name, and nothing is sent.
    let o = with(throwing_token(SECRET));
    set(&o, "prefilter", &JsValue::FALSE);
    let days = range_request("employee_no", "E1", 20240301.0, 20240302.0);
    let (r, calls) = replying(200, ok, range(days, o)).await;
    let days: Array = r.unwrap_or_else(|e| panic!("{}", message_of(&e))).into();
    for day in days.iter() {
        assert_eq!(text_at(&day, "status").as_deref(), Some("error"));
        let e = expect_kind(&at(&day, "error"), "validation");
        assert_eq!(text_at(&e, "field").as_deref(), Some("token"));
        assert!(!error_text(&e).contains(SECRET));
    }
    assert_eq!(calls.length(), 0);
}

/// How many times the module called `fetch` for one query answered `status` and `text` every
/// time, and what it came to.
async fn counted(status: u16, text: &JsValue, options: JsValue) -> (Result<JsValue, JsValue>, u32) {
    let fake = fake_fetch_value(status, text, &js("{}"));
    let result = query(one_day(), options).await;
    restore(&fake);
    let calls: Array = at(&fake, "calls").into();
    (result, calls.length())
}

/// Issue 13: a reply too large does not shrink on retry. The relay's 98000507 is not retried, and
/// the module's own limit counts UTF-8 bytes as the relay's 1 MiB cap does: a body of fewer
/// UTF-16 units but more bytes (Chinese text) is too large too, and not retried whatever its
/// status; a body of exactly the cap is read.
async fn too_large_is_never_retried() {
    use feishu_remedy::decode::MAX_BODY_BYTES;
    let o = || {
        js(&format!(
            r#"{{"relayUrl":"{RELAY}","retries":2,"timeoutMs":60000}}"#
        ))
    };
    let body = r#"{"code":98000507,"msg":"relay: Feishu's reply is too large","error":{"log_id":"relay-1"}}"#;
    let (e, calls) = counted(502, &body.into(), o()).await;
    let e = expect_kind(&e.expect_err("98000507"), "api");
    assert_eq!(num_at(&e, "code"), Some(98000507.0));
    assert_eq!(at(&e, "retryable").as_bool(), Some(false));
    assert_eq!(text_at(&e, "category").as_deref(), Some("server"));
    assert_eq!(calls, 1, "98000507 asked once");

    // 400,000 three-byte characters: 1.2 MB, though only 400,000 UTF-16 units.
    let wide = long_string("飞", 400_000);
    let (e, calls) = counted(502, &wide, o()).await;
    let e = expect_kind(&e.expect_err("too large"), "http");
    assert_eq!(text_at(&e, "problem").as_deref(), Some("too_large"));
    assert_eq!(at(&e, "retryable").as_bool(), Some(false));
    assert_eq!(calls, 1, "a too large 502 asked once");
    let (e, _) = counted(200, &wide, o()).await;
    let e = expect_kind(&e.expect_err("too large"), "decode");
    assert_eq!(text_at(&e, "problem").as_deref(), Some("too_large"));

    // At the cap exactly, in bytes, with Chinese text in it: read.
    let head = r#"{"code":0,"msg":""#;
    let tail = r#""}"#;
    let room = MAX_BODY_BYTES - head.len() - tail.len();
    let msg = ["飞".repeat(room / 3), "x".repeat(room % 3)].concat();
    let exact = [head, &msg, tail].concat();
    assert_eq!(exact.len(), MAX_BODY_BYTES);
    let (r, calls) = counted(200, &exact.as_str().into(), o()).await;
    let r = r.unwrap_or_else(|e| panic!("{}", message_of(&e)));
    assert_eq!(num_at(&r, "code"), Some(0.0));
    assert_eq!(calls, 1);
}

/// Every code of the catalogue (the endpoint's, the platform's and the relay's own) arrives as an
/// `api` RemedyError with its entry's status, category, texts and retry advice; an error reply
/// keeps its code even when its other fields have odd shapes.
async fn every_catalogue_code(o: &dyn Fn() -> JsValue) {
    use feishu_remedy::catalogue::{ENTRIES, NOTHING_TO_CORRECT};
    for entry in ENTRIES {
        let c = entry.code;
        let body = format!(r#"{{"code":{c},"msg":"m{c}","error":{{"troubleshooter":"t{c}"}}}}"#);
        let e = exchange(entry.http_status, &body, o()).await.0;
        let e = expect_kind(&e.expect_err("an error code"), "api");
        let status = f64::from(entry.http_status);
        assert_eq!(num_at(&e, "code"), Some(c as f64));
        assert_eq!(num_at(&e, "httpStatus"), Some(status), "{c}");
        let category = entry.category.as_str();
        assert_eq!(text_at(&e, "category").as_deref(), Some(category), "{c}");
        assert_eq!(at(&e, "retryable").as_bool(), Some(entry.retryable), "{c}");
        assert_eq!(text_at(&e, "meaning.zh").as_deref(), Some(entry.meaning.zh));
        assert_eq!(text_at(&e, "hint.en").as_deref(), Some(entry.action.en));
        assert_eq!(text_at(&e, "msg"), Some(format!("m{c}")));
        assert_eq!(text_at(&e, "troubleshooter"), Some(format!("t{c}")));
        assert_eq!(text_at(&e, "logId").as_deref(), Some("FAKE-LOG"));
        let nothing = at(&e, "nothingToCorrect").as_bool();
        assert_eq!(nothing, Some(c == NOTHING_TO_CORRECT), "{c}");
    }
    for body in [
        r#"{"code":1220004,"msg":"x","data":[]}"#,
        r#"{"code":1220004,"msg":5,"error":"oops"}"#,
    ] {
        let e = exchange(400, body, o()).await.0.expect_err(body);
        assert_eq!(num_at(&expect_kind(&e, "api"), "code"), Some(1220004.0));
    }
}

/// Issue 12: a 429 from the relay's own quota queue (98000429, with its reset) is waited out
/// without using up `retries`, within the time limit; Feishu's own 429 still ends after `retries`.
async fn the_relays_queue_keeps_a_calls_place() {
    let o = || {
        js(&format!(
            r#"{{"relayUrl":"{RELAY}","retries":1,"timeoutMs":1500}}"#
        ))
    };
    let reset = js(r#"{"x-ogw-ratelimit-reset":"0"}"#);
    let queue = r#"{"code":98000429,"msg":"relay: too many requests to Feishu right now"}"#;
    let fake = fake_fetch(429, queue, &reset);
    let result = query(one_day(), o()).await;
    restore(&fake);
    let calls = Array::from(&at(&fake, "calls")).length();
    let e = expect_kind(&result.expect_err("always queued"), "api");
    assert_eq!(num_at(&e, "code"), Some(98000429.0));
    assert!(
        calls > 2,
        "queue waits beyond retries: 1, got {calls} calls"
    );
    assert!(
        calls <= 31,
        "at most MAX_SERVER_WAITS waits, got {calls} calls"
    );

    let feishu = r#"{"code":99991400,"msg":"request trigger frequency limit"}"#;
    let fake = fake_fetch(429, feishu, &reset);
    let result = query(one_day(), o()).await;
    restore(&fake);
    let calls = Array::from(&at(&fake, "calls")).length();
    let e = expect_kind(&result.expect_err("always limited"), "api");
    assert_eq!(num_at(&e, "code"), Some(99991400.0));
    assert_eq!(calls, 2, "Feishu's own 429: the first try and retries: 1");
}
