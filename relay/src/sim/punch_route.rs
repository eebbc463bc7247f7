//! The simulation's `POST /open-apis/attendance/v1/user_tasks/query`: the same gateway as the
//! other route (token first, then this route's own rate limit, as Feishu limits each API on its
//! own), then Feishu's parameter checks (1220001), then the answer from [`super::punch_results`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use feishu_remedy::catalogue;
use serde_json::json;

use super::dataset::SLOW_DELAY;
use super::punch_results::{self, PunchAnswer, PunchData, PunchRequest, PUNCH_RESULTS_PATH};
use super::rate_limit::RateLimiter;
use super::replies::{self, feishu_style_log_id};
use super::server::SimState;

/// The route's own state: its rate limit and counters.
pub struct PunchRoute {
    /// Feishu's limit for this API, counted apart from the other route's.
    pub(super) limiter: RateLimiter,
    pub(super) requests: AtomicU64,
    /// Requests so far per (first user, first day) for `sim_429_once`.
    alternation: Mutex<HashMap<(String, u32), u64>>,
}

impl PunchRoute {
    /// A route allowing `rate_limit` requests per second per app (0: unlimited).
    pub fn new(rate_limit: u32) -> Self {
        PunchRoute {
            limiter: RateLimiter::new(rate_limit),
            requests: AtomicU64::new(0),
            alternation: Mutex::new(HashMap::new()),
        }
    }

    /// Requests received so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn nth_request(&self, req: &PunchRequest) -> u64 {
        let first = req.user_ids.first().cloned().unwrap_or_default();
        let mut seen = self
            .alternation
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let n = seen.entry((first, req.from.yyyymmdd())).or_insert(0);
        *n += 1;
        *n
    }
}

type Both = (Arc<SimState>, Arc<PunchRoute>);

/// The route, to merge into the simulation's router.
pub fn router(sim: Arc<SimState>, route: Arc<PunchRoute>) -> Router {
    Router::new()
        .route(PUNCH_RESULTS_PATH, post(query))
        .with_state((sim, route))
}

async fn query(
    State((sim, route)): State<Both>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    route.requests.fetch_add(1, Ordering::Relaxed);
    let log_id = feishu_style_log_id();
    let app_id = match sim.authorise(&headers) {
        Ok(app_id) => app_id,
        Err(code) => return sim.token_refusal(code, &log_id),
    };
    if let Err(reset) = route.limiter.check(&app_id) {
        return replies::rate_limited(route.limiter.per_second(), reset, &log_id);
    }
    let req = match punch_results::parse(uri.query(), &body) {
        Ok(req) => req,
        Err(msg) => return replies::error_with(catalogue::INVALID_PARAM, &msg, 400, &log_id),
    };
    let shown_limit = match route.limiter.per_second() {
        0 => super::DEFAULT_RATE_LIMIT,
        n => n,
    };
    match punch_results::answer(&req, sim.today()) {
        PunchAnswer::Results(data) => success(data, &log_id),
        PunchAnswer::Code(code) => replies::error(code, &log_id),
        PunchAnswer::Slow(data) => {
            tokio::time::sleep(SLOW_DELAY).await;
            success(data, &log_id)
        }
        PunchAnswer::Html502 => replies::html_502(),
        PunchAnswer::RateLimitedOnce(data) if route.nth_request(&req) % 2 == 0 => {
            success(data, &log_id)
        }
        PunchAnswer::RateLimitedOnce(_) | PunchAnswer::RateLimited => {
            replies::rate_limited(shown_limit, 1, &log_id)
        }
    }
}

fn success(data: PunchData, log_id: &str) -> Response {
    let envelope = json!({"code": 0, "msg": "success", "data": data});
    replies::json(axum::http::StatusCode::OK, &envelope, log_id)
}
