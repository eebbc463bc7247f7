//! The sign-in routes (issue 11). In `feishu` mode: `GET /auth/login`, `GET /auth/callback`,
//! `POST /auth/code`, `GET /auth/me`, `POST /auth/logout`; in `token` mode only `GET /auth/me`
//! (from the bearer token). In `open`/`bearer` mode there are none: `/auth/*` is 404, which tells
//! the browser module that this relay has no sign-in.
//!
//! The handlers read the clock once and hand the time to the pure parts (`crate::auth`), which
//! the tests drive with past and future times. Codes, states, verifiers and user tokens travel
//! in query strings, cookies and bodies that are never logged (the access log has the path only).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Router};
use feishu_remedy::catalogue;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::auth::feishu_signin::{CodeExchange, USER_ID_PERMISSION};
use crate::auth::identity::Identity;
use crate::auth::login::{authorize_url, Authorize, PendingLogin};
use crate::auth::mode::{
    Caller, FeishuSignIn, SignIn, CALLBACK_PATH, CODE_PATH, LOGIN_PATH, LOGOUT_PATH, ME_PATH,
};
use crate::auth::pages::{self, Failure};
use crate::auth::permit::{self, LOG_TARGET};
use crate::log_id::LogId;
use crate::proxy::{is_json, read_body};
use crate::secret::Secret;
use crate::state::AppState;
use crate::wire::{
    feishu_error, json_reply, query_param, relay_error, relay_error_with, relay_rate_limited,
};

/// Feishu's code for "the app lacks a scope": the in-client path's answer when `user_info` has
/// no `user_id` (the callback explains it on its page instead).
const APP_LACKS_SCOPE: i64 = 99_991_672;

/// What the feishu-mode handlers share.
struct Feishu {
    sign_in: Arc<FeishuSignIn>,
    /// How long a `POST /auth/code` body may take to arrive (`--upstream-timeout-ms`).
    body_timeout: Duration,
}

/// The routes of the configured sign-in mode, to merge into the relay's router. `body_timeout`
/// bounds how long a request body may take to arrive.
pub fn routes(sign_in: &SignIn, body_timeout: Duration) -> Router<Arc<AppState>> {
    match sign_in {
        SignIn::Off => Router::new(),
        SignIn::Token(_) => Router::new().route(ME_PATH, only("GET", get(me))),
        SignIn::Feishu(sign_in) => {
            let feishu = Arc::new(Feishu {
                sign_in: sign_in.clone(),
                body_timeout,
            });
            Router::new()
                .route(LOGIN_PATH, only("GET", get(login)))
                .route(CALLBACK_PATH, only("GET", get(callback)))
                .route(CODE_PATH, only("POST", post(code)))
                .route(LOGOUT_PATH, only("POST", post(logout)))
                .with_state(feishu)
                .route(ME_PATH, only("GET", get(me)))
        }
    }
}

/// `route` with any other method answered 405 in Feishu's format, with `Allow`.
fn only<S: Clone + Send + Sync + 'static>(
    allow: &'static str,
    route: MethodRouter<S>,
) -> MethodRouter<S> {
    route.fallback(move |Extension(log_id): Extension<LogId>| async move {
        let mut response = relay_error(catalogue::RELAY_METHOD, &log_id);
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allow));
        response
    })
}

/// `GET /auth/login?return_to=PATH`: 302 to Feishu's authorize page, with a fresh state and PKCE
/// challenge kept in the login cookie.
async fn login(
    State(feishu): State<Arc<Feishu>>,
    Extension(log_id): Extension<LogId>,
    req: Request,
) -> Response {
    let f = &feishu.sign_in;
    let return_to = query_param(req.uri().query(), "return_to");
    let Ok(pending) = PendingLogin::start(return_to.as_deref(), SystemTime::now()) else {
        tracing::error!(target: LOG_TARGET, request_id = %log_id, "sign-in not started: no random bytes");
        return failure_page(f, &Failure::Internal);
    };
    let url = authorize_url(Authorize {
        accounts_url: &f.accounts_url,
        client_id: &f.app_id,
        redirect_uri: &f.redirect_uri(),
        state: &pending.state,
        code_challenge: &pending.challenge(),
    });
    let mut response = redirect(&url);
    set_cookie(&mut response, &f.logins.issue(&pending));
    response
}

/// `GET /auth/callback?code=…&state=…` (or `?error=…`): checks the state, exchanges the code once,
/// reads who it is, sets the session and goes back to `return_to`. Every failure ends on the page
/// of [`crate::auth::pages`]; the login cookie is cleared either way (one try per sign-in).
async fn callback(
    State(feishu): State<Arc<Feishu>>,
    Extension(log_id): Extension<LogId>,
    req: Request,
) -> Response {
    let f = &feishu.sign_in;
    let now = SystemTime::now();
    let mut response = match finish_sign_in(f, req.uri().query(), req.headers(), now).await {
        Ok((identity, return_to)) => {
            tracing::info!(target: LOG_TARGET, request_id = %log_id, admin = identity.admin, "signed in");
            let mut response = redirect(&return_to);
            set_cookie(&mut response, &f.sessions.issue(&identity, now));
            response
        }
        Err(failure) => {
            log_failure(&log_id, &failure);
            failure_page(f, &failure)
        }
    };
    set_cookie(&mut response, &f.logins.clear());
    response
}

/// The callback's checks and Feishu's two calls: the identity and where to go, or why not.
async fn finish_sign_in(
    f: &FeishuSignIn,
    query: Option<&str>,
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<(Identity, String), Failure> {
    if query_param(query, "error").is_some() {
        return Err(Failure::AccessDenied);
    }
    let pending = f
        .logins
        .read(headers, now)
        .map_err(Failure::from_login_cookie)?;
    pending
        .check_state(query_param(query, "state").as_deref())
        .map_err(Failure::from_state)?;
    // A callback with the right state but neither code nor error is not what Feishu sends.
    let code = query_param(query, "code")
        .filter(|c| !c.is_empty())
        .map(Secret::new)
        .ok_or(Failure::BadReply { log_id: None })?;
    let redirect_uri = f.redirect_uri();
    let exchange = CodeExchange {
        code: &code,
        redirect_uri: Some(&redirect_uri),
        code_verifier: Some(&pending.verifier),
    };
    // Held until the exchange is done: the limiter frees it a second after.
    let _slot = f.exchanges.acquire().await.map_err(|_| Failure::Busy)?;
    let identity = f
        .client
        .sign_in(exchange, &f.admins)
        .await
        .map_err(|e| Failure::from_signin(&e))?;
    Ok((identity, pending.return_to))
}

#[derive(Deserialize)]
struct CodeBody {
    code: String,
}

/// `POST /auth/code` `{"code":"…"}`: a code from `tt.requestAccess`, exchanged without
/// `redirect_uri`; the session cookie and who it is, or Feishu's error in Feishu's format.
async fn code(
    State(feishu): State<Arc<Feishu>>,
    Extension(log_id): Extension<LogId>,
    req: Request,
) -> Response {
    let f = &feishu.sign_in;
    // JSON only: a cross-site form cannot send it, and a cross-origin page must pass a preflight.
    if !is_json(req.headers()) {
        return relay_error(catalogue::RELAY_CONTENT_TYPE, &log_id);
    }
    let code = match read_code(feishu.body_timeout, req.into_body(), &log_id).await {
        Ok(code) => code,
        Err(refusal) => return refusal,
    };
    let exchange = CodeExchange {
        code: &code,
        redirect_uri: None,
        code_verifier: None,
    };
    let _slot = match f.exchanges.acquire().await {
        Ok(slot) => slot,
        Err(busy) => return relay_rate_limited(busy.limit, busy.reset_secs, &log_id),
    };
    let now = SystemTime::now();
    match f.client.sign_in(exchange, &f.admins).await {
        Ok(identity) => {
            tracing::info!(target: LOG_TARGET, request_id = %log_id, admin = identity.admin, "signed in (in-client code)");
            let mut response = no_store(json_reply(&me_json(&identity)));
            set_cookie(&mut response, &f.sessions.issue(&identity, now));
            response
        }
        Err(e) => {
            let failure = Failure::from_signin(&e);
            log_failure(&log_id, &failure);
            failure_json(&failure, &log_id)
        }
    }
}

/// The body's `code`, or the refusal (too large, too slow, not `{"code":"…"}`).
async fn read_code(timeout: Duration, body: Body, log_id: &LogId) -> Result<Secret, Response> {
    let bytes = tokio::time::timeout(timeout, read_body(body, log_id))
        .await
        .map_err(|_| relay_error(catalogue::RELAY_REQUEST_TIMEOUT, log_id))??;
    serde_json::from_slice::<CodeBody>(&bytes)
        .ok()
        .filter(|b| !b.code.is_empty())
        .map(|b| Secret::new(b.code))
        .ok_or_else(|| {
            relay_error_with(
                catalogue::INVALID_PARAM,
                "code invalid: the body must be {\"code\":\"…\"} with the code from tt.requestAccess",
                log_id,
                Vec::new(),
            )
        })
}

/// `GET /auth/me`: who is signed in (feishu: the session; token: the bearer token), or 401.
async fn me(
    State(state): State<Arc<AppState>>,
    Extension(log_id): Extension<LogId>,
    headers: HeaderMap,
) -> Response {
    match permit::identify(&state.sign_in, &headers, SystemTime::now(), &log_id) {
        Ok(Caller::Person(identity)) => no_store(json_reply(&me_json(&identity))),
        // Not routed without a sign-in mode; answered as the missing route it would be.
        Ok(Caller::Anonymous) => relay_error(catalogue::RELAY_NOT_FOUND, &log_id),
        Err(refused) => no_store(refused.response(&log_id)),
    }
}

/// `POST /auth/logout`: the session cookie cleared; 204.
async fn logout(State(feishu): State<Arc<Feishu>>) -> Response {
    let mut response = no_store(StatusCode::NO_CONTENT.into_response());
    set_cookie(&mut response, &feishu.sign_in.sessions.clear());
    response
}

/// `{"user_id","employee_no","name","admin"}`, absent fields left out.
pub fn me_json(identity: &Identity) -> Value {
    let mut me = Map::new();
    if let Some(id) = &identity.user_id {
        me.insert("user_id".into(), id.as_str().into());
    }
    if let Some(no) = &identity.employee_no {
        me.insert("employee_no".into(), no.as_str().into());
    }
    if !identity.name.is_empty() {
        me.insert("name".into(), identity.name.as_str().into());
    }
    me.insert("admin".into(), identity.admin.into());
    Value::Object(me)
}

/// A failed in-client sign-in in Feishu's format: Feishu's code and log id when there are any.
fn failure_json(failure: &Failure, log_id: &LogId) -> Response {
    let status = StatusCode::from_u16(failure.http_status()).unwrap_or(StatusCode::BAD_GATEWAY);
    let (code, msg) = match failure {
        Failure::Feishu { code, message, .. } => {
            let msg = if message.is_empty() {
                catalogue::lookup(*code, 400).feishu_msg.to_owned()
            } else {
                message.clone()
            };
            (*code, msg)
        }
        Failure::MissingUserId { .. } => (
            APP_LACKS_SCOPE,
            format!("user_info has no user_id: the app needs the permission {USER_ID_PERMISSION}"),
        ),
        _ => (
            catalogue::RELAY_UPSTREAM_DOWN,
            failure.texts().what.en.to_owned(),
        ),
    };
    let log_id = failure.log_id().unwrap_or(log_id.as_str());
    no_store(feishu_error(status, code, &msg, log_id))
}

/// The failure page, with a link to start again.
fn failure_page(f: &FeishuSignIn, failure: &Failure) -> Response {
    let status = StatusCode::from_u16(failure.http_status()).unwrap_or(StatusCode::BAD_GATEWAY);
    let page = pages::render(failure, &f.login_url());
    let mut response = (status, page).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    no_store(response)
}

fn log_failure(log_id: &LogId, failure: &Failure) {
    tracing::warn!(
        target: LOG_TARGET,
        request_id = %log_id,
        kind = failure.kind(),
        feishu_code = failure.feishu_code(),
        feishu_log_id = failure.log_id(),
        "sign-in failed"
    );
}

fn redirect(location: &str) -> Response {
    // Both kinds of location are built from checked parts (an encoded URL, a visible-ASCII path).
    let location = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/"));
    no_store((StatusCode::FOUND, [(LOCATION, location)]).into_response())
}

fn set_cookie(response: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().append(SET_COOKIE, v);
    }
}

/// Replies about a person, or carrying a cookie, are never cached.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
