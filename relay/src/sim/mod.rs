//! A simulation of Feishu: a real HTTP server on loopback speaking Feishu's wire format for the
//! endpoints the relay uses (the token, `query_user_allowed_remedys`, punch results and
//! sign-in), answering from a deterministic dataset relative to today.
//!
//! The relay starts it in-process when no credentials are configured and talks to it through the
//! same HTTP client and code path as to Feishu. `relay --sim-only` serves it alone.

pub mod clock;
pub mod dataset;
pub mod hold;
pub mod listing;
pub mod punch_results;
pub mod punch_route;
pub mod rate_limit;
pub mod replies;
pub mod server;
pub mod signin;
pub mod tokens;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::secret::{AppCredentials, Secret};
use clock::Clock;
use feishu_remedy::model::QUERY_PATH;
use hold::Hold;
use punch_results::PUNCH_RESULTS_PATH;
use punch_route::PunchRoute;
use server::SimState;

/// The simulated app's ID: what the relay uses on the simulation, and what `--sim-only` accepts.
pub const SIM_APP_ID: &str = "cli_sim_feishu_remedy";

/// The simulated app's secret. Not a secret at all: it only opens the simulation.
pub const SIM_APP_SECRET: &str = "sim_secret_not_for_production";

/// Feishu's documented limit for the sibling endpoint, and the simulation's default.
pub const DEFAULT_RATE_LIMIT: u32 = 50;

/// Feishu's token lifetime.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(7200);

/// How long shutdown waits for in-flight simulated requests (`sim_slow` takes 3 s).
const DRAIN_LIMIT: Duration = Duration::from_secs(5);

/// How the simulation behaves.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The apps whose credentials the token endpoint accepts.
    pub apps: Vec<AppCredentials>,
    /// Requests per second per app; 0 = unlimited.
    pub rate_limit: u32,
    /// Lifetime of issued tokens.
    pub token_ttl: Duration,
    /// Where "today" comes from.
    pub clock: Clock,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            apps: vec![AppCredentials {
                app_id: SIM_APP_ID.to_owned(),
                app_secret: Secret::new(SIM_APP_SECRET),
            }],
            rate_limit: DEFAULT_RATE_LIMIT,
            token_ttl: DEFAULT_TOKEN_TTL,
            clock: Clock::default(),
        }
    }
}

/// A handle on a running simulation: its address, its counters and its test knobs.
#[derive(Clone)]
pub struct SimHandle {
    state: Arc<SimState>,
    punch: Arc<PunchRoute>,
    hold: Arc<Hold>,
    addr: SocketAddr,
}

/// What one simulated route has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traffic {
    /// Requests received (whatever became of them).
    pub requests: u64,
    /// Requests refused by the route's rate limit (429 + 99991400).
    pub rate_limited: u64,
    /// The most requests with a valid token that arrived within any one second.
    pub busiest_second: usize,
}

impl SimHandle {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, e.g. `http://127.0.0.1:40123` (what `FEISHU_BASE_URL` would be).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The first configured app (the one the relay uses in simulation mode).
    pub fn app(&self) -> Option<&AppCredentials> {
        self.state.config.apps.first()
    }

    /// Token requests received so far.
    pub fn token_requests(&self) -> u64 {
        self.state.token_requests.load(Ordering::Relaxed)
    }

    /// Query requests received so far.
    pub fn query_requests(&self) -> u64 {
        self.state.query_requests.load(Ordering::Relaxed)
    }

    /// Punch-results requests (`user_tasks/query`) received so far.
    pub fn punch_requests(&self) -> u64 {
        self.punch.requests()
    }

    /// What the route at `path` (`QUERY_PATH` or `PUNCH_RESULTS_PATH`) has seen.
    pub fn traffic(&self, path: &str) -> Option<Traffic> {
        let (requests, limiter) = match path {
            QUERY_PATH => (self.query_requests(), &self.state.limiter),
            PUNCH_RESULTS_PATH => (self.punch_requests(), &self.punch.limiter),
            _ => return None,
        };
        Some(Traffic {
            requests,
            rate_limited: limiter.refused(),
            busiest_second: limiter.busiest_second(),
        })
    }

    /// While on, requests to Feishu's APIs (not the token endpoint) wait before being answered;
    /// turning it off lets them go (tests use it to keep requests in flight).
    pub fn hold_answers(&self, on: bool) {
        self.hold.set(on);
    }

    /// Invalidates every issued token (the next query with one gets 99991663).
    pub fn revoke_tokens(&self) {
        self.state.tokens.revoke_all();
    }

    /// While on, every query is refused with 99991663, fresh token or not, and the refused token
    /// is forgotten (so the next token request gets a new one).
    pub fn reject_all_tokens(&self, on: bool) {
        self.state.reject_all_tokens.store(on, Ordering::Relaxed);
    }

    /// The HTTP status sent with 99991663 (400 by default; Feishu has been seen to use 200).
    pub fn set_stale_token_status(&self, status: u16) {
        self.state
            .stale_token_status
            .store(status, Ordering::Relaxed);
    }

    /// The sign-in endpoints (their counters; codes as `tt.requestAccess` would give them).
    pub fn signin(&self) -> &signin::SigninSim {
        &self.state.signin
    }

    /// The `/_sim/dataset` listing for today.
    pub fn listing(&self) -> serde_json::Value {
        listing::listing(self.state.today(), self.state.config.rate_limit)
    }
}

/// A simulation serving in the background.
pub struct RunningSim {
    handle: SimHandle,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningSim {
    /// Its handle.
    pub fn handle(&self) -> &SimHandle {
        &self.handle
    }

    /// Stops accepting, lets in-flight requests finish (within a bound), and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(DRAIN_LIMIT, &mut task).await.is_err() {
            task.abort();
        }
    }
}

/// Binds `addr` (use port 0 for any free port) and serves the simulation on it.
pub async fn start(config: SimConfig, addr: SocketAddr) -> std::io::Result<RunningSim> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let punch = Arc::new(PunchRoute::new(config.rate_limit));
    let state = Arc::new(SimState::new(config));
    let hold = Arc::new(Hold::default());
    // The punch-results route is merged here rather than in `server::router`: it builds on the
    // server's state (tokens), so the server cannot name it without a cycle.
    let app = server::router(state.clone())
        .merge(punch_route::router(state.clone(), punch.clone()))
        .layer(axum::middleware::from_fn_with_state(
            hold.clone(),
            hold::layer,
        ));
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .await
    });
    Ok(RunningSim {
        handle: SimHandle {
            state,
            punch,
            hold,
            addr,
        },
        stop,
        task,
    })
}
