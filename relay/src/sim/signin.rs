//! The simulation's Feishu sign-in (issue 11): the authorize page, the code exchange and
//! `user_info`, speaking Feishu's protocol and error codes, so the relay's sign-in runs end to end
//! without Feishu.
//!
//! - `GET /open-apis/authen/v1/authorize`: a page listing the accounts of
//!   [`super::dataset::ACCOUNTS`] by name (links, usable with the keyboard) and a "cancel" link;
//!   choosing one redirects to `redirect_uri` with a code and the `state`. `sim_user=<employee_id>`
//!   skips the page; `sim_cancel=1` answers `error=access_denied`.
//! - `POST /open-apis/authen/v2/oauth/token`: single-use codes valid 5 minutes, client id and
//!   secret, `redirect_uri` (equal to the authorize one, or absent for an in-client code) and PKCE
//!   (S256 or plain) checked, with Feishu's codes and `{"code","error","error_description"}`.
//! - `GET /open-apis/authen/v1/user_info`: who a `u-…` token belongs to.
//! - `POST /_sim/request_access`: what `tt.requestAccess` gives a page inside the Feishu client, a
//!   code without `redirect_uri` (the Feishu client does not exist here).
//!
//! Time comes from an injected clock ([`Now`]), so tests expire codes without waiting.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use feishu_remedy::catalogue;
use feishu_remedy::model::EmployeeType;
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use super::dataset::{self, Account, SignIn, ACCOUNTS};
use super::replies::{self, feishu_style_log_id};
use crate::auth::login::{pkce_challenge, AUTHORIZE_PATH};
use crate::auth::pages::escape;
use crate::auth::random;
use crate::auth::unix_time::unix_secs;
use crate::secret::AppCredentials;

/// The code exchange's and `user_info`'s paths: the relay's client and the simulation share them.
pub use crate::auth::feishu_signin::{TOKEN_PATH, USER_INFO_PATH};
/// The simulated `tt.requestAccess`.
pub const REQUEST_ACCESS_PATH: &str = "/_sim/request_access";

/// How long a code may wait for its exchange (Feishu's 5 minutes).
pub const CODE_TTL: Duration = Duration::from_secs(5 * 60);
/// How long a user token lives (Feishu's `expires_in`).
pub const USER_TOKEN_TTL: Duration = Duration::from_secs(7200);
/// The simulated company.
pub const SIM_TENANT_KEY: &str = "sim_tenant_2ed263bf32975";

/// Where the simulation's time comes from.
pub type Now = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// A PKCE challenge as sent to the authorize page.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Challenge {
    S256(String),
    Plain(String),
}

/// What a code stands for.
struct Grant {
    app_id: String,
    account: &'static Account,
    /// `None` for an in-client code.
    redirect_uri: Option<String>,
    challenge: Option<Challenge>,
    expires_at: u64,
    used: bool,
}

struct UserGrant {
    account: &'static Account,
    app_id: String,
    expires_at: u64,
}

/// The sign-in's state: apps, clock, outstanding codes and user tokens, counters.
pub struct SigninSim {
    apps: Vec<AppCredentials>,
    now: Now,
    codes: Mutex<HashMap<String, Grant>>,
    tokens: Mutex<HashMap<String, UserGrant>>,
    exchanges: AtomicU64,
    user_infos: AtomicU64,
}

/// Why a code could not be made (`POST /_sim/request_access`, or the authorize page).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    /// No account with that `user_id`.
    #[error("no simulated account has that user_id")]
    UnknownUser,
    /// The operating system gave no random bytes.
    #[error(transparent)]
    Random(#[from] random::RandomError),
}

impl SigninSim {
    /// Sign-in for `apps`, on the clock `now`.
    pub fn new(apps: Vec<AppCredentials>, now: Now) -> Self {
        SigninSim {
            apps,
            now,
            codes: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
            exchanges: AtomicU64::new(0),
            user_infos: AtomicU64::new(0),
        }
    }

    /// On the system clock.
    pub fn with_system_clock(apps: Vec<AppCredentials>) -> Self {
        Self::new(apps, Arc::new(SystemTime::now))
    }

    /// Code exchanges received so far.
    pub fn code_exchanges(&self) -> u64 {
        self.exchanges.load(Ordering::Relaxed)
    }

    /// `user_info` requests received so far.
    pub fn user_info_requests(&self) -> u64 {
        self.user_infos.load(Ordering::Relaxed)
    }

    /// A code as `tt.requestAccess` gives it inside the Feishu client: no `redirect_uri`, no PKCE.
    pub fn issue_in_client_code(
        &self,
        app_id: &str,
        employee_id: &str,
    ) -> Result<String, IssueError> {
        let account = dataset::account(employee_id).ok_or(IssueError::UnknownUser)?;
        self.issue_code(app_id, account, None, None)
    }

    fn now_secs(&self) -> u64 {
        unix_secs((self.now)())
    }

    fn issue_code(
        &self,
        app_id: &str,
        account: &'static Account,
        redirect_uri: Option<String>,
        challenge: Option<Challenge>,
    ) -> Result<String, IssueError> {
        // 48 random bytes: 64 characters of [A-Za-z0-9_-], Feishu's alphabet and length.
        let code = random::token::<48>()?;
        let now = self.now_secs();
        let grant = Grant {
            app_id: app_id.to_owned(),
            account,
            redirect_uri,
            challenge,
            expires_at: now + CODE_TTL.as_secs(),
            used: false,
        };
        let mut codes = self.codes.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget codes long past use (kept a while after expiry, so a late try still gets 20004).
        codes.retain(|_, g| g.expires_at + CODE_TTL.as_secs() > now);
        codes.insert(code.clone(), grant);
        Ok(code)
    }

    fn issue_user_token(
        &self,
        app_id: &str,
        account: &'static Account,
    ) -> Result<String, IssueError> {
        let token = format!("u-{}", random::token::<48>()?);
        let now = self.now_secs();
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.retain(|_, g| g.expires_at > now);
        let grant = UserGrant {
            account,
            app_id: app_id.to_owned(),
            expires_at: now + USER_TOKEN_TTL.as_secs(),
        };
        tokens.insert(token.clone(), grant);
        Ok(token)
    }

    fn app(&self, client_id: &str) -> Option<&AppCredentials> {
        self.apps.iter().find(|a| a.app_id == client_id)
    }
}

/// The sign-in routes, to merge into the simulation's router.
pub fn routes(state: Arc<SigninSim>) -> Router {
    Router::new()
        .route(AUTHORIZE_PATH, get(authorize))
        .route(TOKEN_PATH, post(token))
        .route(USER_INFO_PATH, get(user_info))
        .route(REQUEST_ACCESS_PATH, post(request_access))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------
// The authorize page

/// The authorize request's parameters.
#[derive(Debug, Default)]
struct AuthorizeParams {
    client_id: String,
    response_type: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    sim_user: Option<String>,
    sim_cancel: bool,
}

impl AuthorizeParams {
    fn parse(query: Option<&str>) -> Self {
        let mut p = AuthorizeParams::default();
        for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let v = v.into_owned();
            match &*k {
                "client_id" => p.client_id = v,
                "response_type" => p.response_type = v,
                "redirect_uri" => p.redirect_uri = v,
                "state" => p.state = Some(v),
                "code_challenge" => p.code_challenge = Some(v).filter(|c| !c.is_empty()),
                "code_challenge_method" => p.code_challenge_method = Some(v),
                "sim_user" => p.sim_user = Some(v),
                "sim_cancel" => p.sim_cancel = v == "1",
                _ => {}
            }
        }
        p
    }

    /// The challenge, or the Feishu code refusing its method.
    fn challenge(&self) -> Result<Option<Challenge>, i64> {
        let Some(challenge) = self.code_challenge.clone() else {
            return Ok(None);
        };
        match self.code_challenge_method.as_deref() {
            Some("S256") => Ok(Some(Challenge::S256(challenge))),
            None | Some("plain") => Ok(Some(Challenge::Plain(challenge))),
            Some(_) => Err(catalogue::SIGNIN_MISSING_PARAM),
        }
    }

    /// The authorize URL again, with one more parameter (the page's links).
    fn with(&self, extra: (&str, &str)) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("client_id", &self.client_id)
            .append_pair("response_type", &self.response_type)
            .append_pair("redirect_uri", &self.redirect_uri);
        if let Some(s) = &self.state {
            q.append_pair("state", s);
        }
        if let Some(c) = &self.code_challenge {
            q.append_pair("code_challenge", c);
        }
        if let Some(m) = &self.code_challenge_method {
            q.append_pair("code_challenge_method", m);
        }
        q.append_pair(extra.0, extra.1);
        format!("{AUTHORIZE_PATH}?{}", q.finish())
    }

    /// `redirect_uri` with these parameters and the `state` appended.
    fn back_with(&self, pairs: &[(&str, &str)]) -> String {
        let (base, fragment) = match self.redirect_uri.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (self.redirect_uri.as_str(), None),
        };
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        if let Some(s) = &self.state {
            q.append_pair("state", s);
        }
        let sep = if base.contains('?') { '&' } else { '?' };
        let mut url = format!("{base}{sep}{}", q.finish());
        if let Some(f) = fragment {
            let _ = write!(url, "#{f}");
        }
        url
    }
}

async fn authorize(State(sim): State<Arc<SigninSim>>, uri: Uri) -> Response {
    let p = AuthorizeParams::parse(uri.query());
    if sim.app(&p.client_id).is_none() {
        return error_page(catalogue::SIGNIN_APP_UNKNOWN, "client_id");
    }
    // Feishu checks redirect_uri against the app's registered list; the simulation has no console,
    // so any absolute http(s) URL counts as registered.
    let lower = p.redirect_uri.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return error_page(catalogue::SIGNIN_REDIRECT_NOT_REGISTERED, "redirect_uri");
    }
    if p.response_type != "code" {
        return error_page(catalogue::SIGNIN_MISSING_PARAM, "response_type");
    }
    let challenge = match p.challenge() {
        Ok(c) => c,
        Err(code) => return error_page(code, "code_challenge_method"),
    };
    if p.sim_cancel {
        return redirect(&p.back_with(&[("error", "access_denied")]));
    }
    let Some(user) = p.sim_user.as_deref() else {
        return chooser(&p);
    };
    let Some(account) = dataset::account(user) else {
        return error_page(catalogue::SIGNIN_USER_UNKNOWN, "sim_user");
    };
    match sim.issue_code(
        &p.client_id,
        account,
        Some(p.redirect_uri.clone()),
        challenge,
    ) {
        Ok(code) => redirect(&p.back_with(&[("code", &code)])),
        Err(_) => error_page(catalogue::SIGNIN_SERVER_ERROR, "random"),
    }
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::FOUND, [(LOCATION, v)]).into_response(),
        Err(_) => error_page(catalogue::SIGNIN_REDIRECT_NOT_REGISTERED, "redirect_uri"),
    }
}

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

const PAGE_HEAD: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>飞书登录（模拟）· Feishu sign-in (simulated)</title><style>\
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;background:#f5f6f7;color:#1f2329}\
main{max-width:30rem;margin:auto;background:#fff;padding:1.5rem 2rem;border-radius:8px}\
h1{font-size:1.3rem;margin-top:0}ul{list-style:none;padding:0}li{margin:.25rem 0}\
a{display:block;padding:.6rem .8rem;border:1px solid #dee0e3;border-radius:6px;color:#1f2329;text-decoration:none}\
a:hover{background:#f0f4ff}a:focus-visible{outline:3px solid #3370ff;outline-offset:2px}\
small{color:#646a73}a.cancel{border:none;color:#646a73;text-align:center;margin-top:1rem}\
</style></head><body><main>";

/// The page listing the accounts.
fn chooser(p: &AuthorizeParams) -> Response {
    let mut page = String::with_capacity(8192);
    page.push_str(PAGE_HEAD);
    page.push_str(
        "<h1 id=\"title\">选择登录账号 · <span lang=\"en\">Choose an account</span></h1>\
         <p><small>这是飞书登录的模拟，不会连接飞书。· <span lang=\"en\">A simulation of Feishu's sign-in; \
         nothing leaves this machine.</span></small></p><nav aria-labelledby=\"title\"><ul>",
    );
    for a in ACCOUNTS {
        let no = dataset::find(EmployeeType::EmployeeId, a.employee_id).and_then(|e| e.employee_no);
        let ids = match no {
            Some(no) => format!("{} · {no}", a.employee_id),
            None => a.employee_id.to_owned(),
        };
        let note = match a.sign_in {
            SignIn::Normal => "",
            SignIn::WithoutUserId => " · 无 user_id / no user_id",
            SignIn::NotAllowed => " · 无权使用应用 / may not use the app (20010)",
            SignIn::Resigned => " · 已离职 / resigned (20021)",
            SignIn::Frozen => " · 已冻结 / frozen (20022)",
        };
        let _ = write!(
            page,
            "<li><a href=\"{}\">{} <span lang=\"en\">{}</span><br><small>{}{}</small></a></li>",
            escape(&p.with(("sim_user", a.employee_id))),
            escape(a.name),
            escape(a.en_name),
            escape(&ids),
            escape(note),
        );
    }
    let _ = writeln!(
        page,
        "</ul></nav><a class=\"cancel\" href=\"{}\">取消 · <span lang=\"en\">Cancel</span></a></main></body></html>",
        escape(&p.with(("sim_cancel", "1"))),
    );
    html(StatusCode::OK, page)
}

/// What Feishu's authorize page shows for a bad request: the code, and which parameter.
fn error_page(code: i64, parameter: &str) -> Response {
    let entry = catalogue::lookup(code, 400);
    let mut page = String::from(PAGE_HEAD);
    let _ = writeln!(
        page,
        "<h1>登录请求有误 · <span lang=\"en\">Bad sign-in request</span></h1>\
         <p>{}</p><p lang=\"en\">{}</p><p><small>错误码 · code {code} · {}</small></p></main></body></html>",
        escape(entry.meaning.zh),
        escape(entry.meaning.en),
        escape(parameter),
    );
    html(StatusCode::BAD_REQUEST, page)
}

// ---------------------------------------------------------------------------------------------
// The code exchange

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

/// The OAuth `error` for a Feishu code.
fn oauth_error(code: i64) -> &'static str {
    match code {
        catalogue::SIGNIN_MISSING_PARAM | catalogue::SIGNIN_MALFORMED => "invalid_request",
        catalogue::SIGNIN_BAD_SECRET
        | catalogue::SIGNIN_APP_UNKNOWN
        | catalogue::SIGNIN_DOUBLE_AUTH => "invalid_client",
        catalogue::SIGNIN_BAD_GRANT_TYPE => "unsupported_grant_type",
        catalogue::SIGNIN_SERVER_ERROR => "server_error",
        catalogue::SIGNIN_UNAVAILABLE => "temporarily_unavailable",
        _ => "invalid_grant",
    }
}

/// `{"code":N,"error":"…","error_description":"…"}` with the catalogue's status.
fn token_error(code: i64, log_id: &str) -> Response {
    let entry = catalogue::lookup(code, 400);
    let body = json!({
        "code": code,
        "error": oauth_error(code),
        "error_description": entry.feishu_msg,
    });
    let status = StatusCode::from_u16(entry.http_status).unwrap_or(StatusCode::BAD_REQUEST);
    replies::json(status, &body, log_id)
}

async fn token(State(sim): State<Arc<SigninSim>>, headers: HeaderMap, body: Bytes) -> Response {
    sim.exchanges.fetch_add(1, Ordering::Relaxed);
    let log_id = feishu_style_log_id();
    match exchange(&sim, &headers, &body) {
        Ok(token) => {
            let reply = json!({
                "code": 0,
                "access_token": token,
                "expires_in": USER_TOKEN_TTL.as_secs(),
                "token_type": "Bearer",
                "scope": "",
            });
            replies::json(StatusCode::OK, &reply, &log_id)
        }
        Err(code) => token_error(code, &log_id),
    }
}

/// `client_id:client_secret` from `Authorization: Basic …`.
fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// The user token for a code, or Feishu's code refusing it, in Feishu's order: request shape,
/// client, code, redirect_uri, PKCE, user.
fn exchange(sim: &SigninSim, headers: &HeaderMap, body: &[u8]) -> Result<String, i64> {
    let req: TokenRequest =
        serde_json::from_slice(body).map_err(|_| catalogue::SIGNIN_MALFORMED)?;
    if req.grant_type.as_deref() != Some("authorization_code") {
        return Err(match req.grant_type {
            None => catalogue::SIGNIN_MISSING_PARAM,
            Some(_) => catalogue::SIGNIN_BAD_GRANT_TYPE,
        });
    }
    let basic = basic_auth(headers);
    if basic.is_some() && req.client_secret.is_some() {
        return Err(catalogue::SIGNIN_DOUBLE_AUTH);
    }
    let (client_id, secret) = match (basic, req.client_id, req.client_secret) {
        (Some(pair), _, _) => pair,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => return Err(catalogue::SIGNIN_MISSING_PARAM),
    };
    let code = req
        .code
        .filter(|c| !c.is_empty())
        .ok_or(catalogue::SIGNIN_MISSING_PARAM)?;
    let app = sim.app(&client_id).ok_or(catalogue::SIGNIN_APP_UNKNOWN)?;
    if !bool::from(app.app_secret.expose().as_bytes().ct_eq(secret.as_bytes())) {
        return Err(catalogue::SIGNIN_BAD_SECRET);
    }
    let account = redeem(
        sim,
        &client_id,
        &code,
        req.redirect_uri.as_deref(),
        req.code_verifier.as_deref(),
    )?;
    if account.sign_in == SignIn::NotAllowed {
        return Err(catalogue::SIGNIN_USER_NOT_ALLOWED);
    }
    sim.issue_user_token(&client_id, account)
        .map_err(|_| catalogue::SIGNIN_SERVER_ERROR)
}

/// Uses up the code (any try that names the right client uses it: single use means one try) and
/// checks it against the request.
fn redeem(
    sim: &SigninSim,
    client_id: &str,
    code: &str,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
) -> Result<&'static Account, i64> {
    let now = sim.now_secs();
    let mut codes = sim.codes.lock().unwrap_or_else(PoisonError::into_inner);
    let grant = codes
        .get_mut(code)
        .ok_or(catalogue::SIGNIN_CODE_NOT_FOUND)?;
    if grant.app_id != client_id {
        return Err(catalogue::SIGNIN_CODE_OTHER_APP);
    }
    if grant.used {
        return Err(catalogue::SIGNIN_CODE_USED);
    }
    grant.used = true;
    if now >= grant.expires_at {
        return Err(catalogue::SIGNIN_CODE_EXPIRED);
    }
    if grant.redirect_uri.as_deref() != redirect_uri {
        return Err(catalogue::SIGNIN_REDIRECT_MISMATCH);
    }
    if let Some(challenge) = &grant.challenge {
        let verifier = verifier.ok_or(catalogue::SIGNIN_PKCE_FAILED)?;
        let well_formed = (43..=128).contains(&verifier.len())
            && verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        let matches = match challenge {
            Challenge::S256(c) => pkce_challenge(verifier) == *c,
            Challenge::Plain(c) => verifier == c,
        };
        if !(well_formed && matches) {
            return Err(catalogue::SIGNIN_PKCE_FAILED);
        }
    }
    Ok(grant.account)
}

// ---------------------------------------------------------------------------------------------
// user_info and the in-client code

async fn user_info(State(sim): State<Arc<SigninSim>>, headers: HeaderMap) -> Response {
    sim.user_infos.fetch_add(1, Ordering::Relaxed);
    let log_id = feishu_style_log_id();
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let now = sim.now_secs();
    let found = token.and_then(|t| {
        let tokens = sim.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens
            .get(t)
            .filter(|g| g.expires_at > now)
            .map(|g| (g.account, g.app_id.clone()))
    });
    let Some((account, app_id)) = found else {
        return replies::error(catalogue::SIGNIN_USER_TOKEN_INVALID, &log_id);
    };
    match account.sign_in {
        SignIn::Resigned => replies::error(catalogue::SIGNIN_USER_RESIGNED, &log_id),
        SignIn::Frozen => replies::error(catalogue::SIGNIN_USER_FROZEN, &log_id),
        SignIn::Normal | SignIn::WithoutUserId | SignIn::NotAllowed => {
            let data = user_data(account, &app_id);
            let reply = json!({"code": 0, "msg": "success", "data": data});
            replies::json(StatusCode::OK, &reply, &log_id)
        }
    }
}

/// `user_info`'s `data` for an account, as this app sees it.
fn user_data(account: &Account, app_id: &str) -> serde_json::Value {
    let avatar = "https://s1-imfile.feishucdn.com/static-resource/v1/sim-avatar";
    let mut data = json!({
        "name": account.name,
        "en_name": account.en_name,
        "avatar_url": avatar,
        "avatar_thumb": avatar,
        "avatar_middle": avatar,
        "avatar_big": avatar,
        "open_id": format!("ou_{:016x}", fnv(&[app_id, account.employee_id])),
        "union_id": format!("on_{:016x}", fnv(&["sim-developer", account.employee_id])),
        "tenant_key": SIM_TENANT_KEY,
    });
    if let Some(obj) = data.as_object_mut() {
        if account.sign_in != SignIn::WithoutUserId {
            obj.insert("user_id".into(), account.employee_id.into());
        }
        if let Some(no) =
            dataset::find(EmployeeType::EmployeeId, account.employee_id).and_then(|e| e.employee_no)
        {
            obj.insert("employee_no".into(), no.into());
        }
    }
    data
}

/// FNV-1a over the parts: stable ids per (app, person), as Feishu's `open_id` is per app.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[derive(Deserialize)]
struct AccessRequest {
    app_id: String,
    sim_user: String,
}

/// `POST /_sim/request_access` `{"app_id","sim_user"}` → `{"code"}`: the simulated `tt.requestAccess`.
async fn request_access(State(sim): State<Arc<SigninSim>>, body: Bytes) -> Response {
    let log_id = feishu_style_log_id();
    let Ok(req) = serde_json::from_slice::<AccessRequest>(&body) else {
        return token_error(catalogue::SIGNIN_MALFORMED, &log_id);
    };
    if sim.app(&req.app_id).is_none() {
        return token_error(catalogue::SIGNIN_APP_UNKNOWN, &log_id);
    }
    match sim.issue_in_client_code(&req.app_id, &req.sim_user) {
        Ok(code) => replies::json(StatusCode::OK, &json!({"code": code}), &log_id),
        Err(IssueError::UnknownUser) => token_error(catalogue::SIGNIN_USER_UNKNOWN, &log_id),
        Err(IssueError::Random(_)) => token_error(catalogue::SIGNIN_SERVER_ERROR, &log_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chooser_lists_everyone_as_keyboard_links() {
        let p = AuthorizeParams::parse(Some(
            "client_id=cli_a&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fauth%2Fcallback&state=s%26t",
        ));
        let page = chooser(&p);
        assert_eq!(page.status(), StatusCode::OK);
        let body = futures_body(page);
        for a in ACCOUNTS {
            assert!(body.contains(&escape(a.name)), "{}", a.name);
            assert!(body.contains(&format!("sim_user={}", a.employee_id)));
        }
        assert!(body.contains("sim_cancel=1") && body.contains("state=s%26t"));
        assert!(body.contains(":focus-visible") && body.contains("aria-labelledby"));
        assert_eq!(body.matches("<a ").count(), ACCOUNTS.len() + 1);
    }

    #[test]
    fn redirects_keep_existing_query_and_fragment() {
        let mut p = AuthorizeParams::parse(Some(
            "redirect_uri=http%3A%2F%2Fh%2Fcb%3Fx%3D1%23frag&state=S",
        ));
        assert_eq!(
            p.back_with(&[("code", "C")]),
            "http://h/cb?x=1&code=C&state=S#frag"
        );
        p.state = None;
        p.redirect_uri = "http://h/cb".into();
        assert_eq!(
            p.back_with(&[("error", "access_denied")]),
            "http://h/cb?error=access_denied"
        );
    }

    #[test]
    fn challenge_methods() {
        let p = |q: &str| AuthorizeParams::parse(Some(q)).challenge();
        assert_eq!(
            p("code_challenge=c&code_challenge_method=S256"),
            Ok(Some(Challenge::S256("c".into())))
        );
        assert_eq!(
            p("code_challenge=c"),
            Ok(Some(Challenge::Plain("c".into())))
        );
        assert_eq!(
            p("code_challenge=c&code_challenge_method=S512"),
            Err(catalogue::SIGNIN_MISSING_PARAM)
        );
        assert_eq!(p(""), Ok(None));
    }

    #[test]
    fn user_data_with_and_without_user_id() {
        let hr = dataset::account("sim_hr").unwrap();
        let d = user_data(hr, "cli_a");
        assert_eq!(d["user_id"], "sim_hr");
        assert_eq!(d["employee_no"], "E1010");
        assert_eq!(d["tenant_key"], SIM_TENANT_KEY);
        assert!(d["open_id"].as_str().unwrap().starts_with("ou_"));
        assert_ne!(
            d["open_id"],
            user_data(hr, "cli_b")["open_id"],
            "open_id is per app"
        );
        assert_eq!(
            d["union_id"],
            user_data(hr, "cli_b")["union_id"],
            "union_id is not"
        );
        let hidden = user_data(dataset::account("sim_no_user_id").unwrap(), "cli_a");
        assert!(hidden.get("user_id").is_none() && hidden["name"] == "马超");
    }

    /// A response body as text (the body of these handlers is a plain string).
    fn futures_body(r: Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let bytes = http_body_util::BodyExt::collect(r.into_body())
                .await
                .unwrap()
                .to_bytes();
            String::from_utf8(bytes.to_vec()).unwrap()
        })
    }
}
