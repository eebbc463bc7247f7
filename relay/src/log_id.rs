//! Log ids the relay makes itself, for replies that never reached Feishu (refusals, upstream
//! trouble) and for replies from upstream that carried none: every reply has an id to quote.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// A request id such as `relay-5f3a9c1e00000001`: a per-process random prefix (so two relay
/// processes, or a restart, do not hand out the same ids) and a counter.
#[derive(Clone, PartialEq, Eq)]
pub struct LogId(Arc<str>);

impl LogId {
    /// The next id of this process.
    pub fn next() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(1);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        LogId(format!("relay-{:08x}{n:08x}", process_prefix()).into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn process_prefix() -> u32 {
    static PREFIX: OnceLock<u32> = OnceLock::new();
    *PREFIX.get_or_init(|| (mix64(clock_nanos() ^ u64::from(std::process::id())) >> 32) as u32)
}

/// Nanoseconds since the epoch, 0 if the clock is before it (it only seeds ids).
pub(crate) fn clock_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// SplitMix64's finaliser: spreads bits so that consecutive inputs give unrelated outputs.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_prefixed() {
        let a = LogId::next();
        let b = LogId::next();
        assert_ne!(a, b);
        assert!(
            a.as_str().starts_with("relay-") && a.as_str().len() == 22,
            "{a}"
        );
    }
}
