//! The sign-in as a running relay uses it: which mode, with what keys, and who a request's
//! session cookie or signed token names.
//!
//! Built by `server::app` from the configuration once the public URL and the accounts host are
//! known (on the simulation, both are loopback addresses found at start).

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

use super::feishu_signin::SigninClient;
use super::identity::{Admins, Identity};
use super::jwt::{TokenRejected, TokenVerifier};
use super::login::LoginCookies;
use super::sealed::CookieError;
use super::session::SessionCookies;
use crate::access::bearer_credentials;
use crate::limiter::RouteLimiter;

/// `GET /auth/login?return_to=…`: starts a Feishu sign-in.
pub const LOGIN_PATH: &str = "/auth/login";
/// `GET /auth/callback`: where Feishu sends the browser back (the redirect URL to register).
pub const CALLBACK_PATH: &str = "/auth/callback";
/// `POST /auth/code`: a code from `tt.requestAccess` (inside the Feishu client).
pub const CODE_PATH: &str = "/auth/code";
/// `GET /auth/me`: who is signed in.
pub const ME_PATH: &str = "/auth/me";
/// `POST /auth/logout`: ends the session.
pub const LOGOUT_PATH: &str = "/auth/logout";

/// Who is asking, per `--access`.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// `open` / `bearer`: the relay does not know who asks, and `/auth/*` does not exist.
    Off,
    /// `feishu`: Feishu sign-in, then a session cookie.
    Feishu(Arc<FeishuSignIn>),
    /// `token`: `Authorization: Bearer <JWT>` from the host page.
    Token(Arc<TokenSignIn>),
}

/// How many sign-in code exchanges one relay (before `--replicas` shares) sends Feishu a second:
/// Feishu allows an app 1000 a minute and 50 a second on its token endpoint, and the code
/// exchange carries the app secret whoever calls `/auth/code` or `/auth/callback`, so a loop of
/// bogus codes must not spend the app's quota that real sign-ins need.
pub const CODE_EXCHANGES_PER_SECOND: u32 = 15;

/// Everything `--access feishu` needs at run time.
pub struct FeishuSignIn {
    /// The session cookie.
    pub sessions: SessionCookies,
    /// The login cookie (state, PKCE verifier, `return_to`).
    pub logins: LoginCookies,
    /// Feishu's (or the simulation's) code exchange and `user_info`.
    pub client: SigninClient,
    /// Keeps the code exchanges within [`CODE_EXCHANGES_PER_SECOND`]: a sign-in waits its turn,
    /// briefly, or is told to try again.
    pub exchanges: RouteLimiter,
    /// Who may ask about anyone.
    pub admins: Admins,
    /// The app id (`client_id` on the authorize page).
    pub app_id: String,
    /// Feishu's authorize host.
    pub accounts_url: String,
    /// The URL people open the relay at, no trailing slash.
    pub public_url: String,
}

impl fmt::Debug for FeishuSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeishuSignIn")
            .field("app_id", &self.app_id)
            .field("accounts_url", &self.accounts_url)
            .field("public_url", &self.public_url)
            .field("admins", &self.admins)
            .finish_non_exhaustive()
    }
}

impl FeishuSignIn {
    /// `{public}/auth/callback`: the `redirect_uri`, as registered in Feishu's console.
    pub fn redirect_uri(&self) -> String {
        [&self.public_url, CALLBACK_PATH].concat()
    }

    /// `{public}/auth/login`: where a signed-out page sends people.
    pub fn login_url(&self) -> String {
        [&self.public_url, LOGIN_PATH].concat()
    }
}

/// Everything `--access token` needs at run time.
#[derive(Debug)]
pub struct TokenSignIn {
    /// Verifies the tokens.
    pub verifier: Arc<TokenVerifier>,
    /// `employee_id`s who may ask about anyone, besides tokens saying `admin: true`.
    pub admins: Admins,
}

impl TokenSignIn {
    /// The person a request's bearer token names.
    pub fn identify(&self, headers: &HeaderMap, now: SystemTime) -> Result<Identity, Unidentified> {
        let token = headers
            .get(AUTHORIZATION)
            .and_then(|v| bearer_credentials(v.as_bytes()))
            .and_then(|t| std::str::from_utf8(t).ok())
            .ok_or(Unidentified::NoToken)?;
        let mut identity = self
            .verifier
            .verify(token, now)
            .map_err(Unidentified::Token)?;
        identity.admin |= self.admins.contains(identity.user_id.as_deref());
        Ok(identity)
    }
}

/// Why a request names no one. Says the kind only: never the cookie, the token or a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unidentified {
    /// `feishu`: no valid session cookie.
    #[error("session: {0}")]
    Session(CookieError),
    /// `token`: no `Authorization: Bearer …`.
    #[error("no bearer token")]
    NoToken,
    /// `token`: the token was refused.
    #[error("token: {0}")]
    Token(TokenRejected),
}

/// Who is asking: nobody in particular (no sign-in mode), or a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// `open` / `bearer`: the relay does not know who asks; the ownership rule does not apply.
    Anonymous,
    /// A signed-in person.
    Person(Identity),
}

impl SignIn {
    /// The caller a request's session cookie (feishu) or bearer token (token) names, at `now`.
    pub fn identify(&self, headers: &HeaderMap, now: SystemTime) -> Result<Caller, Unidentified> {
        match self {
            SignIn::Off => Ok(Caller::Anonymous),
            SignIn::Feishu(feishu) => feishu
                .sessions
                .read(headers, now)
                .map(|session| {
                    // Admin rights come from today's RELAY_ADMINS, not from the cookie: someone
                    // taken off the list loses them at once, on every replica, whatever their
                    // session says.
                    let mut identity = session.identity;
                    identity.admin = feishu.admins.contains(identity.user_id.as_deref());
                    Caller::Person(identity)
                })
                .map_err(Unidentified::Session),
            SignIn::Token(token) => token.identify(headers, now).map(Caller::Person),
        }
    }

    /// Where to sign in, in feishu mode.
    pub fn login_url(&self) -> Option<String> {
        match self {
            SignIn::Feishu(feishu) => Some(feishu.login_url()),
            SignIn::Off | SignIn::Token(_) => None,
        }
    }
}
