//! When a failed call is worth another try, and how long to wait first.
//!
//! Pure, so it is tested natively; the browser binding feeds it the clock, the caller's deadline
//! and a random number. The rules, in order:
//! 1. only retryable outcomes are retried ([`RemedyError::retryable`]: rate limits, server faults,
//!    network failures), at most the caller's `retries` times; `retries: 0` means no retry at all;
//! 2. a wait the server asked for (`x-ogw-ratelimit-reset`, else `Retry-After`) is honoured, with
//!    jitter on top (a fifth of the wait, plus [`SERVER_WAIT_JITTER_MS`]) so that the callers one
//!    rate limit turned away come back spread out rather than together. When the relay's own
//!    quota queue turned the call away ([`catalogue::RELAY_RATE_LIMITED`]: Feishu's quota is in
//!    use by the company's other callers, and a retry after the reset is served in turn), the
//!    retry does not use up `retries` (at most [`MAX_SERVER_WAITS`] of them, within the deadline):
//!    at 9:00 a month view with a long enough `timeoutMs` keeps its place instead of failing,
//!    while a relay that is down, or Feishu's own 429, still ends after `retries` tries;
//! 3. otherwise exponential backoff with "equal jitter" (half fixed, half random), capped;
//! 4. never a wait that leaves less than [`MIN_ATTEMPT_MS`] before the caller's deadline: an
//!    attempt squeezed in there would most likely time out, and the caller would get `timeout`
//!    instead of the error that says what happened (a 429 with its wait, say). The last error stands.

use crate::catalogue;
use crate::errors::RemedyError;

/// The first backoff step, in milliseconds; it doubles with every retry.
pub const BASE_BACKOFF_MS: f64 = 250.0;
/// The longest backoff step, in milliseconds.
pub const MAX_BACKOFF_MS: f64 = 8_000.0;
/// The most random milliseconds added to a wait the server asked for.
pub const SERVER_WAIT_JITTER_MS: f64 = 100.0;
/// The least time a retry must have left after its wait, in milliseconds.
pub const MIN_ATTEMPT_MS: f64 = 250.0;
/// How many retries a call makes when the caller does not say.
pub const DEFAULT_RETRIES: u32 = 2;
/// The most retries a caller may ask for: more would only hammer a failing relay.
pub const MAX_RETRIES: u32 = 10;
/// The most retries after waits the server asked for, on top of `retries`: the deadline bounds
/// them too, this only keeps a server that always says "wait 0 s" from being asked in a loop.
pub const MAX_SERVER_WAITS: u32 = 30;
/// The share of a server-asked wait added as random jitter at most.
pub const SERVER_WAIT_SPREAD: f64 = 0.2;

/// Where a call stands after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// Retries already made that count against `retries_allowed` (0 after the first attempt failed).
    pub retries_done: u32,
    /// Retries already made after a wait the server asked for (they do not count against
    /// `retries_allowed`).
    pub waits_done: u32,
    /// Retries the caller allows.
    pub retries_allowed: u32,
    /// The clock now, in milliseconds.
    pub now_ms: f64,
    /// When the caller's timeout expires, on the same clock.
    pub deadline_ms: f64,
    /// A random number in `[0, 1)`; anything else is clamped into it.
    pub jitter: f64,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// Stop and report the error.
    GiveUp,
    /// Wait this many milliseconds, then try again.
    WaitMs(u32),
}

/// Decides whether to try again after `error`, and after how long.
pub fn next(error: &RemedyError, at: &Attempt) -> Next {
    let asked = error.retry_after_secs();
    let used_up = if uses_up_a_retry(error) {
        at.retries_done >= at.retries_allowed
    } else {
        at.waits_done >= MAX_SERVER_WAITS
    };
    if !error.retryable() || at.retries_allowed == 0 || used_up {
        return Next::GiveUp;
    }
    let jitter = clamp_unit(at.jitter);
    let wait = match asked {
        Some(secs) => {
            let ms = f64::from(secs) * 1000.0;
            ms + jitter * (SERVER_WAIT_JITTER_MS + ms * SERVER_WAIT_SPREAD)
        }
        None => backoff_ms(at.retries_done, jitter),
    };
    // The wait must leave the attempt some time; NaN clocks fail this test and give up too.
    if at.now_ms + wait + MIN_ATTEMPT_MS <= at.deadline_ms {
        Next::WaitMs(wait.ceil() as u32)
    } else {
        Next::GiveUp
    }
}

/// Whether retrying after `error` counts against the caller's `retries` (rule 2): every retry
/// does but one the relay's quota queue asked for, with its wait.
pub fn uses_up_a_retry(error: &RemedyError) -> bool {
    error.code() != Some(catalogue::RELAY_RATE_LIMITED) || error.retry_after_secs().is_none()
}

/// The backoff before retry number `retries_done + 1`: `BASE * 2^n` capped at [`MAX_BACKOFF_MS`],
/// of which half is fixed and half scaled by `jitter`.
pub fn backoff_ms(retries_done: u32, jitter: f64) -> f64 {
    let step = (BASE_BACKOFF_MS * 2f64.powi(retries_done.min(16) as i32)).min(MAX_BACKOFF_MS);
    step / 2.0 + clamp_unit(jitter) * step / 2.0
}

fn clamp_unit(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode_bytes, ReplyMeta};
    use crate::errors::{Field, Problem, ValidationError};

    fn api(status: u16, code: i64, reset: Option<&str>) -> RemedyError {
        let meta = ReplyMeta {
            status,
            ratelimit_reset: reset.map(str::to_owned),
            ..Default::default()
        };
        decode_bytes(&meta, format!(r#"{{"code":{code},"msg":"m"}}"#).as_bytes()).unwrap_err()
    }

    fn at(retries_done: u32, jitter: f64) -> Attempt {
        Attempt {
            retries_done,
            waits_done: 0,
            retries_allowed: 2,
            now_ms: 1_000.0,
            deadline_ms: 100_000.0,
            jitter,
        }
    }

    #[test]
    fn only_retryable_outcomes_are_retried() {
        let no = [
            api(400, 1226502, None),
            api(400, 1220004, None),
            api(200, 99991663, None),
            // Issue 13: too large stays too large, from the relay or by the module's own rule.
            api(502, crate::catalogue::RELAY_REPLY_TOO_LARGE, None),
            decode_bytes(
                &ReplyMeta {
                    status: 502,
                    ..Default::default()
                },
                &vec![b' '; crate::decode::MAX_BODY_BYTES + 1],
            )
            .unwrap_err(),
            RemedyError::Aborted,
            ValidationError::new(Field::UserId, Problem::Empty).into(),
        ];
        for e in &no {
            assert_eq!(next(e, &at(0, 0.5)), Next::GiveUp, "{e}");
        }
        let yes = [
            api(429, 99991400, None),
            api(500, 1225000, None),
            RemedyError::Network {
                detail: "refused".into(),
            },
        ];
        for e in &yes {
            assert!(matches!(next(e, &at(0, 0.5)), Next::WaitMs(_)), "{e}");
        }
    }

    #[test]
    fn at_most_the_allowed_retries() {
        let e = api(500, 1225000, None);
        assert!(matches!(next(&e, &at(1, 0.0)), Next::WaitMs(_)));
        assert_eq!(next(&e, &at(2, 0.0)), Next::GiveUp);
        let none = Attempt {
            retries_allowed: 0,
            ..at(0, 0.0)
        };
        assert_eq!(next(&e, &none), Next::GiveUp);
    }

    #[test]
    fn the_servers_wait_is_honoured() {
        let e = api(429, 99991400, Some("1"));
        assert_eq!(next(&e, &at(0, 0.0)), Next::WaitMs(1000));
        // Jitter: up to 100 ms plus a fifth of the wait (1000 + 0.999 * 300, rounded up).
        assert_eq!(next(&e, &at(0, 0.999)), Next::WaitMs(1300));
        // A 5xx carrying Retry-After is honoured the same way.
        let meta = ReplyMeta {
            status: 503,
            retry_after: Some("2".into()),
            ..Default::default()
        };
        let e = decode_bytes(&meta, b"<html>busy</html>").unwrap_err();
        assert_eq!(next(&e, &at(1, 0.0)), Next::WaitMs(2000));
    }

    #[test]
    fn the_relays_queue_waits_do_not_use_up_the_retries() {
        let limited = api(429, crate::catalogue::RELAY_RATE_LIMITED, Some("2"));
        assert!(!uses_up_a_retry(&limited));
        // Both retries already spent on other failures: the relay's queue still gets its wait.
        assert_eq!(next(&limited, &at(2, 0.0)), Next::WaitMs(2000));
        // ... as long as the deadline allows, and at most MAX_SERVER_WAITS times.
        let spent = Attempt {
            waits_done: MAX_SERVER_WAITS,
            ..at(0, 0.0)
        };
        assert_eq!(next(&limited, &spent), Next::GiveUp);
        // Feishu's own 429, and the relay's without a reset, are ordinary retries, counted.
        for counted in [
            api(429, 99991400, Some("2")),
            api(429, crate::catalogue::RELAY_RATE_LIMITED, None),
        ] {
            assert!(uses_up_a_retry(&counted));
            assert_eq!(next(&counted, &at(2, 0.0)), Next::GiveUp);
        }
        // retries: 0 still means no retry at all.
        let none = Attempt {
            retries_allowed: 0,
            ..at(0, 0.0)
        };
        assert_eq!(next(&limited, &none), Next::GiveUp);
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_and_is_capped() {
        assert_eq!(backoff_ms(0, 0.0), 125.0);
        assert_eq!(backoff_ms(0, 1.0), 250.0);
        assert_eq!(backoff_ms(1, 0.0), 250.0);
        assert_eq!(backoff_ms(2, 1.0), 1000.0);
        assert_eq!(backoff_ms(30, 1.0), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(u32::MAX, 0.0), MAX_BACKOFF_MS / 2.0);
        for j in [f64::NAN, -1.0, 7.0, f64::INFINITY] {
            let b = backoff_ms(0, j);
            assert!((125.0..=250.0).contains(&b), "{j} gave {b}");
        }
    }

    #[test]
    fn never_waits_past_the_deadline() {
        let e = api(429, 99991400, Some("5"));
        let tight = Attempt {
            deadline_ms: 6_249.0,
            ..at(0, 0.0)
        };
        assert_eq!(next(&e, &tight), Next::GiveUp, "1000 + 5000 + 250 > 6249");
        let roomy = Attempt {
            deadline_ms: 6_250.0,
            ..at(0, 0.0)
        };
        assert_eq!(next(&e, &roomy), Next::WaitMs(5000));
        let nan_clock = Attempt {
            now_ms: f64::NAN,
            ..at(0, 0.0)
        };
        assert_eq!(next(&e, &nan_clock), Next::GiveUp);
    }
}
