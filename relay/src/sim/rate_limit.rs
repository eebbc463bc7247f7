//! The simulation's per-app rate limit: a fixed one-second window, like Feishu's gateway answering
//! 429 with `x-ogw-ratelimit-limit` and `x-ogw-ratelimit-reset`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// Requests per second per app; 0 turns the limit off.
pub struct RateLimiter {
    per_second: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests per app per second (0: unlimited).
    pub fn new(per_second: u32) -> Self {
        RateLimiter {
            per_second,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// The configured limit.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Counts a request of `app_id`: `Ok` if allowed, else the whole seconds until the window ends
    /// (at least 1, as Feishu's `x-ogw-ratelimit-reset`).
    pub fn check(&self, app_id: &str) -> Result<(), u64> {
        if self.per_second == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let (start, count) = windows.entry(app_id.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_second {
            let left = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(left.as_secs_f64().ceil().max(1.0) as u64);
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_app_windows() {
        let l = RateLimiter::new(2);
        assert_eq!(l.check("a"), Ok(()));
        assert_eq!(l.check("a"), Ok(()));
        assert_eq!(l.check("a"), Err(1));
        assert_eq!(l.check("b"), Ok(()), "another app has its own budget");
        let off = RateLimiter::new(0);
        assert!((0..1000).all(|_| off.check("a").is_ok()));
    }
}
