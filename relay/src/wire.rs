//! Feishu's wire format as both servers here speak it, the relay's route and the simulation: error
//! envelopes, the relay's own refusals (built from the core's catalogue, so a browser or an SDK
//! decodes one format whoever answered), a reply's `code`, and a request's query parameters.

use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use feishu_remedy::catalogue;
use feishu_remedy::decode::header;
use feishu_remedy::model::{Envelope, ErrorDetail, Violation};
use feishu_remedy::punch_results::PunchQuery;
use feishu_remedy::validate::{self, ValidationError, WirePunchFlags};
use serde::Deserialize;

use crate::log_id::LogId;

/// Feishu's content type for JSON replies.
pub const JSON_UTF8: &str = "application/json; charset=utf-8";

/// `X-Tt-Logid`, Feishu's log id header.
pub static TT_LOGID: HeaderName = HeaderName::from_static(header::TT_LOGID);

/// `X-Request-Id`, the fallback log id header.
pub static REQUEST_ID: HeaderName = HeaderName::from_static(header::REQUEST_ID);

/// A Feishu error envelope, `{"code":…,"msg":…,"error":{…}}`, for the relay and the simulation alike.
pub fn error_envelope(code: i64, msg: &str, detail: ErrorDetail) -> Envelope {
    Envelope {
        code,
        msg: msg.to_owned(),
        data: None,
        error: Some(detail),
    }
}

/// A Feishu-shaped error body: `{"code":…,"msg":…,"error":{"log_id":…}}`.
pub fn error_body(code: i64, msg: &str, log_id: &str, violations: Vec<Violation>) -> String {
    let detail = ErrorDetail {
        log_id: Some(log_id.to_owned()),
        field_violations: violations,
        ..ErrorDetail::default()
    };
    let envelope = error_envelope(code, msg, detail);
    // Serialising plain strings and integers cannot fail; the fallback keeps the shape anyway.
    serde_json::to_string(&envelope).unwrap_or_else(|_| format!("{{\"code\":{code},\"msg\":\"\"}}"))
}

/// One of the relay's own refusals: status and `msg` from the catalogue entry for `code`, the
/// relay's log id in `X-Tt-Logid` and in `error.log_id`.
pub fn relay_error(code: i64, log_id: &LogId) -> Response {
    let msg = catalogue::find(code).map_or("relay error", |e| e.feishu_msg);
    relay_error_with(code, msg, log_id, Vec::new())
}

/// Like [`relay_error`] with a specific message (naming a cause) and field complaints.
pub fn relay_error_with(
    code: i64,
    msg: &str,
    log_id: &LogId,
    violations: Vec<Violation>,
) -> Response {
    let status = catalogue::find(code)
        .and_then(|e| StatusCode::from_u16(e.http_status).ok())
        .unwrap_or(StatusCode::BAD_GATEWAY);
    let body = error_body(code, msg, log_id.as_str(), violations);
    let mut response = error_reply(status, body, log_id.as_str());
    if code == catalogue::RELAY_UNAUTHORIZED {
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// A Feishu-shaped error with any status and log id (a sign-in failure carries Feishu's own).
pub fn feishu_error(status: StatusCode, code: i64, msg: &str, log_id: &str) -> Response {
    error_reply(status, error_body(code, msg, log_id, Vec::new()), log_id)
}

/// An error body as a reply: JSON content type, the log id in `X-Tt-Logid`.
fn error_reply(status: StatusCode, body: String, log_id: &str) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    if let Ok(v) = HeaderValue::from_str(log_id) {
        headers.insert(TT_LOGID.clone(), v);
    }
    response
}

/// 401 `RELAY_SIGN_IN_REQUIRED`. With `login_url` (feishu mode) the body says where to sign in, in
/// Feishu's `helps` list: `"error":{"log_id":…,"helps":[{"url":…,"description":"sign in"}]}`;
/// without (token mode, where the host page mints tokens) it carries `WWW-Authenticate: Bearer`.
pub fn sign_in_required(log_id: &LogId, login_url: Option<&str>) -> Response {
    let code = catalogue::RELAY_SIGN_IN_REQUIRED;
    let msg = catalogue::find(code).map_or("relay: sign in first", |e| e.feishu_msg);
    let Some(url) = login_url else {
        let mut response = relay_error(code, log_id);
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    };
    // The core's `ErrorDetail` has no `helps`; Feishu's error object does.
    let body = serde_json::json!({
        "code": code,
        "msg": msg,
        "error": {
            "log_id": log_id.as_str(),
            "helps": [{"url": url, "description": "sign in"}],
        },
    });
    error_reply(StatusCode::UNAUTHORIZED, body.to_string(), log_id.as_str())
}

/// A punch-results request (`user_tasks/query`) checked by the core's `validate::wire_punch_query`:
/// `employee_type` and the two query flags read from `query`, and the raw `body`. The relay's route
/// and the simulation both check with it, so they agree on what is valid.
pub fn punch_query(query: Option<&str>, body: &[u8]) -> Result<PunchQuery, ValidationError> {
    let param = |name| query_param(query, name);
    let (employee_type, ignore, terminated) = (
        param("employee_type"),
        param("ignore_invalid_users"),
        param("include_terminated_user"),
    );
    let flags = WirePunchFlags {
        ignore_invalid_users: ignore.as_deref(),
        include_terminated_user: terminated.as_deref(),
    };
    validate::wire_punch_query(employee_type.as_deref(), flags, body)
}

/// A JSON reply (200) with Feishu's JSON content type.
pub fn json_reply(value: &serde_json::Value) -> Response {
    let mut response = value.to_string().into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    response
}

/// The relay's own rate-limit refusal (98000429, HTTP 429) with Feishu's gateway headers, so a
/// client retries as after Feishu's own 429: `x-ogw-ratelimit-limit` (the relay's limit per
/// second) and `x-ogw-ratelimit-reset` (whole seconds to wait).
pub fn relay_rate_limited(limit: u32, reset_secs: u64, log_id: &LogId) -> Response {
    let mut response = relay_error(catalogue::RELAY_RATE_LIMITED, log_id);
    let headers = response.headers_mut();
    headers.insert(header::RATELIMIT_LIMIT, HeaderValue::from(limit));
    headers.insert(header::RATELIMIT_RESET, HeaderValue::from(reset_secs));
    response
}

/// A validation refusal as Feishu words it: code 1220001, HTTP 400, `msg` naming the field, and the
/// field in `error.field_violations` (the browser shows it).
pub fn invalid_param(err: &ValidationError, log_id: &LogId) -> Response {
    let violation = Violation {
        field: Some(err.field.wire_name().to_owned()),
        description: Some(err.message_en()),
    };
    relay_error_with(
        catalogue::INVALID_PARAM,
        &err.feishu_msg(),
        log_id,
        vec![violation],
    )
}

/// Just the `code` of a Feishu reply, or `None` when the body is not Feishu's JSON.
///
/// The relay reads every upstream reply (a stale-token code can come with HTTP 200), so this
/// deserialises only `code` and skips the rest instead of building the whole envelope.
pub fn reply_code(body: &[u8]) -> Option<i64> {
    #[derive(Deserialize)]
    struct CodeOnly {
        code: i64,
    }
    serde_json::from_slice::<CodeOnly>(body)
        .ok()
        .map(|c| c.code)
}

/// The first value of `name` in a query string, percent-decoded.
pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_whatever_else_is_there() {
        assert_eq!(
            reply_code(br#"{"code":99991663,"msg":"x","data":{}}"#),
            Some(99991663)
        );
        assert_eq!(reply_code(br#"{"msg":"x","code":0}"#), Some(0));
        assert_eq!(reply_code(b"<html>502</html>"), None);
        assert_eq!(reply_code(b""), None);
    }

    #[test]
    fn error_bodies_decode_with_the_core() {
        let body = error_body(
            catalogue::RELAY_NOT_FOUND,
            "relay: no such route",
            "L1",
            vec![],
        );
        let env = feishu_remedy::decode::parse_envelope(body.as_bytes()).unwrap();
        assert_eq!(env.code, catalogue::RELAY_NOT_FOUND);
        assert_eq!(env.error.unwrap().log_id.as_deref(), Some("L1"));
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(
            query_param(Some("a=1&employee_type=employee%5Fid"), "employee_type").as_deref(),
            Some("employee_id")
        );
        assert_eq!(query_param(Some("x=1"), "employee_type"), None);
        assert_eq!(query_param(None, "employee_type"), None);
    }
}
