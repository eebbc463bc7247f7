//! The token manager wired into the relay, over loopback against the simulation (and a scripted
//! upstream): one fetch for a cold burst, one refresh and one retry on a stale token, no reuse of a
//! refused token, one cache per app, and token failures reported without the secret. The
//! manager's timing (refresh ahead of expiry, a failed or hanging refresh) is unit-tested on a
//! paused clock in `src/token/tests.rs`.

mod common;

use common::*;
use feishu_remedy::catalogue;
use relay::server::RunningRelay;
use relay::sim::{RunningSim, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cold_burst_of_50_makes_exactly_one_token_request() {
    // Coalescing off: the burst's identical queries must each reach the token manager.
    let relay = sim_relay_with(|config, sim| {
        sim.rate_limit = 0;
        config.gates.coalesce = false;
    })
    .await;
    let date = days_ago(&relay, 1);
    let url = relay.url();
    let burst: Vec<_> = (0..50)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { query(&url, "employee_id", "abd754f7", date).await.status })
        })
        .collect();
    for task in burst {
        assert_eq!(task.await.unwrap(), 200);
    }
    let sim = relay.sim().unwrap();
    assert_eq!(sim.token_requests(), 1);
    assert_eq!(sim.query_requests(), 50);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_stale_token_gets_one_refresh_and_one_retry() {
    for status in [400, 200] {
        let relay = sim_relay().await;
        let sim = relay.sim().unwrap().clone();
        sim.set_stale_token_status(status);
        let date = days_ago(&relay, 1);
        assert_eq!(
            query(&relay.url(), "employee_id", "abd754f7", date)
                .await
                .status,
            200
        );
        sim.revoke_tokens();
        let reply = query(&relay.url(), "employee_id", "abd754f7", date).await;
        assert_eq!(reply.status, 200, "status {status}: {reply:?}");
        assert_eq!(reply.code(), 0);
        assert_eq!(
            sim.token_requests(),
            2,
            "one refresh (stale status {status})"
        );
        assert_eq!(sim.query_requests(), 3, "the refused query and one retry");
        relay.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_stale_replies_share_one_refresh() {
    // Coalescing off: the burst's identical queries must each reach the token manager.
    let relay = sim_relay_with(|config, sim| {
        sim.rate_limit = 0;
        config.gates.coalesce = false;
    })
    .await;
    let sim = relay.sim().unwrap().clone();
    let date = days_ago(&relay, 1);
    assert_eq!(
        query(&relay.url(), "employee_id", "abd754f7", date)
            .await
            .status,
        200
    );
    sim.revoke_tokens();
    let url = relay.url();
    let burst: Vec<_> = (0..20)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { query(&url, "employee_id", "abd754f7", date).await.status })
        })
        .collect();
    for task in burst {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(sim.token_requests(), 2, "20 stale replies, one refresh");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_token_refused_again_and_again_is_not_a_loop() {
    let relay = sim_relay().await;
    let sim = relay.sim().unwrap().clone();
    let date = days_ago(&relay, 1);
    sim.reject_all_tokens(true);
    let reply = query(&relay.url(), "employee_id", "abd754f7", date).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.code(),
        catalogue::TOKEN_INVALID,
        "Feishu's answer passed on"
    );
    assert_eq!(
        sim.query_requests(),
        2,
        "the first try and exactly one retry"
    );
    assert_eq!(
        sim.token_requests(),
        2,
        "the first token and exactly one refresh"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn a_refused_token_handed_back_again_is_never_reused() {
    // This upstream answers 99991663 to every query and hands out the same token every time.
    let (relay, seen) = scripted_relay(Script::AlwaysStale, |_| {}).await;
    let reply = post_raw(
        &relay.url(),
        "employee_type=employee_id",
        r#"{"user_id":"a","remedy_date":20240229}"#,
        &[],
    )
    .await;
    assert_eq!(reply.code(), catalogue::TOKEN_INVALID);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.token_requests, 2, "asked for a new token once");
    assert_eq!(
        seen.queries.len(),
        1,
        "no retry with the token just refused"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn a_token_endpoint_failure_is_not_reported_as_refused_credentials() {
    // The token endpoint's own rate limit says nothing about the credentials: the caller gets the
    // retryable "upstream unavailable", not "check FEISHU_APP_SECRET".
    let (relay, _) = scripted_relay(Script::TokenRateLimited, |_| {}).await;
    let reply = query(&relay.url(), "employee_id", "a", 20240229).await;
    reply.assert_feishu_error(502, catalogue::RELAY_UPSTREAM_DOWN);
    assert!(catalogue::find(catalogue::RELAY_UPSTREAM_DOWN).is_some_and(|e| e.retryable));
    relay.shutdown().await;
}

#[tokio::test]
async fn each_app_has_its_own_token_cache() {
    let config = SimConfig {
        apps: vec![app("cli_one", "secret-one"), app("cli_two", "secret-two")],
        rate_limit: 2,
        ..SimConfig::default()
    };
    let sim = standalone_sim(config).await;
    let base = sim.handle().base_url();
    let one = relay_with(feishu_config(&base, app("cli_one", "secret-one"))).await;
    let two = relay_with(feishu_config(&base, app("cli_two", "secret-two"))).await;
    let today = sim.handle().listing()["today"].as_u64().unwrap() as u32;
    // The rate limit is per app: app one uses up its budget, app two's token still has its own.
    let statuses: Vec<u16> = [
        query(&one.url(), "employee_id", "abd754f7", today)
            .await
            .status,
        query(&one.url(), "employee_id", "abd754f7", today)
            .await
            .status,
        query(&one.url(), "employee_id", "abd754f7", today)
            .await
            .status,
        query(&two.url(), "employee_id", "abd754f7", today)
            .await
            .status,
    ]
    .to_vec();
    assert_eq!(
        statuses[3], 400,
        "app two is not limited (1226501 for today): {statuses:?}"
    );
    assert!(
        statuses[..3].contains(&429),
        "app one is limited: {statuses:?}"
    );
    assert_eq!(sim.handle().token_requests(), 2, "one token per app");
    one.shutdown().await;
    two.shutdown().await;
    sim.shutdown().await;
}

/// A relay whose app secret the simulation refuses (99991543), in front of that simulation.
async fn relay_with_wrong_secret() -> (RunningSim, RunningRelay) {
    let sim = standalone_sim(SimConfig::default()).await;
    let mut config = feishu_config(
        &sim.handle().base_url(),
        app(relay::sim::SIM_APP_ID, WRONG_SECRET),
    );
    // Coalescing off: a burst of identical queries must each reach the token manager.
    config.gates.coalesce = false;
    let relay = relay_with(config).await;
    (sim, relay)
}

/// The wrong secret; tests check it never appears in a reply.
const WRONG_SECRET: &str = "wrong-secret-7d1f";

#[tokio::test]
async fn wrong_credentials_give_502_naming_the_cause_not_the_secret() {
    let (sim, relay) = relay_with_wrong_secret().await;
    for attempt in 1..=2 {
        let reply = query(&relay.url(), "employee_id", "abd754f7", 20240229).await;
        reply.assert_feishu_error(502, catalogue::RELAY_TOKEN_REFUSED);
        let text = String::from_utf8_lossy(&reply.body).into_owned();
        assert!(
            text.contains(&catalogue::BAD_CREDENTIALS.to_string()),
            "{text}"
        );
        // The token reply's own log id, for Feishu support (the simulation's start with a date).
        assert!(text.contains("; Feishu log id 20"), "{text}");
        assert!(!text.contains(WRONG_SECRET));
        assert!(reply
            .headers
            .iter()
            .all(|(_, v)| !v.as_bytes().windows(6).any(|w| w == b"wrong-")));
        assert_eq!(
            sim.handle().token_requests(),
            attempt,
            "a refusal is not cached"
        );
    }
    assert_eq!(sim.handle().query_requests(), 0);
    relay.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_burst_on_wrong_credentials_shares_the_failed_fetch() {
    let (sim, relay) = relay_with_wrong_secret().await;
    let url = relay.url();
    let burst: Vec<_> = (0..50)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { query(&url, "employee_id", "abd754f7", 20240229).await })
        })
        .collect();
    for request in burst {
        request
            .await
            .unwrap()
            .assert_feishu_error(502, catalogue::RELAY_TOKEN_REFUSED);
    }
    // Without sharing, the 50 requests would queue and fetch one after another: 50 fetches.
    // Requests queued behind a failing fetch take its answer; a few may arrive after it and try
    // afresh, hence a bound rather than exactly 1.
    let fetches = sim.handle().token_requests();
    assert!(fetches < 25, "{fetches} token requests for a burst of 50");
    relay.shutdown().await;
    sim.shutdown().await;
}
