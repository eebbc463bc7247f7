//! The page a failed sign-in ends on: what happened and what to do, in Chinese and English, with
//! Feishu's code and log id when there are any. Every failure of the callback maps to one
//! [`Failure`]; Feishu's codes take their texts from the core's catalogue, the relay's own
//! failures (state, login cookie, missing permission, network) from here.

use std::fmt::Write as _;

use feishu_remedy::catalogue::{self, Category, Text};

use super::feishu_signin::{SigninError, USER_ID_PERMISSION};
use super::login::StateError;
use super::sealed::CookieError;

/// Why a sign-in failed, as the page explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The person chose "cancel" on Feishu's page (`error=access_denied`), or Feishu sent another
    /// `error`.
    AccessDenied,
    /// The callback carried no `state`.
    StateMissing,
    /// The callback's `state` is not this browser's sign-in.
    StateMismatch,
    /// No login cookie: the sign-in started elsewhere (another browser, cookies blocked) or the
    /// callback URL was opened again after it finished.
    LoginMissing,
    /// The sign-in took longer than its 10 minutes.
    LoginExpired,
    /// Feishu refused, with this code (20003/20065 code used, 20004 expired, 20071 redirect
    /// mismatch, 20049 PKCE, 20010 not allowed, 20021 resigned, 20022 frozen…).
    Feishu {
        /// Feishu's code.
        code: i64,
        /// Feishu's own words (cleaned), shown as such.
        message: String,
        /// Feishu's log id.
        log_id: Option<String>,
    },
    /// `user_info` had no `user_id`: the app lacks a permission.
    MissingUserId {
        /// Feishu's log id.
        log_id: Option<String>,
    },
    /// Feishu could not be reached, or did not answer in time.
    Network,
    /// Too many sign-ins at once: the relay keeps its code exchanges within Feishu's limit for the
    /// app (see [`super::mode::CODE_EXCHANGES_PER_SECOND`]) and this one waited as long as it may.
    Busy,
    /// Feishu's answer was not understood.
    BadReply {
        /// Its log id, if any.
        log_id: Option<String>,
    },
    /// The relay could not make random values (its operating system failed).
    Internal,
}

/// A failure's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts {
    /// What happened.
    pub what: Text,
    /// What to do.
    pub todo: Text,
}

const fn t(zh: &'static str, en: &'static str) -> Text {
    Text { zh, en }
}

impl Failure {
    /// From the two Feishu calls.
    pub fn from_signin(err: &SigninError) -> Self {
        match err {
            SigninError::Refused {
                code,
                message,
                log_id,
                ..
            } => Failure::Feishu {
                code: *code,
                message: message.clone(),
                log_id: log_id.clone(),
            },
            SigninError::MissingUserId { log_id } => Failure::MissingUserId {
                log_id: log_id.clone(),
            },
            SigninError::Unreachable { .. } | SigninError::Timeout { .. } => Failure::Network,
            SigninError::BadReply { log_id, .. } => Failure::BadReply {
                log_id: log_id.clone(),
            },
        }
    }

    /// From the `state` check.
    pub fn from_state(err: StateError) -> Self {
        match err {
            StateError::Missing => Failure::StateMissing,
            StateError::Mismatch => Failure::StateMismatch,
        }
    }

    /// From reading the login cookie: a forged or malformed one is treated like a wrong state
    /// (it is not this browser's sign-in).
    pub fn from_login_cookie(err: CookieError) -> Self {
        match err {
            CookieError::Missing => Failure::LoginMissing,
            CookieError::Expired => Failure::LoginExpired,
            CookieError::Forged | CookieError::Malformed => Failure::StateMismatch,
        }
    }

    /// A stable machine-readable name, for logs and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::AccessDenied => "access_denied",
            Failure::StateMissing => "state_missing",
            Failure::StateMismatch => "state_mismatch",
            Failure::LoginMissing => "login_missing",
            Failure::LoginExpired => "login_expired",
            Failure::Feishu { .. } => "feishu",
            Failure::MissingUserId { .. } => "missing_user_id",
            Failure::Network => "network",
            Failure::Busy => "busy",
            Failure::BadReply { .. } => "bad_reply",
            Failure::Internal => "internal",
        }
    }

    /// Feishu's code, when Feishu gave one.
    pub fn feishu_code(&self) -> Option<i64> {
        match self {
            Failure::Feishu { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Feishu's log id, when there is one.
    pub fn log_id(&self) -> Option<&str> {
        match self {
            Failure::Feishu { log_id, .. }
            | Failure::MissingUserId { log_id }
            | Failure::BadReply { log_id } => log_id.as_deref(),
            _ => None,
        }
    }

    /// The page's HTTP status: 403 when the person may not sign in (or cancelled), 400 for a
    /// callback that is not this browser's, 502 when Feishu or the app's configuration failed.
    pub fn http_status(&self) -> u16 {
        match self {
            Failure::AccessDenied => 403,
            Failure::StateMissing
            | Failure::StateMismatch
            | Failure::LoginMissing
            | Failure::LoginExpired => 400,
            Failure::Feishu { code, .. } => match catalogue::lookup(*code, 400).category {
                Category::Permission => 403,
                _ => 502,
            },
            Failure::MissingUserId { .. } | Failure::Network | Failure::BadReply { .. } => 502,
            Failure::Busy => 503,
            Failure::Internal => 500,
        }
    }

    /// Whether signing in again can help (the page then offers the link).
    pub fn retry_helps(&self) -> bool {
        match self {
            Failure::Feishu { code, .. } => {
                let entry = catalogue::lookup(*code, 400);
                entry.retryable
                    || matches!(
                        *code,
                        catalogue::SIGNIN_CODE_NOT_FOUND
                            | catalogue::SIGNIN_CODE_USED
                            | catalogue::SIGNIN_CODE_EXPIRED
                            | catalogue::SIGNIN_PKCE_FAILED
                            | catalogue::SIGNIN_USER_TOKEN_INVALID
                    )
            }
            Failure::MissingUserId { .. } => false,
            _ => true,
        }
    }

    /// What happened and what to do.
    pub fn texts(&self) -> Texts {
        let (what, todo) = match self {
            Failure::AccessDenied => (
                t("你在飞书登录页取消了授权。", "You cancelled the sign-in on Feishu's page."),
                t("如需查看自己的考勤，请重新登录并同意授权。", "To see your attendance, sign in again and allow access."),
            ),
            Failure::StateMissing | Failure::StateMismatch => (
                t("这次登录回调不属于本浏览器发起的登录（可能是旧链接，或来自别处）。", "This sign-in callback does not belong to a sign-in started in this browser (an old link, or one from elsewhere)."),
                t("请从本页面重新登录；不要使用别人发来的登录链接。", "Sign in again from this page; do not use sign-in links others send you."),
            ),
            Failure::LoginMissing => (
                t("找不到进行中的登录：它可能已经完成，或者浏览器阻止了 Cookie。", "No sign-in is under way: it may have finished already, or the browser blocks cookies."),
                t("请重新登录；如果仍然失败，请允许本站使用 Cookie。", "Sign in again; if it keeps failing, allow this site to use cookies."),
            ),
            Failure::LoginExpired => (
                t("登录用时超过 10 分钟，已失效。", "The sign-in took more than 10 minutes and has lapsed."),
                t("请重新登录。", "Sign in again."),
            ),
            Failure::Feishu { code, .. } => {
                let entry = catalogue::lookup(*code, 400);
                (entry.meaning, entry.action)
            }
            Failure::MissingUserId { .. } => (
                t("飞书没有返回你的用户 ID：应用缺少“获取用户 user ID”权限（contact:user.employee_id:readonly）。", "Feishu did not return your user ID: the app lacks the permission to read it (contact:user.employee_id:readonly)."),
                t("请管理员在开发者后台为应用开通该权限并发布新版本，然后重新登录。", "Ask an administrator to grant the app this permission in the developer console and publish a new version; then sign in again."),
            ),
            Failure::Busy => (
                t("此刻登录的人太多。", "Too many people are signing in right now."),
                t("稍等片刻后重新登录。", "Wait a moment, then sign in again."),
            ),
            Failure::Network => (
                t("中继无法连接飞书，或飞书没有及时响应。", "The relay could not reach Feishu, or Feishu did not answer in time."),
                t("稍后重新登录；如持续出现，请联系中继管理员。", "Sign in again later; if it persists, contact the relay's operator."),
            ),
            Failure::BadReply { .. } => (
                t("飞书返回了无法识别的响应。", "Feishu's answer could not be understood."),
                t("稍后重新登录；如持续出现，请把日志 ID 提供给管理员。", "Sign in again later; if it persists, give the log id to an administrator."),
            ),
            Failure::Internal => (
                t("中继内部出错，无法开始登录。", "The relay failed internally and could not start the sign-in."),
                t("稍后重试；如持续出现，请联系中继管理员。", "Try again later; if it persists, contact the relay's operator."),
            ),
        };
        Texts { what, todo }
    }
}

/// The page, complete. `retry_href` is where "sign in again" points (e.g.
/// `/auth/login?return_to=%2F`); it is shown only when [`Failure::retry_helps`].
pub fn render(failure: &Failure, retry_href: &str) -> String {
    let texts = failure.texts();
    let mut page = String::with_capacity(2048);
    page.push_str(HEAD);
    let _ = write!(
        page,
        "<section lang=\"zh-CN\"><h2>发生了什么</h2><p>{}</p><h2>怎么办</h2><p>{}</p></section>\
         <section lang=\"en\"><h2>What happened</h2><p>{}</p><h2>What to do</h2><p>{}</p></section>",
        escape(texts.what.zh),
        escape(texts.todo.zh),
        escape(texts.what.en),
        escape(texts.todo.en),
    );
    details(&mut page, failure);
    if failure.retry_helps() {
        let _ = write!(
            page,
            "<p><a class=\"retry\" href=\"{}\">重新登录 · Sign in again</a></p>",
            escape(retry_href)
        );
    }
    page.push_str("</main></body></html>\n");
    page
}

const HEAD: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>登录失败 · Sign-in failed</title><style>\
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;color:#1f2329;background:#f5f6f7}\
main{max-width:40rem;margin:auto;background:#fff;padding:1.5rem 2rem;border-radius:8px}\
h1{font-size:1.4rem;margin-top:0}h2{font-size:1rem;margin:1rem 0 .25rem}\
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;font-size:.9rem;color:#646a73}\
dd{margin:0;word-break:break-all}a.retry{display:inline-block;padding:.5rem 1rem;background:#3370ff;\
color:#fff;border-radius:6px;text-decoration:none}a.retry:focus-visible{outline:3px solid #1f2329;outline-offset:2px}\
</style></head><body><main><h1>登录失败 · <span lang=\"en\">Sign-in failed</span></h1>";

/// Feishu's code, its words and the log id, when there are any.
fn details(page: &mut String, failure: &Failure) {
    let mut rows = String::new();
    if let Some(code) = failure.feishu_code() {
        let _ = write!(rows, "<dt>飞书错误码 · Feishu code</dt><dd>{code}</dd>");
    }
    if let Failure::Feishu { message, .. } = failure {
        if !message.is_empty() {
            let _ = write!(
                rows,
                "<dt>飞书的说明 · Feishu says</dt><dd>{}</dd>",
                escape(message)
            );
        }
    }
    if let Failure::MissingUserId { .. } = failure {
        let _ = write!(
            rows,
            "<dt>所需权限 · Permission</dt><dd><code>{USER_ID_PERMISSION}</code></dd>"
        );
    }
    if let Some(id) = failure.log_id() {
        let _ = write!(
            rows,
            "<dt>日志 ID · Log id</dt><dd><code>{}</code></dd>",
            escape(id)
        );
    }
    if !rows.is_empty() {
        let _ = write!(page, "<dl>{rows}</dl>");
    }
}

/// Text for HTML content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::feishu_signin::Step;

    fn feishu(code: i64) -> Failure {
        Failure::Feishu {
            code,
            message: "msg".into(),
            log_id: Some("LOG-1".into()),
        }
    }

    fn refused(code: i64) -> SigninError {
        SigninError::Refused {
            step: Step::Token,
            status: 400,
            code,
            error: None,
            message: "m".into(),
            log_id: Some("L".into()),
        }
    }

    #[test]
    fn every_failure_of_the_issue_has_its_own_texts() {
        let failures = [
            Failure::AccessDenied,
            Failure::StateMissing,
            Failure::LoginMissing,
            Failure::LoginExpired,
            feishu(20003),
            feishu(20004),
            feishu(20071),
            feishu(20049),
            feishu(20010),
            feishu(20021),
            feishu(20022),
            Failure::MissingUserId { log_id: None },
            Failure::Network,
            Failure::Busy,
            Failure::BadReply { log_id: None },
            Failure::Internal,
        ];
        let mut seen = std::collections::HashSet::new();
        for f in &failures {
            let texts = f.texts();
            for s in [texts.what.zh, texts.what.en, texts.todo.zh, texts.todo.en] {
                assert!(!s.is_empty(), "{f:?}");
            }
            assert!(seen.insert(texts.what.en), "{f:?} shares its text");
        }
        // Too many sign-ins at once: a 503 that offers signing in again.
        assert_eq!(Failure::Busy.http_status(), 503);
        assert!(Failure::Busy.retry_helps());
        // 20003 and 20065 are the same story for a person: the code was used.
        assert_eq!(feishu(20065).texts().todo, feishu(20003).texts().todo);
        assert_eq!(
            feishu(20021).texts().what.en,
            "This user has left the company"
        );
    }

    #[test]
    fn mapping_from_the_sign_in_steps() {
        assert_eq!(
            Failure::from_signin(&refused(20065)).feishu_code(),
            Some(20065)
        );
        assert_eq!(Failure::from_signin(&refused(20065)).log_id(), Some("L"));
        assert_eq!(
            Failure::from_signin(&SigninError::MissingUserId { log_id: None }).kind(),
            "missing_user_id"
        );
        assert_eq!(
            Failure::from_signin(&SigninError::Timeout {
                step: Step::UserInfo
            }),
            Failure::Network
        );
        assert_eq!(
            Failure::from_state(StateError::Mismatch),
            Failure::StateMismatch
        );
        assert_eq!(
            Failure::from_login_cookie(CookieError::Forged),
            Failure::StateMismatch
        );
        assert_eq!(
            Failure::from_login_cookie(CookieError::Expired),
            Failure::LoginExpired
        );
        assert_eq!(
            Failure::from_login_cookie(CookieError::Missing),
            Failure::LoginMissing
        );
    }

    #[test]
    fn statuses_and_when_to_offer_a_retry() {
        assert_eq!(Failure::AccessDenied.http_status(), 403);
        assert_eq!(feishu(20021).http_status(), 403);
        assert_eq!(feishu(20071).http_status(), 502);
        assert_eq!(feishu(20050).http_status(), 502);
        assert_eq!(Failure::StateMismatch.http_status(), 400);
        assert!(feishu(20065).retry_helps() && feishu(20050).retry_helps());
        assert!(!feishu(20021).retry_helps() && !feishu(20071).retry_helps());
        assert!(!Failure::MissingUserId { log_id: None }.retry_helps());
    }

    #[test]
    fn the_page_shows_code_and_log_id_and_escapes_everything() {
        let f = Failure::Feishu {
            code: 20065,
            message: "<b>used</b>".into(),
            log_id: Some("<script>alert(1)</script>".into()),
        };
        let page = render(&f, "/auth/login?return_to=%2F&x=\"1\"");
        assert!(page.contains("<dd>20065</dd>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&lt;b&gt;used&lt;/b&gt;"));
        assert!(!page.contains("<script>") && !page.contains("<b>"));
        assert!(page.contains("href=\"/auth/login?return_to=%2F&amp;x=&quot;1&quot;\""));
        assert!(
            page.contains("登录授权码已被使用")
                && page.contains("The sign-in code was already used")
        );
        let page = render(
            &Failure::MissingUserId {
                log_id: Some("L9".into()),
            },
            "/auth/login",
        );
        assert!(page.contains(USER_ID_PERMISSION) && page.contains("L9"));
        assert!(
            !page.contains("class=\"retry\""),
            "no retry link where retrying cannot help"
        );
        assert!(page.starts_with("<!doctype html><html lang=\"zh-CN\">"));
    }
}
