//! Putting the relay together: upstream client, routes, middleware, listener, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Extension, Router};
use feishu_remedy::catalogue;
use feishu_remedy::model::{RemedyQuery, QUERY_PATH};
use feishu_remedy::punch_results::{PunchQuery, PUNCH_RESULTS_PATH};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::feishu_signin::SigninClient;
use crate::auth::login::LoginCookies;
use crate::auth::mode::{Caller, FeishuSignIn, SignIn, TokenSignIn, CODE_EXCHANGES_PER_SECOND};
use crate::auth::permit;
use crate::auth::sealed::secure_for;
use crate::auth::session::SessionCookies;
use crate::config::{Config, FeishuSignInChoice, SignInChoice, UpstreamChoice};
use crate::limiter::{LimitSettings, RouteLimiter};
use crate::log_id::LogId;
use crate::metrics::Metrics;
use crate::secret::AppCredentials;
use crate::sim::{self, RunningSim, SimConfig, SimHandle};
use crate::state::AppState;
use crate::token::TokenManager;
use crate::upstream::Upstream;
use crate::wire::{json_reply, relay_error, relay_error_with};
use crate::{access, cors, proxy, request_log, signin_routes};

/// Log target of the start-up lines (which upstream, `listening on http://ADDR`): always
/// enabled by [`crate::logging::init`], whatever `RUST_LOG` says, because scripts read them.
pub const READY_TARGET: &str = "relay::ready";

/// Path of the health check.
pub const HEALTH_PATH: &str = "/healthz";

/// Path of the simulation's dataset listing (simulation mode only).
pub const DATASET_PATH: &str = "/_sim/dataset";

/// Path of the counters in Prometheus' text format (same access rule as the Feishu routes).
pub const METRICS_PATH: &str = "/metrics";

/// Why the relay could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The listen address (or the simulation's) could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The HTTP client could not be built (no usable TLS roots, say), or the base URL is unusable.
    #[error("cannot set up the upstream client: {0}")]
    Client(String),
}

/// A relay serving in the background.
pub struct RunningRelay {
    addr: SocketAddr,
    sim: Option<RunningSim>,
    metrics: Arc<Metrics>,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    drain_limit: Duration,
}

impl RunningRelay {
    /// The address it listens on (with the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The in-process simulation, when running on it.
    pub fn sim(&self) -> Option<&SimHandle> {
        self.sim.as_ref().map(RunningSim::handle)
    }

    /// The counters per Feishu route: calls made, Feishu's 429s, the relay's 429s, coalesced.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Stops accepting connections, lets in-flight requests finish (at most the upstream timeout
    /// plus a little), then stops the simulation.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        match tokio::time::timeout(self.drain_limit, &mut task).await {
            Ok(_) => tracing::info!("drained; stopped"),
            Err(_) => {
                tracing::warn!("requests still running after the drain limit; stopping anyway");
                task.abort();
            }
        }
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
    }
}

/// Starts the relay as configured: the simulation first if asked for, then the listener.
/// Logs first whether it runs on the simulation, and `listening on http://ADDR` once bound.
pub async fn start(mut config: Config) -> Result<RunningRelay, StartError> {
    announce(&config);
    let (timeout, listen) = (config.upstream_timeout, config.listen);
    let sim = match &config.upstream {
        UpstreamChoice::Feishu { .. } => None,
        UpstreamChoice::Simulation(sim_config) => Some(start_simulation(sim_config.clone()).await?),
    };
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: listen,
        source,
    })?;
    // Bound first: on loopback the public URL defaults to the address, port 0 resolved.
    config.listen = addr;
    let (state, cors_policy) = app_state(config, sim.as_ref().map(|s| s.handle().clone()))?;
    let metrics = state.upstream.metrics().clone();
    let app = router(state, cors_policy);
    tracing::info!(target: READY_TARGET, "listening on http://{addr}");
    let header_timeout = timeout.clamp(MIN_HEADER_READ_TIMEOUT, MAX_HEADER_READ_TIMEOUT);
    let (stop, task) = serve(listener, app, header_timeout);
    Ok(RunningRelay {
        addr,
        sim,
        metrics,
        stop,
        task,
        // A request may take the timeout for its body, then the timeout upstream.
        drain_limit: timeout * 2 + Duration::from_secs(2),
    })
}

/// The in-process simulation on a free loopback port.
async fn start_simulation(sim_config: SimConfig) -> Result<RunningSim, StartError> {
    if sim_config.apps.is_empty() {
        return Err(no_sim_app());
    }
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let running = sim::start(sim_config, loopback)
        .await
        .map_err(|source| StartError::Bind {
            addr: loopback,
            source,
        })?;
    let url = running.handle().base_url();
    // Not "listening on": that phrase is reserved for the relay's own address, which scripts grep.
    tracing::info!("simulation of Feishu started at {url} (upstream)");
    Ok(running)
}

fn no_sim_app() -> StartError {
    StartError::Client("the simulation is configured without any app".to_owned())
}

/// The relay as a service, without a socket: its routes and middleware for `config`, with `sim`
/// the in-process simulation's handle when it runs on one. [`start`] serves it; tests can also
/// send it requests directly (`tower::ServiceExt::oneshot`).
pub fn app(config: Config, sim: Option<SimHandle>) -> Result<Router, StartError> {
    let (state, cors_policy) = app_state(config, sim)?;
    Ok(router(state, cors_policy))
}

fn app_state(
    config: Config,
    sim: Option<SimHandle>,
) -> Result<(Arc<AppState>, Arc<cors::CorsPolicy>), StartError> {
    let timeout = config.upstream_timeout;
    let (base_url, app) = upstream_of(&config.upstream, sim.as_ref())?;
    let http = http_client(&base_url, timeout)?;
    let sign_in = sign_in_of(&config, sim.as_ref(), &base_url, &app)?;
    let tokens = TokenManager::new(http.clone(), &base_url, app);
    let upstream = Upstream::new(http, &base_url, tokens, timeout, config.gates)
        .map_err(StartError::Client)?;
    let state = Arc::new(AppState {
        upstream,
        access: config.access,
        sign_in,
        statics: config.statics,
        punch_results: config.punch_results,
        sim,
    });
    Ok((state, Arc::new(config.cors)))
}

/// The sign-in at run time. Feishu sign-in talks to the upstream (Feishu or the simulation) as
/// the upstream's app; its authorize page is the configured accounts host, or the simulation's.
fn sign_in_of(
    config: &Config,
    sim: Option<&SimHandle>,
    base_url: &str,
    app: &AppCredentials,
) -> Result<SignIn, StartError> {
    match &config.sign_in {
        SignInChoice::Off if matches!(config.access, access::Access::BySignIn) => Err(
            StartError::Client("access by sign-in, but no sign-in mode configured".to_owned()),
        ),
        SignInChoice::Off => Ok(SignIn::Off),
        SignInChoice::Token(t) => Ok(SignIn::Token(Arc::new(TokenSignIn {
            verifier: t.verifier.clone(),
            admins: t.admins.clone(),
        }))),
        SignInChoice::Feishu(f) => {
            let accounts_url = match (&f.accounts_url, sim) {
                (Some(url), _) => url.clone(),
                (None, Some(sim)) => sim.base_url(),
                (None, None) => {
                    return Err(StartError::Client(
                        "--access feishu needs Feishu's accounts URL".to_owned(),
                    ))
                }
            };
            let http = http_client_builder(base_url, config.upstream_timeout)
                .timeout(config.upstream_timeout)
                .build()
                .map_err(|e| StartError::Client(e.to_string()))?;
            let client =
                SigninClient::new(http, base_url, app.app_id.clone(), app.app_secret.clone());
            let exchanges = RouteLimiter::new(&LimitSettings {
                per_second: CODE_EXCHANGES_PER_SECOND,
                replicas: config.gates.limits.replicas,
                queue_len: 10 * CODE_EXCHANGES_PER_SECOND as usize,
                queue_wait: Duration::from_secs(5),
            });
            let feishu = feishu_sign_in(
                f,
                config.listen,
                accounts_url,
                client,
                exchanges,
                &app.app_id,
            );
            Ok(SignIn::Feishu(Arc::new(feishu)))
        }
    }
}

fn feishu_sign_in(
    f: &FeishuSignInChoice,
    listen: SocketAddr,
    accounts_url: String,
    client: SigninClient,
    exchanges: RouteLimiter,
    app_id: &str,
) -> FeishuSignIn {
    let public_url = f
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{listen}"));
    let secure = secure_for(&public_url);
    FeishuSignIn {
        sessions: SessionCookies::new(f.key.clone(), secure, f.ttl),
        logins: LoginCookies::new(f.key.clone(), secure),
        client,
        exchanges,
        admins: f.admins.clone(),
        app_id: app_id.to_owned(),
        accounts_url,
        public_url,
    }
}

/// Where queries go and as which app: Feishu's URL and the configured app, or the running
/// simulation's URL and its first app.
fn upstream_of(
    choice: &UpstreamChoice,
    sim: Option<&SimHandle>,
) -> Result<(String, AppCredentials), StartError> {
    match (choice, sim) {
        (UpstreamChoice::Feishu { base_url, app }, _) => Ok((base_url.clone(), app.clone())),
        (UpstreamChoice::Simulation(_), Some(sim)) => sim
            .app()
            .map(|app| (sim.base_url(), app.clone()))
            .ok_or_else(no_sim_app),
        (UpstreamChoice::Simulation(_), None) => Err(StartError::Client(
            "the simulation is not running".to_owned(),
        )),
    }
}

fn announce(config: &Config) {
    let version = env!("CARGO_PKG_VERSION");
    let access = access_summary(config);
    match &config.upstream {
        UpstreamChoice::Simulation(_) => tracing::info!(
            target: READY_TARGET,
            "relay {version} running on the built-in Feishu SIMULATION (FEISHU_APP_ID and \
             FEISHU_APP_SECRET not set); access {access}"
        ),
        UpstreamChoice::Feishu { base_url, app } => tracing::info!(
            target: READY_TARGET,
            "relay {version} running on real Feishu at {base_url} as app {}; access {access}",
            app.app_id
        ),
    }
}

/// The access mode for the first line; for a sign-in mode, how many admins (never who) and
/// whether the session key was made for this run.
fn access_summary(config: &Config) -> String {
    let name = config.access_name();
    match &config.sign_in {
        SignInChoice::Off => name.to_owned(),
        SignInChoice::Token(t) => format!(
            "{name} ({:?} tokens; admins: {})",
            t.verifier.algorithm(),
            t.admins.len()
        ),
        SignInChoice::Feishu(f) if f.key_generated => format!(
            "{name} (admins: {}; session key GENERATED for this run: sessions end when the relay \
             stops; set RELAY_SESSION_KEY to keep them)",
            f.admins.len()
        ),
        SignInChoice::Feishu(f) => format!("{name} (admins: {})", f.admins.len()),
    }
}

fn http_client(base_url: &str, timeout: Duration) -> Result<reqwest::Client, StartError> {
    http_client_builder(base_url, timeout)
        .build()
        .map_err(|e| StartError::Client(e.to_string()))
}

fn http_client_builder(base_url: &str, timeout: Duration) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder()
        .user_agent(concat!("feishu-remedy-relay/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .tcp_nodelay(true)
        // Feishu does not redirect this API; a redirect is passed back, never followed blindly.
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(60));
    // A proxy from the environment is right for reaching Feishu, never for a loopback upstream.
    if access::is_loopback_url(base_url) {
        builder.no_proxy()
    } else {
        builder
    }
}

/// The relay's routes and middleware.
fn router(state: Arc<AppState>, cors_policy: Arc<cors::CorsPolicy>) -> Router {
    let mut router = Router::new()
        .route(
            QUERY_PATH,
            post(proxy::forward::<RemedyQuery>).fallback(proxy::method_not_allowed),
        )
        .route(HEALTH_PATH, get(healthz))
        .route(METRICS_PATH, get(metrics))
        .merge(signin_routes::routes(
            &state.sign_in,
            state.upstream.timeout(),
        ));
    if state.punch_results {
        router = router.route(
            PUNCH_RESULTS_PATH,
            post(proxy::forward::<PunchQuery>).fallback(proxy::method_not_allowed),
        );
    }
    if state.sim.is_some() {
        router = router.route(DATASET_PATH, get(dataset));
    }
    router
        .fallback(static_or_not_found)
        .layer(middleware::from_fn_with_state(cors_policy, cors::layer))
        .layer(middleware::from_fn(request_log::layer))
        .with_state(state)
}

/// The longest a client may take to send a request's head (and an idle kept-alive connection may
/// wait for the next one): without a limit, a client that stops mid-header holds its connection
/// forever. The limit is `--upstream-timeout-ms` when that is shorter, but never below
/// [`MIN_HEADER_READ_TIMEOUT`].
pub const MAX_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The shortest head read timeout: a tiny `--upstream-timeout-ms` must not drop honest clients
/// (or the idle connections a proxy is about to reuse).
pub const MIN_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` until `stop` is set, then lets requests in flight finish (idle
/// connections close at once). hyper's HTTP/1 server directly rather than `axum::serve`, which
/// gives its connections no timer and so no header read timeout.
fn serve(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
) -> (watch::Sender<bool>, JoinHandle<std::io::Result<()>>) {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let graceful = GracefulShutdown::new();
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = stopped.wait_for(|s| *s) => break,
            };
            let tcp = match accepted {
                Ok((tcp, _)) => tcp,
                // Out of file descriptors, say: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            // Small replies on kept-alive connections: do not let Nagle's algorithm hold them back.
            let _ = tcp.set_nodelay(true);
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(app.clone()));
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                let _ = connection.await;
            });
        }
        drop(listener);
        graceful.shutdown().await;
        Ok(())
    });
    (stop, task)
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let mode = if state.sim.is_some() {
        "simulation"
    } else {
        "feishu"
    };
    json_reply(&serde_json::json!({"status": "ok", "upstream": mode}))
}

async fn metrics(
    State(state): State<Arc<AppState>>,
    Extension(log_id): Extension<LogId>,
    headers: HeaderMap,
) -> Response {
    if let Some(code) = state.access.refusal(&headers) {
        return relay_error(code, &log_id);
    }
    // In a sign-in mode the counters (everyone's traffic) are for admins: the same rule as asking
    // about someone else's punches.
    match permit::identify(&state.sign_in, &headers, SystemTime::now(), &log_id) {
        Ok(Caller::Anonymous) => {}
        Ok(Caller::Person(who)) if who.admin => {}
        Ok(Caller::Person(_)) => {
            let msg = "relay: /metrics is for admins";
            return relay_error_with(catalogue::RELAY_NOT_YOUR_OWN, msg, &log_id, Vec::new());
        }
        Err(refused) => return refused.response(&log_id),
    }
    let mut response = state.upstream.metrics().prometheus().into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

async fn dataset(State(state): State<Arc<AppState>>) -> Response {
    match &state.sim {
        Some(sim) => json_reply(&sim.listing()),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn static_or_not_found(
    State(state): State<Arc<AppState>>,
    Extension(log_id): Extension<LogId>,
    req: Request,
) -> Response {
    match state.statics.serve(req.method(), req.uri().path()).await {
        Some(file) => file,
        None => relay_error(catalogue::RELAY_NOT_FOUND, &log_id),
    }
}
