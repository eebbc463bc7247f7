//! The logs never hold the app secret, a tenant token, an API key or a cookie, nor, with sign-in
//! (issue 11), the session key, a sign-in code, a PKCE verifier, a user token, a session or login
//! cookie's value or a signed token: every event, at TRACE level and from every crate (hyper,
//! reqwest included), is captured into a buffer while the relay goes through its token paths, a
//! whole Feishu sign-in (page, callback, in-client code, failures, refusals) and a token-mode run,
//! and the buffer is searched.
//!
//! One test in this binary, because the capture is the process-wide subscriber.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, HeaderValue};
use common::browser::*;
use common::*;
use relay::access::{Access, ApiKeys};
use relay::auth::identity::Admins;
use relay::auth::jwt::{TokenVerifier, DEFAULT_AUDIENCE};
use relay::auth::login::LoginCookies;
use relay::config::TokenChoice;
use relay::secret::Secret;
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

    let mut secrets = sign_in_run().await;
    secrets.extend(token_mode_run().await);

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
    // The sign-in ran, and was logged (by kind, never by value).
    assert!(logs.contains("signed in") && logs.contains("sign-in failed"));
    assert!(logs.contains("refused: not signed in") && logs.contains("refused: not the caller"));
    assert!(secrets.len() >= 10, "{secrets:?}");
    for secret in &secrets {
        assert!(secret.len() >= 16, "a real value: {secret}");
        assert!(
            !logs.contains(secret.as_str()),
            "{secret} in the logs:\n{logs}"
        );
    }
    assert_eq!(
        has_user_token_shape(&logs),
        None,
        "a user token in the logs"
    );
    assert!(has_user_token_shape("x u-AbCdEf0123456789_-AbCdEf0123456789_-AbCdEf0123 y").is_some());
    // Nor an id: refusals and sign-ins are logged without them.
    for id in ["abd754f7", "E1001", "sim_hr", "E1010", "ou_"] {
        let in_events = logs
            .lines()
            .filter(|l| l.contains("relay::auth"))
            .any(|l| l.contains(id));
        assert!(!in_events, "{id} in a sign-in log line:\n{logs}");
    }
    assert!(
        has_token_shape("x t-0123456789abcdef0123").is_some(),
        "the check itself works"
    );
}

/// Whether `text` holds something shaped like a user token: `u-` and 40 or more base64url
/// characters (the simulation's are 64).
fn has_user_token_shape(text: &str) -> Option<&str> {
    text.match_indices("u-")
        .map(|(i, _)| &text[i..])
        .find(|rest| {
            rest[2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .count()
                >= 40
        })
}

/// A whole Feishu sign-in with its failures and refusals; the secret values it used.
async fn sign_in_run() -> Vec<String> {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let date = days_ago(&relay, 1);
    let mut secrets = vec![MASTER.to_owned()];
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&base, "/").await;
    let login = browser.jar["feishu_remedy_login"].clone();
    let mut headers = HeaderMap::new();
    let cookie = format!("feishu_remedy_login={login}");
    headers.insert("cookie", HeaderValue::from_str(&cookie).unwrap());
    let pending = LoginCookies::new(session_key(MASTER), false)
        .read(&headers, std::time::SystemTime::now())
        .unwrap();
    secrets.push(pending.verifier.expose().to_owned());
    secrets.push(login);
    let callback = browser.choose(&authorize, "abd754f7", &base).await;
    secrets.push(param(&callback, "code").unwrap());
    assert_eq!(browser.get(&callback).await.status, 302);
    secrets.push(browser.jar["feishu_remedy_session"].clone());
    let own = browser.query(&base, "employee_id", "abd754f7", date).await;
    let other = browser.query(&base, "employee_id", "sim_hr", date).await;
    assert_eq!((own.status, other.status), (200, 403));
    // The code again (spent), a failed sign-in, a forged cookie.
    assert!(Browser::new().get(&callback).await.status >= 400);
    assert!(
        Browser::new()
            .sign_in(&base, "sim_resigned", "/")
            .await
            .status
            >= 400
    );
    let mut forged = Browser::new();
    forged.jar.insert(
        "feishu_remedy_session".into(),
        "Zm9yZ2VkLWNvb2tpZS12YWx1ZS0xMjM0NTY3ODkw".into(),
    );
    secrets.push(forged.jar["feishu_remedy_session"].clone());
    assert_eq!(forged.get(&format!("{base}/auth/me")).await.status, 401);
    // The in-client path, twice with the same code.
    let code = in_client_code(&relay, "sim_hr");
    let body = format!(r#"{{"code":"{code}"}}"#);
    let url = format!("{base}/auth/code");
    let mut hr = Browser::new();
    assert_eq!(hr.post(&url, "application/json", &body).await.status, 200);
    assert!(
        Browser::new()
            .post(&url, "application/json", &body)
            .await
            .status
            >= 400
    );
    secrets.push(code);
    secrets.push(hr.jar["feishu_remedy_session"].clone());
    relay.shutdown().await;
    secrets
}

/// Token mode: a good token, a forged one, a refusal; the tokens (and their signatures).
async fn token_mode_run() -> Vec<String> {
    const KEY: &str = "token-mode-hs256-KEY-of-32-bytes-or-more";
    let relay = token_relay(TokenChoice {
        verifier: std::sync::Arc::new(
            TokenVerifier::hs256(&Secret::new(KEY), DEFAULT_AUDIENCE).unwrap(),
        ),
        admins: Admins::default(),
    })
    .await;
    let base = relay.url();
    let date = days_ago(&relay, 1);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let claims =
        serde_json::json!({"exp": exp, "aud": DEFAULT_AUDIENCE, "employee_id": "abd754f7"});
    let sign = |key: &[u8]| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(key),
        )
        .unwrap()
    };
    let good = sign(KEY.as_bytes());
    let forged = sign(b"a-forger-s-key-of-32-bytes-or-more!!");
    let q = "employee_type=employee_id";
    let body = |id: &str| format!(r#"{{"user_id":"{id}","remedy_date":{date}}}"#);
    let bearer = |t: &str| format!("Bearer {t}");
    let ok = post_raw(
        &base,
        q,
        &body("abd754f7"),
        &[("authorization", &bearer(&good))],
    )
    .await;
    assert_eq!(ok.status, 200);
    let other = post_raw(
        &base,
        q,
        &body("sim_hr"),
        &[("authorization", &bearer(&good))],
    )
    .await;
    assert_eq!(other.status, 403);
    let bad = post_raw(
        &base,
        q,
        &body("abd754f7"),
        &[("authorization", &bearer(&forged))],
    )
    .await;
    assert_eq!(bad.status, 401);
    relay.shutdown().await;
    let signature = |t: &str| t.rsplit('.').next().unwrap().to_owned();
    vec![
        KEY.to_owned(),
        signature(&good),
        signature(&forged),
        good,
        forged,
    ]
}
