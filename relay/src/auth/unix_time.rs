//! Seconds since the Unix epoch from an injected [`SystemTime`]: the one unit the cookies and
//! tokens carry, so that expiry checks compare plain integers.

use std::time::{SystemTime, UNIX_EPOCH};

/// Whole seconds from the epoch to `now`; 0 for a time before it (a broken clock must not panic,
/// and 0 makes every expiry look far away rather than wrapping around).
pub fn unix_secs(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn whole_seconds_and_no_panic_before_the_epoch() {
        assert_eq!(unix_secs(UNIX_EPOCH + Duration::from_millis(90_500)), 90);
        assert_eq!(unix_secs(UNIX_EPOCH - Duration::from_secs(5)), 0);
    }
}
