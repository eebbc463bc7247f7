//! The page (`--www-dir`, at `/`) and the npm package (`--pkg-dir`, at `/pkg/`), so one origin
//! serves page, module and API and the page needs no CORS at all.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// The two optional directories, canonicalised at start-up.
#[derive(Debug, Clone, Default)]
pub struct StaticFiles {
    www: Option<PathBuf>,
    pkg: Option<PathBuf>,
}

impl StaticFiles {
    /// Checks that each given directory exists and resolves it (so later checks compare real paths).
    pub fn new(www: Option<&Path>, pkg: Option<&Path>) -> std::io::Result<Self> {
        let resolve = |dir: Option<&Path>| -> std::io::Result<Option<PathBuf>> {
            dir.map(|d| {
                let real = d.canonicalize()?;
                if real.is_dir() {
                    Ok(real)
                } else {
                    Err(std::io::Error::other(format!(
                        "{} is not a directory",
                        d.display()
                    )))
                }
            })
            .transpose()
        };
        Ok(StaticFiles {
            www: resolve(www)?,
            pkg: resolve(pkg)?,
        })
    }

    /// The reply for a `GET`/`HEAD` of `path`, or `None` when no file is there.
    pub async fn serve(&self, method: &Method, path: &str) -> Option<Response> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let file = self.locate(path)?;
        let bytes = tokio::fs::read(&file).await.ok()?;
        let mut response = (StatusCode::OK, Body::from(bytes)).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(&file)));
        // The page and package change with every build: always revalidate.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        Some(response)
    }

    /// The file a URL path names, only if it lies inside the directory serving that prefix.
    fn locate(&self, path: &str) -> Option<PathBuf> {
        let (root, rest) = match (path.strip_prefix("/pkg/"), &self.pkg) {
            (Some(rest), Some(pkg)) => (pkg, rest),
            _ => (self.www.as_ref()?, path.strip_prefix('/')?),
        };
        let rest = if rest.is_empty() { "index.html" } else { rest };
        let mut candidate = root.clone();
        for segment in rest.split('/') {
            candidate.push(safe_segment(segment)?);
        }
        // Symlinks may point anywhere: compare the real path, not the spelled one.
        let real = candidate.canonicalize().ok()?;
        (real.starts_with(root) && real.is_file()).then_some(real)
    }
}

/// A percent-decoded path segment that names a file or directory below the current one: not empty,
/// not `.`/`..` or any hidden name, no separators or NUL.
fn safe_segment(raw: &str) -> Option<String> {
    let decoded = percent_decode(raw)?;
    let ok =
        !decoded.is_empty() && !decoded.starts_with('.') && !decoded.contains(['/', '\\', '\0']);
    ok.then_some(decoded)
}

fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// By extension; `.wasm` must be `application/wasm` for `WebAssembly.instantiateStreaming`, and
/// modules must be a JavaScript type for `<script type="module">`.
fn content_type(file: &Path) -> &'static str {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" | "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_segments_are_refused() {
        for bad in [
            "..", ".", "", ".git", "%2e%2e", "a%2fb", "a%5cb", "%00", "%zz", "%2",
        ] {
            assert_eq!(safe_segment(bad), None, "{bad}");
        }
        assert_eq!(
            safe_segment("index%20page.html").as_deref(),
            Some("index page.html")
        );
    }

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type(Path::new("a/x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.JS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
    }

    #[test]
    fn files_outside_the_roots_are_not_found() {
        let dir = std::env::temp_dir().join(format!("relay-static-{}", std::process::id()));
        let www = dir.join("www");
        std::fs::create_dir_all(&www).unwrap();
        std::fs::write(www.join("index.html"), "hi").unwrap();
        std::fs::write(dir.join("secret.txt"), "no").unwrap();
        let s = StaticFiles::new(Some(&www), None).unwrap();
        assert!(s.locate("/").is_some());
        assert!(s.locate("/index.html").is_some());
        assert!(s.locate("/../secret.txt").is_none());
        assert!(s.locate("/%2e%2e/secret.txt").is_none());
        assert!(
            s.locate("/pkg/index.html").is_none(),
            "no pkg dir: /pkg/ is looked up in www"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
