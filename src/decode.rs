//! From a reply (status, headers, body) to either a [`RemedyResponse`] or a [`RemedyError`].
//!
//! Split in two so the browser can parse with its own `JSON.parse` (no JSON parser in the wasm):
//! [`precheck`] and [`interpret`] are shared, and [`decode_bytes`] adds `serde_json` for native
//! callers (the relay, tests). Nothing here panics, whatever the bytes.

use crate::calendar::http_date_secs;
use crate::catalogue;
use crate::errors::{ApiError, BodyProblem, RemedyError};
use crate::model::{exact_integer, Envelope, Help, RemedyResponse};
use crate::text::unsigned;
use crate::validate::MAX_URL_CHARS;

/// Replies larger than this are refused unread: the real ones are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Header names that matter, lower case (HTTP header names are case-insensitive).
pub mod header {
    /// Feishu's log id, the one thing its support asks for.
    pub const TT_LOGID: &str = "x-tt-logid";
    /// The SDKs' fallback for the log id.
    pub const REQUEST_ID: &str = "x-request-id";
    /// Seconds until a rate limit recovers.
    pub const RATELIMIT_RESET: &str = "x-ogw-ratelimit-reset";
    /// The rate-limit window's limit.
    pub const RATELIMIT_LIMIT: &str = "x-ogw-ratelimit-limit";
    /// The standard way to ask for a wait: seconds, or an HTTP date.
    pub const RETRY_AFTER: &str = "retry-after";
    /// The reply's own clock: what a `Retry-After` date is measured against.
    pub const DATE: &str = "date";
}

/// The longest wait a reply may ask for that we honour; a larger value is treated as this.
pub const MAX_RETRY_AFTER_SECS: u32 = 3600;

/// Status and the headers that matter, read from a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyMeta {
    /// HTTP status.
    pub status: u16,
    /// `X-Tt-Logid`.
    pub tt_logid: Option<String>,
    /// `X-Request-Id`.
    pub request_id: Option<String>,
    /// `x-ogw-ratelimit-reset`.
    pub ratelimit_reset: Option<String>,
    /// `Retry-After`.
    pub retry_after: Option<String>,
    /// `Date`, read only when `Retry-After` is not in seconds (a date needs the reply's clock).
    pub date: Option<String>,
}

impl ReplyMeta {
    /// Reads the headers that matter through `get`, which looks a header up by lower-case name.
    pub fn from_headers(status: u16, mut get: impl FnMut(&str) -> Option<String>) -> Self {
        let retry_after = get(header::RETRY_AFTER);
        // One header read less on every reply that does not need it.
        let date = match &retry_after {
            Some(v) if unsigned(v.trim_ascii()).is_none() => get(header::DATE),
            _ => None,
        };
        ReplyMeta {
            status,
            tt_logid: get(header::TT_LOGID),
            request_id: get(header::REQUEST_ID),
            ratelimit_reset: get(header::RATELIMIT_RESET),
            retry_after,
            date,
        }
    }

    /// `X-Tt-Logid`, else `X-Request-Id` (blank values skipped).
    pub fn header_log_id(&self) -> Option<&str> {
        nonblank(&self.tt_logid).or_else(|| nonblank(&self.request_id))
    }

    /// Seconds to wait: `x-ogw-ratelimit-reset`, else `Retry-After` in seconds, else a
    /// `Retry-After` date less the reply's `Date` (the server's clock against itself, so a page's
    /// wrong clock does not matter; without `Date` the date is not used). At most
    /// [`MAX_RETRY_AFTER_SECS`].
    pub fn retry_after_secs(&self) -> Option<u32> {
        let secs = |v: &Option<String>| unsigned(v.as_deref()?.trim_ascii());
        let s = secs(&self.ratelimit_reset)
            .or_else(|| secs(&self.retry_after))
            .or_else(|| self.retry_after_date_secs())?;
        Some(s.min(u64::from(MAX_RETRY_AFTER_SECS)) as u32)
    }

    /// `Retry-After` as a date, seconds after the reply's `Date` (0 when it has passed).
    fn retry_after_date_secs(&self) -> Option<u64> {
        let at = http_date_secs(self.retry_after.as_deref()?)?;
        let now = http_date_secs(self.date.as_deref()?)?;
        Some(at.saturating_sub(now).max(0) as u64)
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A header value without the whitespace around it (HTTP's is ASCII; `trim_ascii` works on bytes,
/// without `trim`'s Unicode machinery in the browser build), unless blank.
fn nonblank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim_ascii).filter(|s| !s.is_empty())
}

/// Checks what can be checked before parsing: size, emptiness, UTF-8, HTML. Returns the text.
pub fn precheck(body: &[u8]) -> Result<&str, BodyProblem> {
    if body.len() > MAX_BODY_BYTES {
        return Err(BodyProblem::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| BodyProblem::NotUtf8)?;
    precheck_text(text)?;
    Ok(text)
}

/// [`precheck`]'s checks of a text already known to be UTF-8 (the browser's, which has measured
/// its size already): emptiness and HTML. Without the UTF-8 validation in the browser build.
pub fn precheck_text(text: &str) -> Result<(), BodyProblem> {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.is_empty() {
        return Err(BodyProblem::Empty);
    }
    if trimmed.starts_with('<') {
        return Err(BodyProblem::Html);
    }
    Ok(())
}

/// Parses a body into Feishu's envelope with `serde_json` (native callers).
pub fn parse_envelope(body: &[u8]) -> Result<Envelope, BodyProblem> {
    let text = precheck(body)?;
    serde_json::from_str(text).or_else(|e| match e.classify() {
        serde_json::error::Category::Eof => Err(BodyProblem::Truncated),
        serde_json::error::Category::Data => {
            error_envelope(text).ok_or_else(|| BodyProblem::WrongShape(e.to_string()))
        }
        _ => Err(BodyProblem::NotJson),
    })
}

/// An error reply whose `msg`, `data` or `error` has an odd shape, read for its code alone, as the
/// browser reads one (`wasm::reply`): the code is what a person acts on, and none of those fields is
/// needed to act on it. `None` unless the body is a JSON object with a non-zero integer `code`.
fn error_envelope(text: &str) -> Option<Envelope> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let code = value.get("code")?;
    let code = code.as_i64().or_else(|| exact_integer(code.as_f64()?));
    Some(Envelope {
        code: code.filter(|c| *c != 0)?,
        msg: value
            .get("msg")
            .and_then(|m| m.as_str())
            .unwrap_or_default()
            .to_owned(),
        data: None,
        error: value
            .get("error")
            .and_then(|e| serde_json::from_value(e.clone()).ok()),
    })
}

/// Decodes a whole reply from its bytes.
pub fn decode_bytes(meta: &ReplyMeta, body: &[u8]) -> Result<RemedyResponse, RemedyError> {
    interpret(meta, parse_envelope(body))
}

/// Turns a parsed (or unparseable) body and its status into the outcome.
///
/// A non-zero `code` is an API error whatever the status: Feishu sends token errors with 200.
/// An unreadable body is `http` on an error status (a proxy's page) and `decode` on success.
pub fn interpret(
    meta: &ReplyMeta,
    parsed: Result<Envelope, BodyProblem>,
) -> Result<RemedyResponse, RemedyError> {
    let header_log = meta.header_log_id().map(str::to_owned);
    let envelope = match parsed {
        Ok(envelope) => envelope,
        Err(problem) => return Err(unreadable(meta, header_log, problem)),
    };
    let detail = envelope.error.unwrap_or_default();
    let log_id = header_log.or(detail.log_id.filter(|s| !s.is_empty()));
    if envelope.code != 0 {
        let mut violations = detail.field_violations;
        violations.extend(detail.permission_violations);
        return Err(RemedyError::Api(Box::new(ApiError {
            code: envelope.code,
            entry: catalogue::lookup(envelope.code, meta.status),
            msg: envelope.msg,
            http_status: meta.status,
            log_id,
            troubleshooter: detail.troubleshooter,
            retry_after_secs: meta.retry_after_secs(),
            sign_in_url: sign_in_url(envelope.code, &detail.helps),
            violations,
        })));
    }
    if !meta.is_success() {
        let problem = BodyProblem::WrongShape("code 0 with an HTTP error status".into());
        return Err(unreadable(meta, log_id, problem));
    }
    Ok(RemedyResponse {
        code: 0,
        msg: envelope.msg,
        data: envelope.data.unwrap_or_default(),
        log_id,
    })
}

/// Where the relay says to sign in: the first link of its 98000441 reply, when it is an http or
/// https URL without ASCII whitespace or control characters (a page may send people there, so nothing
/// else: not a `javascript:` URL from a reply). Other codes' links are documentation.
fn sign_in_url(code: i64, helps: &[Help]) -> Option<String> {
    if code != catalogue::RELAY_SIGN_IN_REQUIRED {
        return None;
    }
    let url = helps.first()?.url.as_deref()?;
    let web = url.starts_with("https://") || url.starts_with("http://");
    // No ASCII space or control byte (non-ASCII text is percent-encoded by the browser).
    let clean = url.bytes().all(|b| b > b' ' && b != 0x7f);
    (web && clean && url.len() <= MAX_URL_CHARS).then(|| url.to_owned())
}

/// The error of a reply whose body is not what the caller expected (`problem`): `decode` on a
/// success status, `http` on an error status, with the log id of the reply's headers. For readers
/// of other replies than a query's (the binding's `currentUser`).
pub fn body_error(meta: &ReplyMeta, problem: BodyProblem) -> RemedyError {
    unreadable(meta, meta.header_log_id().map(str::to_owned), problem)
}

fn unreadable(meta: &ReplyMeta, log_id: Option<String>, problem: BodyProblem) -> RemedyError {
    if meta.is_success() {
        RemedyError::Decode {
            status: meta.status,
            log_id,
            problem,
        }
    } else {
        RemedyError::Http {
            status: meta.status,
            log_id,
            problem,
            retry_after_secs: meta.retry_after_secs(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Category, ENTRIES};
    use proptest::prelude::*;

    fn meta(status: u16) -> ReplyMeta {
        ReplyMeta {
            status,
            tt_logid: Some("202411240001".into()),
            ..Default::default()
        }
    }

    fn problem_of(r: Result<RemedyResponse, RemedyError>) -> (&'static str, &'static str) {
        match r.unwrap_err() {
            RemedyError::Http { problem, .. } => ("http", problem.code()),
            RemedyError::Decode { problem, .. } => ("decode", problem.code()),
            other => (other.kind(), ""),
        }
    }

    #[test]
    fn success_keeps_the_list_and_the_log_id() {
        let body =
            br#"{"code":0,"msg":"success","data":{"user_allowed_remedys":[{"punch_no":1}]}}"#;
        let r = decode_bytes(&meta(200), body).unwrap();
        assert_eq!(r.data.user_allowed_remedys.len(), 1);
        assert_eq!(r.log_id.as_deref(), Some("202411240001"));
        let r = decode_bytes(&meta(200), br#"{"code":0,"msg":"success"}"#).unwrap();
        assert!(r.data.user_allowed_remedys.is_empty());
    }

    /// Issue 11: the relay's 401 says where to sign in (`error.helps[0].url`), and is "signed
    /// out"; a link elsewhere, or one that is not a web URL, is no sign-in URL.
    #[test]
    fn the_relays_401_carries_where_to_sign_in() {
        let body = br#"{"code":98000441,"msg":"relay: sign in first","error":{"log_id":"relay-1","helps":[{"url":"https://relay.example/auth/login","description":"sign in"}]}}"#;
        let unauthorized = ReplyMeta {
            status: 401,
            ..ReplyMeta::default()
        };
        let e = decode_bytes(&unauthorized, body).unwrap_err();
        assert_eq!(e.sign_in_url(), Some("https://relay.example/auth/login"));
        assert!(e.is_signed_out());
        assert_eq!(e.category(), Category::Permission);
        assert_eq!(e.log_id(), Some("relay-1"));
        let e = decode_bytes(&meta(401), br#"{"code":98000441,"msg":"m"}"#).unwrap_err();
        assert_eq!((e.sign_in_url(), e.is_signed_out()), (None, true));
        for other in [
            br#"{"code":98000441,"msg":"m","error":{"helps":[{"url":"javascript:alert(1)"}]}}"#.as_slice(),
            br#"{"code":98000441,"msg":"m","error":{"helps":[{"url":"https://a b"}]}}"#,
            br#"{"code":98000441,"msg":"m","error":{"helps":null}}"#,
            br#"{"code":99991672,"msg":"m","error":{"helps":[{"url":"https://open.feishu.cn/x"}]}}"#,
        ] {
            let e = decode_bytes(&meta(401), other).unwrap_err();
            assert_eq!(e.sign_in_url(), None);
        }
        let e = decode_bytes(&meta(403), br#"{"code":98000443,"msg":"m"}"#).unwrap_err();
        assert_eq!(e.category(), Category::Permission);
        assert!(!e.is_signed_out());
        assert!(!e.meaning().en.is_empty() && !e.meaning().zh.is_empty());
    }

    #[test]
    fn every_catalogue_code_decodes_to_its_entry() {
        for entry in ENTRIES {
            let body = format!(r#"{{"code":{},"msg":"{}"}}"#, entry.code, entry.feishu_msg);
            let err = decode_bytes(&meta(entry.http_status), body.as_bytes()).unwrap_err();
            let api = err.api().expect("api error");
            assert!(std::ptr::eq(api.entry, entry), "{}", entry.code);
            assert_eq!(api.msg, entry.feishu_msg);
            assert_eq!(err.http_status(), Some(entry.http_status));
        }
    }

    #[test]
    fn an_error_reply_keeps_its_code_whatever_shape_the_rest_has() {
        for body in [
            r#"{"code":1220004,"msg":"x","data":[]}"#,
            r#"{"code":1220004,"msg":5,"error":"oops"}"#,
            r#"{"code":1220004.0,"data":"?","error":{"log_id":7}}"#,
        ] {
            let err = decode_bytes(&meta(400), body.as_bytes()).unwrap_err();
            assert_eq!((err.kind(), err.code()), ("api", Some(1220004)), "{body}");
        }
        // A success is held to its shape: its list is what the page shows.
        let odd_success = decode_bytes(&meta(200), br#"{"code":0,"msg":"ok","data":"?"}"#);
        assert_eq!(problem_of(odd_success), ("decode", "wrong_shape"));
    }

    #[test]
    fn an_error_code_with_status_200_is_still_an_error() {
        let err = decode_bytes(&meta(200), br#"{"code":99991663,"msg":"invalid"}"#).unwrap_err();
        assert_eq!(err.code(), Some(99991663));
        assert_eq!(err.category(), Category::Token);
    }

    #[test]
    fn rate_limit_carries_its_wait() {
        let m = ReplyMeta {
            status: 429,
            ratelimit_reset: Some("3".into()),
            ..Default::default()
        };
        let err = decode_bytes(
            &m,
            br#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
        )
        .unwrap_err();
        assert_eq!((err.retry_after_secs(), err.retryable()), (Some(3), true));
        let m = ReplyMeta {
            status: 429,
            retry_after: Some("99999".into()),
            ..Default::default()
        };
        assert_eq!(m.retry_after_secs(), Some(MAX_RETRY_AFTER_SECS));
        // A date counts from the reply's own `Date`; without it, it cannot be read.
        let date = |retry_after: &str, date: Option<&str>| ReplyMeta {
            retry_after: Some(retry_after.into()),
            date: date.map(Into::into),
            ..Default::default()
        };
        let later = "Wed, 21 Oct 2015 07:28:00 GMT";
        let earlier = "Wed, 21 Oct 2015 07:27:30 GMT";
        let now = Some(earlier);
        assert_eq!(date(later, now).retry_after_secs(), Some(30));
        assert_eq!(date(later, None).retry_after_secs(), None);
        assert_eq!(date(earlier, Some(later)).retry_after_secs(), Some(0));
        let far = Some("Wed, 21 Oct 2000 07:27:30 GMT");
        assert_eq!(
            date(later, far).retry_after_secs(),
            Some(MAX_RETRY_AFTER_SECS)
        );
        assert_eq!(date("soon", now).retry_after_secs(), None);
        // Read through `from_headers`: `Date` is asked for only when `Retry-After` is a date.
        let mut asked = Vec::new();
        let m = ReplyMeta::from_headers(503, |name| {
            asked.push(name.to_owned());
            match name {
                header::RETRY_AFTER => Some(later.into()),
                header::DATE => now.map(Into::into),
                _ => None,
            }
        });
        assert_eq!(m.retry_after_secs(), Some(30));
        assert!(asked.iter().any(|n| n == header::DATE));
        let mut asked = Vec::new();
        ReplyMeta::from_headers(429, |name| {
            asked.push(name.to_owned());
            (name == header::RETRY_AFTER).then(|| "2".into())
        });
        assert!(!asked.iter().any(|n| n == header::DATE), "{asked:?}");
    }

    #[test]
    fn log_id_falls_back_from_header_to_request_id_to_body() {
        let body = br#"{"code":1220001,"msg":"x","error":{"log_id":"BODY","troubleshooter":"see https://x"}}"#;
        let err = decode_bytes(
            &ReplyMeta {
                status: 400,
                ..Default::default()
            },
            body,
        )
        .unwrap_err();
        assert_eq!(
            (err.log_id(), err.troubleshooter()),
            (Some("BODY"), Some("see https://x"))
        );
        let m = ReplyMeta {
            status: 400,
            request_id: Some("REQ".into()),
            ..Default::default()
        };
        assert_eq!(decode_bytes(&m, body).unwrap_err().log_id(), Some("REQ"));
        assert_eq!(
            decode_bytes(&meta(400), body).unwrap_err().log_id(),
            Some("202411240001")
        );
        let m = ReplyMeta {
            status: 400,
            tt_logid: Some(" ".into()),
            ..Default::default()
        };
        assert_eq!(decode_bytes(&m, body).unwrap_err().log_id(), Some("BODY"));
    }

    #[test]
    fn malformed_bodies_have_the_right_kind() {
        let html = b"<html><body>502 Bad Gateway</body></html>";
        assert_eq!(problem_of(decode_bytes(&meta(502), html)), ("http", "html"));
        assert_eq!(
            problem_of(decode_bytes(&meta(200), html)),
            ("decode", "html")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(200), b"")),
            ("decode", "empty")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(200), b"  \n")),
            ("decode", "empty")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(200), br#"{"code":0,"msg":"succ"#)),
            ("decode", "truncated")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(200), b"\xff\xfe{}")),
            ("decode", "not_utf8")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(200), b"OK")),
            ("decode", "not_json")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(200), b"[1,2]")),
            ("decode", "wrong_shape")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(200), br#"{"msg":"no code"}"#)),
            ("decode", "wrong_shape")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(200), br#"{"code":"0"}"#)),
            ("decode", "wrong_shape")
        );
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(
            problem_of(decode_bytes(&meta(200), &huge)),
            ("decode", "too_large")
        );
        assert_eq!(
            problem_of(decode_bytes(&meta(500), br#"{"code":0}"#)),
            ("http", "wrong_shape")
        );
    }

    #[test]
    fn a_reply_without_any_log_id_still_decodes() {
        let m = ReplyMeta {
            status: 400,
            ..Default::default()
        };
        let err = decode_bytes(&m, br#"{"code":1226501,"msg":"no need remedy"}"#).unwrap_err();
        assert!(err.is_nothing_to_correct());
        assert_eq!(err.log_id(), None);
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let keys = prop_oneof![
                Just("code".to_string()),
                Just("msg".to_string()),
                Just("data".to_string()),
                Just("error".to_string()),
                Just("user_allowed_remedys".to_string()),
                Just("work_type".to_string()),
                Just("punch_status".to_string()),
                Just("log_id".to_string()),
                "[a-z_]{1,8}",
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(keys, inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode_bytes(&meta(status), &body);
        }

        #[test]
        fn arbitrary_json_never_panics(status in 100u16..600, v in arb_json()) {
            let body = serde_json::to_vec(&v).unwrap();
            let _ = decode_bytes(&meta(status), &body);
        }

        #[test]
        fn arbitrary_headers_never_panic(reset in ".{0,12}", retry in ".{0,12}") {
            let m = ReplyMeta { status: 429, ratelimit_reset: Some(reset), retry_after: Some(retry), ..Default::default() };
            prop_assert!(m.retry_after_secs().unwrap_or(0) <= MAX_RETRY_AFTER_SECS);
        }
    }
}
