//! The session: a stateless private cookie holding who signed in and until when.
//!
//! Nothing is kept on the server, so replicas sharing `RELAY_SESSION_KEY` accept each other's
//! sessions and a restart signs no one out. The content (JSON) is encrypted and authenticated
//! ([`super::sealed`]); its expiry is inside, so a replayed or kept cookie ends with it whatever
//! the browser does with `Max-Age`. No user token is in it: the relay drops Feishu's user token
//! after sign-in.

use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use super::identity::Identity;
use super::key::SessionKey;
use super::sealed::{CookieError, CookieSpec};
use super::unix_time::unix_secs;

/// `--session-ttl`'s default: a working day.
pub const DEFAULT_TTL: Duration = Duration::from_secs(8 * 3600);

/// The cookie's name (`__Host-` prefixed on https).
pub const COOKIE_NAME: &str = "feishu_remedy_session";

/// The longest display name kept, in characters: names are short, and a browser drops a cookie
/// over 4 KB.
const MAX_NAME_CHARS: usize = 64;

/// The cookie's content format; a change of fields bumps it, and older cookies read as
/// [`CookieError::Malformed`] (the person signs in again).
const FORMAT: u8 = 1;

/// A valid session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub identity: Identity,
    /// Until when, in seconds since the epoch.
    pub expires_at: u64,
}

#[derive(Serialize, Deserialize)]
struct Content {
    v: u8,
    oid: String,
    tk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    eno: Option<String>,
    name: String,
    adm: bool,
    exp: u64,
}

/// Issues and reads session cookies.
#[derive(Debug, Clone)]
pub struct SessionCookies {
    key: SessionKey,
    spec: CookieSpec,
    ttl: Duration,
}

impl SessionCookies {
    /// Sessions sealed with `key`, lasting `ttl`; `secure` when the public URL is https (see
    /// [`super::sealed::secure_for`]).
    pub fn new(key: SessionKey, secure: bool, ttl: Duration) -> Self {
        SessionCookies {
            key,
            spec: CookieSpec::new(COOKIE_NAME, secure, ttl),
            ttl,
        }
    }

    /// The cookie's name as sent.
    pub fn name(&self) -> &str {
        self.spec.name()
    }

    /// The `Set-Cookie` value for a new session of `identity`, starting `now`.
    pub fn issue(&self, identity: &Identity, now: SystemTime) -> String {
        let content = Content {
            v: FORMAT,
            oid: identity.open_id.clone(),
            tk: identity.tenant_key.clone(),
            uid: identity.user_id.clone(),
            eno: identity.employee_no.clone(),
            name: identity.name.chars().take(MAX_NAME_CHARS).collect(),
            adm: identity.admin,
            exp: unix_secs(now).saturating_add(self.ttl.as_secs()),
        };
        self.spec.seal_json(&self.key, &content)
    }

    /// The `Set-Cookie` value that ends the session (sign-out).
    pub fn clear(&self) -> String {
        self.spec.removal()
    }

    /// The session in the request's cookies, if one is there, genuine and not expired at `now`.
    pub fn read(&self, headers: &HeaderMap, now: SystemTime) -> Result<Session, CookieError> {
        let content: Content = self.spec.open_json(&self.key, headers)?;
        if content.v != FORMAT {
            return Err(CookieError::Malformed);
        }
        if unix_secs(now) >= content.exp {
            return Err(CookieError::Expired);
        }
        Ok(Session {
            expires_at: content.exp,
            identity: Identity {
                open_id: content.oid,
                tenant_key: content.tk,
                user_id: content.uid,
                employee_no: content.eno,
                name: content.name,
                admin: content.adm,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::sealed::echo;
    use crate::secret::Secret;
    use std::time::UNIX_EPOCH;

    const MASTER: &str = "a-shared-master-key-of-at-least-32-bytes";

    fn key(master: &str) -> SessionKey {
        SessionKey::from_master(&Secret::new(master)).unwrap()
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn hr() -> Identity {
        Identity {
            open_id: "ou_hr".into(),
            tenant_key: "tenant".into(),
            user_id: Some("sim_hr".into()),
            employee_no: None,
            name: "人事 王芳".into(),
            admin: true,
        }
    }

    #[test]
    fn a_session_reads_back_until_it_expires() {
        let cookies = SessionCookies::new(key(MASTER), false, DEFAULT_TTL);
        let set = cookies.issue(&hr(), at(1_000));
        assert!(
            set.contains("Max-Age=28800") && !set.contains("sim_hr"),
            "{set}"
        );
        let session = cookies.read(&echo(&set), at(1_000 + 28_799)).unwrap();
        assert_eq!(session.identity, hr());
        assert_eq!(session.expires_at, 1_000 + 28_800);
        assert_eq!(
            cookies.read(&echo(&set), at(1_000 + 28_800)),
            Err(CookieError::Expired)
        );
    }

    #[test]
    fn replicas_sharing_the_key_accept_each_others_sessions() {
        let one = SessionCookies::new(key(MASTER), true, DEFAULT_TTL);
        let two = SessionCookies::new(key(MASTER), true, DEFAULT_TTL);
        let set = one.issue(&hr(), at(5));
        assert_eq!(two.read(&echo(&set), at(6)).unwrap().identity, hr());
        let other = SessionCookies::new(key(&format!("{MASTER}-other")), true, DEFAULT_TTL);
        assert_eq!(other.read(&echo(&set), at(6)), Err(CookieError::Forged));
        let generated = SessionCookies::new(SessionKey::generate().unwrap(), true, DEFAULT_TTL);
        assert_eq!(generated.read(&echo(&set), at(6)), Err(CookieError::Forged));
    }

    #[test]
    fn forged_malformed_and_missing() {
        let cookies = SessionCookies::new(key(MASTER), false, DEFAULT_TTL);
        let name = cookies.name().to_owned();
        assert_eq!(
            cookies.read(&HeaderMap::new(), at(1)),
            Err(CookieError::Missing)
        );
        let forged = format!("{name}={{\"v\":1,\"oid\":\"x\",\"adm\":true}}");
        assert_eq!(
            cookies.read(&echo(&forged), at(1)),
            Err(CookieError::Forged)
        );
        // Genuine ciphertext of content that is not a session (same key, same cookie name).
        let spec = CookieSpec::new(COOKIE_NAME, false, DEFAULT_TTL);
        for content in [
            "not json",
            r#"{"v":2,"oid":"","tk":"","name":"","adm":true,"exp":99}"#,
        ] {
            let set = spec.set_cookie(&key(MASTER), content.into());
            assert_eq!(
                cookies.read(&echo(&set), at(1)),
                Err(CookieError::Malformed)
            );
        }
    }

    #[test]
    fn long_names_are_cut_and_clear_removes() {
        let cookies = SessionCookies::new(key(MASTER), true, DEFAULT_TTL);
        let mut who = hr();
        who.name = "名".repeat(1000);
        let set = cookies.issue(&who, at(1));
        assert!(set.len() < 1024, "{}", set.len());
        let back = cookies.read(&echo(&set), at(2)).unwrap();
        assert_eq!(back.identity.name.chars().count(), MAX_NAME_CHARS);
        let clear = cookies.clear();
        assert!(clear.starts_with("__Host-feishu_remedy_session=;") && clear.contains("Max-Age=0"));
        assert!(
            clear.contains("Secure") && clear.contains("Path=/"),
            "{clear}"
        );
    }
}
