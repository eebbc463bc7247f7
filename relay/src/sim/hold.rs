//! A test knob: while on, the simulation holds every request to Feishu's APIs (not the token
//! endpoint) before answering it, so a test can have many requests in flight at once, for as
//! long as it needs, without a delay taken from the wall clock.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use feishu_remedy::model::TOKEN_PATH;
use std::sync::Arc;
use tokio::sync::watch;

/// Whether answers are held.
pub struct Hold(watch::Sender<bool>);

impl Default for Hold {
    fn default() -> Self {
        Hold(watch::channel(false).0)
    }
}

impl Hold {
    /// Holds answers (`true`) or lets them, and those held, go (`false`).
    pub fn set(&self, on: bool) {
        self.0.send_replace(on);
    }
}

/// The middleware: waits while answers are held, then serves the request.
pub async fn layer(State(hold): State<Arc<Hold>>, req: Request, next: Next) -> Response {
    if req.uri().path() != TOKEN_PATH {
        let mut held = hold.0.subscribe();
        // The sender lives as long as the simulation, so this ends when the hold is lifted.
        let _ = held.wait_for(|on| !*on).await;
    }
    next.run(req).await
}
