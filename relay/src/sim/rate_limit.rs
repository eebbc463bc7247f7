//! The simulation's per-app rate limit of one route: a fixed one-second window, like Feishu's
//! gateway answering 429 with `x-ogw-ratelimit-limit` and `x-ogw-ratelimit-reset`. It also
//! watches the traffic it admits or refuses: the most requests that arrived within any one
//! second (a sliding window, whatever Feishu's alignment), and how many it refused.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// Requests per second per app; 0 turns the limit off.
pub struct RateLimiter {
    per_second: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    /// Arrivals within the last second.
    recent: Mutex<VecDeque<Instant>>,
    busiest: AtomicUsize,
    refused: AtomicU64,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests per app per second (0: unlimited).
    pub fn new(per_second: u32) -> Self {
        RateLimiter {
            per_second,
            windows: Mutex::new(HashMap::new()),
            recent: Mutex::new(VecDeque::new()),
            busiest: AtomicUsize::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// The most requests (of every app) that arrived within one second, over any second so far.
    pub fn busiest_second(&self) -> usize {
        self.busiest.load(Ordering::Relaxed)
    }

    /// Requests answered 429 so far.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Counts an arrival at `now` in the sliding second ending there.
    fn arrived(&self, now: Instant) {
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            recent.pop_front();
        }
        recent.push_back(now);
        self.busiest.fetch_max(recent.len(), Ordering::Relaxed);
    }

    /// The configured limit.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Counts a request of `app_id`: `Ok` if allowed, else the whole seconds until the window ends
    /// (at least 1, as Feishu's `x-ogw-ratelimit-reset`).
    pub fn check(&self, app_id: &str) -> Result<(), u64> {
        let now = Instant::now();
        self.arrived(now);
        if self.per_second == 0 {
            return Ok(());
        }
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let (start, count) = windows.entry(app_id.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_second {
            let left = WINDOW.saturating_sub(now.duration_since(*start));
            self.refused.fetch_add(1, Ordering::Relaxed);
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
        assert_eq!(l.refused(), 1);
        assert_eq!(l.busiest_second(), 4, "refused requests arrived too");
        let off = RateLimiter::new(0);
        assert!((0..1000).all(|_| off.check("a").is_ok()));
        assert_eq!(off.busiest_second(), 1000);
    }
}
