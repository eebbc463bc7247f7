//! CORS: only the configured origins get CORS headers, so only pages from those origins can read
//! the relay's replies. Same-origin pages (the relay serving the page itself) need none.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Headers a page must be able to read: the log ids and the rate-limit hints.
pub const EXPOSED: &str =
    "X-Tt-Logid, X-Request-Id, x-ogw-ratelimit-limit, x-ogw-ratelimit-reset, Retry-After, Date";

/// Request headers allowed when a preflight does not list any.
const DEFAULT_ALLOWED_HEADERS: &str = "authorization, content-type";

/// Which origins may read replies.
#[derive(Debug, Clone, Default)]
pub struct CorsPolicy {
    /// `*` was configured: every origin, without credentials (browsers refuse both together).
    any: bool,
    /// Exact origins such as `https://hr.example.com`, lower case, no trailing slash.
    origins: HashSet<String>,
}

impl CorsPolicy {
    /// Builds the policy from `--cors-origin` values. `*` means any origin only when given
    /// literally; empty values are ignored.
    pub fn new<S: AsRef<str>>(origins: &[S]) -> Self {
        let mut policy = CorsPolicy::default();
        for o in origins.iter().map(|o| o.as_ref().trim()) {
            match o {
                "" => {}
                "*" => policy.any = true,
                _ => {
                    policy.origins.insert(normalise(o));
                }
            }
        }
        policy
    }

    /// Whether no origin at all is allowed (the default).
    pub fn is_empty(&self) -> bool {
        !self.any && self.origins.is_empty()
    }

    /// The `Access-Control-Allow-Origin` value for a request's `Origin`, if allowed.
    fn allow_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        let origin = origin?;
        if self.any {
            return Some(HeaderValue::from_static("*"));
        }
        let text = origin.to_str().ok()?;
        self.origins
            .contains(&normalise(text))
            .then(|| origin.clone())
    }
}

/// Scheme and host are case-insensitive and a trailing slash is a common slip in configuration.
fn normalise(origin: &str) -> String {
    origin.trim_end_matches('/').to_ascii_lowercase()
}

/// The middleware: answers preflights, and adds CORS headers to replies for allowed origins.
pub async fn layer(State(policy): State<Arc<CorsPolicy>>, req: Request, next: Next) -> Response {
    let allowed = policy.allow_origin(req.headers().get(ORIGIN));
    if is_preflight(&req) {
        return preflight(&policy, allowed, req.headers());
    }
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.append(VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = allowed {
        add_common(&policy, headers, origin);
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED),
        );
    }
    response
}

fn is_preflight(req: &Request) -> bool {
    req.method() == Method::OPTIONS && req.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// 204 either way; only an allowed origin gets the headers that let the browser go on.
fn preflight(policy: &CorsPolicy, allowed: Option<HeaderValue>, req: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(VARY, HeaderValue::from_static("Origin"));
    let Some(origin) = allowed else {
        return response;
    };
    add_common(policy, headers, origin);
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, GET, OPTIONS"),
    );
    // Mirroring the requested headers lets a page add its own (an SSO proxy's, a tracing id); the
    // origin is already trusted, and the relay forwards none of them upstream anyway.
    let requested = req.get(ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    let allow_headers =
        requested.unwrap_or_else(|| HeaderValue::from_static(DEFAULT_ALLOWED_HEADERS));
    headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    response
}

fn add_common(policy: &CorsPolicy, headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    // Credentials (the SSO proxy's cookie) only for named origins: browsers refuse them with `*`.
    if !policy.any {
        headers.insert(
            ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_exactly_after_normalising() {
        let p = CorsPolicy::new(&["https://HR.example.com/", ""]);
        let ok = HeaderValue::from_static("https://hr.example.com");
        assert_eq!(p.allow_origin(Some(&ok)), Some(ok.clone()));
        for bad in [
            "https://hr.example.com.evil.net",
            "http://hr.example.com",
            "null",
        ] {
            assert_eq!(
                p.allow_origin(Some(&HeaderValue::from_static(bad))),
                None,
                "{bad}"
            );
        }
        assert_eq!(p.allow_origin(None), None);
        assert!(CorsPolicy::new::<&str>(&[]).is_empty());
        let any = CorsPolicy::new(&["*"]);
        assert_eq!(any.allow_origin(Some(&ok)).unwrap(), "*");
    }
}
