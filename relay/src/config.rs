//! Configuration from flags and environment variables. Secrets (the app secret, API keys) come
//! only from the environment: a command line is visible to every user of the machine (`ps`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use feishu_remedy::calendar::RemedyDate;
use feishu_remedy::validate::{self, Loose};

use crate::access::{is_loopback_url, Access, AllowedHosts, ApiKeys};
use crate::auth::identity::Admins;
use crate::auth::jwt::{TokenVerifier, DEFAULT_AUDIENCE};
use crate::auth::key::SessionKey;
use crate::auth::session::DEFAULT_TTL;
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
    after_help = "Secrets come from the environment only: FEISHU_APP_SECRET; RELAY_API_KEYS \
                  (comma-separated) for --access bearer; RELAY_SESSION_KEY (at least 32 bytes) \
                  for --access feishu; RELAY_TOKEN_KEY (HS256, at least 32 bytes) for --access \
                  token."
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
    /// Do not forward Feishu's punch results (`user_tasks/query`): for an app without the
    /// permission, so that range queries go straight to asking every day (the route answers 404).
    #[arg(long, env = "RELAY_NO_PUNCH_RESULTS")]
    pub no_punch_results: bool,

    /// `open` mode: a host name to serve besides loopback ones (the name an SSO proxy on this
    /// machine forwards as `Host`); repeatable. Other names are refused (DNS rebinding).
    #[arg(
        long = "allowed-host",
        env = "RELAY_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,

    /// Who may call: `open` (loopback only), `bearer` (keys from RELAY_API_KEYS), `feishu`
    /// (employees sign in with Feishu; each sees only their own punches) or `token` (a signed
    /// token from the host page names the employee).
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

    // Who is asking (`--access feishu|token`, issue 11). Secrets (RELAY_SESSION_KEY,
    // RELAY_TOKEN_KEY) come from the environment only.
    /// `feishu`: how long a session lasts: `8h`, `30m`, `3600s`, `1d` (1 minute to 30 days).
    #[arg(long, env = "RELAY_SESSION_TTL", value_name = "DURATION", value_parser = parse_ttl, default_value = "8h")]
    pub session_ttl: Duration,

    /// `feishu`: the URL people open the relay at (`https://remedy.example.com`); it builds the
    /// redirect URL `{public}/auth/callback`, and https makes the cookies `Secure` and `__Host-`.
    /// On a loopback address it defaults to `http://{listen address}`.
    #[arg(long, env = "RELAY_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// `feishu`: Feishu's authorize host (default https://accounts.feishu.cn; Lark:
    /// https://accounts.larksuite.com). On the simulation, the simulation's own.
    #[arg(
        long = "feishu-accounts-url",
        env = "FEISHU_ACCOUNTS_URL",
        value_name = "URL"
    )]
    pub accounts_url: Option<String>,

    /// `feishu`/`token`: `user_id`s who may ask about anyone (HR), comma-separated. On the
    /// simulation, unset means its HR account `sim_hr`.
    #[arg(long = "admins", env = "RELAY_ADMINS", value_name = "USER_IDS")]
    pub admins: Option<String>,

    /// `token`: a PEM RSA or EC (P-256) public key verifying RS256/ES256 tokens (instead of
    /// RELAY_TOKEN_KEY).
    #[arg(long, env = "RELAY_TOKEN_PUBLIC_KEY", value_name = "FILE")]
    pub token_public_key: Option<PathBuf>,

    /// `token`: the `aud` tokens must carry.
    #[arg(long, env = "RELAY_TOKEN_AUDIENCE", default_value = DEFAULT_AUDIENCE, value_name = "AUD")]
    pub token_audience: String,
}

/// `--access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessArg {
    /// No key asked; only allowed on a loopback address.
    Open,
    /// `Authorization: Bearer <key>` with a key from RELAY_API_KEYS.
    Bearer,
    /// Employees sign in with Feishu (session cookie keyed by RELAY_SESSION_KEY).
    Feishu,
    /// `Authorization: Bearer <JWT>` minted by the host page's backend.
    Token,
}

impl AccessArg {
    /// The value as given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AccessArg::Open => "open",
            AccessArg::Bearer => "bearer",
            AccessArg::Feishu => "feishu",
            AccessArg::Token => "token",
        }
    }
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
    /// Whether `user_tasks/query` (punch results) is forwarded; `--no-punch-results` turns it off.
    pub punch_results: bool,
    /// Who is asking (`--access feishu|token`); with a mode other than [`SignInChoice::Off`],
    /// `access` is [`Access::BySignIn`].
    pub sign_in: SignInChoice,
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
            punch_results: true,
            sign_in: SignInChoice::Off,
        }
    }

    /// Sets the sign-in mode (and the access that goes with it: [`Access::BySignIn`] for a
    /// sign-in mode).
    pub fn set_sign_in(&mut self, sign_in: SignInChoice) {
        if !matches!(sign_in, SignInChoice::Off) {
            self.access = Access::BySignIn;
        }
        self.sign_in = sign_in;
    }

    /// The access mode's name, for the start-up line: `open`, `bearer`, `feishu` or `token`.
    pub fn access_name(&self) -> &'static str {
        match &self.sign_in {
            SignInChoice::Off => self.access.name(),
            SignInChoice::Feishu(_) => "feishu",
            SignInChoice::Token(_) => "token",
        }
    }

    /// Checks the command line; `env` reads the secrets (`std::env::var` in the binary).
    pub fn from_cli(cli: &Cli, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let statics = StaticFiles::new(cli.www_dir.as_deref(), cli.pkg_dir.as_deref())
            .or_else(|e| fail(format!("static directory: {e}")))?;
        let upstream = upstream(cli, &env)?;
        let on_simulation = matches!(upstream, UpstreamChoice::Simulation(_));
        let sign_in = sign_in(cli, &env, on_simulation)?;
        let access = match sign_in {
            SignInChoice::Off => access(cli, &env)?,
            _ => Access::BySignIn,
        };
        Ok(Config {
            listen: cli.listen,
            statics,
            cors: CorsPolicy::new(&cli.cors_origins),
            upstream_timeout: Duration::from_millis(cli.upstream_timeout_ms),
            access,
            upstream,
            sign_in,
            gates: gates(cli),
            punch_results: !cli.no_punch_results,
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
        AccessArg::Feishu | AccessArg::Token => Ok(Access::BySignIn),
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

// ---------------------------------------------------------------------------------------------
// Who is asking: `--access feishu|token` (issue 11).

/// Environment variable holding the master key of the session cookies (`--access feishu`).
pub const ENV_SESSION_KEY: &str = "RELAY_SESSION_KEY";

/// Environment variable holding the HS256 key of `--access token`.
pub const ENV_TOKEN_KEY: &str = "RELAY_TOKEN_KEY";

/// Feishu's authorize host (Lark's is `https://accounts.larksuite.com`).
pub const DEFAULT_ACCOUNTS_URL: &str = "https://accounts.feishu.cn";

/// The admins on the simulation when `RELAY_ADMINS` is unset: its HR account, so that the demo
/// shows an admin's view (issue 11: "one of them, a new one, is HR: an admin in the demo").
pub use crate::sim::dataset::DEMO_ADMINS;

/// The shortest and longest `--session-ttl`.
const SESSION_TTL_RANGE: (Duration, Duration) =
    (Duration::from_secs(60), Duration::from_secs(30 * 86_400));

/// Who is asking, as configured.
#[derive(Debug, Clone)]
pub enum SignInChoice {
    /// `open` / `bearer`: the relay does not know who asks.
    Off,
    /// `feishu`: Feishu sign-in and a session cookie.
    Feishu(FeishuSignInChoice),
    /// `token`: a signed token from the host page.
    Token(TokenChoice),
}

/// `--access feishu`'s settings.
#[derive(Debug, Clone)]
pub struct FeishuSignInChoice {
    /// The cookies' key.
    pub key: SessionKey,
    /// Whether `key` was made for this run (simulation without `RELAY_SESSION_KEY`).
    pub key_generated: bool,
    /// How long a session lasts.
    pub ttl: Duration,
    /// The public URL, no trailing slash; `None`: `http://{the address listened on}`.
    pub public_url: Option<String>,
    /// Feishu's authorize host; `None`: the simulation's own address.
    pub accounts_url: Option<String>,
    /// Who may ask about anyone.
    pub admins: Admins,
}

impl FeishuSignInChoice {
    /// Feishu sign-in with `key`, the default session lifetime, the public URL and accounts host
    /// by default (the listen address; the simulation's), and `admins`.
    pub fn new(key: SessionKey, admins: Admins) -> Self {
        FeishuSignInChoice {
            key,
            key_generated: false,
            ttl: DEFAULT_TTL,
            public_url: None,
            accounts_url: None,
            admins,
        }
    }
}

/// `--access token`'s settings.
#[derive(Debug, Clone)]
pub struct TokenChoice {
    /// Verifies the tokens (one key, one algorithm).
    pub verifier: Arc<TokenVerifier>,
    /// `user_id`s (a token's `employee_id`) who may ask about anyone, besides `admin: true`.
    pub admins: Admins,
}

/// `--session-ttl`: `N` seconds, or `N` followed by `s`, `m`, `h` or `d`.
fn parse_ttl(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let (digits, unit) = match raw.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => raw.split_at(i),
        None => (raw, "s"),
    };
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "{raw:?} is not a duration like 8h, 30m, 3600s or 1d"
            ))
        }
    };
    let ttl = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{raw:?} is not a duration like 8h, 30m, 3600s or 1d"))?;
    let (min, max) = SESSION_TTL_RANGE;
    if ttl < min || ttl > max {
        return Err(format!("{raw:?} is outside 1 minute to 30 days"));
    }
    Ok(ttl)
}

/// The sign-in mode from `--access` and its settings; settings of a mode not chosen are refused
/// (a forgotten `--access feishu` must not leave the relay answering about everyone).
fn sign_in(
    cli: &Cli,
    env: &impl Fn(&str) -> Option<String>,
    on_simulation: bool,
) -> Result<SignInChoice, ConfigError> {
    use AccessArg::{Feishu, Token};
    let set = |k: &str| env(k).is_some_and(|v| !v.trim().is_empty());
    let settings: [(bool, &str, &[AccessArg]); 6] = [
        (set(ENV_SESSION_KEY), ENV_SESSION_KEY, &[Feishu]),
        (
            cli.public_url.is_some(),
            "--public-url (RELAY_PUBLIC_URL)",
            &[Feishu],
        ),
        (
            cli.accounts_url.is_some(),
            "--feishu-accounts-url",
            &[Feishu],
        ),
        (set(ENV_TOKEN_KEY), ENV_TOKEN_KEY, &[Token]),
        (
            cli.token_public_key.is_some(),
            "--token-public-key",
            &[Token],
        ),
        (
            cli.admins.is_some(),
            "--admins (RELAY_ADMINS)",
            &[Feishu, Token],
        ),
    ];
    for (present, what, modes) in settings {
        if present && !modes.contains(&cli.access) {
            let wanted: Vec<&str> = modes.iter().map(|m| m.name()).collect();
            return fail(format!(
                "{what} applies only to --access {}, and the access is {}: set RELAY_ACCESS or \
                 remove the setting",
                wanted.join(" or "),
                cli.access.name()
            ));
        }
    }
    let admins = match (&cli.admins, on_simulation) {
        (Some(list), _) => Admins::from_list(list),
        (None, true) => Admins::from_list(DEMO_ADMINS),
        (None, false) => Admins::default(),
    };
    match cli.access {
        AccessArg::Open | AccessArg::Bearer => Ok(SignInChoice::Off),
        AccessArg::Feishu => feishu_sign_in(cli, env, on_simulation, admins),
        AccessArg::Token => token_sign_in(cli, env, admins),
    }
}

fn feishu_sign_in(
    cli: &Cli,
    env: &impl Fn(&str) -> Option<String>,
    on_simulation: bool,
    admins: Admins,
) -> Result<SignInChoice, ConfigError> {
    let master = env(ENV_SESSION_KEY).filter(|k| !k.is_empty());
    let (key, key_generated) = match master {
        Some(master) => {
            let key =
                SessionKey::from_master(&Secret::new(master)).or_else(|e| fail(e.to_string()))?;
            (key, false)
        }
        None if on_simulation => {
            let key = SessionKey::generate().or_else(|e| fail(e.to_string()))?;
            (key, true)
        }
        None => {
            return fail(format!(
                "--access feishu needs {ENV_SESSION_KEY} (at least 32 bytes, the same on every \
                 replica; make one with `openssl rand -base64 48`)"
            ))
        }
    };
    if cli.cors_origins.iter().any(|o| o.trim() == "*") {
        return fail(
            "--cors-origin '*' cannot carry the session cookie (browsers send no credentials to \
             a wildcard origin): name the pages' origins with --cors-origin",
        );
    }
    let public_url = match &cli.public_url {
        Some(raw) => Some(public_url(raw)?),
        None if cli.listen.ip().is_loopback() => None,
        None => {
            return fail(format!(
                "--access feishu on {} needs --public-url (RELAY_PUBLIC_URL), the https URL \
                 people open, to build the redirect URL registered in Feishu",
                cli.listen
            ))
        }
    };
    let accounts_url =
        match (&cli.accounts_url, on_simulation) {
            (Some(_), true) => return fail(
                "--feishu-accounts-url is for real Feishu; on the simulation the sign-in page is \
                 the simulation's own",
            ),
            (Some(raw), false) => Some(accounts_url(raw)?),
            (None, true) => None,
            (None, false) => Some(DEFAULT_ACCOUNTS_URL.to_owned()),
        };
    Ok(SignInChoice::Feishu(FeishuSignInChoice {
        key,
        key_generated,
        ttl: cli.session_ttl,
        public_url,
        accounts_url,
        admins,
    }))
}

/// `--public-url`: http(s), no query or fragment; `http://` only for a loopback host (the
/// session cookie would otherwise cross the network in clear text).
fn public_url(raw: &str) -> Result<String, ConfigError> {
    let url = validate::relay_url(&Loose::Text(raw.trim().to_owned())).or_else(|_| {
        fail(format!(
            "--public-url must be an http(s) URL without query or fragment, got {raw:?}"
        ))
    })?;
    if url.starts_with("http://") && !is_loopback_url(&url) {
        return fail(format!(
            "--public-url must be https:// (the session cookie must not cross the network in \
             clear text), unless it is a loopback address; got {raw:?}"
        ));
    }
    Ok(url)
}

fn accounts_url(raw: &str) -> Result<String, ConfigError> {
    validate::relay_url(&Loose::Text(raw.trim().to_owned())).or_else(|_| {
        fail(format!(
            "--feishu-accounts-url must be an http(s) URL, got {raw:?}"
        ))
    })
}

fn token_sign_in(
    cli: &Cli,
    env: &impl Fn(&str) -> Option<String>,
    admins: Admins,
) -> Result<SignInChoice, ConfigError> {
    let audience = cli.token_audience.trim();
    if audience.is_empty() {
        return fail("--token-audience must not be empty");
    }
    let hmac = env(ENV_TOKEN_KEY).filter(|k| !k.is_empty());
    let verifier = match (hmac, &cli.token_public_key) {
        (Some(_), Some(_)) => {
            return fail(format!(
                "--access token takes one key: {ENV_TOKEN_KEY} (HS256) or --token-public-key \
                 (RS256/ES256), not both"
            ))
        }
        (None, None) => {
            return fail(format!(
                "--access token needs {ENV_TOKEN_KEY} (HS256, at least 32 bytes) or \
                 --token-public-key FILE (a PEM RSA or EC P-256 public key)"
            ))
        }
        (Some(key), None) => TokenVerifier::hs256(&Secret::new(key), audience),
        (None, Some(file)) => {
            let pem = std::fs::read_to_string(file).or_else(|e| {
                fail(format!(
                    "cannot read --token-public-key {}: {e}",
                    file.display()
                ))
            })?;
            TokenVerifier::from_public_key_pem(&pem, audience)
        }
    }
    .or_else(|e| fail(e.to_string()))?;
    Ok(SignInChoice::Token(TokenChoice {
        verifier: Arc::new(verifier),
        admins,
    }))
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

    // Sign-in modes (issue 11).

    const KEY32: &str = "a-session-master-key-of-32-bytes-or-more";

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    const REAL: &[(&str, &str)] = &[(ENV_APP_SECRET, "app-s3cr3t"), (ENV_SESSION_KEY, KEY32)];

    fn feishu(c: Config) -> FeishuSignInChoice {
        match c.sign_in {
            SignInChoice::Feishu(f) => f,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn session_ttls() {
        assert_eq!(parse_ttl("8h"), Ok(Duration::from_secs(8 * 3600)));
        assert_eq!(parse_ttl("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_ttl("3600"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_ttl("1d"), Ok(Duration::from_secs(86_400)));
        for bad in [
            "",
            "h",
            "8x",
            "-1h",
            "59s",
            "31d",
            "99999999999999999999d",
            "1.5h",
        ] {
            assert!(parse_ttl(bad).is_err(), "{bad:?}");
        }
        assert_eq!(cli(&[]).session_ttl, DEFAULT_TTL);
    }

    #[test]
    fn feishu_mode_needs_a_session_key_except_on_the_simulation() {
        let real = ["--access", "feishu", "--feishu-app-id", "cli_x"];
        let no_key = |k: &str| (k == ENV_APP_SECRET).then(|| "app-s3cr3t".to_owned());
        let err = Config::from_cli(&cli(&real), no_key)
            .unwrap_err()
            .to_string();
        assert!(err.contains(ENV_SESSION_KEY), "{err}");
        let short = |k: &str| match k {
            ENV_APP_SECRET => Some("app-s3cr3t".to_owned()),
            ENV_SESSION_KEY => Some("short-k3y".to_owned()),
            _ => None,
        };
        let err = Config::from_cli(&cli(&real), short)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("at least 32 bytes") && !err.contains("short-k3y"),
            "{err}"
        );
        let c = Config::from_cli(&cli(&real), env_of(REAL)).unwrap();
        assert!(matches!(c.access, Access::BySignIn));
        assert_eq!(c.access_name(), "feishu");
        let f = feishu(c);
        assert!(!f.key_generated && f.admins.is_empty());
        assert_eq!(f.accounts_url.as_deref(), Some(DEFAULT_ACCOUNTS_URL));
        assert_eq!(f.ttl, DEFAULT_TTL);
        let sim = feishu(Config::from_cli(&cli(&["--access", "feishu"]), no_env).unwrap());
        assert!(sim.key_generated);
        assert_eq!(sim.accounts_url, None, "the simulation's own");
        assert!(
            sim.admins.contains(Some(DEMO_ADMINS)),
            "HR is the demo's admin"
        );
        let none = cli(&["--access", "feishu", "--admins", ""]);
        assert!(feishu(Config::from_cli(&none, no_env).unwrap())
            .admins
            .is_empty());
    }

    #[test]
    fn feishu_mode_urls() {
        let with = |args: &[&str]| {
            let mut all = vec!["--access", "feishu", "--feishu-app-id", "cli_x"];
            all.extend_from_slice(args);
            Config::from_cli(&cli(&all), env_of(REAL))
        };
        let err = with(&["--listen", "0.0.0.0:8787"]).unwrap_err().to_string();
        assert!(err.contains("--public-url"), "{err}");
        let c = with(&[
            "--listen",
            "0.0.0.0:8787",
            "--public-url",
            "https://r.example.com/",
        ]);
        assert_eq!(
            feishu(c.unwrap()).public_url.as_deref(),
            Some("https://r.example.com")
        );
        let err = with(&["--public-url", "http://r.example.com"]).unwrap_err();
        assert!(err.to_string().contains("https://"), "{err}");
        assert!(with(&["--public-url", "http://127.0.0.1:9000"]).is_ok());
        assert!(with(&["--public-url", "https://r.example.com/?x"]).is_err());
        let lark = with(&["--feishu-accounts-url", "https://accounts.larksuite.com"]).unwrap();
        assert_eq!(
            feishu(lark).accounts_url.as_deref(),
            Some("https://accounts.larksuite.com")
        );
        let on_sim = cli(&[
            "--access",
            "feishu",
            "--feishu-accounts-url",
            "https://a.example",
        ]);
        assert!(Config::from_cli(&on_sim, no_env).is_err());
        let err = with(&["--cors-origin", "*"]).unwrap_err().to_string();
        assert!(err.contains("session cookie"), "{err}");
        assert!(with(&["--cors-origin", "https://hr.example.com"]).is_ok());
    }

    #[test]
    fn token_mode_takes_exactly_one_key() {
        let hs = |k: &str| (k == ENV_TOKEN_KEY).then(|| "t".repeat(32));
        let c = Config::from_cli(&cli(&["--access", "token"]), hs).unwrap();
        assert_eq!(c.access_name(), "token");
        let SignInChoice::Token(t) = c.sign_in else {
            panic!()
        };
        assert_eq!(t.verifier.algorithm(), jsonwebtoken::Algorithm::HS256);
        let err = Config::from_cli(&cli(&["--access", "token"]), no_env).unwrap_err();
        assert!(err.to_string().contains(ENV_TOKEN_KEY), "{err}");
        let short = |k: &str| (k == ENV_TOKEN_KEY).then(|| "tiny-k3y".to_owned());
        let err = Config::from_cli(&cli(&["--access", "token"]), short).unwrap_err();
        assert!(!err.to_string().contains("tiny-k3y"), "{err}");
        let both = cli(&[
            "--access",
            "token",
            "--token-public-key",
            "/nonexistent.pem",
        ]);
        let err = Config::from_cli(&both, hs).unwrap_err().to_string();
        assert!(err.contains("not both"), "{err}");
        let err = Config::from_cli(&both, no_env).unwrap_err().to_string();
        assert!(err.contains("/nonexistent.pem"), "{err}");
        let blank = cli(&["--access", "token", "--token-audience", " "]);
        assert!(Config::from_cli(&blank, hs).is_err());
    }

    #[test]
    fn a_mode_s_settings_without_the_mode_are_refused() {
        let key = |k: &str| (k == ENV_SESSION_KEY).then(|| KEY32.to_owned());
        let err = Config::from_cli(&cli(&[]), key).unwrap_err().to_string();
        assert!(
            err.contains("--access feishu") && err.contains("open"),
            "{err}"
        );
        assert!(!err.contains(KEY32));
        let tk = |k: &str| (k == ENV_TOKEN_KEY).then(|| KEY32.to_owned());
        assert!(Config::from_cli(&cli(&["--access", "feishu"]), tk).is_err());
        let cases: [(&[&str], bool); 3] = [
            (&["--public-url", "https://r.example.com"], false),
            (&["--admins", "sim_hr"], false),
            (
                &["--access", "token", "--public-url", "https://r.example.com"],
                true,
            ),
        ];
        for (args, with_token_key) in cases {
            let env = |k: &str| tk(k).filter(|_| with_token_key);
            let err = Config::from_cli(&cli(args), env).unwrap_err().to_string();
            assert!(err.contains("applies only to"), "{args:?}: {err}");
        }
    }
}
