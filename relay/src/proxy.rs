//! The forwarded Feishu routes ([`crate::forwarded`]), one code path for all: access (and who is
//! asking), content type, size, validation and whether the ids are the caller's own are checked
//! here, in that order, before anything is sent upstream; then the route decides what of the reply
//! goes back. A route's handler is [`forward`] for its request type.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::Extension;
use bytes::Bytes;
use feishu_remedy::catalogue;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::auth::permit;
use crate::forwarded::Forwarded;
use crate::log_id::LogId;
use crate::state::AppState;
use crate::token::TokenError;
use crate::upstream::UpstreamError;
use crate::wire::{invalid_param, relay_error, relay_error_with, relay_rate_limited};

/// The largest request body accepted. A remedy query is under 100 bytes; a punch-results query
/// with 50 ids of the longest kind (64 characters) under 3.5 KiB.
pub const MAX_REQUEST_BODY: usize = 4 * 1024;

/// Handles `POST` on the path of route `R`.
pub async fn forward<R: Forwarded>(
    State(state): State<Arc<AppState>>,
    Extension(log_id): Extension<LogId>,
    req: Request,
) -> Response {
    let query = match checked::<R>(&state, &log_id, req).await {
        Ok(query) => query,
        Err(refusal) => return refusal,
    };
    match query.send(&state.upstream).await {
        Ok(reply) => R::reply(reply, &log_id),
        Err(UpstreamError::RateLimited(r)) => relay_rate_limited(r.limit, r.reset_secs, &log_id),
        Err(e) => upstream_failure(&e, &log_id),
    }
}

/// Any other method on a Feishu path: 405 in Feishu's format, with `Allow`.
pub async fn method_not_allowed(Extension(log_id): Extension<LogId>) -> Response {
    let mut response = relay_error(catalogue::RELAY_METHOD, &log_id);
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static("POST"));
    response
}

/// The request as route `R`'s validated query, or the refusal to send instead.
async fn checked<R: Forwarded>(
    state: &AppState,
    log_id: &LogId,
    req: Request,
) -> Result<R, Response> {
    if let Some(code) = state.access.refusal(req.headers()) {
        return Err(relay_error(code, log_id));
    }
    let caller = permit::identify(&state.sign_in, req.headers(), SystemTime::now(), log_id)
        .map_err(|refused| refused.response(log_id))?;
    // Requiring JSON also means a cross-origin page cannot send this as a CORS "simple" request:
    // the browser must ask (preflight) first, and only allowed origins get a yes.
    if !is_json(req.headers()) {
        return Err(relay_error(catalogue::RELAY_CONTENT_TYPE, log_id));
    }
    if declared_length(req.headers()).is_some_and(|n| n > MAX_REQUEST_BODY as u64) {
        return Err(relay_error(catalogue::RELAY_TOO_LARGE, log_id));
    }
    let query_string = req.uri().query().map(str::to_owned);
    // A body that never finishes must not hold the request (and its connection) forever.
    let body = tokio::time::timeout(state.upstream.timeout(), read_body(req.into_body(), log_id))
        .await
        .map_err(|_| relay_error(catalogue::RELAY_REQUEST_TIMEOUT, log_id))??;
    let query =
        R::validate(query_string.as_deref(), &body).map_err(|e| invalid_param(&e, log_id))?;
    query
        .permit(&caller, log_id)
        .map_err(|refused| refused.response(log_id))?;
    Ok(query)
}

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let media_type = value.split(';').next().unwrap_or_default().trim();
    media_type.eq_ignore_ascii_case("application/json")
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// Reads at most [`MAX_REQUEST_BODY`] bytes; a chunked body that goes past it is refused too.
pub(crate) async fn read_body(body: Body, log_id: &LogId) -> Result<Bytes, Response> {
    match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(relay_error(catalogue::RELAY_TOO_LARGE, log_id))
        }
        Err(_) => Err(relay_error_with(
            catalogue::INVALID_PARAM,
            "request invalid: the body could not be read",
            log_id,
            Vec::new(),
        )),
    }
}

fn upstream_failure(err: &UpstreamError, log_id: &LogId) -> Response {
    tracing::warn!(request_id = %log_id, cause = %err, "upstream failure");
    let code = match err {
        UpstreamError::Token(TokenError::Refused { .. } | TokenError::SameTokenAgain) => {
            catalogue::RELAY_TOKEN_REFUSED
        }
        UpstreamError::Timeout(_) => catalogue::RELAY_UPSTREAM_TIMEOUT,
        // Asking again gets the same oversized reply: not retryable, unlike "unreachable".
        UpstreamError::TooLarge(_) => catalogue::RELAY_REPLY_TOO_LARGE,
        UpstreamError::RateLimited(_) => catalogue::RELAY_RATE_LIMITED,
        UpstreamError::Token(_) | UpstreamError::Unreachable => catalogue::RELAY_UPSTREAM_DOWN,
    };
    let base = catalogue::find(code).map_or("relay error", |e| e.feishu_msg);
    // The cause's text comes from `TokenError`/`UpstreamError`, which never hold the secret.
    let msg = [base, " (", &err.to_string(), ")"].concat();
    relay_error_with(code, &msg, log_id, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        let mut h = HeaderMap::new();
        assert!(!is_json(&h));
        for (v, ok) in [
            ("application/json", true),
            ("Application/JSON; charset=utf-8", true),
            ("text/plain", false),
            ("application/jsonx", false),
            ("application/x-www-form-urlencoded", false),
        ] {
            h.insert(CONTENT_TYPE, HeaderValue::from_static(v));
            assert_eq!(is_json(&h), ok, "{v}");
        }
    }

    #[tokio::test]
    async fn token_failures_other_than_refused_credentials_are_upstream_down() {
        let log_id = LogId::next();
        for (error, code) in [
            (
                TokenError::BadReply { status: 503 },
                catalogue::RELAY_UPSTREAM_DOWN,
            ),
            (TokenError::Unreachable, catalogue::RELAY_UPSTREAM_DOWN),
            (TokenError::SameTokenAgain, catalogue::RELAY_TOKEN_REFUSED),
        ] {
            let response = upstream_failure(&UpstreamError::Token(error.clone()), &log_id);
            assert_eq!(response.status(), 502, "{error:?}");
            let body = axum::body::to_bytes(response.into_body(), 4096)
                .await
                .unwrap();
            assert_eq!(crate::wire::reply_code(&body), Some(code), "{error:?}");
        }
    }
}
