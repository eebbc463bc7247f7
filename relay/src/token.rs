//! The tenant access token: fetched with the app's credentials, cached until shortly before it
//! expires, refreshed by one request at a time, and replaced when Feishu says it is stale.
//!
//! The three bugs users reported in the official SDKs are avoided by construction: the cache
//! follows `expire` from each reply (it cannot outlive the token), it belongs to one
//! [`TokenManager`] per app (two apps never share one), and [`TokenManager::replace`] refuses to hand
//! back the token that was just refused (a retry never reuses a stale token).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::http::HeaderValue;
use feishu_remedy::catalogue;
use feishu_remedy::model::TOKEN_PATH;
use serde::Deserialize;

use crate::feishu_reply::JSON_UTF8;
use crate::secret::Secret;

/// The longest a token is refreshed ahead of its expiry (the Node, Go and Java SDKs use 3 minutes).
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(180);

/// The longest lifetime taken from a token reply, in seconds (Feishu's is 7200).
const MAX_TOKEN_LIFETIME_SECS: i64 = 86_400;

/// Token replies are tiny; anything larger is not one.
const MAX_TOKEN_REPLY_BYTES: usize = 64 * 1024;

/// A self-built app's credentials.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    /// `cli_…`; not a secret (it appears in logs).
    pub app_id: String,
    /// Never logged, never sent anywhere but the token endpoint.
    pub app_secret: Secret,
}

/// A tenant token, ready to send. Its `Debug` shows only its generation number.
#[derive(Clone)]
pub struct Token {
    /// `Bearer t-…`, marked sensitive so HTTP libraries never print it.
    authorization: HeaderValue,
    /// Which fetch produced it: 1 for the first, 2 for the next…
    generation: u64,
}

impl Token {
    /// The `Authorization` header value.
    pub fn authorization(&self) -> HeaderValue {
        self.authorization.clone()
    }

    /// Which fetch produced it (1 for the first).
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(#{}, [redacted])", self.generation)
    }
}

/// Why no token could be had. The texts name the cause and never the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The token endpoint answered with an error code (wrong app id or secret, app disabled…).
    #[error("Feishu refused the app credentials (code {code}: {msg}{})", LogIdSuffix(.log_id))]
    Refused {
        /// Feishu's code.
        code: i64,
        /// Feishu's message.
        msg: String,
        /// The token reply's `X-Tt-Logid`: what Feishu support asks for.
        log_id: Option<String>,
    },
    /// The token endpoint answered with an error code that is not about the credentials (its
    /// rate limit, an internal error): the credentials may be fine, and a later try may work.
    #[error("the token endpoint failed (code {code}: {msg}{})", LogIdSuffix(.log_id))]
    Failed {
        /// Feishu's code.
        code: i64,
        /// Feishu's message.
        msg: String,
        /// The token reply's `X-Tt-Logid`.
        log_id: Option<String>,
    },
    /// No connection, or the connection broke.
    #[error("the token endpoint could not be reached")]
    Unreachable,
    /// An answer that is not a token reply (a gateway's error page, say).
    #[error("the token endpoint answered HTTP {status} without a token")]
    BadReply {
        /// The HTTP status.
        status: u16,
    },
    /// Feishu handed back the token it had just called invalid; retrying with it would be futile.
    #[error("Feishu handed back the token it had just refused")]
    SameTokenAgain,
}

/// `; Feishu log id …` when there is one: in the relay's log line and in its reply's `msg`, so an
/// operator can hand Feishu support the id of the token call that failed.
struct LogIdSuffix<'a>(&'a Option<String>);

impl fmt::Display for LogIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "; Feishu log id {id}"),
            None => Ok(()),
        }
    }
}

/// The reply's `X-Tt-Logid`, only when it looks like one (printable ASCII, at most 128 bytes): it
/// goes into log lines and messages, where a hostile value must not forge anything.
fn feishu_log_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let id = headers.get("x-tt-logid")?.to_str().ok()?.trim();
    let plausible = (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic());
    plausible.then(|| id.to_owned())
}

struct Cached {
    token: Token,
    refresh_at: Instant,
    /// Until when the token may still be sent (a little before Feishu's expiry): between
    /// `refresh_at` and this, it serves while a refresh runs, and if the refresh fails.
    usable_until: Instant,
}

/// Gets and caches the tenant token of one app.
pub struct TokenManager {
    http: reqwest::Client,
    url: String,
    app: AppCredentials,
    cached: RwLock<Option<Cached>>,
    /// Held while fetching, so concurrent requests on a cold or expiring cache wait for one fetch.
    refresh: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
    /// Fetch attempts finished, successful or not.
    attempts: AtomicU64,
    /// The last failed attempt's number and error, handed to the requests that were queued behind
    /// it, so a burst on a broken configuration makes one token request, not one per request.
    last_failure: Mutex<Option<(u64, TokenError)>>,
}

impl TokenManager {
    /// A manager for `app`, asking `base_url` (e.g. `https://open.feishu.cn`) for tokens.
    pub fn new(http: reqwest::Client, base_url: &str, app: AppCredentials) -> Self {
        TokenManager {
            http,
            url: [base_url.trim_end_matches('/'), TOKEN_PATH].concat(),
            app,
            cached: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            attempts: AtomicU64::new(0),
            last_failure: Mutex::new(None),
        }
    }

    /// The app this manager holds tokens for.
    pub fn app_id(&self) -> &str {
        &self.app.app_id
    }

    /// A token that is not about to expire: the cached one, or a new one. Once a refresh is due,
    /// the cached token still serves while another request refreshes it, and when the refresh
    /// fails (Feishu's token endpoint being down does not make a token it issued invalid).
    pub async fn current(&self) -> Result<Token, TokenError> {
        let result = self.fresh_or_fetched().await;
        match (result, self.cached_usable()) {
            (Err(error), Some(token)) => {
                tracing::warn!(app_id = %self.app.app_id, cause = %error,
                    "token refresh failed; the current token serves until it expires");
                Ok(token)
            }
            (result, _) => result,
        }
    }

    async fn fresh_or_fetched(&self) -> Result<Token, TokenError> {
        if let Some(token) = self.cached_fresh() {
            return Ok(token);
        }
        let seen = self.attempts.load(Ordering::Acquire);
        let _one_at_a_time = match self.refresh.try_lock() {
            Ok(guard) => guard,
            Err(_) => match self.cached_usable() {
                Some(token) => return Ok(token),
                None => self.refresh.lock().await,
            },
        };
        // Whoever held the lock before us may have just fetched one, or just failed to: a failure
        // that finished while we queued is ours too. A request that arrives later tries afresh
        // (a refusal is never cached beyond the requests that waited for it).
        if let Some(token) = self.cached_fresh() {
            return Ok(token);
        }
        if let Some(error) = self.failure_after(seen) {
            return Err(error);
        }
        let result = match self.cached_usable() {
            // A token that still works: wait only briefly for its replacement, so that a token
            // endpoint that hangs costs each request this much, not its whole deadline.
            Some(_) => tokio::time::timeout(PATIENCE_WITH_USABLE_TOKEN, self.fetch())
                .await
                .unwrap_or(Err(TokenError::Unreachable)),
            None => self.fetch().await,
        };
        let attempt = self.attempts.fetch_add(1, Ordering::AcqRel) + 1;
        if let Err(error) = &result {
            *self
                .last_failure
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some((attempt, error.clone()));
        }
        result
    }

    /// The last failure, if its attempt finished after `seen` attempts.
    fn failure_after(&self, seen: u64) -> Option<TokenError> {
        let last = self
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        last.as_ref()
            .filter(|(n, _)| *n > seen)
            .map(|(_, e)| e.clone())
    }

    /// Drops `stale` (upstream called it invalid) and returns a different, new token. When several
    /// requests report the same stale token, only the first causes a fetch; the rest get its result.
    pub async fn replace(&self, stale: &Token) -> Result<Token, TokenError> {
        self.discard(stale);
        let fresh = self.current().await?;
        if fresh.authorization == stale.authorization {
            self.discard(&fresh);
            return Err(TokenError::SameTokenAgain);
        }
        Ok(fresh)
    }

    fn discard(&self, token: &Token) {
        let mut cached = self.cached.write().unwrap_or_else(PoisonError::into_inner);
        if cached
            .as_ref()
            .is_some_and(|c| c.token.generation == token.generation)
        {
            *cached = None;
        }
    }

    fn cached_fresh(&self) -> Option<Token> {
        self.cached_before(|c| c.refresh_at)
    }

    fn cached_usable(&self) -> Option<Token> {
        self.cached_before(|c| c.usable_until)
    }

    /// The cached token, if now is before the instant `limit` picks.
    fn cached_before(&self, limit: impl Fn(&Cached) -> Instant) -> Option<Token> {
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        cached
            .as_ref()
            .filter(|c| Instant::now() < limit(c))
            .map(|c| c.token.clone())
    }

    async fn fetch(&self) -> Result<Token, TokenError> {
        let started = Instant::now();
        let (status, log_id, body) = self.post_credentials().await?;
        let reply: TokenReply =
            serde_json::from_slice(&body).map_err(|_| TokenError::BadReply { status })?;
        if reply.code != 0 {
            let msg = reply
                .msg
                .replace(self.app.app_secret.expose(), "[redacted]");
            let code = reply.code;
            return Err(if refuses_credentials(code) {
                TokenError::Refused { code, msg, log_id }
            } else {
                TokenError::Failed { code, msg, log_id }
            });
        }
        let (Some(value), Some(expire)) = (reply.tenant_access_token, reply.expire) else {
            return Err(TokenError::BadReply { status });
        };
        let mut authorization = HeaderValue::from_str(&["Bearer ", &value].concat())
            .map_err(|_| TokenError::BadReply { status })?;
        authorization.set_sensitive(true);
        let generation = self.fetches.fetch_add(1, Ordering::Relaxed) + 1;
        let token = Token {
            authorization,
            generation,
        };
        // Feishu's tokens live at most 2 hours; a larger `expire` is clamped to a day so that no
        // reply, however odd, can overflow the clock arithmetic below.
        let lifetime = Duration::from_secs(expire.clamp(0, MAX_TOKEN_LIFETIME_SECS).unsigned_abs());
        // Refresh a tenth of the lifetime early, at most 3 minutes: short test lifetimes still
        // get a margin, long ones refresh like the SDKs. Measured from before the request, so
        // time spent waiting for the reply counts against the token.
        let refresh_at = started + lifetime.saturating_sub(refresh_margin(lifetime));
        // Half the refresh margin before expiry: room for the request it is sent with.
        let usable_until = started + lifetime.saturating_sub(refresh_margin(lifetime) / 2);
        *self.cached.write().unwrap_or_else(PoisonError::into_inner) = Some(Cached {
            token: token.clone(),
            refresh_at,
            usable_until,
        });
        tracing::info!(
            app_id = %self.app.app_id,
            generation,
            expire_secs = expire,
            "got a tenant access token"
        );
        Ok(token)
    }

    /// The token endpoint's status, log id and body.
    async fn post_credentials(&self) -> Result<(u16, Option<String>, Vec<u8>), TokenError> {
        let body = serde_json::json!({
            "app_id": self.app.app_id,
            "app_secret": self.app.app_secret.expose(),
        });
        let mut response = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, JSON_UTF8)
            .body(body.to_string())
            .send()
            .await
            .map_err(|_| TokenError::Unreachable)?;
        let status = response.status().as_u16();
        let log_id = feishu_log_id(response.headers());
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|_| TokenError::Unreachable)?
        {
            if bytes.len() + chunk.len() > MAX_TOKEN_REPLY_BYTES {
                return Err(TokenError::BadReply { status });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((status, log_id, bytes))
    }
}

fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_REFRESH_MARGIN)
}

/// `{"code":0,"msg":"ok","tenant_access_token":"t-…","expire":7200}`.
#[derive(Deserialize)]
struct TokenReply {
    code: i64,
    #[serde(default)]
    msg: String,
    tenant_access_token: Option<String>,
    expire: Option<i64>,
}

/// How long a due refresh may take while the current token still works, before the request goes
/// out with the current token (and the next request tries the refresh again).
const PATIENCE_WITH_USABLE_TOKEN: Duration = Duration::from_millis(200);

/// Whether a token endpoint's code says the app's credentials themselves were refused (wrong app
/// id or secret, app disabled, invalid app parameters), which only an administrator can fix.
/// Anything else (a rate limit, an internal error) is the endpoint failing, worth retrying.
fn refuses_credentials(code: i64) -> bool {
    matches!(
        code,
        catalogue::BAD_CREDENTIALS | APP_DISABLED | INVALID_APP_PARAM | INVALID_APP_SECRET
    )
}

/// 99991662: the app is not enabled in this tenant.
const APP_DISABLED: i64 = 99_991_662;
/// 10003 and 10014: the token endpoint's own codes for an invalid `app_id` or `app_secret`.
const INVALID_APP_PARAM: i64 = 10_003;
const INVALID_APP_SECRET: i64 = 10_014;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_scale_with_short_lifetimes_and_cap_at_three_minutes() {
        assert_eq!(
            refresh_margin(Duration::from_secs(7200)),
            Duration::from_secs(180)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(2)),
            Duration::from_millis(200)
        );
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn token_debug_hides_the_value() {
        let mut v = HeaderValue::from_static("Bearer t-abc");
        v.set_sensitive(true);
        let t = Token {
            authorization: v,
            generation: 3,
        };
        assert_eq!(format!("{t:?}"), "Token(#3, [redacted])");
    }
}
