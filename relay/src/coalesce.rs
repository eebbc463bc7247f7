//! Identical requests in flight share one upstream call: the first caller with a key makes the
//! call, callers arriving with the same key while it runs wait for it and get a copy of its
//! result, success or failure. Nothing is kept once the call is over: the next caller makes a
//! new call (a shared failure is not cached).
//!
//! If the caller making the call goes away (its client hung up, so its future is dropped), the
//! ones waiting on it are not left hanging: one of them makes the call instead.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use tokio::sync::watch;

/// Calls in flight, by key.
pub struct Coalescer<K, V> {
    in_flight: Mutex<HashMap<K, watch::Receiver<Option<V>>>>,
}

impl<K, V> Default for Coalescer<K, V> {
    fn default() -> Self {
        Coalescer {
            in_flight: Mutex::new(HashMap::new()),
        }
    }
}

enum Turn<V> {
    Call(watch::Sender<Option<V>>),
    Join(watch::Receiver<Option<V>>),
}

impl<K: Eq + Hash + Clone, V: Clone> Coalescer<K, V> {
    /// A coalescer with nothing in flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls in flight right now.
    pub fn in_flight(&self) -> usize {
        self.lock().len()
    }

    /// `call()`'s result: from this caller's own call, or from the call in flight for `key`, in
    /// which case `joined` is called as soon as this caller joins it (once at most).
    pub async fn run<F, Fut>(&self, key: K, call: F, joined: impl FnOnce()) -> V
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = V>,
    {
        let (mut call, mut joined) = (Some(call), Some(joined));
        loop {
            match self.turn(&key) {
                Turn::Join(mut rx) => {
                    if let Some(joined) = joined.take() {
                        joined();
                    }
                    if let Ok(v) = rx.wait_for(Option::is_some).await {
                        if let Some(v) = v.clone() {
                            return v;
                        }
                    }
                    // The caller making it went away without a result: try again.
                }
                Turn::Call(tx) => {
                    let done = Done {
                        coalescer: self,
                        key: &key,
                    };
                    let Some(call) = call.take() else {
                        unreachable!("a caller makes the call at most once: it then returns")
                    };
                    let v = call().await;
                    // Forget the call before publishing: later callers make a new one.
                    drop(done);
                    let _ = tx.send(Some(v.clone()));
                    return v;
                }
            }
        }
    }

    fn turn(&self, key: &K) -> Turn<V> {
        let mut in_flight = self.lock();
        if let Some(rx) = in_flight.get(key) {
            return Turn::Join(rx.clone());
        }
        let (tx, rx) = watch::channel(None);
        in_flight.insert(key.clone(), rx);
        Turn::Call(tx)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, watch::Receiver<Option<V>>>> {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Removes a call from the map when it is over, however it ends (also when its caller's future
/// is dropped half-way, so the others do not wait for a result that never comes).
struct Done<'a, K: Eq + Hash + Clone, V: Clone> {
    coalescer: &'a Coalescer<K, V>,
    key: &'a K,
}

impl<K: Eq + Hash + Clone, V: Clone> Drop for Done<'_, K, V> {
    fn drop(&mut self) {
        self.coalescer.lock().remove(self.key);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    type Shared = Arc<Coalescer<String, Result<u32, String>>>;

    /// A call that takes 100 ms, counts itself, and answers `answer(n)` for the n-th call.
    fn slow_call(
        calls: &Arc<AtomicU32>,
        answer: fn(u32) -> Result<u32, String>,
    ) -> impl std::future::Future<Output = Result<u32, String>> {
        let calls = calls.clone();
        async move {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            answer(n)
        }
    }

    /// Runs one request per key at once; returns each result and whether it joined another's call.
    async fn concurrent(
        c: &Shared,
        calls: &Arc<AtomicU32>,
        keys: &[&str],
        answer: fn(u32) -> Result<u32, String>,
    ) -> Vec<(Result<u32, String>, bool)> {
        let tasks: Vec<_> = keys
            .iter()
            .map(|k| {
                let (c, calls, k) = (c.clone(), calls.clone(), k.to_string());
                tokio::spawn(async move {
                    let mut joined = false;
                    let v = c
                        .run(k, || slow_call(&calls, answer), || joined = true)
                        .await;
                    (v, joined)
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    }

    #[tokio::test(start_paused = true)]
    async fn identical_concurrent_requests_make_one_call() {
        let (c, calls) = (Shared::default(), Arc::new(AtomicU32::new(0)));
        let results = concurrent(&c, &calls, &["k"; 20], Ok).await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(|r| r.0 == Ok(1)));
        let joined = results.iter().filter(|r| r.1).count();
        assert_eq!(joined, 19);
        assert_eq!(c.in_flight(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn different_keys_make_separate_calls() {
        let (c, calls) = (Shared::default(), Arc::new(AtomicU32::new(0)));
        let results = concurrent(&c, &calls, &["a", "b", "a", "c", "b"], Ok).await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(results[0].0, results[2].0, "the two a's share");
        assert_ne!(results[0].0, results[1].0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_is_shared_but_not_kept() {
        let (c, calls) = (Shared::default(), Arc::new(AtomicU32::new(0)));
        let fail_first = |n| {
            if n == 1 {
                Err("down".to_owned())
            } else {
                Ok(n)
            }
        };
        let results = concurrent(&c, &calls, &["k"; 5], fail_first).await;
        assert!(results.iter().all(|r| r.0 == Err("down".to_owned())));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Once over, the failure is gone: the next request calls again, and succeeds.
        let again = c.run(
            "k".to_owned(),
            || slow_call(&calls, fail_first),
            || panic!("nothing to join: the failed call is over"),
        );
        assert_eq!(again.await, Ok(2));
    }

    #[tokio::test(start_paused = true)]
    async fn when_the_caller_goes_away_a_waiting_one_calls_instead() {
        let (c, calls) = (Shared::default(), Arc::new(AtomicU32::new(0)));
        let first = {
            let (c, calls) = (c.clone(), calls.clone());
            tokio::spawn(
                async move { c.run("k".to_owned(), || slow_call(&calls, Ok), || {}).await },
            )
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        let second = {
            let (c, calls) = (c.clone(), calls.clone());
            tokio::spawn(
                async move { c.run("k".to_owned(), || slow_call(&calls, Ok), || {}).await },
            )
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        first.abort();
        assert_eq!(second.await.unwrap(), Ok(2), "its own call, the second");
        assert_eq!(c.in_flight(), 0);
    }
}
