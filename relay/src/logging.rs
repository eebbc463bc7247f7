//! Log set-up for the binary: `tracing` to standard output, one line per event, level from
//! `RUST_LOG` (default `info`).
//!
//! Lines are collected in memory and written out at least every [`FLUSH_EVERY`] (or sooner when
//! [`FLUSH_AT_BYTES`] pile up), instead of one `write` system call per request: under load that
//! call was a measurable share of the relay's CPU time. Start-up lines, warnings and errors are
//! written at once, so scripts waiting for `listening on` and people watching for errors never
//! wait. A crash can lose at most the last fraction of a second of access lines.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::server::READY_TARGET;

/// The longest a log line waits in memory.
pub const FLUSH_EVERY: Duration = Duration::from_millis(200);

/// Buffered lines are written out as soon as they reach this size.
pub const FLUSH_AT_BYTES: usize = 32 * 1024;

const READY_TARGET_INFO: &str = "relay::ready=info";

/// Installs the global subscriber and starts the flushing thread. Colours only when standard
/// output is a terminal. The start-up lines ([`READY_TARGET`]) are logged whatever the level.
/// Returns the writer, to [`BufferedStdout::flush_now`] before exiting.
pub fn init() -> BufferedStdout {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let filter = match READY_TARGET_INFO.parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    let writer = BufferedStdout::default();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(writer.clone())
        .try_init();
    let flusher = writer.clone();
    // A plain thread, not a task: it must keep flushing even if the runtime is busy.
    let _ = std::thread::Builder::new()
        .name("log-flush".into())
        .spawn(move || loop {
            std::thread::sleep(FLUSH_EVERY);
            flusher.flush_now();
        });
    writer
}

/// Standard output behind an in-memory buffer (see the module documentation).
#[derive(Clone, Default)]
pub struct BufferedStdout(Arc<Mutex<Vec<u8>>>);

impl BufferedStdout {
    /// Writes out whatever is buffered.
    pub fn flush_now(&self) {
        let pending = std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner));
        if !pending.is_empty() {
            // Nothing sensible to do if standard output is gone.
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&pending);
            let _ = out.flush();
        }
    }
}

/// The writer for one event; written out when dropped if the event is urgent.
pub struct EventWriter {
    target: BufferedStdout,
    urgent: bool,
}

impl Write for EventWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let full = {
            let mut buffer = self.target.0.lock().unwrap_or_else(PoisonError::into_inner);
            buffer.extend_from_slice(bytes);
            buffer.len() >= FLUSH_AT_BYTES
        };
        if full {
            self.target.flush_now();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.target.flush_now();
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if self.urgent {
            self.target.flush_now();
        }
    }
}

impl<'a> MakeWriter<'a> for BufferedStdout {
    type Writer = EventWriter;

    fn make_writer(&'a self) -> Self::Writer {
        EventWriter {
            target: self.clone(),
            urgent: true,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        EventWriter {
            target: self.clone(),
            urgent: *meta.level() <= Level::WARN || meta.target() == READY_TARGET,
        }
    }
}
