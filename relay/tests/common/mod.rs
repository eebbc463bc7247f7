//! Shared by the integration tests: start relays (and the simulation) in-process on port 0, and
//! talk to them over real loopback sockets.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use feishu_remedy::calendar::RemedyDate;
use feishu_remedy::model::QUERY_PATH;
use feishu_remedy::punch_results::PUNCH_RESULTS_PATH;
use relay::access::{Access, AllowedHosts};
use relay::config::UpstreamChoice;
use relay::secret::AppCredentials;
use relay::sim::{self, RunningSim, SimConfig};
use relay::{Config, RunningRelay};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub(crate) const LOOPBACK_ANY: &str = "127.0.0.1:0";

/// A relay on its own in-process simulation, with the default simulation settings.
pub(crate) async fn sim_relay() -> RunningRelay {
    relay_with(Config::simulation(SimConfig::default())).await
}

/// A relay on its own simulation, configured by `adjust`.
pub(crate) async fn sim_relay_with(
    adjust: impl FnOnce(&mut Config, &mut SimConfig),
) -> RunningRelay {
    let mut sim = SimConfig::default();
    let mut config = Config::simulation(SimConfig::default());
    adjust(&mut config, &mut sim);
    config.upstream = UpstreamChoice::Simulation(sim);
    relay_with(config).await
}

pub(crate) async fn relay_with(config: Config) -> RunningRelay {
    relay::start(config).await.expect("relay starts")
}

/// A stand-alone simulation (to put relays in Feishu mode in front of it).
pub(crate) async fn standalone_sim(config: SimConfig) -> RunningSim {
    sim::start(config, LOOPBACK_ANY.parse().unwrap())
        .await
        .expect("simulation starts")
}

/// A relay in "real Feishu" mode pointed at `base_url` with `app`.
pub(crate) fn feishu_config(base_url: &str, app: AppCredentials) -> Config {
    let mut config = Config::simulation(SimConfig::default());
    config.upstream = UpstreamChoice::Feishu {
        base_url: base_url.to_owned(),
        app,
    };
    config.access = Access::Open(AllowedHosts::default());
    config
}

pub(crate) fn app(id: &str, secret: &str) -> AppCredentials {
    AppCredentials {
        app_id: id.to_owned(),
        app_secret: relay::secret::Secret::new(secret),
    }
}

/// A client for the relays under test: plain HTTP on loopback, so no proxy and no certificate
/// store (loading the platform's roots costs tens of milliseconds a client, and the bursts below
/// build fifty).
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only(std::iter::empty())
        .build()
        .unwrap()
}

/// A reply, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    pub(crate) fn code(&self) -> i64 {
        self.json()["code"].as_i64().expect("a code")
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a Feishu-shaped error with this code, JSON content type and a log id.
    pub(crate) fn assert_feishu_error(&self, status: u16, code: i64) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.code(), code, "{self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        let logid = self.header("x-tt-logid").expect("a log id");
        assert!(!logid.is_empty());
    }
}

pub(crate) async fn read(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

/// POSTs a query the way Feishu clients do.
pub(crate) async fn query(base: &str, employee_type: &str, user_id: &str, date: u32) -> Reply {
    let body = serde_json::json!({"user_id": user_id, "remedy_date": date}).to_string();
    post_raw(base, &format!("employee_type={employee_type}"), &body, &[]).await
}

/// POSTs `body` to the Feishu path with `query` and extra headers (JSON content type unless
/// overridden).
pub(crate) async fn post_raw(
    base: &str,
    query: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Reply {
    post_to(base, QUERY_PATH, query, body, headers).await
}

/// POSTs `body` to `path` (a Feishu path) with `query` and extra headers (JSON content type
/// unless overridden).
pub(crate) async fn post_to(
    base: &str,
    path: &str,
    query: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let mut req = client()
        .post(format!("{base}{path}?{query}"))
        .body(body.to_owned());
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    read(req.send().await.unwrap()).await
}

pub(crate) async fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = client().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    read(req.send().await.unwrap()).await
}

/// The simulation's "today" for a relay on it, and a day `n` days before.
pub(crate) fn days_ago(relay: &RunningRelay, n: i64) -> u32 {
    let today = relay.sim().unwrap().listing()["today"].as_i64().unwrap();
    RemedyDate::from_yyyymmdd(today)
        .unwrap()
        .add_days(-n)
        .unwrap()
        .yyyymmdd()
}

/// Writes raw bytes on a fresh connection and reads the whole answer (the server closes it).
pub(crate) async fn raw_http(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// What a scripted upstream saw.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seen {
    pub(crate) token_requests: usize,
    pub(crate) queries: Vec<(HeaderMap, String, Bytes)>,
}

/// Feishu's punch-results reply with every field Feishu documents for a punch object (and two it
/// does not: coordinates), as the scripted upstream answers `user_tasks/query`.
pub(crate) const FULL_PUNCH_REPLY: &str = r#"{"code":0,"msg":"success","data":{"user_task_results":[{
  "result_id":"6709359313699356941","user_id":"abd754f7","employee_name":"张三","day":20190819,
  "group_id":"6737202939523236110","shift_id":"6753520403404030215","records":[{
    "check_in_record_id":"6709359313699356942","check_in_record":{"user_id":"abd754f7",
      "creator_id":"abd754f7","location_name":"西溪八方城","check_time":"1566176400",
      "comment":"上班打卡","record_id":"6709359313699356942","longitude":30.28991,
      "latitude":120.04513,"ssid":"Office-5G","bssid":"b0:b8:67:5c:1d:72","is_field":false,
      "is_wifi":true,"type":0,"photo_urls":["https://time.clockin.biz/manage/download/68403"],
      "device_id":"99e0609ee053448596502691a8142865","check_result":"Late",
      "external_id":"record_123","idempotent_id":"25"},
    "check_out_record_id":"6709359313699356943","check_out_record":{"check_time":"1566209400",
      "location_name":"西溪八方城","ssid":"Office-5G","bssid":"b0:b8:67:5c:1d:72","type":5,
      "photo_urls":[],"device_id":"99e0609ee053448596502691a8142865","comment":"下班",
      "external_id":"record_124","idempotent_id":"26","record_id":"6709359313699356943"},
    "check_in_result":"Late","check_out_result":"Normal","check_in_result_supplement":"None",
    "check_out_result_supplement":"CardReplacementApplication",
    "check_in_shift_time":"1566176400","check_out_shift_time":"1566208800","task_shift_type":0}]}],
  "invalid_user_ids":["sim_nobody"],"unauthorized_user_ids":[]}}"#;

/// How the scripted upstream answers queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    /// 200, code 0, an empty list ([`FULL_PUNCH_REPLY`] for punch results); token `t-fixed`
    /// every time.
    Ok,
    /// 99991663 with HTTP 400 for every query; the token endpoint always hands back `t-fixed`.
    AlwaysStale,
    /// Accepts the connection and never answers a query.
    Hang,
    /// The token endpoint answers its rate limit (99991400, HTTP 429) to every request.
    TokenRateLimited,
}

/// A minimal Feishu-speaking upstream that records what it receives, for what the simulation
/// cannot show (exact forwarded headers and bytes) or must not do (hang forever).
pub(crate) async fn scripted_upstream(script: Script) -> (String, Arc<Mutex<Seen>>) {
    use axum::extract::{Request, State};
    use axum::routing::post;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let token = move |State(seen): State<Arc<Mutex<Seen>>>| async move {
        seen.lock().unwrap().token_requests += 1;
        if script == Script::TokenRateLimited {
            return (
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                r#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
            );
        }
        (
            axum::http::StatusCode::OK,
            r#"{"code":0,"msg":"ok","tenant_access_token":"t-fixed","expire":7200}"#,
        )
    };
    let query = move |State(seen): State<Arc<Mutex<Seen>>>, req: Request| async move {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, 1 << 16).await.unwrap();
        let pq = parts.uri.path_and_query().unwrap().to_string();
        let punches = pq.starts_with(PUNCH_RESULTS_PATH);
        seen.lock().unwrap().queries.push((parts.headers, pq, body));
        match script {
            Script::Ok if punches => (axum::http::StatusCode::OK, FULL_PUNCH_REPLY),
            Script::Ok => (
                axum::http::StatusCode::OK,
                r#"{"code":0,"msg":"success","data":{"user_allowed_remedys":[]}}"#,
            ),
            Script::AlwaysStale => (
                axum::http::StatusCode::BAD_REQUEST,
                r#"{"code":99991663,"msg":"Invalid access token for authorization"}"#,
            ),
            Script::TokenRateLimited => unreachable!("no token, no query"),
            Script::Hang => {
                std::future::pending::<()>().await;
                unreachable!()
            }
        }
    };
    let app = axum::Router::new()
        .route(feishu_remedy::model::TOKEN_PATH, post(token))
        .route(QUERY_PATH, post(query))
        .route(PUNCH_RESULTS_PATH, post(query))
        .with_state(seen.clone());
    let listener = TcpListener::bind(LOOPBACK_ANY).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

/// A relay on real-Feishu settings (app `cli_x`) in front of a [`scripted_upstream`]; `adjust`
/// may change its configuration first (a shorter timeout, say).
pub(crate) async fn scripted_relay(
    script: Script,
    adjust: impl FnOnce(&mut Config),
) -> (RunningRelay, Arc<Mutex<Seen>>) {
    let (upstream, seen) = scripted_upstream(script).await;
    let mut config = feishu_config(&upstream, app("cli_x", "secret-x"));
    adjust(&mut config);
    (relay_with(config).await, seen)
}

/// Waits (a few milliseconds at a time, for at most 5 s) until `done` says so.
pub(crate) async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("still waiting for {what}");
}

/// A loopback port with nothing listening on it.
pub(crate) async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind(LOOPBACK_ANY).await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}
pub(crate) mod browser;
