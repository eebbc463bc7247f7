//! [`RemedyError`]: every way a call can fail, as data. Each variant has a stable `kind`, and every
//! error can say what it means and what to do in Chinese and English, and whether a retry can help.

use std::borrow::Cow;

use crate::catalogue::{self, Category, Entry, Text};
use crate::errors::body::BodyProblem;
use crate::errors::validation::ValidationError;
use crate::model::Violation;
use crate::text::{cat, decimal};

/// A text in Chinese and English that may be built at run time (validation messages name fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    /// Chinese.
    pub zh: Cow<'static, str>,
    /// English.
    pub en: Cow<'static, str>,
}

impl From<Text> for Localized {
    fn from(t: Text) -> Self {
        Localized {
            zh: t.zh.into(),
            en: t.en.into(),
        }
    }
}

/// A reply in Feishu's format with a non-zero `code`, whether from Feishu or from the relay.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// Feishu's (or the relay's) code.
    pub code: i64,
    /// Feishu's message, kept as sent.
    pub msg: String,
    /// The reply's HTTP status.
    pub http_status: u16,
    /// `X-Tt-Logid`, else `X-Request-Id`, else `error.log_id`.
    pub log_id: Option<String>,
    /// Feishu's troubleshooting text with a link, when sent.
    pub troubleshooter: Option<String>,
    /// What the code means and what to do.
    pub entry: &'static Entry,
    /// Seconds to wait before retrying, from `x-ogw-ratelimit-reset` or `Retry-After`.
    pub retry_after_secs: Option<u32>,
    /// Field and permission complaints from Feishu's `error` object.
    pub violations: Vec<Violation>,
    /// Where to sign in: a 98000441 reply's `error.helps[0].url` (an http or https URL).
    pub sign_in_url: Option<String>,
}

/// Every way a call can fail.
#[derive(Debug, Clone, PartialEq)]
pub enum RemedyError {
    /// The input was refused before anything was sent.
    Validation(ValidationError),
    /// The relay could not be reached (DNS, refused connection, CORS refusal, offline).
    Network {
        /// What the platform said.
        detail: String,
    },
    /// No answer within the caller's timeout.
    Timeout {
        /// The timeout that expired.
        after_ms: u32,
    },
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// An HTTP error status without a Feishu body (a proxy's error page, say).
    Http {
        /// The status.
        status: u16,
        /// The log id from the headers, if any.
        log_id: Option<String>,
        /// What the body was instead.
        problem: BodyProblem,
        /// Seconds to wait, when the reply said.
        retry_after_secs: Option<u32>,
    },
    /// A success status whose body is not Feishu's format.
    Decode {
        /// The status.
        status: u16,
        /// The log id from the headers, if any.
        log_id: Option<String>,
        /// What is wrong with the body.
        problem: BodyProblem,
    },
    /// Feishu (or the relay, in Feishu's format) answered with an error code.
    Api(Box<ApiError>),
}

impl RemedyError {
    /// The message, readable on its own: what `Display` writes. Built by concatenation rather
    /// than `format!`, which would bring `core::fmt`'s machinery into the browser build.
    pub fn message(&self) -> String {
        match self {
            RemedyError::Validation(v) => v.message_en(),
            RemedyError::Network { detail } => cat(&["could not reach the relay: ", detail]),
            RemedyError::Timeout { after_ms } => cat(&[
                "no answer from the relay within ",
                &decimal(i64::from(*after_ms)),
                " ms",
            ]),
            RemedyError::Aborted => "the request was cancelled".into(),
            RemedyError::Http {
                status, problem, ..
            } => cat(&[
                "HTTP ",
                &decimal(i64::from(*status)),
                " from the relay without a Feishu reply (",
                problem.code(),
                ")",
            ]),
            RemedyError::Decode { problem, .. } => cat(&[
                "the relay's reply is not Feishu's format (",
                problem.code(),
                ")",
            ]),
            RemedyError::Api(a) => cat(&[
                "[",
                &decimal(a.code),
                "] ",
                a.entry.meaning.en,
                " (Feishu: ",
                &a.msg,
                ")",
            ]),
        }
    }
}

impl std::fmt::Display for RemedyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RemedyError {}

impl From<ValidationError> for RemedyError {
    fn from(e: ValidationError) -> Self {
        RemedyError::Validation(e)
    }
}

static NETWORK: (Text, Text) = (
    Text {
        zh: "无法连接到中继服务",
        en: "Could not reach the relay",
    },
    Text {
        zh: "检查网络连接和中继地址后重试",
        en: "Check the network connection and the relay URL, then retry",
    },
);
static TIMEOUT: (Text, Text) = (
    Text {
        zh: "中继响应超时",
        en: "The relay did not answer in time",
    },
    Text {
        zh: "稍后重试",
        en: "Retry later",
    },
);
static ABORTED: (Text, Text) = (
    Text {
        zh: "请求已取消",
        en: "The request was cancelled",
    },
    Text {
        zh: "无需操作",
        en: "Nothing to do",
    },
);
static HTTP_SERVER: (Text, Text) = (
    Text {
        zh: "中继或其前方的代理出错",
        en: "The relay, or a proxy in front of it, failed",
    },
    Text {
        zh: "稍后重试；如持续出现，请把状态码提供给管理员",
        en: "Retry later; if it persists, give the status code to an administrator",
    },
);
static HTTP_CLIENT: (Text, Text) = (
    Text {
        zh: "中继或其前方的代理拒绝了请求",
        en: "The relay, or a proxy in front of it, refused the request",
    },
    Text {
        zh: "检查中继地址和页面发送的请求头",
        en: "Check the relay URL and the headers the page sends",
    },
);
static DECODE: (Text, Text) = (
    Text {
        zh: "收到的回复不是飞书格式",
        en: "The reply is not in Feishu's format",
    },
    Text {
        zh: "检查中继地址是否指向中继，而不是某个网页",
        en: "Check that the relay URL points at the relay, not at a web page",
    },
);

impl RemedyError {
    /// A stable machine-readable kind: `validation`, `network`, `timeout`, `aborted`, `http`,
    /// `decode` or `api`.
    pub fn kind(&self) -> &'static str {
        match self {
            RemedyError::Validation(_) => "validation",
            RemedyError::Network { .. } => "network",
            RemedyError::Timeout { .. } => "timeout",
            RemedyError::Aborted => "aborted",
            RemedyError::Http { .. } => "http",
            RemedyError::Decode { .. } => "decode",
            RemedyError::Api(_) => "api",
        }
    }

    /// The API error, when Feishu (or the relay) answered with a code.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            RemedyError::Api(a) => Some(a),
            _ => None,
        }
    }

    /// Feishu's code, when there is one.
    pub fn code(&self) -> Option<i64> {
        self.api().map(|a| a.code)
    }

    /// Feishu's message, when there is one.
    pub fn feishu_msg(&self) -> Option<&str> {
        self.api().map(|a| a.msg.as_str())
    }

    /// The reply's HTTP status, when a reply came.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            RemedyError::Http { status, .. } | RemedyError::Decode { status, .. } => Some(*status),
            RemedyError::Api(a) => Some(a.http_status),
            _ => None,
        }
    }

    /// The log id to give Feishu support, when the reply carried one.
    pub fn log_id(&self) -> Option<&str> {
        match self {
            RemedyError::Http { log_id, .. } | RemedyError::Decode { log_id, .. } => {
                log_id.as_deref()
            }
            RemedyError::Api(a) => a.log_id.as_deref(),
            _ => None,
        }
    }

    /// Feishu's troubleshooting text, when sent.
    pub fn troubleshooter(&self) -> Option<&str> {
        self.api().and_then(|a| a.troubleshooter.as_deref())
    }

    /// Where to sign in, when the relay said (its 401, 98000441, in `feishu` access).
    pub fn sign_in_url(&self) -> Option<&str> {
        self.api().and_then(|a| a.sign_in_url.as_deref())
    }

    /// The relay's "sign in first" (98000441): no session, or no valid signed token. For
    /// `currentUser()` an answer (no one is signed in) rather than a failure.
    pub fn is_signed_out(&self) -> bool {
        self.code() == Some(catalogue::RELAY_SIGN_IN_REQUIRED)
    }

    /// The field at fault, for validation errors (`data.remedy_date`).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            RemedyError::Validation(v) => Some(v.field.as_str()),
            _ => None,
        }
    }

    /// Who can act on it.
    pub fn category(&self) -> Category {
        match self {
            RemedyError::Validation(_) => Category::CallerInput,
            RemedyError::Network { .. } | RemedyError::Timeout { .. } => Category::Network,
            RemedyError::Aborted => Category::Cancelled,
            RemedyError::Http { status, .. } if *status == 429 => Category::RateLimit,
            RemedyError::Http { status, .. } if *status >= 500 => Category::Server,
            RemedyError::Http { status, .. } if *status == 401 || *status == 403 => {
                Category::Permission
            }
            RemedyError::Http { .. } => Category::CallerInput,
            RemedyError::Decode { .. } => Category::Server,
            RemedyError::Api(a) => a.entry.category,
        }
    }

    /// Whether the same request can succeed if tried again (now or after [`Self::retry_after_secs`]).
    /// Never a reply over the size limit, whatever its status: asked again, the same question gets
    /// the same answer (as the relay's own 98000507 says).
    pub fn retryable(&self) -> bool {
        match self {
            RemedyError::Network { .. } | RemedyError::Timeout { .. } => true,
            RemedyError::Http {
                problem: BodyProblem::TooLarge,
                ..
            } => false,
            RemedyError::Http { status, .. } => matches!(status, 408 | 425 | 429 | 500..=599),
            RemedyError::Api(a) => a.entry.retryable,
            _ => false,
        }
    }

    /// Seconds the server asked us to wait before retrying.
    pub fn retry_after_secs(&self) -> Option<u32> {
        match self {
            RemedyError::Http {
                retry_after_secs, ..
            } => *retry_after_secs,
            RemedyError::Api(a) => a.retry_after_secs,
            _ => None,
        }
    }

    /// 1226501: the day has nothing to correct. A normal answer to show as such, not as a failure.
    pub fn is_nothing_to_correct(&self) -> bool {
        self.code() == Some(catalogue::NOTHING_TO_CORRECT)
    }

    /// Whether every later day will get the same answer (the group forbids corrections, or the
    /// quota is used up), so a range query can stop asking.
    pub fn stops_later_days(&self) -> bool {
        matches!(
            self.code(),
            Some(catalogue::GROUP_FORBIDS | catalogue::QUOTA_USED_UP)
        )
    }

    /// What happened, in both languages.
    pub fn meaning(&self) -> Localized {
        match self {
            RemedyError::Validation(v) => Localized {
                zh: v.message_zh().into(),
                en: v.message_en().into(),
            },
            RemedyError::Api(a) => a.entry.meaning.into(),
            other => other.generic_texts().0.into(),
        }
    }

    /// What to do about it, in both languages.
    pub fn action(&self) -> Localized {
        match self {
            RemedyError::Validation(v) => Localized {
                zh: cat(&["请修正 ", v.field.as_str(), " 后重试"]).into(),
                en: cat(&["Correct ", v.field.as_str(), " and try again"]).into(),
            },
            RemedyError::Api(a) => a.entry.action.into(),
            other => other.generic_texts().1.into(),
        }
    }

    /// Meaning and action of the errors without a code of their own (a reference into statics:
    /// one pointer per arm rather than four texts copied out).
    fn generic_texts(&self) -> &'static (Text, Text) {
        match self {
            RemedyError::Network { .. } => &NETWORK,
            RemedyError::Timeout { .. } => &TIMEOUT,
            RemedyError::Aborted => &ABORTED,
            RemedyError::Http { status, .. } if *status >= 500 => &HTTP_SERVER,
            RemedyError::Http { .. } => &HTTP_CLIENT,
            _ => &DECODE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::{Field, Problem};

    fn api(code: i64, status: u16) -> RemedyError {
        RemedyError::Api(Box::new(ApiError {
            code,
            msg: "m".into(),
            http_status: status,
            log_id: Some("L1".into()),
            troubleshooter: None,
            entry: catalogue::lookup(code, status),
            retry_after_secs: None,
            violations: vec![],
            sign_in_url: None,
        }))
    }

    #[test]
    fn kinds_are_stable() {
        let v = RemedyError::from(ValidationError::new(Field::UserId, Problem::Empty));
        assert_eq!(v.kind(), "validation");
        assert_eq!(v.field(), Some("data.user_id"));
        assert_eq!(v.category(), Category::CallerInput);
        assert_eq!(RemedyError::Aborted.kind(), "aborted");
        assert_eq!(RemedyError::Timeout { after_ms: 5 }.kind(), "timeout");
        assert_eq!(api(1226501, 400).kind(), "api");
    }

    #[test]
    fn nothing_to_correct_and_range_stoppers() {
        assert!(api(1226501, 400).is_nothing_to_correct());
        assert!(!api(1226503, 400).is_nothing_to_correct());
        assert!(api(1226502, 400).stops_later_days());
        assert!(api(1226504, 400).stops_later_days());
        assert!(!api(1226503, 400).stops_later_days());
    }

    #[test]
    fn retryability() {
        assert!(api(99991400, 429).retryable());
        assert!(api(1225000, 500).retryable());
        assert!(!api(1226502, 400).retryable());
        assert!(RemedyError::Network { detail: "x".into() }.retryable());
        assert!(!RemedyError::Aborted.retryable());
        let http = |status| RemedyError::Http {
            status,
            log_id: None,
            problem: BodyProblem::Html,
            retry_after_secs: None,
        };
        assert!(http(502).retryable());
        assert!(!http(404).retryable());
        // Issue 13: a reply too large does not shrink on retry, whoever says so.
        let too_large = RemedyError::Http {
            status: 502,
            log_id: None,
            problem: BodyProblem::TooLarge,
            retry_after_secs: None,
        };
        assert!(!too_large.retryable());
        assert!(!api(catalogue::RELAY_REPLY_TOO_LARGE, 502).retryable());
        assert_eq!(
            api(catalogue::RELAY_REPLY_TOO_LARGE, 502).category(),
            Category::Server
        );
        assert_eq!(http(502).category(), Category::Server);
        assert_eq!(http(403).category(), Category::Permission);
    }

    #[test]
    fn messages_are_readable_alone() {
        let e = api(1226503, 400);
        assert_eq!(
            e.to_string(),
            "[1226503] This date is beyond the correction window (Feishu: m)"
        );
        assert_eq!(e.meaning().zh, "已超出可补卡的日期范围");
        assert_eq!(e.log_id(), Some("L1"));
        let v = RemedyError::from(ValidationError::new(Field::UserId, Problem::Empty));
        assert_eq!(v.to_string(), "data.user_id must not be empty");
        assert_eq!(v.action().en, "Correct data.user_id and try again");
    }

    #[test]
    fn every_category_is_reachable() {
        let mut errors: Vec<RemedyError> = catalogue::ENTRIES
            .iter()
            .map(|e| api(e.code, e.http_status))
            .collect();
        errors.push(api(1, 400));
        errors.push(RemedyError::Network {
            detail: String::new(),
        });
        errors.push(RemedyError::Aborted);
        for c in Category::ALL {
            assert!(
                errors.iter().any(|e| e.category() == c),
                "{c:?} unreachable"
            );
        }
    }
}
