//! The binary as the other parts use it: `--listen 127.0.0.1:0`, the `listening on` line, the
//! first line naming the simulation, `/healthz`, and a clean exit 0 on SIGTERM and SIGINT.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn relay_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_relay"));
    cmd.args(args)
        .env_remove("FEISHU_APP_ID")
        .env_remove("FEISHU_APP_SECRET")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Reads stdout up to the `listening on http://…` line; returns the first line and the URL, and
/// keeps draining stdout in the background so the relay never blocks on a full pipe.
async fn wait_for_url(child: &mut Child) -> (String, String) {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut first = None;
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            first.get_or_insert_with(|| line.clone());
            if let Some(i) = line.find("listening on http://") {
                return line[i + "listening on ".len()..].trim().to_owned();
            }
        }
        panic!("stdout ended before the listening line")
    })
    .await
    .expect("the listening line within 20 s");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (first.unwrap(), found)
}

async fn stops_cleanly_on(signal: &str) {
    let mut child = relay_command(&["--listen", "127.0.0.1:0"]).spawn().unwrap();
    let (first, url) = wait_for_url(&mut child).await;
    assert!(first.contains("SIMULATION"), "{first}");
    let health = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(0), "{signal}");
}

#[tokio::test]
async fn sigterm_exits_0() {
    stops_cleanly_on("-TERM").await;
}

#[tokio::test]
async fn sigint_exits_0() {
    stops_cleanly_on("-INT").await;
}

#[tokio::test]
async fn open_access_on_a_public_address_is_refused_at_start() {
    let out = relay_command(&["--listen", "0.0.0.0:0"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}
