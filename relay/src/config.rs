//! Configuration from flags and environment variables. Secrets (the app secret, API keys) come
//! only from the environment: a command line is visible to every user of the machine (`ps`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use feishu_remedy::calendar::RemedyDate;
use feishu_remedy::validate::{self, Loose};

use crate::access::{is_loopback_url, Access, AllowedHosts, ApiKeys};
use crate::cors::CorsPolicy;
use crate::gates::GateSettings;
use crate::limiter::{self, LimitSettings};
use crate::secret::{AppCredentials, Secret};
use crate::sim::clock::Clock;
use crate::sim::{SimConfig, DEFAULT_RATE_LIMIT};
use crate::static_files::StaticFiles;

/// Feishu's base URL (Lark's is `https://open.larksuite.com`).
pub const DEFAULT_BASE_URL: &str = "https://open.feishu.cn";

/// Environment variable holding the app secret.
pub const ENV_APP_SECRET: &str = "FEISHU_APP_SECRET";

/// Environment variable holding the API keys of `--access bearer`, comma-separated.
pub const ENV_API_KEYS: &str = "RELAY_API_KEYS";

/// The command line. Every flag can also be set by the environment variable named in `--help`.
#[derive(Debug, Parser)]
#[command(
    name = "relay",
    version,
    about = "Feishu relay for query_user_allowed_remedys: holds the app credentials and tenant \
             token, speaks Feishu's wire format on Feishu's path. Without FEISHU_APP_ID and \
             FEISHU_APP_SECRET it runs on a built-in simulation of Feishu.",
    after_help = "Secrets come from the environment only: FEISHU_APP_SECRET, and RELAY_API_KEYS \
                  (comma-separated) for --access bearer."
)]
pub struct Cli {
    /// Address to listen on; port 0 picks a free one (see the `listening on` log line).
    #[arg(long, env = "RELAY_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Directory served at `/` (`index.html` for `/`).
    #[arg(long, env = "RELAY_WWW_DIR", value_name = "DIR")]
    pub www_dir: Option<PathBuf>,

    /// Directory served at `/pkg/` (the npm package).
    #[arg(long, env = "RELAY_PKG_DIR", value_name = "DIR")]
    pub pkg_dir: Option<PathBuf>,

    /// An origin whose pages may call the relay (repeatable; `*` = any origin, only if given).
    #[arg(
        long = "cors-origin",
        env = "RELAY_CORS_ORIGINS",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// Deadline for one upstream exchange (token, query, retry), in milliseconds.
    #[arg(
        long,
        env = "RELAY_UPSTREAM_TIMEOUT_MS",
        default_value_t = 10_000,
        value_parser = clap::value_parser!(u64).range(1..=600_000)
    )]
    pub upstream_timeout_ms: u64,

    // Feishu's quota (relay/README.md, "Keeping within Feishu's quota"): one limiter per route.
    /// Requests per second Feishu allows the app on each route; the relay never sends more in any
    /// one-second interval (0 = no limit).
    #[arg(long, env = "RELAY_FEISHU_RATE_LIMIT", default_value_t = limiter::DEFAULT_RATE_LIMIT)]
    pub feishu_rate_limit: u32,
    /// How many relays share the app's quota: each takes --feishu-rate-limit / N (at least 1).
    #[arg(
        long,
        env = "RELAY_REPLICAS",
        default_value_t = 1,
        value_parser = clap::value_parser!(u32).range(1..=1000)
    )]
    pub replicas: u32,
    /// How many requests may wait for a free slot of a route's limit before the relay answers 429.
    #[arg(long, env = "RELAY_FEISHU_QUEUE_LEN", default_value_t = limiter::DEFAULT_QUEUE_LEN)]
    pub feishu_queue_len: usize,
    /// How long a request may wait for a free slot before the relay answers 429, in milliseconds
    /// (at most half of --upstream-timeout-ms is used).
    #[arg(
        long,
        env = "RELAY_FEISHU_QUEUE_WAIT_MS",
        default_value_t = limiter::DEFAULT_QUEUE_WAIT.as_millis() as u64,
        value_parser = clap::value_parser!(u64).range(0..=600_000)
    )]
    pub feishu_queue_wait_ms: u64,
    /// Do not let identical requests in flight share one call upstream.
    #[arg(long, env = "RELAY_NO_COALESCE")]
    pub no_coalesce: bool,

    /// `open` mode: a host name to serve besides loopback ones (the name an SSO proxy on this
    /// machine forwards as `Host`); repeatable. Other names are refused (DNS rebinding).
    #[arg(
        long = "allowed-host",
        env = "RELAY_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,

    /// Who may call: `open` (loopback only) or `bearer` (keys from RELAY_API_KEYS).
    #[arg(long, env = "RELAY_ACCESS", value_enum, default_value_t = AccessArg::Open)]
    pub access: AccessArg,

    /// Simulation: requests per second per app before 429 (0 = no limit).
    #[arg(long, env = "RELAY_SIM_RATE_LIMIT", default_value_t = DEFAULT_RATE_LIMIT)]
    pub sim_rate_limit: u32,

    /// Simulation: lifetime of the tenant tokens it issues, in seconds.
    #[arg(
        long,
        env = "RELAY_SIM_TOKEN_TTL_SECS",
        default_value_t = 7200,
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    pub sim_token_ttl_secs: u64,

    /// Simulation: pretend today is this day (yyyyMMdd) instead of today in China time.
    #[arg(long, env = "RELAY_SIM_TODAY", value_name = "YYYYMMDD")]
    pub sim_today: Option<i64>,

    /// Threads serving requests: 1 (one thread does everything; on small machines it serves more
    /// requests per CPU than several), N, or 0 for one per CPU.
    #[arg(long, env = "RELAY_WORKER_THREADS", default_value_t = 1)]
    pub worker_threads: usize,

    /// Serve only the simulation of Feishu on --listen (for benchmarks and other Feishu clients).
    #[arg(long, env = "RELAY_SIM_ONLY")]
    pub sim_only: bool,

    /// The self-built app's ID (`cli_…`). With FEISHU_APP_SECRET, the relay calls real Feishu.
    #[arg(long = "feishu-app-id", env = "FEISHU_APP_ID", value_name = "APP_ID")]
    pub app_id: Option<String>,

    /// Feishu's base URL.
    #[arg(
        long = "feishu-base-url",
        env = "FEISHU_BASE_URL",
        default_value = DEFAULT_BASE_URL,
        value_name = "URL"
    )]
    pub base_url: String,
}

/// `--access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessArg {
    /// No key asked; only allowed on a loopback address.
    Open,
    /// `Authorization: Bearer <key>` with a key from RELAY_API_KEYS.
    Bearer,
}

/// Where queries go.
#[derive(Debug, Clone)]
pub enum UpstreamChoice {
    /// Real Feishu (or anything speaking its protocol) at `base_url`.
    Feishu {
        /// E.g. `https://open.feishu.cn`, no trailing slash.
        base_url: String,
        /// The app's credentials.
        app: AppCredentials,
    },
    /// The built-in simulation, started in-process on a loopback port.
    Simulation(SimConfig),
}

/// A checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The static directories.
    pub statics: StaticFiles,
    /// Which origins get CORS headers.
    pub cors: CorsPolicy,
    /// Deadline of one upstream exchange.
    pub upstream_timeout: Duration,
    /// Who may call.
    pub access: Access,
    /// Where queries go.
    pub upstream: UpstreamChoice,
    /// Each Feishu route's limiter, and coalescing.
    pub gates: GateSettings,
}

/// A configuration that cannot work; the text says what to change.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

fn fail<T>(msg: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError(msg.into()))
}

impl Config {
    /// Defaults for tests and embedding: loopback with any free port, open access, the
    /// simulation with `sim`, no static files, no CORS origins, a 10 s upstream timeout.
    pub fn simulation(sim: SimConfig) -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            statics: StaticFiles::default(),
            cors: CorsPolicy::default(),
            upstream_timeout: Duration::from_secs(10),
            access: Access::Open(AllowedHosts::default()),
            upstream: UpstreamChoice::Simulation(sim),
            gates: GateSettings::default(),
        }
    }

    /// Checks the command line; `env` reads the secrets (`std::env::var` in the binary).
    pub fn from_cli(cli: &Cli, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let statics = StaticFiles::new(cli.www_dir.as_deref(), cli.pkg_dir.as_deref())
            .or_else(|e| fail(format!("static directory: {e}")))?;
        Ok(Config {
            listen: cli.listen,
            statics,
            cors: CorsPolicy::new(&cli.cors_origins),
            upstream_timeout: Duration::from_millis(cli.upstream_timeout_ms),
            access: access(cli, &env)?,
            upstream: upstream(cli, &env)?,
            gates: gates(cli),
        })
    }
}

fn gates(cli: &Cli) -> GateSettings {
    GateSettings {
        limits: LimitSettings {
            per_second: cli.feishu_rate_limit,
            replicas: cli.replicas,
            queue_len: cli.feishu_queue_len,
            queue_wait: Duration::from_millis(cli.feishu_queue_wait_ms),
        },
        coalesce: !cli.no_coalesce,
    }
}

fn access(cli: &Cli, env: &impl Fn(&str) -> Option<String>) -> Result<Access, ConfigError> {
    match cli.access {
        AccessArg::Open if !cli.listen.ip().is_loopback() => fail(format!(
            "--access open serves anyone who can reach {}: listen on a loopback address (and put \
             an SSO proxy in front), or use --access bearer with {ENV_API_KEYS}",
            cli.listen
        )),
        AccessArg::Open => Ok(Access::Open(AllowedHosts::new(&cli.allowed_hosts))),
        AccessArg::Bearer => {
            let keys = ApiKeys::parse(&env(ENV_API_KEYS).unwrap_or_default());
            if keys.is_empty() {
                return fail(format!(
                    "--access bearer needs at least one key in {ENV_API_KEYS}"
                ));
            }
            Ok(Access::Bearer(keys))
        }
    }
}

fn upstream(
    cli: &Cli,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<UpstreamChoice, ConfigError> {
    let app_id = cli.app_id.clone().filter(|s| !s.trim().is_empty());
    let secret = env(ENV_APP_SECRET).filter(|s| !s.trim().is_empty());
    match (app_id, secret) {
        (Some(app_id), Some(secret)) => Ok(UpstreamChoice::Feishu {
            base_url: base_url(&cli.base_url)?,
            app: AppCredentials {
                app_id: app_id.trim().to_owned(),
                app_secret: Secret::new(secret.trim()),
            },
        }),
        (None, None) => Ok(UpstreamChoice::Simulation(simulation(cli)?)),
        (Some(_), None) => fail(format!("FEISHU_APP_ID is set but {ENV_APP_SECRET} is not")),
        (None, Some(_)) => fail(format!("{ENV_APP_SECRET} is set but FEISHU_APP_ID is not")),
    }
}

fn base_url(raw: &str) -> Result<String, ConfigError> {
    let raw = if raw.trim().is_empty() {
        DEFAULT_BASE_URL
    } else {
        raw.trim()
    };
    let url = validate::relay_url(&Loose::Text(raw.to_owned())).or_else(|_| {
        fail(format!(
            "FEISHU_BASE_URL must be an http(s) URL, got {raw:?}"
        ))
    })?;
    // The app secret is posted to this URL: in clear text only to this machine.
    if url.starts_with("http://") && !is_loopback_url(&url) {
        return fail(format!(
            "FEISHU_BASE_URL must be https:// (the app secret is sent to it), unless it is a \
             loopback address; got {raw:?}"
        ));
    }
    Ok(url)
}

fn simulation(cli: &Cli) -> Result<SimConfig, ConfigError> {
    let clock = match cli.sim_today {
        None => Clock::ChinaNow,
        Some(n) => match RemedyDate::from_yyyymmdd(n) {
            Ok(day) => Clock::Fixed(day),
            Err(_) => return fail(format!("--sim-today must be a real yyyyMMdd date, got {n}")),
        },
    };
    Ok(SimConfig {
        rate_limit: cli.sim_rate_limit,
        token_ttl: Duration::from_secs(cli.sim_token_ttl_secs),
        clock,
        ..SimConfig::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("relay").chain(args.iter().copied())).unwrap()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn no_credentials_means_the_simulation() {
        let c = Config::from_cli(&cli(&[]), no_env).unwrap();
        assert!(matches!(c.upstream, UpstreamChoice::Simulation(_)));
        assert_eq!(c.listen.to_string(), "127.0.0.1:8787");
        assert_eq!(c.upstream_timeout, Duration::from_secs(10));
    }

    #[test]
    fn credentials_mean_feishu_and_half_of_them_is_an_error() {
        let env = |k: &str| (k == ENV_APP_SECRET).then(|| "s3cr3t".to_owned());
        let c = Config::from_cli(&cli(&["--feishu-app-id", "cli_x"]), env).unwrap();
        let UpstreamChoice::Feishu { base_url, app } = c.upstream else {
            panic!()
        };
        assert_eq!(base_url, "https://open.feishu.cn");
        assert_eq!(app.app_id, "cli_x");
        assert!(!format!("{:?}", app).contains("s3cr3t"));
        let err = Config::from_cli(&cli(&["--feishu-app-id", "cli_x"]), no_env).unwrap_err();
        assert!(err.to_string().contains(ENV_APP_SECRET));
        let bad_url = ["--feishu-app-id", "cli_x", "--feishu-base-url", "ftp://x"];
        assert!(Config::from_cli(&cli(&bad_url), env).is_err());
    }

    #[test]
    fn the_secret_goes_in_clear_text_only_to_this_machine() {
        let env = |k: &str| (k == ENV_APP_SECRET).then(|| "s3cr3t".to_owned());
        let with = |url: &str| {
            let args = ["--feishu-app-id", "cli_x", "--feishu-base-url", url];
            Config::from_cli(&cli(&args), env)
        };
        for url in [
            "http://open.feishu.cn",
            "http://localhost.example.com",
            "http://127.0.0.1.example.com",
        ] {
            let err = with(url).unwrap_err();
            assert!(err.to_string().contains("https://"), "{url}: {err}");
        }
        for url in [
            "https://open.larksuite.com",
            "http://127.0.0.1:9000",
            "http://localhost:9000",
            "http://[::1]:9000",
        ] {
            assert!(with(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn open_access_only_on_loopback_and_bearer_needs_keys() {
        let err = Config::from_cli(&cli(&["--listen", "0.0.0.0:8787"]), no_env).unwrap_err();
        assert!(err.to_string().contains("loopback"), "{err}");
        assert!(Config::from_cli(&cli(&["--access", "bearer"]), no_env).is_err());
        let keys = |k: &str| (k == ENV_API_KEYS).then(|| "a-key".to_owned());
        let c = Config::from_cli(&cli(&["--listen", "0.0.0.0:1", "--access", "bearer"]), keys);
        assert_eq!(c.unwrap().access.name(), "bearer");
    }

    #[test]
    fn quota_flags() {
        let c = Config::from_cli(&cli(&[]), no_env).unwrap();
        assert_eq!(c.gates, GateSettings::default());
        assert_eq!(c.gates.limits.per_second, 50);
        assert_eq!(c.gates.limits.share(), 50);
        let args = [
            "--feishu-rate-limit",
            "40",
            "--replicas",
            "3",
            "--feishu-queue-len",
            "7",
            "--feishu-queue-wait-ms",
            "1500",
            "--no-coalesce",
        ];
        let g = Config::from_cli(&cli(&args), no_env).unwrap().gates;
        assert_eq!(g.limits.share(), 13);
        assert_eq!(g.limits.queue_len, 7);
        assert_eq!(g.limits.queue_wait, Duration::from_millis(1500));
        assert!(!g.coalesce);
        assert!(Cli::try_parse_from(["relay", "--replicas", "0"]).is_err());
    }

    #[test]
    fn simulation_flags() {
        let c = cli(&["--sim-rate-limit", "0", "--sim-today", "20260230"]);
        assert!(Config::from_cli(&c, no_env).is_err(), "no 30 February");
        let c = cli(&[
            "--sim-rate-limit",
            "0",
            "--sim-today",
            "20260301",
            "--sim-token-ttl-secs",
            "5",
        ]);
        let UpstreamChoice::Simulation(sim) = Config::from_cli(&c, no_env).unwrap().upstream else {
            panic!()
        };
        assert_eq!(sim.rate_limit, 0);
        assert_eq!(sim.token_ttl, Duration::from_secs(5));
        assert_eq!(sim.clock.today().yyyymmdd(), 20260301);
        assert!(
            cli(&["--cors-origin", "https://a", "--cors-origin", "*"])
                .cors_origins
                .len()
                == 2
        );
    }
}
