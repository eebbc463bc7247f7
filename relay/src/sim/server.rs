//! The simulation's HTTP server: Feishu's two endpoints, answering like Feishu, and its sign-in
//! ([`super::signin`]: the authorize page, the code exchange, `user_info`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use feishu_remedy::calendar::RemedyDate;
use feishu_remedy::catalogue;
use feishu_remedy::model::{AllowedRemedy, QUERY_PATH, TOKEN_PATH};
use feishu_remedy::validate;
use serde::Deserialize;

use super::dataset::{self, Answer, SLOW_DELAY};
use super::rate_limit::RateLimiter;
use super::replies::{self, feishu_style_log_id};
use super::signin::{self, SigninSim};
use super::tokens::TokenBook;
use super::SimConfig;
use crate::access::bearer_credentials;
use crate::wire::query_param;

/// Everything the simulation knows and counts.
pub struct SimState {
    pub(super) config: SimConfig,
    pub(super) tokens: TokenBook,
    pub(super) limiter: RateLimiter,
    pub(super) token_requests: AtomicU64,
    pub(super) query_requests: AtomicU64,
    /// Test knob: refuse (and forget) every token with 99991663.
    pub(super) reject_all_tokens: AtomicBool,
    /// The HTTP status sent with 99991663 (400; users have seen 200).
    pub(super) stale_token_status: AtomicU16,
    /// Requests so far per (user, day) for `sim_429_once`.
    alternation: Mutex<HashMap<(String, u32), u64>>,
    /// The sign-in endpoints' state (codes, user tokens, counters), for the same apps.
    pub(super) signin: Arc<SigninSim>,
}

impl SimState {
    /// Fresh state for `config`.
    pub fn new(config: SimConfig) -> Self {
        SimState {
            signin: Arc::new(SigninSim::with_system_clock(config.apps.clone())),
            tokens: TokenBook::new(config.token_ttl),
            limiter: RateLimiter::new(config.rate_limit),
            config,
            token_requests: AtomicU64::new(0),
            query_requests: AtomicU64::new(0),
            reject_all_tokens: AtomicBool::new(false),
            stale_token_status: AtomicU16::new(400),
            alternation: Mutex::new(HashMap::new()),
        }
    }

    /// Today, by the simulation's clock.
    pub fn today(&self) -> RemedyDate {
        self.config.clock.today()
    }

    /// The app behind a request's token, or the Feishu code refusing it.
    pub(super) fn authorise(&self, headers: &HeaderMap) -> Result<String, i64> {
        let value = headers.get(AUTHORIZATION).ok_or(catalogue::TOKEN_MISSING)?;
        // Visible ASCII only (`to_str`), as before: anything else is malformed, not unknown.
        let token = value
            .to_str()
            .ok()
            .and_then(|v| bearer_credentials(v.as_bytes()))
            .and_then(|t| std::str::from_utf8(t).ok())
            .filter(|t| t.starts_with("t-") || t.starts_with("u-"))
            .ok_or(catalogue::TOKEN_MALFORMED)?;
        if self.reject_all_tokens.load(Ordering::Relaxed) {
            // Refused and forgotten, so the token endpoint hands out a new one next time.
            self.tokens.revoke(token);
            return Err(catalogue::TOKEN_INVALID);
        }
        self.tokens.app_of(token).ok_or(catalogue::TOKEN_INVALID)
    }

    pub(super) fn token_refusal(&self, code: i64, log_id: &str) -> Response {
        let mut response = replies::error(code, log_id);
        if code == catalogue::TOKEN_INVALID {
            let status = self.stale_token_status.load(Ordering::Relaxed);
            *response.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        }
        response
    }

    /// 1 for the first request for this user and day, 2 for the next…
    fn nth_request(&self, user_id: &str, date: RemedyDate) -> u64 {
        let mut seen = self
            .alternation
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let n = seen
            .entry((user_id.to_owned(), date.yyyymmdd()))
            .or_insert(0);
        *n += 1;
        *n
    }
}

/// The simulation's routes: the tenant token, the query, and the sign-in's.
pub fn router(state: Arc<SimState>) -> Router {
    let signin = signin::routes(state.signin.clone());
    Router::new()
        .route(TOKEN_PATH, post(token))
        .route(QUERY_PATH, post(query))
        .with_state(state)
        .merge(signin)
        .fallback(not_found)
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "404 page not found").into_response()
}

#[derive(Deserialize)]
struct Credentials {
    app_id: String,
    app_secret: String,
}

async fn token(State(sim): State<Arc<SimState>>, body: Bytes) -> Response {
    sim.token_requests.fetch_add(1, Ordering::Relaxed);
    let log_id = feishu_style_log_id();
    let known = serde_json::from_slice::<Credentials>(&body)
        .ok()
        .filter(|c| {
            sim.config
                .apps
                .iter()
                .any(|app| app.app_id == c.app_id && app.app_secret.expose() == c.app_secret)
        });
    let Some(creds) = known else {
        return replies::error(catalogue::BAD_CREDENTIALS, &log_id);
    };
    let (token, expire) = sim.tokens.issue(&creds.app_id);
    let reply = serde_json::json!({
        "code": 0,
        "msg": "ok",
        "tenant_access_token": token,
        "expire": expire,
    });
    replies::json(StatusCode::OK, &reply, &log_id)
}

async fn query(
    State(sim): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    sim.query_requests.fetch_add(1, Ordering::Relaxed);
    let log_id = feishu_style_log_id();
    // Feishu's order: the gateway checks the token and the rate limit before the API sees input.
    let app_id = match sim.authorise(&headers) {
        Ok(app_id) => app_id,
        Err(code) => return sim.token_refusal(code, &log_id),
    };
    if let Err(reset) = sim.limiter.check(&app_id) {
        return replies::rate_limited(sim.limiter.per_second(), reset, &log_id);
    }
    let employee_type = query_param(uri.query(), "employee_type");
    let q = match validate::wire_query(employee_type.as_deref(), &body) {
        Ok(q) => q,
        Err(e) => {
            return replies::error_with(catalogue::INVALID_PARAM, &e.feishu_msg(), 400, &log_id)
        }
    };
    let answer = dataset::answer(
        q.employee_type,
        q.user_id.as_str(),
        q.remedy_date,
        sim.today(),
    );
    match answer {
        Answer::Remedys(rows) => replies::success(rows, &log_id),
        Answer::Code(code) => replies::error(code, &log_id),
        Answer::Slow(rows) => {
            tokio::time::sleep(SLOW_DELAY).await;
            replies::success(rows, &log_id)
        }
        Answer::Html502 => replies::html_502(),
        Answer::RateLimitedOnce(rows) => {
            alternate(&sim, q.user_id.as_str(), q.remedy_date, rows, &log_id)
        }
        Answer::RateLimited => replies::rate_limited(shown_limit(&sim), 1, &log_id),
    }
}

fn alternate(
    sim: &SimState,
    user_id: &str,
    date: RemedyDate,
    rows: Vec<AllowedRemedy>,
    log_id: &str,
) -> Response {
    if sim.nth_request(user_id, date) % 2 == 1 {
        replies::rate_limited(shown_limit(sim), 1, log_id)
    } else {
        replies::success(rows, log_id)
    }
}

/// The `x-ogw-ratelimit-limit` of a simulated 429: what the limit would be even when the real
/// limit is off (`--sim-rate-limit 0`).
fn shown_limit(sim: &SimState) -> u32 {
    match sim.limiter.per_second() {
        0 => super::DEFAULT_RATE_LIMIT,
        n => n,
    }
}
