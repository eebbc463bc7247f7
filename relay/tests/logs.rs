//! The logs never hold the app secret, a tenant token, an API key or a cookie: every event, at
//! TRACE level and from every crate (hyper, reqwest included), is captured into a buffer while
//! the relay goes through its token paths, and the buffer is searched.
//!
//! One test in this binary, because the capture is the process-wide subscriber.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use relay::access::{Access, ApiKeys};
use relay::sim::{SimConfig, SIM_APP_SECRET};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `text` holds something shaped like a tenant token: `t-` and 16 or more hex digits.
fn has_token_shape(text: &str) -> Option<&str> {
    text.match_indices("t-")
        .map(|(i, _)| &text[i..])
        .find(|rest| {
            rest[2..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .count()
                >= 16
        })
}

#[tokio::test]
async fn logs_hold_no_secret_token_key_or_cookie() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    // Bearer mode on the simulation: a good key, a bad key, a cookie.
    let relay = sim_relay_with(|config, _| {
        config.access = Access::Bearer(ApiKeys::parse("caller-key-SECRET-1"));
    })
    .await;
    let sim = relay.sim().unwrap().clone();
    let date = days_ago(&relay, 1);
    let body = format!(r#"{{"user_id":"abd754f7","remedy_date":{date}}}"#);
    let q = "employee_type=employee_id";
    let good = [
        ("authorization", "Bearer caller-key-SECRET-1"),
        ("cookie", "SSO=cookie-SECRET-3"),
    ];
    assert_eq!(post_raw(&relay.url(), q, &body, &good).await.status, 200);
    assert_eq!(
        post_raw(
            &relay.url(),
            q,
            &body,
            &[("authorization", "Bearer caller-wrong-SECRET-2")]
        )
        .await
        .status,
        401
    );
    // A stale token: refresh and retry; then tokens refused every time.
    sim.revoke_tokens();
    assert_eq!(post_raw(&relay.url(), q, &body, &good).await.status, 200);
    sim.reject_all_tokens(true);
    assert_eq!(post_raw(&relay.url(), q, &body, &good).await.status, 400);
    assert!(sim.token_requests() >= 3);
    relay.shutdown().await;

    // Wrong credentials against a stand-alone simulation.
    let standalone = standalone_sim(SimConfig::default()).await;
    let wrong = app(relay::sim::SIM_APP_ID, "wrong-app-SECRET-4");
    let relay = relay_with(feishu_config(&standalone.handle().base_url(), wrong)).await;
    assert_eq!(
        query(&relay.url(), "employee_id", "abd754f7", date)
            .await
            .status,
        502
    );
    relay.shutdown().await;
    standalone.shutdown().await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    if let Ok(path) = std::env::var("RELAY_TEST_DUMP_LOGS") {
        std::fs::write(path, &logs).unwrap(); // to look at what was searched
    }
    // The capture works: it has the access lines and the token events.
    assert!(logs.contains("relay::access"), "{logs}");
    assert!(logs.contains("got a tenant access token"));
    assert!(logs.contains("called the tenant token stale"));
    assert!(logs.contains("status=401") && logs.contains("status=502"));
    for secret in [
        SIM_APP_SECRET,
        "SECRET-1",
        "SECRET-2",
        "SECRET-3",
        "SECRET-4",
        "Bearer t-",
    ] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
    assert_eq!(has_token_shape(&logs), None, "a token in the logs");
    assert!(
        has_token_shape("x t-0123456789abcdef0123").is_some(),
        "the check itself works"
    );
}
