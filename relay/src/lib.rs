//! The relay between browser pages and Feishu's `query_user_allowed_remedys` and punch results
//! (`user_tasks/query`): it holds the app credentials and the tenant token, validates requests
//! with the core crate, forwards exactly these two routes on Feishu's own paths and wire format,
//! and passes Feishu's replies back: unchanged, or for punch results minimized ([`forwarded`]).
//!
//! Without credentials it runs on [`sim`], a built-in simulation of Feishu served over HTTP on
//! loopback, through the same client and code path as production.
//!
//! [`start`] runs a relay in the background (the binary and the integration tests both use it).

// The modules form a stack (relay/README.md, "Source layout"): a layer uses only the layers listed
// before it, and no two modules import each other, directly or round a cycle.
// Values:
pub mod capped_body;
pub mod coalesce;
pub mod limiter;
pub mod log_id;
pub mod metrics;
pub mod secret;
// Feishu's wire format and the relay's policies:
pub mod access;
pub mod cors;
pub mod static_files;
pub mod wire;
// Upstream:
pub mod gates;
pub mod token;
pub mod upstream;
// Who is asking (sign-in, sessions, signed tokens):
pub mod auth;
// The simulation:
pub mod sim;
// Configuration:
pub mod config;
// Serving:
pub mod forwarded;
pub mod logging;
pub mod proxy;
pub mod request_log;
pub mod server;
pub mod shutdown;
pub mod signin_routes;
pub mod state;

pub use config::{Cli, Config, SignInChoice, UpstreamChoice};
pub use server::{start, RunningRelay, StartError};
