//! Waiting for SIGINT (Ctrl-C) or SIGTERM (service managers, `kill`), on which the relay drains
//! in-flight requests and exits 0.

/// Resolves on the first SIGINT or SIGTERM. If a handler cannot be installed, that signal is
/// simply not awaited (its default action, ending the process, still applies).
pub async fn signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}
