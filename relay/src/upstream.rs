//! Calling Feishu's `query_user_allowed_remedys` with the relay's token: one deadline for the whole
//! exchange, and one retry with a new token when Feishu calls the token stale.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, StatusCode};
use bytes::Bytes;
use feishu_remedy::catalogue;
use feishu_remedy::decode::{header, MAX_BODY_BYTES};
use feishu_remedy::model::{EmployeeType, RemedyQuery, QUERY_PATH};

use crate::capped_body::{read_capped, BodyError};
use crate::token::{Token, TokenError, TokenManager};
use crate::wire::{reply_code, JSON_UTF8};

/// A reply from upstream, reduced to what the relay passes on.
#[derive(Debug)]
pub struct UpstreamReply {
    /// The status, unchanged.
    pub status: StatusCode,
    /// Only the headers a caller needs: content type, log ids, rate-limit hints.
    pub headers: HeaderMap,
    /// The body, unchanged.
    pub body: Bytes,
}

/// Why upstream gave no reply to pass on.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// No token could be had.
    #[error("{0}")]
    Token(#[from] TokenError),
    /// The query could not be sent, or its reply not read.
    #[error("Feishu could not be reached")]
    Unreachable,
    /// The reply was larger than any real one.
    #[error("Feishu's reply was larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    /// No complete reply within the deadline.
    #[error("Feishu did not answer within {} ms", .0.as_millis())]
    Timeout(Duration),
}

/// Feishu (or the simulation) as seen from the relay.
pub struct Upstream {
    http: reqwest::Client,
    /// The query URL for `employee_id` and for `employee_no`: the only two URLs ever called,
    /// parsed once instead of on every request.
    urls: [reqwest::Url; 2],
    tokens: TokenManager,
    timeout: Duration,
}

impl Upstream {
    /// An upstream at `base_url` (no trailing slash needed), with its token manager. Fails when
    /// `base_url` does not make a valid URL.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        tokens: TokenManager,
        timeout: Duration,
    ) -> Result<Self, String> {
        let base = base_url.trim_end_matches('/');
        let url = |t: EmployeeType| {
            let path = [QUERY_PATH, "?employee_type=", t.as_str()].concat();
            reqwest::Url::parse(&[base, &path].concat()).map_err(|e| format!("{base}: {e}"))
        };
        Ok(Upstream {
            http,
            urls: [
                url(EmployeeType::EmployeeId)?,
                url(EmployeeType::EmployeeNo)?,
            ],
            tokens,
            timeout,
        })
    }

    /// The token manager (tests and logs read its app id).
    pub fn tokens(&self) -> &TokenManager {
        &self.tokens
    }

    /// How long a request may take upstream; the relay gives a caller's body as long to arrive.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends a validated query. Token fetches, the query and a retry all share one deadline, so a
    /// caller never waits longer than the configured timeout.
    pub async fn query(&self, query: &RemedyQuery) -> Result<UpstreamReply, UpstreamError> {
        tokio::time::timeout(self.timeout, self.query_with_retry(query))
            .await
            .map_err(|_| UpstreamError::Timeout(self.timeout))?
    }

    async fn query_with_retry(&self, query: &RemedyQuery) -> Result<UpstreamReply, UpstreamError> {
        // The validated query is re-serialised rather than the caller's bytes forwarded: upstream
        // sees exactly the two fields Feishu documents, whatever else the caller sent.
        let url = match query.employee_type {
            EmployeeType::EmployeeId => &self.urls[0],
            EmployeeType::EmployeeNo => &self.urls[1],
        };
        let body = Bytes::from(query.body_json());
        let token = self.tokens.current().await?;
        let reply = self.send(url, body.clone(), &token).await?;
        if !says_token_is_stale(&reply) {
            return Ok(reply);
        }
        tracing::info!(
            generation = token.generation(),
            "upstream called the tenant token stale; refreshing and retrying once"
        );
        match self.tokens.replace(&token).await {
            Ok(fresh) => self.send(url, body, &fresh).await,
            // Retrying with the token just refused cannot help: pass Feishu's answer on.
            Err(TokenError::SameTokenAgain) => Ok(reply),
            Err(e) => Err(e.into()),
        }
    }

    async fn send(
        &self,
        url: &reqwest::Url,
        body: Bytes,
        token: &Token,
    ) -> Result<UpstreamReply, UpstreamError> {
        let response = self
            .http
            .post(url.clone())
            .header(reqwest::header::AUTHORIZATION, token.authorization())
            .header(reqwest::header::CONTENT_TYPE, JSON_UTF8)
            .body(body)
            .send()
            .await
            .map_err(|_| UpstreamError::Unreachable)?;
        let status = response.status();
        let headers = passed_through(response.headers());
        let body = read_capped(response, MAX_BODY_BYTES)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => UpstreamError::TooLarge,
                BodyError::Broken => UpstreamError::Unreachable,
            })?;
        Ok(UpstreamReply {
            status,
            headers,
            body,
        })
    }
}

/// 99991663, 99991664 or 99991671 in the body, whatever the HTTP status (Feishu has been seen to
/// send them with 200).
fn says_token_is_stale(reply: &UpstreamReply) -> bool {
    reply_code(&reply.body).is_some_and(catalogue::is_stale_token)
}

/// Whether a reply header goes back to the caller unchanged.
pub fn is_passed_through(name: &HeaderName) -> bool {
    let n = name.as_str();
    n == "content-type"
        || n == header::TT_LOGID
        || n == header::REQUEST_ID
        || n == header::RETRY_AFTER
        // Feishu's clock, which a `Retry-After` date of Feishu's is read against.
        || n == header::DATE
        || n.starts_with("x-ogw-ratelimit-")
}

fn passed_through(from: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in from.iter().filter(|(n, _)| is_passed_through(n)) {
        out.append(name.clone(), value.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_headers_pass() {
        for yes in [
            "content-type",
            "x-tt-logid",
            "x-request-id",
            "retry-after",
            "date",
            "x-ogw-ratelimit-limit",
            "x-ogw-ratelimit-reset",
        ] {
            assert!(is_passed_through(&HeaderName::from_static(yes)), "{yes}");
        }
        for no in ["set-cookie", "server", "authorization", "x-ogw-other"] {
            assert!(!is_passed_through(&HeaderName::from_static(no)), "{no}");
        }
    }
}
