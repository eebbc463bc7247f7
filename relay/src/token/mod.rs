//! The tenant access token: fetched with the app's credentials, cached until shortly before it
//! expires, refreshed by one request at a time, and replaced when Feishu says it is stale.
//!
//! The three bugs users reported in the official SDKs are avoided by construction: the cache
//! follows `expire` from each reply (it cannot outlive the token), it belongs to one
//! [`TokenManager`] per app (two apps never share one), and [`TokenManager::replace`] refuses to hand
//! back the token that was just refused (a retry never reuses a stale token).
//!
//! The manager reads tokio's clock and gets its replies from a [`TokenEndpoint`], so its timing
//! (one fetch at a time, refresh ahead of expiry, a failed or hanging refresh) is unit-tested on a
//! paused clock.

mod endpoint;
mod error;
mod reply;

pub use endpoint::{EndpointReply, FeishuTokenEndpoint, TokenEndpoint};
pub use error::TokenError;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Duration;

use axum::http::HeaderValue;
use tokio::time::Instant;

use crate::secret::AppCredentials;

/// The longest a token is refreshed ahead of its expiry (the Node, Go and Java SDKs use 3 minutes).
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(180);

/// How long a due refresh may take while the current token still works, before the request goes
/// out with the current token (and the next request tries the refresh again).
const PATIENCE_WITH_USABLE_TOKEN: Duration = Duration::from_millis(200);

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

struct Cached {
    token: Token,
    refresh_at: Instant,
    /// Until when the token may still be sent (a little before Feishu's expiry): between
    /// `refresh_at` and this, it serves while a refresh runs, and if the refresh fails.
    usable_until: Instant,
}

/// Gets and caches the tenant token of one app, from Feishu's token endpoint unless told otherwise.
pub struct TokenManager<E = FeishuTokenEndpoint> {
    endpoint: E,
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
        TokenManager::with_endpoint(FeishuTokenEndpoint::new(http, base_url), app)
    }
}

impl<E: TokenEndpoint> TokenManager<E> {
    /// A manager for `app`, asking `endpoint` for tokens.
    pub fn with_endpoint(endpoint: E, app: AppCredentials) -> Self {
        TokenManager {
            endpoint,
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
        let reply = self.endpoint.post(&self.app).await?;
        let issued = reply::read(&reply, &self.app.app_secret)?;
        let generation = self.fetches.fetch_add(1, Ordering::Relaxed) + 1;
        let token = Token {
            authorization: issued.authorization,
            generation,
        };
        // Refresh a tenth of the lifetime early, at most 3 minutes: short test lifetimes still
        // get a margin, long ones refresh like the SDKs. Measured from before the request, so
        // time spent waiting for the reply counts against the token.
        let lifetime = issued.lifetime;
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
            expire_secs = issued.expire,
            "got a tenant access token"
        );
        Ok(token)
    }
}

fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_REFRESH_MARGIN)
}

#[cfg(test)]
mod tests;
