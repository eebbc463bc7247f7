//! Who may use the relay's Feishu route: anyone that can reach it (`open`, loopback only) or
//! callers presenting one of the configured API keys (`bearer`).

use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::HeaderMap;
use feishu_remedy::catalogue;
use subtle::ConstantTimeEq;

use crate::secret::Secret;

/// The access mode.
#[derive(Debug, Clone)]
pub enum Access {
    /// No key. Only allowed when the relay listens on loopback, where the only callers are this
    /// machine's programs, or a reverse proxy (SSO) on this machine that does the checking. The
    /// `Host` must still be a loopback name or one of these: otherwise any web page could reach
    /// the relay by DNS rebinding (its own name re-resolved to 127.0.0.1 makes it same-origin).
    Open(AllowedHosts),
    /// `Authorization: Bearer <key>` with one of these keys.
    Bearer(ApiKeys),
    /// `--access feishu|token`: every caller reaches the route, and the sign-in (`crate::auth`)
    /// decides who they are and what they may ask. The relay refuses to start in this mode
    /// without a sign-in configured.
    BySignIn,
}

/// The entries of a comma-separated setting (`RELAY_API_KEYS`, `RELAY_ADMINS`): blanks around
/// entries and empty entries are ignored.
pub fn comma_list(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The accepted API keys (from `RELAY_API_KEYS`).
#[derive(Debug, Clone)]
pub struct ApiKeys(Vec<Secret>);

impl ApiKeys {
    /// Parses a comma-separated list; blanks around keys and empty entries are ignored.
    pub fn parse(list: &str) -> Self {
        ApiKeys(comma_list(list).map(Secret::new).collect())
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `candidate` is one of the keys. Every key is compared, each in constant time, so the
    /// time taken says nothing about how much of a key was right or which key matched.
    pub fn contains(&self, candidate: &[u8]) -> bool {
        let mut found = subtle::Choice::from(0);
        for key in &self.0 {
            found |= key.expose().as_bytes().ct_eq(candidate);
        }
        found.into()
    }
}

/// Host names `open` mode serves besides loopback ones (`--allowed-host`), lower case, no port.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    /// From the `--allowed-host` values (`hr.example.com`; a port, if given, is ignored).
    pub fn new(hosts: &[String]) -> Self {
        AllowedHosts(
            hosts
                .iter()
                .map(|h| host_name(h).to_ascii_lowercase())
                .collect(),
        )
    }

    /// Whether a `Host` header value names loopback or an allowed host.
    fn admits(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        is_loopback_name(&name) || name.ends_with(".localhost") || self.0.contains(&name)
    }
}

/// Whether a host name (no port, no brackets) is exactly `localhost` or a loopback address.
fn is_loopback_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether an http(s) URL's host is this machine: `localhost` or a loopback address, exactly
/// (`http://localhost.example.com` and `http://127.0.0.1.example.com` are not).
pub(crate) fn is_loopback_url(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or_default();
    let authority = rest.split('/').next().unwrap_or_default();
    is_loopback_name(host_name(authority))
}

/// The name part of `host[:port]` or `[v6]:port`, without brackets.
fn host_name(host: &str) -> &str {
    let host = host.trim();
    match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    }
}

impl Access {
    /// Why a request with these headers may not use the Feishu route (a catalogue code), if so.
    pub fn refusal(&self, headers: &HeaderMap) -> Option<i64> {
        match self {
            Access::Open(hosts) => {
                let host = headers.get(HOST).and_then(|h| h.to_str().ok());
                (!host.is_some_and(|h| hosts.admits(h))).then_some(catalogue::RELAY_HOST_REFUSED)
            }
            Access::Bearer(keys) => (!bearer_token(headers).is_some_and(|t| keys.contains(t)))
                .then_some(catalogue::RELAY_UNAUTHORIZED),
            Access::BySignIn => None,
        }
    }

    /// A name for logs and the README: `open`, `bearer` or `sign-in`.
    pub fn name(&self) -> &'static str {
        match self {
            Access::Open(_) => "open",
            Access::Bearer(_) => "bearer",
            Access::BySignIn => "sign-in",
        }
    }
}

/// The credentials of a request's `Authorization: Bearer <credentials>` header.
fn bearer_token(headers: &HeaderMap) -> Option<&[u8]> {
    bearer_credentials(headers.get(AUTHORIZATION)?.as_bytes())
}

/// `<credentials>` from an `Authorization` value `Bearer <credentials>` (scheme case-insensitive,
/// blanks around the credentials ignored), or `None` for another scheme or no credentials. The
/// relay reads callers' API keys with it, and the simulation the tenant tokens it is sent.
pub fn bearer_credentials(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    scheme
        .eq_ignore_ascii_case(b"bearer ")
        .then(|| rest.trim_ascii())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_auth(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        h
    }

    fn allows(access: &Access, headers: &HeaderMap) -> bool {
        access.refusal(headers).is_none()
    }

    fn with_host(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn open_mode_serves_loopback_hosts_and_allowed_ones_only() {
        let open = Access::Open(AllowedHosts::new(&["HR.example.com:443".into()]));
        for ok in [
            "127.0.0.1:8787",
            "localhost",
            "LOCALHOST:1",
            "[::1]:8787",
            "127.1.2.3",
            "hr.example.com",
            "app.localhost:80",
        ] {
            assert!(allows(&open, &with_host(ok)), "{ok}");
        }
        for bad in [
            "evil.example:8787",
            "127.0.0.1.evil.example",
            "hr.example.com.evil",
            "[::2]:80",
            "",
        ] {
            assert_eq!(
                open.refusal(&with_host(bad)),
                Some(catalogue::RELAY_HOST_REFUSED),
                "{bad}"
            );
        }
        assert_eq!(
            open.refusal(&HeaderMap::new()),
            Some(catalogue::RELAY_HOST_REFUSED)
        );
    }

    #[test]
    fn bearer_mode_accepts_only_listed_keys() {
        let access = Access::Bearer(ApiKeys::parse(" k-one ,,k-two"));
        assert!(allows(&access, &with_auth("Bearer k-one")));
        assert!(allows(&access, &with_auth("bearer k-two")));
        for bad in [
            "Bearer k-on",
            "Bearer k-one2",
            "Basic k-one",
            "Bearer ",
            "k-one",
        ] {
            assert!(!allows(&access, &with_auth(bad)), "{bad}");
        }
        assert_eq!(
            access.refusal(&HeaderMap::new()),
            Some(catalogue::RELAY_UNAUTHORIZED)
        );
    }
}
