//! The start of a Feishu sign-in: a fresh `state` and PKCE S256 pair, the authorize URL, the
//! short-lived private login cookie that carries them to the callback, and the `return_to`
//! sanitizer.
//!
//! The `state` ties the callback to the browser that started the sign-in (CSRF); the verifier
//! proves to Feishu that whoever exchanges the code started it (a stolen code is useless). Both
//! stay in the encrypted login cookie, never in a URL the relay logs.

use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::key::SessionKey;
use super::random::{self, RandomError};
use super::sealed::{CookieError, CookieSpec};
use super::unix_time::unix_secs;
use crate::secret::Secret;

/// How long a sign-in may take between the redirect to Feishu and the callback (the issue's
/// bound; Feishu's codes live 5 minutes of it).
pub const LOGIN_TTL: Duration = Duration::from_secs(10 * 60);

/// The login cookie's name (`__Host-` prefixed on https).
pub const COOKIE_NAME: &str = "feishu_remedy_login";

/// Where Feishu's authorize page lives under the accounts host.
pub const AUTHORIZE_PATH: &str = "/open-apis/authen/v1/authorize";

/// The longest `return_to` kept; longer ones become `/`.
const MAX_RETURN_TO: usize = 2048;

/// A sign-in under way: what the login cookie carries to the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    /// The `state` sent to Feishu (random, 43 characters).
    pub state: String,
    /// The PKCE verifier (random, 43 characters of `[A-Za-z0-9_-]`).
    pub verifier: Secret,
    /// Where to go after signing in: a same-origin path (see [`sanitize_return_to`]).
    pub return_to: String,
    /// Until when the callback is accepted, seconds since the epoch.
    pub expires_at: u64,
}

impl PendingLogin {
    /// A fresh sign-in at `now`, returning afterwards to `return_to` (sanitized here).
    pub fn start(return_to: Option<&str>, now: SystemTime) -> Result<Self, RandomError> {
        Ok(PendingLogin {
            state: random::token::<32>()?,
            verifier: Secret::new(random::token::<32>()?),
            return_to: sanitize_return_to(return_to),
            expires_at: unix_secs(now).saturating_add(LOGIN_TTL.as_secs()),
        })
    }

    /// The PKCE S256 challenge for this sign-in's verifier.
    pub fn challenge(&self) -> String {
        pkce_challenge(self.verifier.expose())
    }

    /// Whether the callback's `state` is this sign-in's (compared in constant time).
    pub fn check_state(&self, state: Option<&str>) -> Result<(), StateError> {
        let given = state.filter(|s| !s.is_empty()).ok_or(StateError::Missing)?;
        if bool::from(given.as_bytes().ct_eq(self.state.as_bytes())) {
            Ok(())
        } else {
            Err(StateError::Mismatch)
        }
    }
}

/// Why the callback's `state` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// The callback carried no `state`.
    #[error("the sign-in callback carried no state")]
    Missing,
    /// It carried another sign-in's `state` (or a forged one).
    #[error("the sign-in callback's state does not match this browser's sign-in")]
    Mismatch,
}

/// PKCE S256 (RFC 7636): base64url without padding of the SHA-256 of the verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The parameters of Feishu's authorize URL.
#[derive(Debug, Clone, Copy)]
pub struct Authorize<'a> {
    /// The accounts host, e.g. `https://accounts.feishu.cn` (`--feishu-accounts-url`).
    pub accounts_url: &'a str,
    /// The app id (`cli_…`).
    pub client_id: &'a str,
    /// `{public URL}/auth/callback`, as registered in Feishu's developer console.
    pub redirect_uri: &'a str,
    /// The sign-in's `state`.
    pub state: &'a str,
    /// The sign-in's PKCE challenge.
    pub code_challenge: &'a str,
}

/// `{accounts}/open-apis/authen/v1/authorize?client_id=…&response_type=code&redirect_uri=…&state=…&code_challenge=…&code_challenge_method=S256`,
/// every value URL-encoded.
pub fn authorize_url(a: Authorize<'_>) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", a.client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", a.redirect_uri)
        .append_pair("state", a.state)
        .append_pair("code_challenge", a.code_challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    format!(
        "{}{AUTHORIZE_PATH}?{query}",
        a.accounts_url.trim_end_matches('/')
    )
}

/// `return_to` if it is a path on this origin, else `/`.
///
/// Accepted: starts with `/`, is not `//…` or `/\…` (both of which browsers read as another host),
/// and is only visible ASCII (no scheme can hide behind control characters or spaces, and it fits
/// a `Location` header as is), at most 2048 bytes.
pub fn sanitize_return_to(raw: Option<&str>) -> String {
    let Some(path) = raw else {
        return "/".to_owned();
    };
    let bytes = path.as_bytes();
    let same_origin_path = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && bytes.len() <= MAX_RETURN_TO
        && bytes.iter().all(|b| (0x21..=0x7e).contains(b));
    if same_origin_path {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

#[derive(Serialize, Deserialize)]
struct Content {
    state: String,
    verifier: String,
    return_to: String,
    exp: u64,
}

/// Issues and reads the login cookie.
#[derive(Debug, Clone)]
pub struct LoginCookies {
    key: SessionKey,
    spec: CookieSpec,
}

impl LoginCookies {
    /// Login cookies sealed with `key` (the session key), `secure` on https.
    pub fn new(key: SessionKey, secure: bool) -> Self {
        LoginCookies {
            key,
            spec: CookieSpec::new(COOKIE_NAME, secure, LOGIN_TTL),
        }
    }

    /// The `Set-Cookie` value carrying `pending` to the callback.
    pub fn issue(&self, pending: &PendingLogin) -> String {
        let content = Content {
            state: pending.state.clone(),
            verifier: pending.verifier.expose().to_owned(),
            return_to: pending.return_to.clone(),
            exp: pending.expires_at,
        };
        self.spec.seal_json(&self.key, &content)
    }

    /// The `Set-Cookie` value that deletes it (the callback always sends this: one try per
    /// sign-in, so a reload of the callback URL cannot exchange the code twice).
    pub fn clear(&self) -> String {
        self.spec.removal()
    }

    /// The sign-in under way in this browser, if genuine and not expired at `now`.
    pub fn read(&self, headers: &HeaderMap, now: SystemTime) -> Result<PendingLogin, CookieError> {
        let c: Content = self.spec.open_json(&self.key, headers)?;
        if unix_secs(now) >= c.exp {
            return Err(CookieError::Expired);
        }
        Ok(PendingLogin {
            state: c.state,
            verifier: Secret::new(c.verifier),
            // Sanitized again: the cookie is genuine, but the rule costs nothing to re-apply.
            return_to: sanitize_return_to(Some(&c.return_to)),
            expires_at: c.exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::sealed::echo;
    use std::time::UNIX_EPOCH;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn cookies(master: &str) -> LoginCookies {
        let key = SessionKey::from_master(&Secret::new(master.repeat(40))).unwrap();
        LoginCookies::new(key, true)
    }

    #[test]
    fn the_rfc_7636_example_challenge() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            pkce_challenge(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn a_fresh_start_has_unguessable_distinct_values() {
        let a = PendingLogin::start(Some("/month"), at(100)).unwrap();
        let b = PendingLogin::start(None, at(100)).unwrap();
        assert_ne!(a.state, b.state);
        assert_ne!(a.verifier, b.verifier);
        let v = a.verifier.expose();
        assert!((43..=128).contains(&v.len()), "{}", v.len());
        assert!(v
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(a.challenge(), pkce_challenge(v));
        assert_eq!(
            (a.return_to.as_str(), b.return_to.as_str()),
            ("/month", "/")
        );
        assert_eq!(a.expires_at, 100 + 600);
        assert!(
            !format!("{a:?}").contains(v),
            "the verifier is never printed"
        );
    }

    #[test]
    fn state_checks() {
        let p = PendingLogin::start(None, at(0)).unwrap();
        assert_eq!(p.check_state(Some(&p.state)), Ok(()));
        assert_eq!(p.check_state(None), Err(StateError::Missing));
        assert_eq!(p.check_state(Some("")), Err(StateError::Missing));
        assert_eq!(p.check_state(Some("other")), Err(StateError::Mismatch));
        let longer = format!("{}x", p.state);
        assert_eq!(p.check_state(Some(&longer)), Err(StateError::Mismatch));
    }

    #[test]
    fn the_authorize_url_is_encoded() {
        let url = authorize_url(Authorize {
            accounts_url: "https://accounts.feishu.cn/",
            client_id: "cli_a",
            redirect_uri: "https://remedy.example.com/auth/callback?x=1&y=2",
            state: "s t",
            code_challenge: "E9Mel-_",
        });
        assert_eq!(
            url,
            "https://accounts.feishu.cn/open-apis/authen/v1/authorize?client_id=cli_a&response_type=code\
             &redirect_uri=https%3A%2F%2Fremedy.example.com%2Fauth%2Fcallback%3Fx%3D1%26y%3D2\
             &state=s+t&code_challenge=E9Mel-_&code_challenge_method=S256"
        );
    }

    #[test]
    fn return_to_keeps_only_same_origin_paths() {
        for ok in [
            "/",
            "/month?m=2026-03#top",
            "/a/b/../c",
            "/%2F%2Fevil.example",
            "/a\\b",
        ] {
            assert_eq!(sanitize_return_to(Some(ok)), ok, "{ok}");
        }
        let long = format!("/{}", "a".repeat(MAX_RETURN_TO));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\t/evil.example",
            "/ok\r\nSet-Cookie: x=1",
            "/ünïcode",
            " /leading-space",
            "/a b",
            long.as_str(),
        ] {
            assert_eq!(sanitize_return_to(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(sanitize_return_to(None), "/");
    }

    #[test]
    fn the_login_cookie_round_trips_and_expires() {
        let c = cookies("k");
        let p = PendingLogin::start(Some("/x"), at(1_000)).unwrap();
        let set = c.issue(&p);
        assert!(set.starts_with("__Host-feishu_remedy_login=") && set.contains("Max-Age=600"));
        assert!(!set.contains(p.verifier.expose()) && !set.contains(&p.state));
        assert_eq!(c.read(&echo(&set), at(1_599)), Ok(p.clone()));
        assert_eq!(c.read(&echo(&set), at(1_600)), Err(CookieError::Expired));
        assert_eq!(
            cookies("j").read(&echo(&set), at(1_000)),
            Err(CookieError::Forged)
        );
        assert_eq!(
            c.read(&HeaderMap::new(), at(1_000)),
            Err(CookieError::Missing)
        );
        assert!(c.clear().contains("Max-Age=0"));
    }

    #[test]
    fn a_session_cookie_is_not_a_login_cookie() {
        use crate::auth::session::SessionCookies;
        let key = SessionKey::from_master(&Secret::new("k".repeat(40))).unwrap();
        let sessions = SessionCookies::new(key.clone(), true, LOGIN_TTL);
        let who = crate::auth::identity::Identity {
            open_id: String::new(),
            tenant_key: String::new(),
            user_id: None,
            employee_no: None,
            name: String::new(),
            admin: false,
        };
        let set = sessions.issue(&who, at(0));
        let renamed = set.replacen("feishu_remedy_session", "feishu_remedy_login", 1);
        let logins = LoginCookies::new(key, true);
        assert_eq!(
            logins.read(&echo(&renamed), at(1)),
            Err(CookieError::Forged)
        );
    }
}
