//! Log set-up for the binary: `tracing` to standard output, one line per event, level from
//! `RUST_LOG` (default `info`).

use tracing_subscriber::EnvFilter;

const READY_TARGET_INFO: &str = "relay::ready=info";

/// Installs the global subscriber. Colours only when standard output is a terminal. The
/// start-up lines ([`crate::server::READY_TARGET`]) are logged whatever the level.
pub fn init() {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let filter = match READY_TARGET_INFO.parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .try_init();
}
