//! What stands between the relay and each Feishu route it calls: the route's own [`RouteLimiter`],
//! the coalescing of identical requests in flight, and the route's counters. A route gets its
//! gate at first use, by its path, so a second forwarded route is limited and counted on its own
//! just by calling upstream under its own path.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

use crate::coalesce::Coalescer;
use crate::limiter::{LimitSettings, RouteLimiter};
use crate::metrics::{Metrics, RouteCounters};

/// The gates' settings, the same for every route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateSettings {
    /// The limiter's.
    pub limits: LimitSettings,
    /// Whether identical requests in flight share one call (`--no-coalesce` turns it off).
    pub coalesce: bool,
}

impl Default for GateSettings {
    fn default() -> Self {
        GateSettings {
            limits: LimitSettings::default(),
            coalesce: true,
        }
    }
}

/// What makes two requests on one route identical: the query string sent upstream (which holds
/// `employee_type` and any flags) and the body bytes sent upstream.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallKey {
    /// The query string, without `?`.
    pub query: Box<str>,
    /// The body, byte for byte.
    pub body: Bytes,
}

/// One route's gate; `V` is what a call gives (the upstream outcome).
pub struct RouteGate<V> {
    /// The route's limiter: take a slot before each request sent.
    pub limiter: RouteLimiter,
    /// The route's counters.
    pub counters: Arc<RouteCounters>,
    coalescer: Option<Coalescer<CallKey, V>>,
}

impl<V: Clone> RouteGate<V> {
    /// `call()`'s result, shared with every identical request arriving while it runs (when
    /// coalescing is on).
    pub async fn once<F, Fut>(&self, key: CallKey, call: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let Some(coalescer) = &self.coalescer else {
            return call().await;
        };
        coalescer.run(key, call, || self.counters.coalesced()).await
    }
}

/// Every route's gate, by path.
pub struct Gates<V> {
    settings: GateSettings,
    metrics: Arc<Metrics>,
    routes: Mutex<HashMap<&'static str, Arc<RouteGate<V>>>>,
}

impl<V: Clone> Gates<V> {
    /// Gates with `settings`, counting into a new [`Metrics`].
    pub fn new(settings: GateSettings) -> Self {
        Gates {
            settings,
            metrics: Arc::default(),
            routes: Mutex::new(HashMap::new()),
        }
    }

    /// The gate of `route` (a Feishu path), created at first use.
    pub fn route(&self, route: &'static str) -> Arc<RouteGate<V>> {
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        routes
            .entry(route)
            .or_insert_with(|| {
                Arc::new(RouteGate {
                    limiter: RouteLimiter::new(&self.settings.limits),
                    counters: self.metrics.route(route),
                    coalescer: self.settings.coalesce.then(Coalescer::new),
                })
            })
            .clone()
    }

    /// The counters of every route.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }
}
