//! A wrapper for values that must never be printed (the app secret, tenant tokens, API keys), and
//! the app credentials that hold one.

use std::fmt;

/// A secret string. `Debug` and `Display` print `[redacted]`, so a secret that ends up in a log
/// line, an error message or a `{:?}` of a config struct by mistake still does not leak.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that must send it (the token request, a constant-time check).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A self-built app's credentials.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    /// `cli_…`; not a secret (it appears in logs).
    pub app_id: String,
    /// Never logged, never sent anywhere but the token endpoint.
    pub app_secret: Secret,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "[redacted] [redacted]");
        assert_eq!(s.expose(), "hunter2");
    }
}
