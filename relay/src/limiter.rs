//! The relay's own limit on one Feishu route: at most `limit` requests in any one-second interval,
//! as Feishu sees it, whatever the alignment of Feishu's window and the network's jitter.
//!
//! # How, and why it holds
//!
//! The limiter is a pool of `limit` slots (a fair, FIFO [`Semaphore`]). A request takes a slot
//! *before* it is sent, and the slot comes free only [`HOLD_AFTER_REPLY`] (one second) *after its
//! reply has come back* (or the exchange was abandoned: the [`Slot`] is dropped).
//!
//! Take any set of requests that Feishu saw within one second, at instants `a_1 ≤ … ≤ a_k` with
//! `a_k - a_1 < 1 s`. Request `i` holds its slot from some `s_i ≤ a_i` (the slot was taken before
//! the request left) until `e_i + 1 s ≥ a_i + 1 s` (Feishu saw the request before it replied, at
//! `e_i` at the latest). So every one of them holds its slot at the instant `a_k`: `s_i ≤ a_i ≤ a_k`
//! and `a_k < a_1 + 1 s ≤ a_i + 1 s ≤ e_i + 1 s`. At most `limit` slots exist, so `k ≤ limit`. The
//! argument uses no window alignment, and no bound on the delay between sending and arriving:
//! requests sent 1.0 s apart that arrive 0.98 s apart are covered, because a slot is only free
//! again a second after the *reply*, which came after the arrival. Each of `--replicas N` relays
//! takes `limit / N` slots, so all together stay within the limit too.
//!
//! The price is throughput: a slot serves one request per (reply time + 1 s), so with Feishu
//! answering in 50 ms the relay sends at most `limit / 1.05` requests per second.
//!
//! A request that finds no free slot waits in a bounded queue (at most `queue_len` waiting, each
//! for at most `queue_wait`), first come first served: the semaphore hands freed slots to waiters
//! in arrival order, and a newcomer cannot take a slot while others wait. Past either bound the
//! caller is [`Refused`], and the relay answers 429 in Feishu's format with
//! `x-ogw-ratelimit-reset`, so clients retry as they would after Feishu's own 429.
//!
//! Time is tokio's clock, so the tests run on a paused one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Feishu's documented limit for these endpoints, per app: the relay's default.
pub const DEFAULT_RATE_LIMIT: u32 = 50;

/// How many requests may wait for a slot by default: five seconds of the default quota.
pub const DEFAULT_QUEUE_LEN: usize = 250;

/// How long a request may wait for a slot by default: a burst of a few seconds' worth of quota is
/// served, and a caller still hears back well inside the browser module's 10 s timeout.
pub const DEFAULT_QUEUE_WAIT: Duration = Duration::from_secs(5);

/// How long a slot stays taken after its reply came back: the margin that makes the bound hold
/// in any one-second interval as Feishu sees it (see the module documentation).
pub const HOLD_AFTER_REPLY: Duration = Duration::from_secs(1);

/// The limiter's settings, the same for every route (each route has its own limiter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Requests per second Feishu allows the app on one route (`--feishu-rate-limit`); 0 = no limit.
    pub per_second: u32,
    /// How many relays share the app's quota (`--replicas`); each takes its share.
    pub replicas: u32,
    /// How many requests may wait for a slot at once (`--feishu-queue-len`).
    pub queue_len: usize,
    /// How long a request may wait for a slot (`--feishu-queue-wait-ms`).
    pub queue_wait: Duration,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            per_second: DEFAULT_RATE_LIMIT,
            replicas: 1,
            queue_len: DEFAULT_QUEUE_LEN,
            queue_wait: DEFAULT_QUEUE_WAIT,
        }
    }
}

impl LimitSettings {
    /// No limit at all (benchmarks against a simulation without one).
    pub fn off() -> Self {
        LimitSettings {
            per_second: 0,
            ..LimitSettings::default()
        }
    }

    /// This relay's share of the limit: `per_second / replicas`, at least 1; 0 when off.
    pub fn share(&self) -> u32 {
        match self.per_second {
            0 => 0,
            n => (n / self.replicas.max(1)).max(1),
        }
    }
}

/// Why a request may not go upstream now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the relay's own limit for Feishu ({limit}/s) is reached; retry in {reset_secs} s")]
pub struct Refused {
    /// This relay's limit per second (`x-ogw-ratelimit-limit`).
    pub limit: u32,
    /// Whole seconds after which asking again is likely to be served (`x-ogw-ratelimit-reset`).
    pub reset_secs: u64,
}

/// The limiter of one Feishu route.
pub struct RouteLimiter {
    /// `None` when there is no limit.
    slots: Option<Arc<Semaphore>>,
    limit: u32,
    queue_len: usize,
    queue_wait: Duration,
    waiting: AtomicUsize,
}

impl RouteLimiter {
    /// A limiter with this relay's share of `settings`.
    pub fn new(settings: &LimitSettings) -> Self {
        let limit = settings.share();
        RouteLimiter {
            slots: (limit > 0).then(|| Arc::new(Semaphore::new(limit as usize))),
            limit,
            queue_len: settings.queue_len,
            queue_wait: settings.queue_wait,
            waiting: AtomicUsize::new(0),
        }
    }

    /// Requests per second this limiter allows (0: no limit).
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Requests waiting for a slot right now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// A slot to send one request with: at once, or after waiting in the queue, or [`Refused`]
    /// when the queue is full or the wait is over. Keep the slot until the reply is read; dropping
    /// it frees it [`HOLD_AFTER_REPLY`] later.
    pub async fn acquire(&self) -> Result<Slot, Refused> {
        let Some(slots) = &self.slots else {
            return Ok(Slot(None));
        };
        // While others wait, no slot is free (freed slots go straight to the first waiter), so this
        // never jumps the queue.
        if let Ok(permit) = slots.clone().try_acquire_owned() {
            return Ok(Slot(Some(permit)));
        }
        let ahead = self.waiting.fetch_add(1, Ordering::Relaxed);
        let _leave = LeaveQueue(&self.waiting);
        if ahead >= self.queue_len {
            return Err(self.refused(ahead));
        }
        match tokio::time::timeout(self.queue_wait, slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Slot(Some(permit))),
            // The semaphore is never closed; if it were, refusing is the safe answer.
            Ok(Err(_)) | Err(_) => Err(self.refused(self.waiting())),
        }
    }

    /// The refusal when `queued` requests wait: the queue drains at about `limit` a second.
    fn refused(&self, queued: usize) -> Refused {
        let limit = u64::from(self.limit.max(1));
        Refused {
            limit: self.limit,
            reset_secs: (queued as u64).div_ceil(limit).max(1),
        }
    }
}

/// Counts a request out of the queue however it leaves it (served, refused, or abandoned).
struct LeaveQueue<'a>(&'a AtomicUsize);

impl Drop for LeaveQueue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One taken slot. Dropping it (the reply was read, or the exchange abandoned) frees the slot
/// [`HOLD_AFTER_REPLY`] later.
#[must_use = "the slot must be held until the reply has come back"]
pub struct Slot(Option<OwnedSemaphorePermit>);

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(permit) = self.0.take() else {
            return;
        };
        // Outside a runtime nothing can be sent any more, so freeing at once is harmless.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                tokio::time::sleep(HOLD_AFTER_REPLY).await;
                drop(permit);
            });
        }
    }
}

#[cfg(test)]
mod tests;
