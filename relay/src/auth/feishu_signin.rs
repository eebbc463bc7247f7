//! The two Feishu calls of a sign-in: exchange the code for a user access token
//! (`POST /open-apis/authen/v2/oauth/token`), then ask who it is (`GET /open-apis/authen/v1/user_info`).
//! The user token lives only between the two calls: it is never stored, logged or returned.
//!
//! Every failure is a [`SigninError`] carrying what Feishu said (its code, `error` /
//! `error_description` or `msg`) and its log id, for the failure page and the log.

use std::fmt;

use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::HeaderValue;
use feishu_remedy::decode::header;
use serde::{Deserialize, Serialize};

use super::identity::{Admins, Identity};
use crate::secret::Secret;

/// The token endpoint (v2; the v3 one's format is unconfirmed).
pub const TOKEN_PATH: &str = "/open-apis/authen/v2/oauth/token";

/// Who the user token belongs to.
pub const USER_INFO_PATH: &str = "/open-apis/authen/v1/user_info";

/// The permission without which `user_info` has no `user_id`.
pub const USER_ID_PERMISSION: &str = "contact:user.employee_id:readonly";

/// Replies larger than this are not Feishu's (a user token is 1-2 KB).
const MAX_REPLY_BYTES: usize = 64 * 1024;

/// Feishu's texts are cut to this many characters before they reach a log line or a page.
const MAX_TEXT_CHARS: usize = 300;

/// Which of the two calls failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The code exchange.
    Token,
    /// `user_info`.
    UserInfo,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Token => "the code exchange",
            Step::UserInfo => "user_info",
        })
    }
}

/// Why a sign-in failed. No variant carries the code, the verifier, the secret or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigninError {
    /// Feishu answered with an error code (20003 code used, 20071 redirect mismatch, 20021 user
    /// resigned…).
    #[error("Feishu refused {step}: code {code}, {message}{}", LogIdSuffix(.log_id))]
    Refused {
        /// Which call.
        step: Step,
        /// The HTTP status.
        status: u16,
        /// Feishu's code.
        code: i64,
        /// The OAuth `error` (`invalid_grant`…), on the token endpoint.
        error: Option<String>,
        /// `error_description`, or `msg`.
        message: String,
        /// `X-Tt-Logid` (or `X-Request-Id`).
        log_id: Option<String>,
    },
    /// `user_info` answered without `user_id`: the app lacks [`USER_ID_PERMISSION`].
    #[error("Feishu's user_info has no user_id: the app needs the permission {USER_ID_PERMISSION}{}", LogIdSuffix(.log_id))]
    MissingUserId {
        /// The `user_info` reply's log id.
        log_id: Option<String>,
    },
    /// No connection, or it broke.
    #[error("Feishu could not be reached for {step}")]
    Unreachable {
        /// Which call.
        step: Step,
    },
    /// No answer within the HTTP client's timeout.
    #[error("Feishu did not answer {step} in time")]
    Timeout {
        /// Which call.
        step: Step,
    },
    /// An answer that is not Feishu's JSON (a gateway's error page, a success without a token).
    #[error("Feishu's answer to {step} was not understood (HTTP {status}){}", LogIdSuffix(.log_id))]
    BadReply {
        /// Which call.
        step: Step,
        /// The HTTP status.
        status: u16,
        /// The reply's log id, if any.
        log_id: Option<String>,
    },
}

impl SigninError {
    /// Feishu's code, when it gave one.
    pub fn code(&self) -> Option<i64> {
        match self {
            SigninError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Feishu's log id, when there is one.
    pub fn log_id(&self) -> Option<&str> {
        match self {
            SigninError::Refused { log_id, .. }
            | SigninError::MissingUserId { log_id }
            | SigninError::BadReply { log_id, .. } => log_id.as_deref(),
            SigninError::Unreachable { .. } | SigninError::Timeout { .. } => None,
        }
    }
}

struct LogIdSuffix<'a>(&'a Option<String>);

impl fmt::Display for LogIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (Feishu log id {id})"),
            None => Ok(()),
        }
    }
}

/// A user access token, between the exchange and `user_info`. Neither `Clone` nor printable.
pub struct UserToken(Secret);

impl fmt::Debug for UserToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserToken([redacted])")
    }
}

/// What a code exchange sends besides the app's credentials.
#[derive(Debug, Clone, Copy)]
pub struct CodeExchange<'a> {
    /// The code from the callback or from `tt.requestAccess`.
    pub code: &'a Secret,
    /// The authorize request's `redirect_uri`; `None` for a code from the in-client path.
    pub redirect_uri: Option<&'a str>,
    /// The PKCE verifier, when a challenge was sent.
    pub code_verifier: Option<&'a Secret>,
}

/// `user_info`'s `data`: who signed in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UserInfo {
    /// Per app.
    pub open_id: String,
    /// Per developer.
    #[serde(default)]
    pub union_id: String,
    /// The company.
    pub tenant_key: String,
    /// Only with [`USER_ID_PERMISSION`].
    #[serde(default)]
    pub user_id: Option<String>,
    /// Only with `contact:user.employee:readonly`.
    #[serde(default)]
    pub employee_no: Option<String>,
    /// The display name.
    #[serde(default)]
    pub name: String,
}

impl UserInfo {
    /// The identity: `user_id` is required (it is what the attendance API takes), empty ids count
    /// as absent, and admin means listed in `admins`.
    pub fn into_identity(
        self,
        admins: &Admins,
        log_id: Option<String>,
    ) -> Result<Identity, SigninError> {
        let user_id = self.user_id.filter(|id| !id.is_empty());
        if user_id.is_none() {
            return Err(SigninError::MissingUserId { log_id });
        }
        let admin = admins.contains(user_id.as_deref());
        Ok(Identity {
            open_id: self.open_id,
            tenant_key: self.tenant_key,
            user_id,
            employee_no: self.employee_no.filter(|no| !no.is_empty()),
            name: self.name,
            admin,
        })
    }
}

/// Calls Feishu's sign-in endpoints for one app.
pub struct SigninClient {
    http: reqwest::Client,
    base_url: String,
    client_id: String,
    client_secret: Secret,
}

impl fmt::Debug for SigninClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigninClient")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct TokenRequest<'a> {
    grant_type: &'static str,
    client_id: &'a str,
    client_secret: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_verifier: Option<&'a str>,
}

/// Both endpoints' replies, success or error, read leniently: which fields exist decides.
#[derive(Deserialize)]
struct Reply {
    code: Option<i64>,
    access_token: Option<String>,
    /// A string on the token endpoint (`invalid_grant`); an object (`{"log_id":…}`) on the other
    /// open APIs' errors, which is not kept.
    error: Option<serde_json::Value>,
    error_description: Option<String>,
    msg: Option<String>,
    data: Option<serde_json::Value>,
}

/// A reply's parts, read with a size bound.
struct Answer {
    status: u16,
    log_id: Option<String>,
    body: Vec<u8>,
}

impl SigninClient {
    /// A client for the app `client_id` at `base_url` (e.g. `https://open.feishu.cn`, or the
    /// simulation's). `http` carries the timeouts.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        client_id: impl Into<String>,
        client_secret: Secret,
    ) -> Self {
        SigninClient {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            client_id: client_id.into(),
            client_secret,
        }
    }

    /// The whole sign-in: exchange, `user_info`, identity. The user token is dropped on return.
    pub async fn sign_in(
        &self,
        exchange: CodeExchange<'_>,
        admins: &Admins,
    ) -> Result<Identity, SigninError> {
        let token = self.exchange_code(exchange).await?;
        let (info, log_id) = self.user_info(&token).await?;
        drop(token);
        info.into_identity(admins, log_id)
    }

    /// `POST /open-apis/authen/v2/oauth/token` with `grant_type=authorization_code`.
    pub async fn exchange_code(
        &self,
        exchange: CodeExchange<'_>,
    ) -> Result<UserToken, SigninError> {
        let step = Step::Token;
        let body = TokenRequest {
            grant_type: "authorization_code",
            client_id: &self.client_id,
            client_secret: self.client_secret.expose(),
            code: exchange.code.expose(),
            redirect_uri: exchange.redirect_uri,
            code_verifier: exchange.code_verifier.map(Secret::expose),
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let request = self
            .http
            .post(format!("{}{TOKEN_PATH}", self.base_url))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            )
            .body(json);
        let answer = send(request, step).await?;
        let reply = parse(&answer, step)?;
        match (reply.code, reply.access_token) {
            (Some(0) | None, Some(token)) if !token.is_empty() && answer.is_success() => {
                Ok(UserToken(Secret::new(token)))
            }
            (Some(code), _) if code != 0 => Err(refused(
                step,
                &answer,
                code,
                reply.error,
                reply.error_description.or(reply.msg),
            )),
            _ => Err(answer.bad_reply(step)),
        }
    }

    /// `GET /open-apis/authen/v1/user_info` with the user token; the `data` and the log id.
    pub async fn user_info(
        &self,
        token: &UserToken,
    ) -> Result<(UserInfo, Option<String>), SigninError> {
        let step = Step::UserInfo;
        let mut bearer =
            HeaderValue::from_str(&format!("Bearer {}", token.0.expose())).map_err(|_| {
                SigninError::BadReply {
                    step: Step::Token,
                    status: 200,
                    log_id: None,
                }
            })?;
        bearer.set_sensitive(true);
        let request = self
            .http
            .get(format!("{}{USER_INFO_PATH}", self.base_url))
            .header(AUTHORIZATION, bearer);
        let answer = send(request, step).await?;
        let reply = parse(&answer, step)?;
        match reply.code {
            Some(0) if answer.is_success() => {
                let info = reply
                    .data
                    .and_then(|d| serde_json::from_value::<UserInfo>(d).ok())
                    .filter(|i| !i.open_id.is_empty() && !i.tenant_key.is_empty())
                    .ok_or_else(|| answer.bad_reply(step))?;
                Ok((info, answer.log_id))
            }
            Some(code) if code != 0 => Err(refused(
                step,
                &answer,
                code,
                reply.error,
                reply.msg.or(reply.error_description),
            )),
            _ => Err(answer.bad_reply(step)),
        }
    }
}

impl Answer {
    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn bad_reply(&self, step: Step) -> SigninError {
        SigninError::BadReply {
            step,
            status: self.status,
            log_id: self.log_id.clone(),
        }
    }
}

fn refused(
    step: Step,
    answer: &Answer,
    code: i64,
    error: Option<serde_json::Value>,
    message: Option<String>,
) -> SigninError {
    SigninError::Refused {
        step,
        status: answer.status,
        code,
        error: error
            .as_ref()
            .and_then(serde_json::Value::as_str)
            .map(clean),
        message: message.map_or_else(String::new, |m| clean(&m)),
        log_id: answer.log_id.clone(),
    }
}

/// Sends and reads the reply, at most [`MAX_REPLY_BYTES`].
async fn send(request: reqwest::RequestBuilder, step: Step) -> Result<Answer, SigninError> {
    let transport = |e: reqwest::Error| {
        if e.is_timeout() {
            SigninError::Timeout { step }
        } else {
            SigninError::Unreachable { step }
        }
    };
    let mut response = request.send().await.map_err(transport)?;
    let status = response.status().as_u16();
    let log_id = log_id(response.headers());
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_REPLY_BYTES {
            return Err(SigninError::BadReply {
                step,
                status,
                log_id,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        log_id,
        body,
    })
}

fn parse(answer: &Answer, step: Step) -> Result<Reply, SigninError> {
    serde_json::from_slice::<Reply>(&answer.body).map_err(|_| answer.bad_reply(step))
}

/// `X-Tt-Logid`, else `X-Request-Id`, when it looks like one (visible ASCII, at most 128 bytes):
/// it goes into log lines and pages.
fn log_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    [header::TT_LOGID, header::REQUEST_ID]
        .iter()
        .find_map(|name| {
            let id = headers.get(*name)?.to_str().ok()?.trim();
            let plausible =
                (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic());
            plausible.then(|| id.to_owned())
        })
}

/// Feishu's text without control characters, cut to [`MAX_TEXT_CHARS`].
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_TEXT_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::routing::{get, post};
    use axum::Router;

    /// A server answering both endpoints with fixed replies, for the shapes the simulation never
    /// sends (gateway pages, odd successes). The protocol itself is tested against the simulation.
    async fn serve(token: Response, user_info: fn() -> Response) -> String {
        let token = std::sync::Arc::new(std::sync::Mutex::new(Some(token)));
        let app = Router::new()
            .route(
                TOKEN_PATH,
                post(move || {
                    let t = token.lock().unwrap().take();
                    async move { t.unwrap_or_else(|| StatusCode::GONE.into_response()) }
                }),
            )
            .route(USER_INFO_PATH, get(move || async move { user_info() }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    }

    fn json(status: u16, headers: &[(&'static str, &'static str)], body: &'static str) -> Response {
        let mut r = (StatusCode::from_u16(status).unwrap(), body).into_response();
        for (k, v) in headers {
            r.headers_mut().insert(*k, HeaderValue::from_static(v));
        }
        r
    }

    fn client(base: &str) -> SigninClient {
        SigninClient::new(
            reqwest::Client::new(),
            base,
            "cli_x",
            Secret::new("app-secret"),
        )
    }

    async fn run(base: &str) -> Result<Identity, SigninError> {
        let code = Secret::new("the-code");
        let exchange = CodeExchange {
            code: &code,
            redirect_uri: None,
            code_verifier: None,
        };
        client(base)
            .sign_in(exchange, &Admins::from_list("u1"))
            .await
    }

    fn ok_token() -> Response {
        json(
            200,
            &[],
            r#"{"code":0,"access_token":"u-abc","expires_in":7200,"token_type":"Bearer"}"#,
        )
    }

    #[tokio::test]
    async fn a_token_error_keeps_code_texts_and_log_id() {
        let base = serve(
            json(400, &[("x-tt-logid", "LOG1")], r#"{"code":20065,"error":"invalid_grant","error_description":"code already used\n"}"#),
            || StatusCode::GONE.into_response(),
        )
        .await;
        let err = run(&base).await.unwrap_err();
        assert_eq!(
            err,
            SigninError::Refused {
                step: Step::Token,
                status: 400,
                code: 20065,
                error: Some("invalid_grant".into()),
                message: "code already used".into(),
                log_id: Some("LOG1".into()),
            }
        );
        assert_eq!((err.code(), err.log_id()), (Some(20065), Some("LOG1")));
        assert!(!err.to_string().contains("the-code"));
    }

    #[tokio::test]
    async fn gateway_pages_and_odd_successes_are_bad_replies() {
        let base = serve(
            json(502, &[("x-request-id", "R9")], "<html>502</html>"),
            || StatusCode::GONE.into_response(),
        )
        .await;
        assert_eq!(
            run(&base).await.unwrap_err(),
            SigninError::BadReply {
                step: Step::Token,
                status: 502,
                log_id: Some("R9".into())
            }
        );
        let base = serve(json(200, &[], r#"{"code":0,"expires_in":7200}"#), || {
            StatusCode::GONE.into_response()
        })
        .await;
        assert!(matches!(
            run(&base).await,
            Err(SigninError::BadReply {
                step: Step::Token,
                ..
            })
        ));
        let base = serve(ok_token(), || {
            json(
                200,
                &[],
                r#"{"code":0,"msg":"success","data":{"name":"x"}}"#,
            )
        })
        .await;
        assert!(matches!(
            run(&base).await,
            Err(SigninError::BadReply {
                step: Step::UserInfo,
                ..
            })
        ));
    }

    #[tokio::test]
    async fn user_info_errors_and_the_missing_permission() {
        let base = serve(ok_token(), || {
            json(
                400,
                &[("x-tt-logid", "L2")],
                r#"{"code":20021,"msg":"user resigned","error":{"log_id":"L2"}}"#,
            )
        })
        .await;
        let err = run(&base).await.unwrap_err();
        assert_eq!((err.code(), err.log_id()), (Some(20021), Some("L2")));
        let base = serve(ok_token(), || {
            json(200, &[("x-tt-logid", "L3")], r#"{"code":0,"msg":"success","data":{"open_id":"ou_1","tenant_key":"t","user_id":"","name":"N"}}"#)
        })
        .await;
        let err = run(&base).await.unwrap_err();
        assert_eq!(
            err,
            SigninError::MissingUserId {
                log_id: Some("L3".into())
            }
        );
        assert!(err.to_string().contains(USER_ID_PERMISSION));
    }

    #[tokio::test]
    async fn a_full_identity_and_the_admin_list() {
        let base = serve(ok_token(), || {
            json(200, &[], r#"{"code":0,"msg":"success","data":{"open_id":"ou_1","union_id":"on_1","tenant_key":"t","user_id":"u1","employee_no":"E1","name":"N"}}"#)
        })
        .await;
        let who = run(&base).await.unwrap();
        assert_eq!(who.user_id.as_deref(), Some("u1"));
        assert_eq!(who.employee_no.as_deref(), Some("E1"));
        assert!(who.admin);
    }

    #[tokio::test]
    async fn nobody_listening_is_unreachable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        assert_eq!(
            run(&base).await.unwrap_err(),
            SigninError::Unreachable { step: Step::Token }
        );
    }

    #[test]
    fn hostile_log_ids_are_dropped() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-tt-logid", HeaderValue::from_static("has space"));
        h.insert("x-request-id", HeaderValue::from_static("R1"));
        assert_eq!(log_id(&h).as_deref(), Some("R1"));
        assert_eq!(
            format!("{:?}", UserToken(Secret::new("u-x"))),
            "UserToken([redacted])"
        );
    }
}
