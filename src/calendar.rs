//! Gregorian calendar arithmetic: the `yyyyMMdd` dates Feishu uses and its `yyyy-MM-dd HH:mm` times.
//!
//! Hand-written rather than pulled from a date crate because the browser bundle has a size budget
//! and the whole need is a few lines of integer arithmetic.

use std::fmt;

use crate::text::unsigned_bytes;

/// Why a number is not a usable `yyyyMMdd` date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Not an eight-digit number (years 1000 to 9999).
    NotEightDigits,
    /// The month is not 1 to 12.
    NoSuchMonth,
    /// The day does not exist in that month (29 February of a common year, 31 April, 0...).
    NoSuchDay,
}

impl DateProblem {
    /// A stable machine-readable reason code.
    pub fn code(self) -> &'static str {
        match self {
            DateProblem::NotEightDigits => "not_eight_digits",
            DateProblem::NoSuchMonth => "no_such_month",
            DateProblem::NoSuchDay => "no_such_day",
        }
    }
}

/// Whether `year` is a Gregorian leap year (1900 is not, 2000 is).
pub fn is_leap_year(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1 to 12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A real calendar day, as Feishu's `remedy_date` writes it (`20210104`).
///
/// Only constructible through checks, so holding one proves the day exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RemedyDate(u32);

impl RemedyDate {
    /// Checks an integer such as `20240229` and returns the day it names.
    pub fn from_yyyymmdd(value: i64) -> Result<Self, DateProblem> {
        if !(10_000_101..=99_991_231).contains(&value) {
            return Err(DateProblem::NotEightDigits);
        }
        // In range above, so the cast cannot truncate.
        let value = value as u32;
        Self::from_ymd(value / 10_000, value / 100 % 100, value % 100)
    }

    /// Builds a date from its parts, checking that the day exists.
    pub fn from_ymd(year: u32, month: u32, day: u32) -> Result<Self, DateProblem> {
        if !(1000..=9999).contains(&year) {
            return Err(DateProblem::NotEightDigits);
        }
        if !(1..=12).contains(&month) {
            return Err(DateProblem::NoSuchMonth);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateProblem::NoSuchDay);
        }
        Ok(RemedyDate(year * 10_000 + month * 100 + day))
    }

    /// The date as Feishu's integer, e.g. `20210104`.
    pub fn yyyymmdd(self) -> u32 {
        self.0
    }

    /// The year (1000 to 9999).
    pub fn year(self) -> u32 {
        self.0 / 10_000
    }

    /// The month (1 to 12).
    pub fn month(self) -> u32 {
        self.0 / 100 % 100
    }

    /// The day of the month (1 to 31).
    pub fn day(self) -> u32 {
        self.0 % 100
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year() as i64, self.month() as i64, self.day() as i64)
    }

    /// The date `days` days after 1970-01-01; `None` outside years 1000 to 9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Self> {
        let (y, m, d) = civil_from_days(days);
        let year = u32::try_from(y).ok()?;
        Self::from_ymd(year, m as u32, d as u32).ok()
    }

    /// The date `n` days later (earlier when negative); `None` past the supported years.
    pub fn add_days(self, n: i64) -> Option<Self> {
        Self::from_days_since_epoch(self.days_since_epoch().checked_add(n)?)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: RemedyDate) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// Day of the week, 0 = Monday ... 6 = Sunday (calendar grids start on Monday in China).
    pub fn weekday_from_monday(self) -> u32 {
        // 1970-01-01 was a Thursday (index 3).
        (self.days_since_epoch() + 3).rem_euclid(7) as u32
    }
}

impl fmt::Display for RemedyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Whether `text` is a real local time written `yyyy-MM-dd HH:mm`, as Feishu writes
/// `normal_punch_time`, `remedy_start_time` and `remedy_end_time`.
pub fn is_punch_time(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| digits(&b[r]);
    match (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16)) {
        (Some(y), Some(mo), Some(d), Some(h), Some(mi)) => {
            RemedyDate::from_ymd(y, mo, d).is_ok() && h < 24 && mi < 60
        }
        _ => false,
    }
}

/// A few ASCII digits as a number (`None` if any byte is not a digit; callers pass at most 4, so
/// it fits a `u32`).
fn digits(b: &[u8]) -> Option<u32> {
    unsigned_bytes(b).map(|n| n as u32)
}

/// The months as an HTTP date writes them.
const HTTP_MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// An HTTP date in RFC 9110's preferred form, `Sun, 06 Nov 1994 08:49:37 GMT`, as seconds since
/// 1970-01-01 UTC (negative before). The obsolete RFC 850 and asctime forms, which RFC 9110 only
/// asks recipients to tolerate, are not read: `None`, like anything else that is not a real time.
pub fn http_date_secs(text: &str) -> Option<i64> {
    // A fixed-size array: constant indices need no bounds checks (and link no panic formatting).
    let b: &[u8; 29] = text.trim_ascii().as_bytes().try_into().ok()?;
    let separators = [b[3], b[4], b[7], b[11], b[16], b[19], b[22]];
    let shaped = separators == *b",    ::" && [b[25], b[26], b[27], b[28]] == *b" GMT";
    if !shaped {
        return None;
    }
    let month = HTTP_MONTHS
        .iter()
        .position(|m| **m == [b[8], b[9], b[10]])? as u32
        + 1;
    let year = two_digits(b[12], b[13])? * 100 + two_digits(b[14], b[15])?;
    let date = RemedyDate::from_ymd(year, month, two_digits(b[5], b[6])?).ok()?;
    let h = two_digits(b[17], b[18])?;
    let m = two_digits(b[20], b[21])?;
    let s = two_digits(b[23], b[24])?;
    // 60: a leap second, which Unix time folds into the next minute.
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let secs_of_day = i64::from(h * 3600 + m * 60 + s);
    Some(date.days_since_epoch() * 86_400 + secs_of_day)
}

/// Seconds China time (Feishu's: its days turn at midnight in Beijing) is ahead of UTC; China
/// has no daylight saving time.
pub const CHINA_OFFSET_SECS: i64 = 8 * 3600;

/// The China date and the seconds since its midnight at a Unix time (`None` outside the years
/// 1000 to 9999, which no real clock or punch reaches).
pub fn china_at(unix_secs: i64) -> Option<(RemedyDate, u32)> {
    let local = unix_secs.checked_add(CHINA_OFFSET_SECS)?;
    let date = RemedyDate::from_days_since_epoch(local.div_euclid(86_400))?;
    Some((date, local.rem_euclid(86_400) as u32))
}

/// Two ASCII digits as a number.
fn two_digits(tens: u8, ones: u8) -> Option<u32> {
    digits(&[tens, ones])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_in_the_preferred_form() {
        // RFC 9110's own example, and the first second of 1970.
        assert_eq!(
            http_date_secs("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(http_date_secs(" Thu, 01 Jan 1970 00:00:00 GMT "), Some(0));
        assert_eq!(
            http_date_secs("Wed, 25 Nov 2026 08:00:03 GMT"),
            Some(1_795_593_603)
        );
        for bad in [
            "",
            "3",
            "Sunday, 06-Nov-94 08:49:37 GMT", // RFC 850
            "Sun Nov  6 08:49:37 1994",       // asctime
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nvo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08-49-37 GMT",
            "Sun, 0é Nov 1994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(http_date_secs(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn china_time_is_utc_plus_8() {
        // 2026-11-23T15:59:59Z is 23:59:59 in Beijing; one second later it is the 24th there.
        let before = 1_795_449_599;
        let (day, secs) = china_at(before).unwrap();
        assert_eq!((day.yyyymmdd(), secs), (20261123, 86_399));
        let (day, secs) = china_at(before + 1).unwrap();
        assert_eq!((day.yyyymmdd(), secs), (20261124, 0));
        assert_eq!(china_at(i64::MAX), None);
        assert_eq!(china_at(-1_000_000_000_000), None);
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(!is_leap_year(1900));
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(2100));
        assert!(!is_leap_year(2023));
    }

    #[test]
    fn february_29_exists_only_in_leap_years() {
        assert!(RemedyDate::from_yyyymmdd(20240229).is_ok());
        assert!(RemedyDate::from_yyyymmdd(20000229).is_ok());
        assert_eq!(
            RemedyDate::from_yyyymmdd(19000229),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(
            RemedyDate::from_yyyymmdd(21000229),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(
            RemedyDate::from_yyyymmdd(20230229),
            Err(DateProblem::NoSuchDay)
        );
    }

    #[test]
    fn month_and_day_bounds() {
        assert_eq!(
            RemedyDate::from_yyyymmdd(20210230),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(
            RemedyDate::from_yyyymmdd(20210431),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(
            RemedyDate::from_yyyymmdd(20210100),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(
            RemedyDate::from_yyyymmdd(20211301),
            Err(DateProblem::NoSuchMonth)
        );
        assert_eq!(
            RemedyDate::from_yyyymmdd(20210001),
            Err(DateProblem::NoSuchMonth)
        );
        assert!(RemedyDate::from_yyyymmdd(20211231).is_ok());
        assert!(RemedyDate::from_yyyymmdd(20210131).is_ok());
    }

    #[test]
    fn not_eight_digits() {
        for bad in [
            0,
            -20210104,
            2021014,
            202101040,
            99_999_999_999,
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(
                RemedyDate::from_yyyymmdd(bad),
                Err(DateProblem::NotEightDigits),
                "{bad}"
            );
        }
    }

    #[test]
    fn parts_and_display() {
        let d = RemedyDate::from_yyyymmdd(20210104).unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2021, 1, 4));
        assert_eq!(d.to_string(), "20210104");
        assert_eq!(d.weekday_from_monday(), 0, "4 January 2021 was a Monday");
    }

    #[test]
    fn day_arithmetic_crosses_months_years_and_leap_days() {
        let d = |n| RemedyDate::from_yyyymmdd(n).unwrap();
        assert_eq!(d(20240228).add_days(1), Some(d(20240229)));
        assert_eq!(d(20240229).add_days(1), Some(d(20240301)));
        assert_eq!(d(20230228).add_days(1), Some(d(20230301)));
        assert_eq!(d(20211231).add_days(1), Some(d(20220101)));
        assert_eq!(d(20220101).add_days(-1), Some(d(20211231)));
        assert_eq!(d(19700101).days_since_epoch(), 0);
        assert_eq!(d(20240101).days_until(d(20241231)), 365);
        assert_eq!(d(99991231).add_days(1), None);
    }

    #[test]
    fn epoch_round_trip_over_centuries() {
        for days in (-300_000..300_000).step_by(997) {
            let date = RemedyDate::from_days_since_epoch(days).unwrap();
            assert_eq!(date.days_since_epoch(), days);
        }
    }

    #[test]
    fn punch_times() {
        assert!(is_punch_time("2021-07-01 09:00"));
        assert!(is_punch_time("2024-02-29 23:59"));
        for bad in [
            "",
            "2021-07-01",
            "2021-07-01 24:00",
            "2021-07-01 09:60",
            "2023-02-29 09:00",
            "2021/07/01 09:00",
            "2021-07-01T09:00",
            "2021-07-01 9:00 ",
            "２021-07-01 09:00",
        ] {
            assert!(!is_punch_time(bad), "{bad:?}");
        }
    }
}
