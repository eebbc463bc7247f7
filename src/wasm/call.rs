//! One call through the relay, in Rust async (a day's `query_user_allowed_remedys`, or a range's
//! punch results): what to send (Feishu's path and wire format), each attempt (`fetch`), what its
//! reply means ([`decode::interpret`]), and whether and when to try again ([`retry::next`], the
//! natively tested policy), never past the call's time limit or after the caller's abort.

use std::future::Future;

use js_sys::Array;
use serde::ser::{Serialize, SerializeMap, Serializer};
use wasm_bindgen::prelude::*;

use crate::decode;
use crate::errors::{BodyProblem, RemedyError};
use crate::model::{Envelope, RemedyQuery, RemedyResponse};
use crate::retry::{self, Attempt, Next};
use crate::text::cat;
use crate::wasm::fetch::{Body, Call, Outgoing, Raw};
use crate::wasm::options::Resolved;
use crate::wasm::reply::{self, ReadData};
use crate::wasm::token::{self, Authorization};

/// A successful reply: the core's response, and the list of punches as the browser parsed it
/// (the core has checked every field's type; passing the parsed objects on saves rebuilding them).
pub(crate) struct Reply {
    /// Code, message and log id.
    pub response: RemedyResponse,
    /// `data.user_allowed_remedys`, always an array; of a punch-results reply, `data` itself; of
    /// the relay's `/auth/me`, the user as the page gets it (`user`; its `response` is empty).
    pub list: JsValue,
}

/// Feishu's reply shape, `{ code: 0, msg, data: { user_allowed_remedys }, log_id? }`, written as
/// serde maps rather than derived structs: serde-wasm-bindgen turns a struct's field names into
/// JavaScript strings through a cache (a `HashMap`, about 2 KB of wasm), a map's keys directly.
impl Serialize for Reply {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_map(None)?;
        out.serialize_entry("code", &0u8)?;
        out.serialize_entry("msg", &self.response.msg)?;
        out.serialize_entry("data", &Data(&self.list))?;
        if let Some(id) = &self.response.log_id {
            out.serialize_entry("log_id", id)?;
        }
        out.end()
    }
}

/// `data`: the list of punches, the parsed objects themselves rather than a copy.
struct Data<'a>(&'a JsValue);

impl Serialize for Data<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_map(None)?;
        out.serialize_entry("user_allowed_remedys", &Preserved(self.0))?;
        out.end()
    }
}

/// A JavaScript value passed through serde-wasm-bindgen unchanged.
struct Preserved<'a>(&'a JsValue);

impl Serialize for Preserved<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_wasm_bindgen::preserve::serialize(self.0, s)
    }
}

impl Reply {
    /// Feishu's shape, the list always present, through serde-wasm-bindgen's JSON-compatible
    /// serializer (plain objects, never `Map`s).
    pub(crate) fn to_js(&self) -> JsValue {
        // Cannot fail: string keys, strings, a number and a preserved value, into fresh objects.
        self.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .unwrap_or(JsValue::UNDEFINED)
    }
}

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: a monotonic clock (in pages and Workers), so a change of the wall
    /// clock cannot skip or stretch retries the way `Date.now()` would.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn now() -> f64;
}

/// Asks the relay for one day, through [`exchange`]: retries, the time limit and the caller's signal.
/// [`exchange`]'s future itself (no async wrapper around it: one state machine fewer in the wasm).
pub(crate) fn run<'a>(
    relay: &'a Resolved,
    query: &RemedyQuery,
) -> impl Future<Output = Result<Reply, RemedyError>> + 'a {
    let url = cat(&[relay.relay_url.as_str(), &query.path_and_query()]);
    exchange(relay, url, Some(query.body_json()), day_reply)
}

/// Asks the relay for a range's punch results (`user_tasks/query`; `path` and `body` from
/// `RangeQuery::punch_request`), the same way as a day: the same options, retries, time limit and
/// abort. The reply's `data` is returned unread.
pub(crate) fn run_punch_results<'a>(
    relay: &'a Resolved,
    path: &str,
    body: String,
) -> impl Future<Output = Result<Reply, RemedyError>> + 'a {
    let url = cat(&[relay.relay_url.as_str(), path]);
    exchange(relay, url, Some(body), punch_results_reply)
}

/// A day's reply: Feishu's envelope with its list of correctable punches.
fn day_reply(raw: Raw) -> Result<Reply, RemedyError> {
    outcome(raw, reply::punches)
}

/// A punch-results reply: Feishu's envelope, its `data` unread.
fn punch_results_reply(raw: Raw) -> Result<Reply, RemedyError> {
    outcome(raw, reply::data_itself)
}

/// Reads a reply: what the call returns, or the error it is (which may be retried).
pub(crate) type Accept = fn(Raw) -> Result<Reply, RemedyError>;

/// Sends a request to `url` (a POST of `body`, else a GET) with the call's token, hands each
/// reply to `accept`, and retries what it refuses as [`retry::next`] decides. The caller's signal
/// and the time limit (`relay.timeout_ms`, for the whole call, token and retries included) stop
/// it at any point. One function for every kind of request (Feishu's routes, `/auth/me`), taking
/// its reader as a function pointer rather than generic: each instance of this future is about
/// 2 KB of wasm. It owns `url` and `body`, so the callers return its future itself rather than
/// wrapping it in an async fn of their own.
pub(crate) async fn exchange(
    relay: &Resolved,
    url: String,
    body: Option<String>,
    accept: Accept,
) -> Result<Reply, RemedyError> {
    let call = Call::start(relay)?;
    let deadline = now() + f64::from(relay.timeout_ms);
    // Every await is here, on `Call::wait`, and the steps between them are plain functions: one
    // state machine rather than one per step (each nested future is its own states, drop code
    // and resume checks in the wasm).
    let authorization = match token::authorization(relay.token.as_ref())? {
        Authorization::Ready(value) => value,
        Authorization::Pending(promise) => {
            let settled = call.wait(&promise).await;
            Some(token::from_source(&call, settled)?)
        }
    };
    let out = Outgoing {
        url: &url,
        body: body.as_deref(),
        authorization,
    };
    let (mut retries_done, mut waits_done) = (0, 0);
    loop {
        // One request (a POST with a body, else a GET), read to the end.
        let attempt = match call.fetch(relay, &out) {
            Ok(fetched) => {
                let replied = call.wait(&fetched).await;
                match call.reply(replied) {
                    Ok((meta, text)) => {
                        let text = call.wait(&text).await;
                        call.body(meta, text)
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        let error = match attempt.and_then(accept) {
            Ok(reply) => return Ok(reply),
            Err(error) => error,
        };
        let at = Attempt {
            retries_done,
            waits_done,
            retries_allowed: relay.retries,
            now_ms: now(),
            deadline_ms: deadline,
            jitter: js_sys::Math::random(),
        };
        let Next::WaitMs(ms) = retry::next(&error, &at) else {
            return Err(error);
        };
        // A wait the relay's quota queue asked for does not use up `retries` (retry, rule 2).
        if retry::uses_up_a_retry(&error) {
            retries_done += 1;
        } else {
            waits_done += 1;
        }
        // Not kept across the wait: the future stays small.
        drop(error);
        let (waited, timer) = call.pause(ms);
        let _ = call.wait(&waited).await;
        call.paused(&timer)?;
    }
}

/// What a reply means: the decoded reply, or the error it carries.
#[inline(never)]
pub(crate) fn outcome(raw: Raw, read_data: ReadData) -> Result<Reply, RemedyError> {
    let (envelope, list) = match body(raw.body, read_data) {
        Ok((envelope, list)) => (Ok(envelope), list),
        Err(problem) => (Err(problem), Array::new().into()),
    };
    let response = decode::interpret(&raw.meta, envelope)?;
    Ok(Reply { response, list })
}

/// The body as Feishu's envelope and the parsed list, or what is wrong with it.
fn body(body: Body, read_data: ReadData) -> Result<(Envelope, JsValue), BodyProblem> {
    match body {
        Body::Json(json) => reply::envelope(&json, read_data),
        Body::Text(text) => Err(unparseable(&text)),
        Body::TooLarge => Err(BodyProblem::TooLarge),
    }
}

/// Why a body is not JSON: the core's checks (empty, HTML) first; then JSON cut off in the middle
/// (a string or a bracket left open) is `truncated`, anything else `not_json`. Decided from the
/// text itself, because each browser words its parse errors differently.
fn unparseable(text: &str) -> BodyProblem {
    if let Err(problem) = decode::precheck_text(text) {
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
