//! The forwarded route and the relay's other routes, one module per concern. Most go over real
//! loopback sockets to in-process relays; the pure refusals (`refusals`) go straight to the router.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod cors;
mod forwarding;
mod rate_limits;
mod refusals;
mod slow_clients;
mod static_files;
mod validation;
