//! "Today" for the simulation, in China time (UTC+8): Feishu is a China service, so its days turn
//! at midnight in Beijing, and tests that read the dataset do not flip at midnight UTC.

use std::time::{SystemTime, UNIX_EPOCH};

use feishu_remedy::calendar::RemedyDate;

/// Seconds China time is ahead of UTC (no daylight saving).
pub const CHINA_OFFSET_SECS: i64 = 8 * 3600;

/// Where the simulation's "today" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock, read as China time.
    #[default]
    ChinaNow,
    /// A fixed day (`--sim-today`), for reproducible demos and tests.
    Fixed(RemedyDate),
}

impl Clock {
    /// Today's date.
    pub fn today(self) -> RemedyDate {
        match self {
            Clock::ChinaNow => china_now().0,
            Clock::Fixed(day) => day,
        }
    }
}

/// The current China date and the seconds since its midnight.
pub fn china_now() -> (RemedyDate, u32) {
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    china_at(unix)
}

/// The China date and seconds since its midnight at a Unix time.
pub fn china_at(unix_secs: i64) -> (RemedyDate, u32) {
    let local = unix_secs + CHINA_OFFSET_SECS;
    // Clamped to the years the calendar supports, so the lookup below always succeeds.
    let days = local.div_euclid(86_400).clamp(0, 2_932_000);
    let date = RemedyDate::from_days_since_epoch(days)
        .unwrap_or_else(|| unreachable!("days clamped to the calendar's supported years"));
    (date, local.rem_euclid(86_400) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_midnight_is_4pm_utc() {
        // 2026-11-23T15:59:59Z is 23:59:59 in Beijing; one second later it is the 24th there.
        let before = 1_795_449_599;
        assert_eq!(china_at(before).0.yyyymmdd(), 20261123);
        assert_eq!(china_at(before).1, 86_399);
        assert_eq!(china_at(before + 1).0.yyyymmdd(), 20261124);
        assert_eq!(china_at(before + 1).1, 0);
    }
}
