//! The token endpoint (`POST /open-apis/auth/v3/tenant_access_token/internal`) behind a small
//! trait, so that the token manager's caching does not depend on how a reply arrives: the relay
//! asks Feishu (or the simulation) over HTTP, the manager's unit tests answer on a paused clock.

use std::future::Future;

use bytes::Bytes;
use feishu_remedy::model::TOKEN_PATH;

use crate::capped_body::{read_capped, BodyError};
use crate::secret::AppCredentials;
use crate::token::error::TokenError;
use crate::wire::JSON_UTF8;

/// Token replies are tiny; anything larger is not one.
const MAX_TOKEN_REPLY_BYTES: usize = 64 * 1024;

/// What the token endpoint answered, whatever the status; the token manager reads it.
#[derive(Debug, Clone)]
pub struct EndpointReply {
    /// The HTTP status.
    pub status: u16,
    /// The reply's `X-Tt-Logid`, when it looks like one.
    pub log_id: Option<String>,
    /// The body, at most 64 KiB.
    pub body: Bytes,
}

/// Where tenant tokens come from.
pub trait TokenEndpoint: Send + Sync {
    /// Sends `app`'s credentials and returns the reply, or [`TokenError::Unreachable`] (no
    /// connection, or it broke) or [`TokenError::BadReply`] (a body larger than any token reply).
    fn post(
        &self,
        app: &AppCredentials,
    ) -> impl Future<Output = Result<EndpointReply, TokenError>> + Send;
}

/// Feishu's token endpoint (or the simulation's) over HTTP.
pub struct FeishuTokenEndpoint {
    http: reqwest::Client,
    url: String,
}

impl FeishuTokenEndpoint {
    /// The endpoint of `base_url` (e.g. `https://open.feishu.cn`), asked through `http`.
    pub fn new(http: reqwest::Client, base_url: &str) -> Self {
        FeishuTokenEndpoint {
            http,
            url: [base_url.trim_end_matches('/'), TOKEN_PATH].concat(),
        }
    }
}

impl TokenEndpoint for FeishuTokenEndpoint {
    async fn post(&self, app: &AppCredentials) -> Result<EndpointReply, TokenError> {
        let body = serde_json::json!({
            "app_id": app.app_id,
            "app_secret": app.app_secret.expose(),
        });
        let response = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, JSON_UTF8)
            .body(body.to_string())
            .send()
            .await
            .map_err(|_| TokenError::Unreachable)?;
        let status = response.status().as_u16();
        let log_id = reply_log_id(response.headers());
        let body = read_capped(response, MAX_TOKEN_REPLY_BYTES)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => TokenError::BadReply { status },
                BodyError::Broken => TokenError::Unreachable,
            })?;
        Ok(EndpointReply {
            status,
            log_id,
            body,
        })
    }
}

/// The reply's `X-Tt-Logid`, only when it looks like one (printable ASCII, at most 128 bytes): it
/// goes into log lines and messages, where a hostile value must not forge anything.
fn reply_log_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let id = headers.get("x-tt-logid")?.to_str().ok()?.trim();
    let plausible = (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic());
    plausible.then(|| id.to_owned())
}
