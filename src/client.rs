//! One call through the relay, decided here and awaited in `js/driver.js`: what to send (Feishu's
//! path and wire format), what each attempt's reply means ([`decode::interpret`]), and whether and
//! when to try again ([`retry::next`]). Everything here is synchronous: the driver calls
//! [`settle`] after every attempt.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::decode::{self, BodyProblem, ReplyMeta, MAX_BODY_BYTES};
use crate::errors::RemedyError;
use crate::js_reply::{self, set};
use crate::model::{Envelope, RemedyQuery, RemedyResponse};
use crate::options::Resolved;
use crate::retry::{self, Attempt, Next};

#[wasm_bindgen]
extern "C" {
    /// What one attempt brought back (see `post` in `js/driver.js`).
    pub(crate) type Attempted;

    #[wasm_bindgen(method, getter)]
    fn failure(this: &Attempted) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn detail(this: &Attempted) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Attempted) -> u16;
    #[wasm_bindgen(method, getter, js_name = logId)]
    fn log_id(this: &Attempted) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = requestId)]
    fn request_id(this: &Attempted) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn reset(this: &Attempted) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    fn retry_after(this: &Attempted) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn size(this: &Attempted) -> f64;
    #[wasm_bindgen(method, getter)]
    fn parsed(this: &Attempted) -> bool;
    #[wasm_bindgen(method, getter)]
    fn json(this: &Attempted) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn text(this: &Attempted) -> Option<String>;
}

/// A successful reply: the core's response, and the list of punches as the browser parsed it
/// (the core has checked every field's type; passing the parsed objects on saves rebuilding them).
pub(crate) struct Reply {
    /// Code, message and log id.
    pub response: RemedyResponse,
    /// `data.user_allowed_remedys`, always an array.
    pub list: JsValue,
}

impl Reply {
    /// Feishu's shape, the list always present.
    pub(crate) fn to_js(&self) -> JsValue {
        let data = Object::new();
        set(&data, "user_allowed_remedys", &self.list);
        let out = Object::new();
        set(&out, "code", &JsValue::from_f64(0.0));
        set(&out, "msg", &JsValue::from_str(&self.response.msg));
        set(&out, "data", &data);
        if let Some(id) = &self.response.log_id {
            set(&out, "log_id", &JsValue::from_str(id));
        }
        out.into()
    }
}

/// What the driver sends: the relay options as fetch wants them. `url` and `body` are added per
/// request ([`with_request`]).
pub(crate) fn call_template(o: &Resolved) -> Object {
    let headers = Object::new();
    set(
        &headers,
        "content-type",
        &"application/json; charset=utf-8".into(),
    );
    for (name, value) in &o.headers {
        set(&headers, name, &JsValue::from_str(value));
    }
    let call = Object::new();
    set(&call, "headers", &headers);
    if let Some(c) = o.credentials {
        set(&call, "credentials", &JsValue::from_str(c));
    }
    if let Some(s) = &o.signal {
        set(&call, "signal", s);
    }
    set(&call, "timeoutMs", &JsValue::from(o.timeout_ms));
    set(&call, "retries", &JsValue::from(o.retries));
    set(&call, "maxChars", &JsValue::from(MAX_BODY_BYTES as u32));
    call
}

/// Adds the request's URL and JSON body to a call (Feishu's path, query and body byte for byte).
pub(crate) fn with_request(call: &Object, relay_url: &str, q: &RemedyQuery) {
    set(
        call,
        "url",
        &[relay_url, &q.path_and_query()].concat().into(),
    );
    set(call, "body", &q.body_json().into());
}

/// After an attempt: the final result, or the error and how long to wait before the next try.
pub(crate) struct Verdict {
    /// The attempt's meaning.
    pub result: Result<Reply, RemedyError>,
    /// For an error: milliseconds to wait before retrying, `None` to give up.
    pub wait_ms: Option<u32>,
}

/// A call's limits, as [`settle`] needs them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Retries allowed.
    pub retries: u32,
    /// The whole call's time limit (for the timeout error's words).
    pub timeout_ms: u32,
    /// When that limit expires, on `Date.now()`'s clock.
    pub deadline: f64,
}

/// Judges attempt number `retries_done + 1`.
pub(crate) fn settle(a: &JsValue, retries_done: u32, limits: Limits) -> Verdict {
    let result = outcome(a.unchecked_ref(), limits.timeout_ms);
    let wait_ms = match &result {
        Ok(_) => None,
        Err(error) => {
            let at = Attempt {
                retries_done,
                retries_allowed: limits.retries,
                now_ms: js_sys::Date::now(),
                deadline_ms: limits.deadline,
                jitter: js_sys::Math::random(),
            };
            match retry::next(error, &at) {
                Next::WaitMs(ms) => Some(ms),
                Next::GiveUp => None,
            }
        }
    };
    Verdict { result, wait_ms }
}

impl Verdict {
    /// `{ ok: true, value }` or `{ ok: false, error, wait }` for the driver (wait -1: give up).
    /// `full` false leaves out the value and error objects (a range day: Rust keeps the answer).
    pub(crate) fn to_js(&self, full: bool) -> JsValue {
        let out = Object::new();
        set(&out, "ok", &JsValue::from_bool(self.result.is_ok()));
        match &self.result {
            Ok(reply) if full => set(&out, "value", &reply.to_js()),
            Err(e) if full => set(&out, "error", &crate::bindings::error_to_js(e)),
            _ => {}
        }
        let wait = self.wait_ms.map_or(-1.0, f64::from);
        set(&out, "wait", &JsValue::from_f64(wait));
        out.into()
    }

    /// Whether the driver stops here (success, or an error not worth retrying).
    pub(crate) fn is_final(&self) -> bool {
        self.result.is_ok() || self.wait_ms.is_none()
    }
}

/// What an attempt means: no reply (cancelled, timed out, network), or the decoded reply.
fn outcome(a: &Attempted, timeout_ms: u32) -> Result<Reply, RemedyError> {
    // The driver always passes an object; anything else would be a bug there, not a panic here.
    if !a.is_object() {
        return Err(RemedyError::Network {
            detail: "no reply".into(),
        });
    }
    if let Some(failure) = a.failure() {
        return Err(match failure.as_str() {
            "aborted" => RemedyError::Aborted,
            "timeout" => RemedyError::Timeout {
                after_ms: timeout_ms,
            },
            _ => RemedyError::Network {
                detail: a.detail().unwrap_or_default(),
            },
        });
    }
    let meta = ReplyMeta {
        status: a.status(),
        tt_logid: a.log_id(),
        request_id: a.request_id(),
        ratelimit_reset: a.reset(),
        retry_after: a.retry_after(),
    };
    let (envelope, list) = match body(a) {
        Ok((envelope, list)) => (Ok(envelope), list),
        Err(problem) => (Err(problem), Array::new().into()),
    };
    let response = decode::interpret(&meta, envelope)?;
    Ok(Reply { response, list })
}

/// The body as Feishu's envelope and the parsed list, or what is wrong with it.
fn body(a: &Attempted) -> Result<(Envelope, JsValue), BodyProblem> {
    if a.size() > MAX_BODY_BYTES as f64 {
        return Err(BodyProblem::TooLarge);
    }
    if a.parsed() {
        return js_reply::envelope(&a.json());
    }
    Err(unparseable(&a.text().unwrap_or_default()))
}

/// Why a body is not JSON: the core's checks (empty, HTML) first; then JSON cut off in the middle
/// (a string or a bracket left open) is `truncated`, anything else `not_json`. Decided from the
/// text itself, because each browser words its parse errors differently.
fn unparseable(text: &str) -> BodyProblem {
    if let Err(problem) = decode::precheck(text.as_bytes()) {
        return problem;
    }
    let (mut depth, mut in_string, mut escaped) = (0i64, false, false);
    for b in text.bytes() {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (false, _, b'"') => in_string = true,
            (false, _, b'{' | b'[') => depth += 1,
            (false, _, b'}' | b']') => depth -= 1,
            _ => {}
        }
    }
    if in_string || depth > 0 {
        BodyProblem::Truncated
    } else {
        BodyProblem::NotJson
    }
}
