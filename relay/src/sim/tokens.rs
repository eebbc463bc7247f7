//! The simulation's tenant tokens, issued the way Feishu issues them: `t-…`, with a lifetime, the
//! same token handed back while more than 30 minutes of it are left, a new one after that (the old
//! one staying valid until it expires).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::log_id::{clock_nanos, mix64};

/// While more than this is left, Feishu returns the current token instead of a new one.
const REUSE_WHILE_LEFT: Duration = Duration::from_secs(30 * 60);

struct Issued {
    app_id: String,
    expires_at: Instant,
}

#[derive(Default)]
struct Book {
    by_token: HashMap<String, Issued>,
    /// Each app's newest token.
    newest: HashMap<String, String>,
}

/// Issued tokens and their apps.
pub struct TokenBook {
    ttl: Duration,
    book: Mutex<Book>,
    seed: u64,
    counter: AtomicU64,
}

impl TokenBook {
    /// A book whose tokens live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        TokenBook {
            ttl,
            book: Mutex::new(Book::default()),
            seed: clock_nanos(),
            counter: AtomicU64::new(0),
        }
    }

    /// A token for `app_id` and the seconds it has left (Feishu's `expire`).
    pub fn issue(&self, app_id: &str) -> (String, u64) {
        let now = Instant::now();
        let mut book = self.book.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(token) = book.newest.get(app_id) {
            if let Some(issued) = book.by_token.get(token) {
                let left = issued.expires_at.saturating_duration_since(now);
                if left > REUSE_WHILE_LEFT {
                    return (token.clone(), left.as_secs());
                }
            }
        }
        book.by_token.retain(|_, issued| issued.expires_at > now);
        let token = self.new_token();
        let issued = Issued {
            app_id: app_id.to_owned(),
            expires_at: now + self.ttl,
        };
        book.by_token.insert(token.clone(), issued);
        book.newest.insert(app_id.to_owned(), token.clone());
        (token, self.ttl.as_secs())
    }

    /// The app a token was issued to, if it is known and not expired.
    pub fn app_of(&self, token: &str) -> Option<String> {
        let book = self.book.lock().unwrap_or_else(PoisonError::into_inner);
        book.by_token
            .get(token)
            .filter(|issued| issued.expires_at > Instant::now())
            .map(|issued| issued.app_id.clone())
    }

    /// Forgets one token (the token endpoint then issues a new one).
    pub fn revoke(&self, token: &str) {
        let mut book = self.book.lock().unwrap_or_else(PoisonError::into_inner);
        book.by_token.remove(token);
        book.newest.retain(|_, newest| newest != token);
    }

    /// Forgets every token, as if Feishu had invalidated them all (tests use this to provoke
    /// 99991663 for a token the relay still believes fresh).
    pub fn revoke_all(&self) {
        let mut book = self.book.lock().unwrap_or_else(PoisonError::into_inner);
        *book = Book::default();
    }

    fn new_token(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let a = mix64(self.seed ^ n);
        let b = mix64(a ^ 0x5bd1_e995);
        format!("t-{a:016x}{b:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reused_while_long_lived_new_when_short() {
        let long = TokenBook::new(Duration::from_secs(7200));
        let (a, expire) = long.issue("cli_a");
        assert!(a.starts_with("t-") && expire == 7200);
        assert_eq!(long.issue("cli_a").0, a, "same token while > 30 min left");
        assert_ne!(long.issue("cli_b").0, a, "each app its own");
        assert_eq!(long.app_of(&a).as_deref(), Some("cli_a"));
        long.revoke_all();
        assert_eq!(long.app_of(&a), None);

        let short = TokenBook::new(Duration::from_secs(60));
        let (x, _) = short.issue("cli_a");
        let (y, _) = short.issue("cli_a");
        assert_ne!(x, y);
        assert!(
            short.app_of(&x).is_some(),
            "the old one stays valid until it expires"
        );
    }
}
