//! The relay's counters per Feishu route, for tests, the rush benchmark and monitoring: calls made
//! upstream, Feishu's 429s, the relay's own 429s, and requests served by another's call. Served as
//! `GET /metrics` in Prometheus' text format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The counters of one route.
#[derive(Debug, Default)]
pub struct RouteCounters {
    upstream_calls: AtomicU64,
    feishu_429s: AtomicU64,
    relay_429s: AtomicU64,
    coalesced: AtomicU64,
}

impl RouteCounters {
    /// A request was sent upstream (each attempt, so a retry after a stale token counts twice).
    pub fn upstream_call(&self) {
        self.upstream_calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Feishu answered 429 or 99991400.
    pub fn feishu_429(&self) {
        self.feishu_429s.fetch_add(1, Ordering::Relaxed);
    }

    /// The relay answered a caller 429 itself (its queue was full or the wait over).
    pub fn relay_429(&self) {
        self.relay_429s.fetch_add(1, Ordering::Relaxed);
    }

    /// A caller got the reply of another caller's identical call.
    pub fn coalesced(&self) {
        self.coalesced.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        Counts {
            upstream_calls: self.upstream_calls.load(Ordering::Relaxed),
            feishu_429s: self.feishu_429s.load(Ordering::Relaxed),
            relay_429s: self.relay_429s.load(Ordering::Relaxed),
            coalesced: self.coalesced.load(Ordering::Relaxed),
        }
    }
}

/// A snapshot of counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests sent to Feishu.
    pub upstream_calls: u64,
    /// Feishu's rate-limit replies.
    pub feishu_429s: u64,
    /// The relay's own rate-limit replies.
    pub relay_429s: u64,
    /// Callers served by another caller's call.
    pub coalesced: u64,
}

impl Counts {
    fn plus(self, o: Counts) -> Counts {
        Counts {
            upstream_calls: self.upstream_calls + o.upstream_calls,
            feishu_429s: self.feishu_429s + o.feishu_429s,
            relay_429s: self.relay_429s + o.relay_429s,
            coalesced: self.coalesced + o.coalesced,
        }
    }
}

/// Every route's counters, by path.
#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<&'static str, Arc<RouteCounters>>>,
}

impl Metrics {
    /// The counters of `route` (a Feishu path), created at first use.
    pub fn route(&self, route: &'static str) -> Arc<RouteCounters> {
        self.lock().entry(route).or_default().clone()
    }

    /// The counts of `route` (zero when it was never called).
    pub fn counts(&self, route: &str) -> Counts {
        self.lock()
            .get(route)
            .map_or_else(Counts::default, |c| c.counts())
    }

    /// The counts of every route together.
    pub fn total(&self) -> Counts {
        self.lock()
            .values()
            .fold(Counts::default(), |sum, c| sum.plus(c.counts()))
    }

    /// Prometheus' text format (version 0.0.4): one counter family per count, labelled by route.
    pub fn prometheus(&self) -> String {
        let routes: Vec<(&str, Counts)> =
            self.lock().iter().map(|(r, c)| (*r, c.counts())).collect();
        let families = [
            ("relay_upstream_calls_total", "Requests sent to Feishu."),
            (
                "relay_feishu_rate_limited_total",
                "Feishu's 429 (99991400) replies.",
            ),
            (
                "relay_rate_limited_total",
                "The relay's own 429 (98000429) replies.",
            ),
            (
                "relay_coalesced_total",
                "Requests served by an identical request's call.",
            ),
        ];
        let mut out = String::new();
        for (i, (name, help)) in families.iter().enumerate() {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for (route, c) in &routes {
                let value = [c.upstream_calls, c.feishu_429s, c.relay_429s, c.coalesced][i];
                let _ = writeln!(out, "{name}{{route=\"{route}\"}} {value}");
            }
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Arc<RouteCounters>>> {
        self.routes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_route_and_in_all_and_as_prometheus_text() {
        let m = Metrics::default();
        let a = m.route("/a");
        a.upstream_call();
        a.upstream_call();
        a.feishu_429();
        m.route("/b").relay_429();
        m.route("/b").coalesced();
        assert_eq!(m.counts("/a").upstream_calls, 2);
        assert_eq!(m.counts("/never"), Counts::default());
        let total = m.total();
        assert_eq!(
            (
                total.upstream_calls,
                total.feishu_429s,
                total.relay_429s,
                total.coalesced
            ),
            (2, 1, 1, 1)
        );
        let text = m.prometheus();
        assert!(
            text.contains("relay_upstream_calls_total{route=\"/a\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("relay_rate_limited_total{route=\"/b\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE relay_coalesced_total counter\n"),
            "{text}"
        );
    }
}
