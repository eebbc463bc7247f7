//! `relay`: see `relay --help` and relay/README.md.

use std::process::ExitCode;

use clap::Parser;
use relay::{config, logging, shutdown, sim, Cli, Config};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = logging::init();
    let runtime = match cli.worker_threads {
        1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        n => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            if n > 1 {
                builder.worker_threads(n);
            }
            builder.enable_all().build()
        }
    };
    let code = match runtime {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(e) => fail(&format!("cannot start the async runtime: {e}")),
    };
    logs.flush_now();
    code
}

async fn run(cli: Cli) -> ExitCode {
    if cli.sim_only {
        return run_sim_only(&cli).await;
    }
    let config = match Config::from_cli(&cli, |k| std::env::var(k).ok()) {
        Ok(config) => config,
        Err(e) => return fail(&e.to_string()),
    };
    let relay = match relay::start(config).await {
        Ok(relay) => relay,
        Err(e) => return fail(&e.to_string()),
    };
    shutdown::signal().await;
    tracing::info!("shutting down: draining in-flight requests");
    relay.shutdown().await;
    ExitCode::SUCCESS
}

/// `--sim-only`: the simulation alone on `--listen`, accepting the simulated app's credentials.
async fn run_sim_only(cli: &Cli) -> ExitCode {
    // Checked first: with no environment given below, a set app id would otherwise be reported
    // as missing its secret.
    if cli
        .app_id
        .as_deref()
        .is_some_and(|id| !id.trim().is_empty())
    {
        return fail("--sim-only runs the simulation alone: unset FEISHU_APP_ID");
    }
    let sim_config = match config::Config::from_cli(cli, |_| None).map(|c| c.upstream) {
        Ok(relay::UpstreamChoice::Simulation(s)) => s,
        Ok(_) => return fail("--sim-only runs the simulation alone: unset FEISHU_APP_ID"),
        Err(e) => return fail(&e.to_string()),
    };
    let running = match sim::start(sim_config, cli.listen).await {
        Ok(running) => running,
        Err(e) => return fail(&format!("cannot listen on {}: {e}", cli.listen)),
    };
    tracing::info!(
        target: relay::server::READY_TARGET,
        "simulation of Feishu only (app id {}, secret {})",
        sim::SIM_APP_ID,
        sim::SIM_APP_SECRET
    );
    tracing::info!(
        target: relay::server::READY_TARGET,
        "listening on {}",
        running.handle().base_url()
    );
    shutdown::signal().await;
    running.shutdown().await;
    ExitCode::SUCCESS
}

fn fail(msg: &str) -> ExitCode {
    tracing::error!("{msg}");
    eprintln!("relay: {msg}");
    ExitCode::from(2)
}
