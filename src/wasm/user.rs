//! `currentUser()`: who the relay says is signed in, from `GET {relayUrl}/auth/me`, with the
//! call's options (headers, `credentials`, `token`, time limit, retries, signal) as any query.
//!
//! The relay answers 200 with `{ user_id?, employee_no?, name?, admin }`; 401 with its code
//! 98000441 ("sign in first") when no one is signed in, which is an answer here (`null`), not a
//! failure; anything else (404 98000404 from a relay without sign-in, 401 98000401 from a relay
//! that wants its API key, a network failure) rejects with the `RemedyError` it is, so a page can
//! tell "signed out" from "this relay has no sign-in".

use wasm_bindgen::prelude::*;

use crate::decode;
use crate::errors::{BodyProblem, RemedyError};
use crate::model::{RemedyData, RemedyResponse};
use crate::text::cat;
use crate::wasm::call::{self, Reply};
use crate::wasm::fetch::{Body, Raw};
use crate::wasm::js::get;
use crate::wasm::js_error::error_to_js;
use crate::wasm::options::Resolved;
use crate::wasm::reply;

/// The relay's route that says who is signed in.
const ME_PATH: &str = "/auth/me";

/// The signed-in person as `{ userId?, employeeNo?, name?, admin }`, or `null` when signed out;
/// else the `RemedyError` instance. The whole future of the export (one async layer less).
pub(crate) async fn current(relay: Resolved) -> Result<JsValue, JsValue> {
    let url = cat(&[relay.relay_url.as_str(), ME_PATH]);
    match call::exchange(&relay, url, None, outcome).await {
        Ok(reply) => Ok(reply.list),
        Err(e) if e.is_signed_out() => Ok(JsValue::NULL),
        Err(e) => Err(error_to_js(&e)),
    }
}

/// A 2xx reply without a `code` is the user; any other reply is read as Feishu's error format,
/// as a query's reply is (a `code` 0 there is not a user: the wrong shape).
/// The user is the `Reply`'s `list`, beside an empty response (the relay's answer has no `msg`).
fn outcome(raw: Raw) -> Result<Reply, RemedyError> {
    let status = raw.meta.status;
    if let (200..=299, Body::Json(json)) = (status, &raw.body) {
        if get(json, "code").is_none_or(|c| c.is_undefined()) {
            let user = reply::user(json).map_err(|p| decode::body_error(&raw.meta, p))?;
            return Ok(Reply {
                response: RemedyResponse {
                    code: 0,
                    msg: String::new(),
                    data: RemedyData::default(),
                    log_id: None,
                },
                list: user,
            });
        }
    }
    let reply = call::outcome(raw, reply::data_itself)?;
    Err(RemedyError::Decode {
        status,
        log_id: reply.response.log_id,
        problem: BodyProblem::WrongShape("a user, not a query's reply".into()),
    })
}
