//! Replies in Feishu's exact wire format, as the simulation sends them: JSON bodies built from the
//! core's wire types, an `X-Tt-Logid` in Feishu's style on each.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use feishu_remedy::catalogue;
use feishu_remedy::model::{AllowedRemedy, Envelope, ErrorDetail, RemedyData};
use serde::Serialize;

use super::clock::china_now;
use crate::log_id::{clock_nanos, mix64};
use crate::wire::{error_envelope, JSON_UTF8, TT_LOGID};

/// A log id as Feishu writes them: the China-time timestamp `yyyyMMddHHmmss` and 18 hex digits,
/// e.g. `20261124103000A1B2C3D4E5F6A7B8C9`.
pub fn feishu_style_log_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let (date, secs) = china_now();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let noise = mix64(clock_nanos() ^ n.rotate_left(32));
    let mut id = String::with_capacity(32);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let _ = write!(
        id,
        "{}{h:02}{m:02}{s:02}{:016X}{:02X}",
        date,
        noise,
        n & 0xff
    );
    id
}

/// Any serialisable body as Feishu JSON with a log id.
pub fn json<T: Serialize>(status: StatusCode, body: &T, log_id: &str) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
    let mut response = (status, text).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    if let Ok(v) = HeaderValue::from_str(log_id) {
        headers.insert(TT_LOGID.clone(), v);
    }
    response
}

/// `{"code":0,"msg":"success","data":{"user_allowed_remedys":[…]}}`.
pub fn success(rows: Vec<AllowedRemedy>, log_id: &str) -> Response {
    let envelope = Envelope {
        code: 0,
        msg: "success".to_owned(),
        data: Some(RemedyData {
            user_allowed_remedys: rows,
        }),
        error: None,
    };
    json(StatusCode::OK, &envelope, log_id)
}

/// An error with the catalogue's status and message for `code`.
pub fn error(code: i64, log_id: &str) -> Response {
    let (status, msg) =
        catalogue::find(code).map_or((500, "unknown error"), |e| (e.http_status, e.feishu_msg));
    error_with(code, msg, status, log_id)
}

/// An error with a specific message and status; `error` carries the log id and Feishu's
/// troubleshooter text.
pub fn error_with(code: i64, msg: &str, status: u16, log_id: &str) -> Response {
    let troubleshooter = format!(
        "排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id={log_id}&code={code}"
    );
    let detail = ErrorDetail {
        log_id: Some(log_id.to_owned()),
        troubleshooter: Some(troubleshooter),
        ..ErrorDetail::default()
    };
    let envelope = error_envelope(code, msg, detail);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json(status, &envelope, log_id)
}

/// 429 + 99991400 with the gateway's rate-limit headers.
pub fn rate_limited(limit: u32, reset_secs: u64, log_id: &str) -> Response {
    let mut response = error(catalogue::RATE_LIMITED, log_id);
    let headers = response.headers_mut();
    headers.insert("x-ogw-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ogw-ratelimit-reset", HeaderValue::from(reset_secs));
    response
}

/// What a broken gateway in front of Feishu sends: 502 and an HTML page, no Feishu log id.
pub fn html_502() -> Response {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                </body>\r\n</html>\r\n";
    let mut response = (StatusCode::BAD_GATEWAY, page).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ids_look_like_feishus() {
        let a = feishu_style_log_id();
        assert_eq!(a.len(), 32, "{a}");
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, feishu_style_log_id());
    }
}
