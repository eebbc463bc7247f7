//! Private cookies: a value encrypted and authenticated with AES-256-GCM by the `cookie` crate's
//! private jar (the cookie's name is bound in as associated data, so a value cannot be moved to
//! another cookie), and the `Set-Cookie` attributes the relay always sends.
//!
//! When the public URL is https the cookie is `Secure` and named with the `__Host-` prefix, which
//! browsers accept only from a secure origin, with `Path=/` and no `Domain`: a sibling subdomain
//! cannot plant one.

use std::time::Duration;

use axum::http::header::COOKIE;
use axum::http::HeaderMap;
use cookie::{Cookie, CookieJar, SameSite};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::key::SessionKey;

/// Why a private cookie could not be read. None of them says more than the kind, and none
/// carries the cookie's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CookieError {
    /// No cookie of that name.
    #[error("no cookie")]
    Missing,
    /// Present, but it does not decrypt with this key: tampered with, forged, or from another key.
    #[error("the cookie is not one this relay made")]
    Forged,
    /// It decrypts, but its content is not what the relay writes (an older format).
    #[error("the cookie's content is malformed")]
    Malformed,
    /// Genuine, but past its expiry.
    #[error("the cookie has expired")]
    Expired,
}

/// Whether cookies for this public URL must be `Secure` (and `__Host-` prefixed): when it is https.
pub fn secure_for(public_url: &str) -> bool {
    public_url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// One kind of private cookie: its name and attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSpec {
    name: String,
    secure: bool,
    max_age: Duration,
}

impl CookieSpec {
    /// A cookie called `base` (`__Host-{base}` when `secure`) that lives `max_age`.
    pub fn new(base: &str, secure: bool, max_age: Duration) -> Self {
        let name = if secure {
            format!("__Host-{base}")
        } else {
            base.to_owned()
        };
        CookieSpec {
            name,
            secure,
            max_age,
        }
    }

    /// The cookie's name as sent.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `Set-Cookie` value carrying `plaintext`, encrypted: `HttpOnly; SameSite=Lax; Path=/`,
    /// `Secure` when configured, `Max-Age` the lifetime. ASCII only (the value is base64).
    pub fn set_cookie(&self, key: &SessionKey, plaintext: String) -> String {
        let mut jar = CookieJar::new();
        jar.private_mut(key.cookie_key())
            .add(Cookie::new(self.name.clone(), plaintext));
        // The jar holds what was just added; an empty value would only read back as `Forged`.
        let sealed = jar
            .get(&self.name)
            .map_or_else(String::new, |c| c.value().to_owned());
        let max_age = i64::try_from(self.max_age.as_secs()).unwrap_or(i64::MAX);
        self.attributes(Cookie::build((self.name.clone(), sealed)))
            .max_age(cookie::time::Duration::seconds(max_age))
            .build()
            .to_string()
    }

    /// [`set_cookie`](Self::set_cookie) of `content` as JSON (the login and session cookies'
    /// contents: strings, integers and bools, which always serialise).
    pub fn seal_json<T: Serialize>(&self, key: &SessionKey, content: &T) -> String {
        self.set_cookie(key, serde_json::to_string(content).unwrap_or_default())
    }

    /// [`open`](Self::open), then the content read back as JSON; content that decrypts but is not
    /// what this relay writes is `Malformed`.
    pub fn open_json<T: DeserializeOwned>(
        &self,
        key: &SessionKey,
        headers: &HeaderMap,
    ) -> Result<T, CookieError> {
        let json = self.open(key, headers)?;
        serde_json::from_str(&json).map_err(|_| CookieError::Malformed)
    }

    /// The `Set-Cookie` value that deletes the cookie (empty, `Max-Age=0`, expired).
    pub fn removal(&self) -> String {
        let mut cookie = self
            .attributes(Cookie::build((self.name.clone(), "")))
            .build();
        cookie.make_removal();
        cookie.to_string()
    }

    /// The decrypted content of this cookie in the request's `Cookie` headers. When several carry
    /// the name (a cookie planted for a parent path or domain), the first that decrypts wins:
    /// a planted one cannot, as it was not made with this key.
    pub fn open(&self, key: &SessionKey, headers: &HeaderMap) -> Result<String, CookieError> {
        let jar = CookieJar::new();
        let private = jar.private(key.cookie_key());
        let mut seen = false;
        for value in self.values_in(headers) {
            seen = true;
            let candidate = Cookie::new(self.name.clone(), value.to_owned());
            if let Some(plain) = private.decrypt(candidate) {
                return Ok(plain.value().to_owned());
            }
        }
        Err(if seen {
            CookieError::Forged
        } else {
            CookieError::Missing
        })
    }

    fn attributes<'c>(&self, builder: cookie::CookieBuilder<'c>) -> cookie::CookieBuilder<'c> {
        builder
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.secure)
    }

    /// Every value sent under this cookie's name, across all `Cookie` headers.
    fn values_in<'h>(&'h self, headers: &'h HeaderMap) -> impl Iterator<Item = &'h str> + 'h {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|line| line.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| *name == self.name)
            .map(|(_, value)| value.trim_matches('"'))
    }
}

/// The `Cookie` request headers a browser would send back for a `Set-Cookie` value (amid others).
#[cfg(test)]
pub(crate) fn echo(set_cookie: &str) -> HeaderMap {
    let pair = set_cookie.split(';').next().unwrap_or_default();
    let mut headers = HeaderMap::new();
    let line = format!("theme=dark; {pair}; other=1");
    if let Ok(v) = axum::http::HeaderValue::from_str(&line) {
        headers.insert(COOKIE, v);
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use axum::http::HeaderValue;

    fn key(master: &str) -> SessionKey {
        SessionKey::from_master(&Secret::new(master.repeat(32))).unwrap()
    }

    #[test]
    fn https_cookies_are_secure_and_host_prefixed() {
        assert!(secure_for("https://remedy.example.com") && secure_for("HTTPS://x"));
        assert!(!secure_for("http://127.0.0.1:8080") && !secure_for("") && !secure_for("https:"));
        let spec = CookieSpec::new("s", true, Duration::from_secs(28_800));
        let set = spec.set_cookie(&key("a"), "hello".into());
        assert!(set.starts_with("__Host-s="), "{set}");
        for attr in [
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Secure",
            "Max-Age=28800",
        ] {
            assert!(set.split("; ").any(|a| a == attr), "{attr} in {set}");
        }
        assert!(!set.contains("Domain") && !set.contains("hello"), "{set}");
        let plain = CookieSpec::new("s", false, Duration::from_secs(60));
        let set = plain.set_cookie(&key("a"), "x".into());
        assert!(set.starts_with("s=") && !set.contains("Secure"), "{set}");
    }

    #[test]
    fn round_trip_and_every_way_of_failing() {
        let spec = CookieSpec::new("s", false, Duration::from_secs(60));
        let set = spec.set_cookie(&key("a"), "hello".into());
        assert_eq!(spec.open(&key("a"), &echo(&set)).as_deref(), Ok("hello"));
        assert_eq!(spec.open(&key("b"), &echo(&set)), Err(CookieError::Forged));
        assert_eq!(
            spec.open(&key("a"), &HeaderMap::new()),
            Err(CookieError::Missing)
        );
        // Renamed: the name is bound into the ciphertext.
        let renamed = CookieSpec::new("t", false, Duration::from_secs(60));
        let moved = set.replacen("s=", "t=", 1);
        assert_eq!(
            renamed.open(&key("a"), &echo(&moved)),
            Err(CookieError::Forged)
        );
        // One flipped character anywhere in the value.
        let value = set
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("s=")
            .to_owned();
        for i in 0..value.len() {
            let mut bytes = value.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let tampered = format!("s={}", String::from_utf8(bytes).unwrap());
            assert_eq!(
                spec.open(&key("a"), &echo(&tampered)),
                Err(CookieError::Forged),
                "{i}"
            );
        }
        for junk in ["s=", "s=%%%", "s=not base64!", "s=QUJD"] {
            assert_eq!(
                spec.open(&key("a"), &echo(junk)),
                Err(CookieError::Forged),
                "{junk}"
            );
        }
        let removal = spec.removal();
        assert!(
            removal.starts_with("s=;") && removal.contains("Max-Age=0"),
            "{removal}"
        );
    }

    #[test]
    fn a_planted_cookie_beside_the_real_one_does_not_hide_it() {
        let spec = CookieSpec::new("s", false, Duration::from_secs(60));
        let set = spec.set_cookie(&key("a"), "real".into());
        let pair = set.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("s=planted"));
        headers.append(COOKIE, HeaderValue::from_str(pair).unwrap());
        assert_eq!(spec.open(&key("a"), &headers).as_deref(), Ok("real"));
    }
}
