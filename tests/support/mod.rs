//! Shared by the browser test files: the relay started by scripts/test-wasm.sh (its URL arrives at
//! compile time), JavaScript helpers for values Rust cannot make (Proxies, getters that throw),
//! and short ways to build requests and read results.

#![allow(dead_code)] // each test file uses its own subset

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
export async function getJson(url) { const r = await fetch(url); return r.json(); }
export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
export function now() { return Date.now(); }
export function className(e) { return e && e.constructor && e.constructor.name; }
export function isError(e) { return e instanceof Error; }
export function stackOf(e) { return String(e && e.stack); }
export function messageOf(e) { return String(e && e.message); }
export function reentrantOptions(relayUrl, onRead) {
  return { get relayUrl() { onRead(); return relayUrl; } };
}
export function throwingGetterRequest() {
  return { params: { get employee_type() { throw new Error("boom"); } }, data: { user_id: "u", remedy_date: 20240101 } };
}
export function throwingProxy() {
  const boom = () => { throw new Error("trap"); };
  return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom });
}
export function revokedProxy() { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; }
export function fakeSignal() { return Object.create(AbortSignal.prototype); }
export function proxiedSignal() { return new Proxy(new AbortController().signal, {}); }
export function symbol() { return Symbol("x"); }
export function bigint() { return 20240101n; }
export function func() { return function () {}; }
export function abortedSignal(reason) { const c = new AbortController(); c.abort(reason); return c.signal; }
export function abortLater(ms, reason) {
  const c = new AbortController();
  setTimeout(() => c.abort(reason), ms);
  return c.signal;
}
export function progressRecorder() {
  const calls = [];
  const fn = (done, total, day) => { calls.push([done, total, day]); };
  fn.calls = calls;
  return fn;
}
export function throwingProgress() { return () => { throw new Error("progress boom"); }; }
export function headersInstance(name, value) { const h = new Headers(); h.set(name, value); return h; }
/** Replaces fetch with `answer(url)`, recording every request; `restore()` puts fetch back. */
function recordingFetch(answer) {
  const real = globalThis.fetch;
  const calls = [];
  globalThis.fetch = async (url, init) => {
    // The module's headers are a Headers instance; record them as a plain object.
    if (init && init.headers instanceof Headers) {
      init = { ...init, headers: Object.fromEntries(init.headers) };
    }
    calls.push({ url, init });
    return answer(String(url));
  };
  return { calls, restore() { globalThis.fetch = real; } };
}
export function fakeFetch(status, text, headers) {
  return recordingFetch(() => new Response(text, { status, headers: headers || {} }));
}
export function routedFetch(punchStatus, punchText, dayText) {
  return recordingFetch((url) => {
    if (url.includes("/user_tasks/query")) {
      if (punchStatus === 0) return new Promise(() => {});
      return new Response(punchText, { status: punchStatus, headers: { "x-tt-logid": "PUNCH-LOG" } });
    }
    return new Response(dayText, { status: 200, headers: { "x-tt-logid": "DAY-LOG" } });
  });
}
export function brokenFetch(mode) {
  const real = globalThis.fetch;
  const modes = {
    throw: () => { throw new TypeError("patched fetch threw"); },
    junk: async () => 42,
    reject: () => Promise.reject("a string, not an Error"),
    used: async () => { const r = new Response("{}"); await r.text(); return r; },
    hang: () => new Promise(() => {}),
    stall_body: async () => new Response(new ReadableStream({ start() {} })),
    status_throws: async () => {
      const r = new Response("{}");
      Object.defineProperty(r, "status", { get() { throw new Error("status getter"); } });
      return r;
    },
    headers_throw: async () => {
      const r = new Response("{}");
      Object.defineProperty(r, "headers", { value: { get() { throw new Error("headers.get"); } } });
      return r;
    },
    huge_header: async () => {
      const r = new Response('{"code":0,"msg":"ok"}');
      const huge = "9".repeat(1 << 24);
      Object.defineProperty(r, "headers", { value: { get: () => huge } });
      return r;
    },
    odd_header: async () => {
      const r = new Response('{"code":0,"msg":"ok"}');
      Object.defineProperty(r, "headers", { value: { get: () => ({ length: 1.5e9 }) } });
      return r;
    },
    then_throws: () => {
      const p = Promise.resolve(new Response("{}"));
      Object.defineProperty(p, "then", { get() { throw new Error("then getter"); } });
      return p;
    },
    constructor_throws: () => {
      const p = Promise.resolve(new Response('{"code":0,"msg":"ok"}'));
      Object.defineProperty(p, "constructor", { get() { throw new Error("constructor getter"); } });
      return p;
    },
  };
  globalThis.fetch = modes[mode];
  return { restore() { globalThis.fetch = real; } };
}
export function restore(handle) { handle.restore(); }
export function signalThatThrowsLater() {
  const s = new AbortController().signal;
  let reads = 0;
  Object.defineProperty(s, "aborted", { get() { if (++reads > 1) throw new Error("aborted getter"); return false; } });
  return s;
}
export function wasmMemoryBytes(memory) { return memory.buffer.byteLength; }
export function longString(unit, count) { return unit.repeat(count); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = getJson)]
    async fn get_json_js(url: &str) -> JsValue;
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_js(ms: u32) -> js_sys::Promise;
    pub fn now() -> f64;
    #[wasm_bindgen(js_name = className)]
    pub fn class_name(e: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = isError)]
    pub fn is_error(e: &JsValue) -> bool;
    #[wasm_bindgen(js_name = stackOf)]
    pub fn stack_of(e: &JsValue) -> String;
    #[wasm_bindgen(js_name = messageOf)]
    pub fn message_of(e: &JsValue) -> String;
    #[wasm_bindgen(js_name = throwingGetterRequest)]
    pub fn throwing_getter_request() -> JsValue;
    #[wasm_bindgen(js_name = throwingProxy)]
    pub fn throwing_proxy() -> JsValue;
    /// Options whose `relayUrl` getter first calls `on_read` (e.g. back into `configure`).
    #[wasm_bindgen(js_name = reentrantOptions)]
    pub fn reentrant_options(relay_url: &str, on_read: &js_sys::Function) -> JsValue;
    #[wasm_bindgen(js_name = revokedProxy)]
    pub fn revoked_proxy() -> JsValue;
    #[wasm_bindgen(js_name = fakeSignal)]
    pub fn fake_signal() -> JsValue;
    #[wasm_bindgen(js_name = proxiedSignal)]
    pub fn proxied_signal() -> JsValue;
    pub fn symbol() -> JsValue;
    pub fn bigint() -> JsValue;
    pub fn func() -> JsValue;
    #[wasm_bindgen(js_name = abortedSignal)]
    pub fn aborted_signal(reason: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = abortLater)]
    pub fn abort_later(ms: u32, reason: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = progressRecorder)]
    pub fn progress_recorder() -> JsValue;
    #[wasm_bindgen(js_name = throwingProgress)]
    pub fn throwing_progress() -> JsValue;
    #[wasm_bindgen(js_name = headersInstance)]
    pub fn headers_instance(name: &str, value: &str) -> JsValue;
    /// Replaces the global fetch with one answering `status` and `text`; records the requests.
    #[wasm_bindgen(js_name = fakeFetch)]
    pub fn fake_fetch(status: u16, text: &str, headers: &JsValue) -> JsValue;
    /// Replaces the global fetch: punch-results requests (`user_tasks/query`) answered with
    /// `punch_status` and `punch_text` (status 0: never answered), every other request with
    /// `day_text` (status 200); records the requests.
    #[wasm_bindgen(js_name = routedFetch)]
    pub fn routed_fetch(punch_status: u16, punch_text: &str, day_text: &str) -> JsValue;
    /// Replaces the global fetch with a broken one; the modes are listed in `brokenFetch` above
    /// (throws, resolves to junk, rejects with a string, a used body, never settles, a body that
    /// never ends, getters or `then` that throw).
    #[wasm_bindgen(js_name = brokenFetch)]
    pub fn broken_fetch(mode: &str) -> JsValue;
    /// Puts the real fetch back.
    pub fn restore(handle: &JsValue);
    /// A real `AbortSignal` whose `aborted` getter reads `false` once, then throws.
    #[wasm_bindgen(js_name = signalThatThrowsLater)]
    pub fn signal_that_throws_later() -> JsValue;
    /// The size of a `WebAssembly.Memory`'s buffer.
    #[wasm_bindgen(js_name = wasmMemoryBytes)]
    pub fn wasm_memory_bytes(memory: &JsValue) -> f64;
    /// `unit` repeated `count` times, made in JavaScript.
    #[wasm_bindgen(js_name = longString)]
    pub fn long_string(unit: &str, count: u32) -> JsValue;
}

/// `queryAllowedRemedys` as JavaScript calls it, awaited.
pub(crate) async fn query(request: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(feishu_remedy::wasm::exports::query_allowed_remedys(
        request, options,
    ))
    .await
}

/// `queryAllowedRemedysRange` as JavaScript calls it, awaited.
pub(crate) async fn range(request: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(feishu_remedy::wasm::exports::query_allowed_remedys_range(
        request, options,
    ))
    .await
}

/// The relay the harness started (scripts/test-wasm.sh).
pub(crate) fn relay() -> &'static str {
    match option_env!("FEISHU_REMEDY_TEST_RELAY") {
        Some(url) => url,
        None => panic!(
            "FEISHU_REMEDY_TEST_RELAY is not set: run these tests through scripts/test-wasm.sh"
        ),
    }
}

/// A loopback URL where nothing listens (the harness found a free port and left it closed).
pub(crate) fn down_relay() -> &'static str {
    option_env!("FEISHU_REMEDY_TEST_DOWN_URL").unwrap_or("http://127.0.0.1:1")
}

pub(crate) async fn sleep(ms: u32) {
    let _ = JsFuture::from(sleep_js(ms)).await;
}

pub(crate) async fn get_json(url: &str) -> JsValue {
    get_json_js(url).await
}

/// JSON text as a JavaScript value.
pub(crate) fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or_else(|_| panic!("bad test JSON: {json}"))
}

/// `value.a.b.c`.
pub(crate) fn at(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        if v.is_undefined() || v.is_null() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(&v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

pub(crate) fn text_at(value: &JsValue, path: &str) -> Option<String> {
    at(value, path).as_string()
}

pub(crate) fn num_at(value: &JsValue, path: &str) -> Option<f64> {
    at(value, path).as_f64()
}

pub(crate) fn set(object: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(object, &JsValue::from_str(key), value).expect("set");
}

/// `{ params: { employee_type }, data: { user_id, remedy_date } }`.
pub(crate) fn request(employee_type: &str, user_id: &str, date: f64) -> JsValue {
    let r = js(r#"{"params":{},"data":{}}"#);
    set(&at(&r, "params"), "employee_type", &employee_type.into());
    set(&at(&r, "data"), "user_id", &user_id.into());
    set(&at(&r, "data"), "remedy_date", &date.into());
    r
}

/// `{ params: { employee_type }, data: { user_id, from, to } }`.
pub(crate) fn range_request(employee_type: &str, user_id: &str, from: f64, to: f64) -> JsValue {
    let r = js(r#"{"params":{},"data":{}}"#);
    set(&at(&r, "params"), "employee_type", &employee_type.into());
    set(&at(&r, "data"), "user_id", &user_id.into());
    set(&at(&r, "data"), "from", &from.into());
    set(&at(&r, "data"), "to", &to.into());
    r
}

/// Options with the test relay and `extra` (JSON) merged in.
pub(crate) fn opts(extra: &str) -> JsValue {
    let o = js(extra);
    if at(&o, "relayUrl").is_undefined() {
        set(&o, "relayUrl", &relay().into());
    }
    o
}

/// A dataset case by name (`GET /_sim/dataset`).
pub(crate) async fn dataset_case(name: &str) -> JsValue {
    let dataset = get_json(&[relay(), "/_sim/dataset"].concat()).await;
    let cases: js_sys::Array = at(&dataset, "cases").into();
    cases
        .iter()
        .find(|c| text_at(c, "name").as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no dataset case {name}"))
}

/// The request of a dataset case.
pub(crate) fn case_request(case: &JsValue) -> JsValue {
    request(
        &text_at(case, "employee_type").expect("employee_type"),
        &text_at(case, "user_id").expect("user_id"),
        num_at(case, "date").expect("date"),
    )
}

/// Checks that `e` is a `RemedyError` of `kind` and returns it.
pub(crate) fn expect_kind(e: &JsValue, kind: &str) -> JsValue {
    assert_eq!(
        class_name(e).as_string().as_deref(),
        Some("RemedyError"),
        "not a RemedyError: {e:?}"
    );
    assert!(is_error(e), "a RemedyError is an Error");
    assert_eq!(
        text_at(e, "kind").as_deref(),
        Some(kind),
        "{}",
        message_of(e)
    );
    for lang in ["zh", "en"] {
        assert!(
            !text_at(e, &["hint.", lang].concat())
                .unwrap_or_default()
                .is_empty(),
            "hint.{lang}"
        );
        assert!(
            !text_at(e, &["meaning.", lang].concat())
                .unwrap_or_default()
                .is_empty(),
            "meaning.{lang}"
        );
    }
    assert!(!message_of(e).is_empty(), "message");
    e.clone()
}
