//! Who may use the relay's Feishu route: anyone that can reach it (`open`, loopback only) or
//! callers presenting one of the configured API keys (`bearer`).

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use subtle::ConstantTimeEq;

use crate::secret::Secret;

/// The access mode.
#[derive(Debug, Clone)]
pub enum Access {
    /// No check. Only allowed when the relay listens on loopback, where the only callers are this
    /// machine's programs, or a reverse proxy (SSO) on this machine that does the checking.
    Open,
    /// `Authorization: Bearer <key>` with one of these keys.
    Bearer(ApiKeys),
}

/// The accepted API keys (from `RELAY_API_KEYS`).
#[derive(Debug, Clone)]
pub struct ApiKeys(Vec<Secret>);

impl ApiKeys {
    /// Parses a comma-separated list; blanks around keys and empty entries are ignored.
    pub fn parse(list: &str) -> Self {
        ApiKeys(
            list.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(Secret::new)
                .collect(),
        )
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

impl Access {
    /// Whether a request with these headers may use the Feishu route.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        match self {
            Access::Open => true,
            Access::Bearer(keys) => bearer_token(headers).is_some_and(|t| keys.contains(t)),
        }
    }

    /// A name for logs and the README: `open` or `bearer`.
    pub fn name(&self) -> &'static str {
        match self {
            Access::Open => "open",
            Access::Bearer(_) => "bearer",
        }
    }
}

/// The credentials of `Authorization: Bearer <credentials>` (scheme case-insensitive).
fn bearer_token(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(AUTHORIZATION)?.as_bytes();
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

    #[test]
    fn bearer_mode_accepts_only_listed_keys() {
        let access = Access::Bearer(ApiKeys::parse(" k-one ,,k-two"));
        assert!(access.allows(&with_auth("Bearer k-one")));
        assert!(access.allows(&with_auth("bearer k-two")));
        for bad in [
            "Bearer k-on",
            "Bearer k-one2",
            "Basic k-one",
            "Bearer ",
            "k-one",
        ] {
            assert!(!access.allows(&with_auth(bad)), "{bad}");
        }
        assert!(!access.allows(&HeaderMap::new()));
        assert!(Access::Open.allows(&HeaderMap::new()));
    }
}
