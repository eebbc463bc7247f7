//! The binary as the other parts use it: `--listen 127.0.0.1:0`, the `listening on` line, the
//! first line naming the simulation, `/healthz`, and a clean exit 0 on SIGTERM and SIGINT; the
//! sign-in modes' start-up: a generated session key announced on the simulation, and clear
//! refusals (exit 2, no secret echoed) for settings that cannot work.

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
        .env_remove("RELAY_ACCESS")
        .env_remove("RELAY_SESSION_KEY")
        .env_remove("RELAY_TOKEN_KEY")
        .env_remove("RELAY_ADMINS")
        .env_remove("RELAY_PUBLIC_URL")
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

/// An environment variable given to the binary.
type Setting = (&'static str, &'static str);

/// Runs the binary with `env` and `args` to its refusal: exit 2 and stderr.
async fn refused(env: &[Setting], args: &[&str]) -> String {
    let mut cmd = relay_command(args);
    cmd.envs(env.iter().copied());
    let out = cmd.output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

#[tokio::test]
async fn feishu_mode_on_the_simulation_generates_a_session_key_and_says_so_first() {
    let mut child = relay_command(&["--listen", "127.0.0.1:0", "--access", "feishu"])
        .spawn()
        .unwrap();
    let (first, url) = wait_for_url(&mut child).await;
    assert!(
        first.contains("SIMULATION") && first.contains("access feishu"),
        "{first}"
    );
    assert!(first.contains("session key GENERATED"), "{first}");
    let me = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{url}/auth/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
    child.kill().await.unwrap();
}

#[tokio::test]
async fn sign_in_settings_that_cannot_work_are_refused_at_start() {
    let real = [
        ("FEISHU_APP_ID", "cli_x"),
        ("FEISHU_APP_SECRET", "app-SECRET-9"),
        ("RELAY_ACCESS", "feishu"),
    ];
    let short = [&real[..], &[("RELAY_SESSION_KEY", "short-SECRET-8")]].concat();
    let open_with_key = [("RELAY_SESSION_KEY", "session-SECRET-7-of-32-bytes-or-more")];
    let token = [("RELAY_ACCESS", "token")];
    let feishu = [("RELAY_ACCESS", "feishu")];
    let local = ["--listen", "127.0.0.1:0"];
    let cases: [(&[Setting], &[&str], &str); 6] = [
        (&real, &[], "RELAY_SESSION_KEY"),
        (&short, &[], "at least 32 bytes"),
        (&open_with_key, &local, "--access feishu"),
        (&token, &local, "RELAY_TOKEN_KEY"),
        (&feishu, &["--listen", "0.0.0.0:0"], "--public-url"),
        (&feishu, &["--session-ttl", "forever"], "--session-ttl"),
    ];
    for (env, args, says) in cases {
        let stderr = refused(env, args).await;
        assert!(stderr.contains(says), "{says}: {stderr}");
        assert!(!stderr.contains("SECRET"), "a secret echoed: {stderr}");
    }
}
