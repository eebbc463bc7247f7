//! The limiter on a paused clock: bursts of concurrent requests whose "upstream" replies take
//! varied times, with every start and reply instant recorded.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::*;

/// What happened to one request of a burst.
#[derive(Debug, Clone, Copy)]
enum Fate {
    /// Took a slot at `start` (relative to the burst), its reply came back at `end`.
    Served { start: Duration, end: Duration },
    /// Refused after `after`, with this reset.
    Refused { after: Duration, reset_secs: u64 },
}

fn settings(per_second: u32, queue_len: usize, queue_wait_ms: u64) -> LimitSettings {
    LimitSettings {
        per_second,
        replicas: 1,
        queue_len,
        queue_wait: Duration::from_millis(queue_wait_ms),
    }
}

/// `n` requests; request `i` arrives `arrival(i)` after the start and its reply takes
/// `latency(i)`.
async fn burst(
    limiter: Arc<RouteLimiter>,
    n: usize,
    arrival: impl Fn(usize) -> Duration,
    latency: impl Fn(usize) -> Duration,
) -> Vec<Fate> {
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let limiter = limiter.clone();
            let (arrive, took) = (arrival(i), latency(i));
            tokio::spawn(async move {
                tokio::time::sleep(arrive).await;
                match limiter.acquire().await {
                    Ok(slot) => {
                        let start = t0.elapsed();
                        tokio::time::sleep(took).await;
                        let end = t0.elapsed();
                        drop(slot);
                        Fate::Served { start, end }
                    }
                    Err(r) => Fate::Refused {
                        after: t0.elapsed(),
                        reset_secs: r.reset_secs,
                    },
                }
            })
        })
        .collect();
    let mut fates = Vec::with_capacity(n);
    for t in tasks {
        fates.push(t.await.unwrap());
    }
    fates
}

/// Varied reply times, 10 to 300 ms.
fn varied(i: usize) -> Duration {
    Duration::from_millis(10 + (i as u64 * 37) % 291)
}

/// The most instants of `times` inside any half-open one-second interval (checked from every
/// instant, which is where a worst window can start).
fn busiest_second(mut times: Vec<Duration>) -> usize {
    times.sort();
    (0..times.len())
        .map(|i| {
            let end = times[i] + Duration::from_secs(1);
            times[i..].iter().take_while(|t| **t < end).count()
        })
        .max()
        .unwrap_or(0)
}

fn served(fates: &[Fate]) -> Vec<(Duration, Duration)> {
    fates
        .iter()
        .filter_map(|f| match f {
            Fate::Served { start, end } => Some((*start, *end)),
            Fate::Refused { .. } => None,
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_200_never_puts_more_than_the_limit_in_any_second() {
    let limiter = Arc::new(RouteLimiter::new(&settings(50, 250, 5000)));
    let fates = burst(limiter.clone(), 200, |_| Duration::ZERO, varied).await;
    let served = served(&fates);
    // Four seconds' worth of quota fits in the 5 s wait: every request is served, none refused.
    assert_eq!(served.len(), 200, "{fates:?}");
    // Feishu sees each request somewhere between its start and its reply: the worst cases are all
    // at the starts, all at the replies, or a mix.
    let starts: Vec<_> = served.iter().map(|s| s.0).collect();
    let ends: Vec<_> = served.iter().map(|s| s.1).collect();
    let mixed: Vec<_> = served
        .iter()
        .enumerate()
        .map(|(i, s)| if i % 2 == 0 { s.0 } else { s.1 })
        .collect();
    for (name, times) in [("starts", starts), ("replies", ends), ("mixed", mixed)] {
        let worst = busiest_second(times);
        assert!(worst <= 50, "{name}: {worst} in one second");
    }
    assert!(served.iter().all(|s| s.0 <= Duration::from_secs(5)));
    assert_eq!(limiter.waiting(), 0);
}

#[tokio::test(start_paused = true)]
async fn waits_are_first_come_first_served_and_p95_stays_near_the_floor() {
    let limiter = Arc::new(RouteLimiter::new(&settings(50, 250, 5000)));
    // One request every 2 ms for 400 ms, replies in 10-300 ms.
    let arrival = |i: usize| Duration::from_millis(2 * i as u64);
    let fates = burst(limiter, 200, arrival, varied).await;
    let served = served(&fates);
    assert_eq!(served.len(), 200);
    // In order of arrival, the starts never go backwards: nobody overtakes a waiter.
    let starts: Vec<_> = served.iter().map(|s| s.0).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    // The floor: 200 calls at 50 per second take 4 s. The 95th percentile reply comes within 1.5×.
    let mut ends: Vec<_> = served.iter().map(|s| s.1).collect();
    ends.sort();
    let p95 = ends[ends.len() * 95 / 100 - 1];
    assert!(p95 <= Duration::from_secs(6), "p95 {p95:?}");
}

#[tokio::test(start_paused = true)]
async fn past_the_queue_length_or_the_wait_callers_are_refused_with_a_reset() {
    // 5 slots, 10 may wait for at most 2 s; replies take 100 ms, so a slot is free again at 1.1 s.
    let limiter = Arc::new(RouteLimiter::new(&settings(5, 10, 2000)));
    let fates = burst(
        limiter.clone(),
        30,
        |_| Duration::ZERO,
        |_| Duration::from_millis(100),
    )
    .await;
    let starts: Vec<_> = served(&fates).iter().map(|s| s.0).collect();
    assert_eq!(
        starts,
        [[Duration::ZERO; 5], [Duration::from_millis(1100); 5]].concat(),
        "5 at once, 5 from the queue at 1.1 s; the next free slots (2.2 s) are past the wait"
    );
    let refused: Vec<_> = fates
        .iter()
        .filter_map(|f| match f {
            Fate::Refused { after, reset_secs } => Some((*after, *reset_secs)),
            Fate::Served { .. } => None,
        })
        .collect();
    assert_eq!(refused.len(), 20);
    // The 15 beyond the queue are refused at once: 10 wait ahead of them, 2 s at 5 a second.
    let at_once = refused.iter().filter(|r| r.0 == Duration::ZERO).count();
    assert_eq!(at_once, 15);
    assert!(refused
        .iter()
        .filter(|r| r.0 == Duration::ZERO)
        .all(|r| r.1 == 2));
    // The last 5 of the queue give up after exactly the 2 s wait, and are told to retry.
    let timed_out: Vec<_> = refused.iter().filter(|r| r.0 > Duration::ZERO).collect();
    assert_eq!(timed_out.len(), 5);
    assert!(timed_out
        .iter()
        .all(|r| r.0 == Duration::from_secs(2) && r.1 >= 1));
    assert_eq!(limiter.waiting(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_slot_is_free_again_one_second_after_the_reply_not_after_the_start() {
    let limiter = RouteLimiter::new(&settings(1, 5, 5000));
    let t0 = Instant::now();
    let slot = limiter.acquire().await.unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    drop(slot); // the reply came back at 0.7 s
    let _next = limiter.acquire().await.unwrap();
    assert_eq!(t0.elapsed(), Duration::from_millis(1700));
}

#[tokio::test(start_paused = true)]
async fn a_caller_that_gives_up_leaves_the_queue() {
    let limiter = Arc::new(RouteLimiter::new(&settings(1, 1, 5000)));
    let _held = limiter.acquire().await.unwrap();
    let waiter = {
        let limiter = limiter.clone();
        tokio::spawn(async move { limiter.acquire().await.map(|_| ()) })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(limiter.waiting(), 1);
    assert!(limiter.acquire().await.is_err(), "the queue of one is full");
    waiter.abort();
    let _ = waiter.await;
    assert_eq!(limiter.waiting(), 0);
}

#[tokio::test(start_paused = true)]
async fn no_limit_never_waits() {
    let limiter = RouteLimiter::new(&LimitSettings::off());
    let t0 = Instant::now();
    let slots: Vec<_> = take_slots(&limiter, 1000).await;
    assert_eq!(slots.len(), 1000);
    assert_eq!(t0.elapsed(), Duration::ZERO);
}

async fn take_slots(limiter: &RouteLimiter, n: usize) -> Vec<Slot> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(limiter.acquire().await.unwrap());
    }
    out
}

#[test]
fn each_replica_takes_its_share() {
    let share = |per_second, replicas| {
        LimitSettings {
            per_second,
            replicas,
            ..LimitSettings::default()
        }
        .share()
    };
    assert_eq!(share(50, 1), 50);
    assert_eq!(share(50, 3), 16);
    assert_eq!(share(2, 5), 1, "at least 1");
    assert_eq!(share(0, 2), 0, "off stays off");
    assert_eq!(share(50, 0), 50, "0 replicas is read as 1");
}
