//! The relay between browser pages and Feishu's `query_user_allowed_remedys`: it holds the app
//! credentials and the tenant token, validates requests with the core crate, forwards exactly one
//! route on Feishu's own path and wire format, and passes Feishu's replies back unchanged.
//!
//! Without credentials it runs on [`sim`], a built-in simulation of Feishu served over HTTP on
//! loopback, through the same client and code path as production.
//!
//! [`start`] runs a relay in the background (the binary and the integration tests both use it).

pub mod access;
pub mod capped_body;
pub mod config;
pub mod cors;
pub mod log_id;
pub mod logging;
pub mod proxy;
pub mod request_log;
pub mod secret;
pub mod server;
pub mod shutdown;
pub mod sim;
pub mod state;
pub mod static_files;
pub mod token;
pub mod upstream;
pub mod wire;

pub use config::{Cli, Config, UpstreamChoice};
pub use server::{start, RunningRelay, StartError};
