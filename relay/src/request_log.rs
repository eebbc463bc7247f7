//! One log line per request, and a log id on every reply.

use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::log_id::LogId;
use crate::wire::{REQUEST_ID, TT_LOGID};

/// Paths longer than this are cut in logs (a path can be anything a client sends).
const MAX_LOGGED_PATH: usize = 200;

/// The middleware: gives the request a [`LogId`] (handlers read it as an extension), adds it as
/// `X-Request-Id` unless upstream sent one, and logs method, path (never the query or headers),
/// status, latency and the reply's `X-Tt-Logid`.
pub async fn layer(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let log_id = LogId::next();
    req.extensions_mut().insert(log_id.clone());
    let method = req.method().clone();
    let path = truncated(req.uri().path()).to_owned();
    let mut response = next.run(req).await;
    let status = response.status().as_u16();
    let headers = response.headers_mut();
    if !headers.contains_key(&REQUEST_ID) {
        if let Ok(v) = HeaderValue::from_str(log_id.as_str()) {
            headers.insert(REQUEST_ID.clone(), v);
        }
    }
    let logid = headers
        .get(&TT_LOGID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info!(
        target: "relay::access",
        %method,
        %path,
        status,
        latency_us = started.elapsed().as_micros() as u64,
        %logid,
        request_id = %log_id,
    );
    response
}

fn truncated(path: &str) -> &str {
    match path.char_indices().nth(MAX_LOGGED_PATH) {
        Some((i, _)) => &path[..i],
        None => path,
    }
}
