//! Calling Feishu with the relay's token: one deadline for the whole exchange, and one retry with
//! a new token when Feishu calls the token stale. Each route's calls pass its gate ([`crate::gates`]):
//! identical requests in flight share one call, and every request sent takes a slot of the route's
//! limiter first.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, StatusCode};
use bytes::Bytes;
use feishu_remedy::catalogue;
use feishu_remedy::decode::{header, MAX_BODY_BYTES};
use feishu_remedy::model::{EmployeeType, RemedyQuery, QUERY_PATH};

use crate::capped_body::{read_capped, BodyError};
use crate::gates::{CallKey, GateSettings, Gates, RouteGate};
use crate::limiter::Refused;
use crate::metrics::Metrics;
use crate::token::{Token, TokenError, TokenManager};
use crate::wire::{reply_code, JSON_UTF8};

/// A reply from upstream, reduced to what the relay passes on.
#[derive(Debug, Clone)]
pub struct UpstreamReply {
    /// The status, unchanged.
    pub status: StatusCode,
    /// Only the headers a caller needs: content type, log ids, rate-limit hints.
    pub headers: HeaderMap,
    /// The body, unchanged.
    pub body: Bytes,
}

/// Why upstream gave no reply to pass on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UpstreamError {
    /// The relay's own limit for the route is reached and the wait for a slot is over (or the
    /// queue is full): nothing was sent.
    #[error("{0}")]
    RateLimited(#[from] Refused),
    /// No token could be had.
    #[error("{0}")]
    Token(#[from] TokenError),
    /// The query could not be sent, or its reply not read.
    #[error("Feishu could not be reached")]
    Unreachable,
    /// The reply was larger than any real one of its route (the cap, in bytes).
    #[error("Feishu's reply was larger than {0} bytes")]
    TooLarge(usize),
    /// No complete reply within the deadline.
    #[error("Feishu did not answer within {} ms", .0.as_millis())]
    Timeout(Duration),
}

/// What a call upstream gives, as shared between identical requests.
pub type Outcome = Result<UpstreamReply, UpstreamError>;

/// Feishu (or the simulation) as seen from the relay.
pub struct Upstream {
    http: reqwest::Client,
    /// The base URL, no trailing slash.
    base: String,
    /// The query URL for `employee_id` and for `employee_no`: the only two URLs ever called,
    /// parsed once instead of on every request.
    urls: [reqwest::Url; 2],
    tokens: TokenManager,
    timeout: Duration,
    gates: Gates<Outcome>,
}

impl Upstream {
    /// An upstream at `base_url` (no trailing slash needed), with its token manager and the
    /// routes' gates. A request waits for a limiter slot at most half of `timeout`, so that a
    /// caller hears the relay's 429 rather than a timeout. Fails when `base_url` does not make a
    /// valid URL.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        tokens: TokenManager,
        timeout: Duration,
        mut gates: GateSettings,
    ) -> Result<Self, String> {
        gates.limits.queue_wait = gates.limits.queue_wait.min(timeout / 2);
        let base = base_url.trim_end_matches('/');
        let url = |t: EmployeeType| {
            let path = [QUERY_PATH, "?employee_type=", t.as_str()].concat();
            reqwest::Url::parse(&[base, &path].concat()).map_err(|e| format!("{base}: {e}"))
        };
        Ok(Upstream {
            http,
            base: base.to_owned(),
            urls: [
                url(EmployeeType::EmployeeId)?,
                url(EmployeeType::EmployeeNo)?,
            ],
            tokens,
            timeout,
            gates: Gates::new(gates),
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

    /// The counters of every route called (`GET /metrics`, tests, benchmarks).
    pub fn metrics(&self) -> &Arc<Metrics> {
        self.gates.metrics()
    }

    /// Sends a validated `query_user_allowed_remedys` query.
    pub async fn query(&self, query: &RemedyQuery) -> Outcome {
        // The validated query is re-serialised rather than the caller's bytes forwarded: upstream
        // sees exactly the two fields Feishu documents, whatever else the caller sent.
        let url = match query.employee_type {
            EmployeeType::EmployeeId => &self.urls[0],
            EmployeeType::EmployeeNo => &self.urls[1],
        };
        let body = Bytes::from(query.body_json());
        self.call(QUERY_PATH, url, body, MAX_BODY_BYTES).await
    }

    /// Sends `body` to another allowlisted Feishu route: `route` is its path (which names its
    /// gate: its own limiter and counters), `path_and_query` what follows the base URL, built
    /// from validated values; a reply over `max_reply` bytes is refused unread (`TooLarge`).
    pub async fn post(
        &self,
        route: &'static str,
        path_and_query: &str,
        body: Bytes,
        max_reply: usize,
    ) -> Outcome {
        let url = reqwest::Url::parse(&[&self.base, path_and_query].concat())
            .map_err(|_| UpstreamError::Unreachable)?;
        self.call(route, &url, body, max_reply).await
    }

    /// One call through `route`'s gate. Token fetches, the wait for a limiter slot, the request
    /// and a retry all share one deadline, so a caller never waits longer than the timeout.
    async fn call(
        &self,
        route: &'static str,
        url: &reqwest::Url,
        body: Bytes,
        max_reply: usize,
    ) -> Outcome {
        let gate = self.gates.route(route);
        let key = CallKey {
            query: url.query().unwrap_or_default().into(),
            body: body.clone(),
        };
        let exchange = async {
            tokio::time::timeout(self.timeout, self.with_retry(&gate, url, body, max_reply))
                .await
                .map_err(|_| UpstreamError::Timeout(self.timeout))?
        };
        let outcome = gate.once(key, || exchange).await;
        // Counted per caller: each one that got a coalesced refusal was refused too.
        if matches!(outcome, Err(UpstreamError::RateLimited(_))) {
            gate.counters.relay_429();
        }
        outcome
    }

    async fn with_retry(
        &self,
        gate: &RouteGate<Outcome>,
        url: &reqwest::Url,
        body: Bytes,
        max_reply: usize,
    ) -> Outcome {
        let token = self.tokens.current().await?;
        let reply = self
            .send(gate, url, (body.clone(), max_reply), &token)
            .await?;
        if !says_token_is_stale(&reply) {
            return Ok(reply);
        }
        tracing::info!(
            generation = token.generation(),
            "upstream called the tenant token stale; refreshing and retrying once"
        );
        match self.tokens.replace(&token).await {
            Ok(fresh) => self.send(gate, url, (body, max_reply), &fresh).await,
            // Retrying with the token just refused cannot help: pass Feishu's answer on.
            Err(TokenError::SameTokenAgain) => Ok(reply),
            Err(e) => Err(e.into()),
        }
    }

    /// One request (`body`, and the largest reply read), sent with a slot of the route's
    /// limiter, held until its reply is read.
    async fn send(
        &self,
        gate: &RouteGate<Outcome>,
        url: &reqwest::Url,
        (body, max_reply): (Bytes, usize),
        token: &Token,
    ) -> Outcome {
        let _slot = gate.limiter.acquire().await?;
        gate.counters.upstream_call();
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
        let body = read_capped(response, max_reply)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => UpstreamError::TooLarge(max_reply),
                BodyError::Broken => UpstreamError::Unreachable,
            })?;
        let reply = UpstreamReply {
            status,
            headers,
            body,
        };
        if is_rate_limited(&reply) {
            gate.counters.feishu_429();
        }
        Ok(reply)
    }
}

/// Feishu's rate limit: HTTP 429, or 99991400 with 400 (some older APIs). A 200 is not read.
fn is_rate_limited(reply: &UpstreamReply) -> bool {
    reply.status == StatusCode::TOO_MANY_REQUESTS
        || (reply.status == StatusCode::BAD_REQUEST
            && reply_code(&reply.body) == Some(catalogue::RATE_LIMITED))
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
