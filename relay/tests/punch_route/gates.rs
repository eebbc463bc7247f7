//! The punch-results route has its own gate upstream: identical requests in flight share one
//! call, and its limiter is its own, apart from the other route's (Feishu limits each API on its
//! own). Counted in the relay's counters under its path.

use feishu_remedy::catalogue;
use feishu_remedy::model::QUERY_PATH;
use feishu_remedy::punch_results::PUNCH_RESULTS_PATH;
use relay::limiter::LimitSettings;

use crate::common::*;
use crate::{days_body, punch};

const Q: &str = "employee_type=employee_id";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_punch_queries_in_flight_make_one_call() {
    let relay = sim_relay().await;
    let sim = relay.sim().unwrap().clone();
    // Key order and spacing differ: the relay compares what it would send, not the caller's bytes.
    let body = days_body(&relay, &["abd754f7"], 10, 1);
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let reordered = format!(
        r#"{{ "check_date_to": {}, "check_date_from": {}, "user_ids": ["abd754f7"] }}"#,
        value["check_date_to"], value["check_date_from"]
    );
    sim.hold_answers(true);
    let burst: Vec<_> = (0..20)
        .map(|i| {
            let (url, body) = (
                relay.url(),
                if i % 2 == 0 {
                    body.clone()
                } else {
                    reordered.clone()
                },
            );
            tokio::spawn(async move { punch(&url, Q, &body, &[]).await })
        })
        .collect();
    until("19 requests joining the first", || {
        relay.metrics().counts(PUNCH_RESULTS_PATH).coalesced == 19
    })
    .await;
    sim.hold_answers(false);
    let mut bodies = Vec::new();
    for task in burst {
        let reply = task.await.unwrap();
        assert_eq!((reply.status, reply.code()), (200, 0));
        bodies.push(reply.body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "one reply for all");
    assert_eq!(sim.punch_requests(), 1);
    let counts = relay.metrics().counts(PUNCH_RESULTS_PATH);
    assert_eq!((counts.upstream_calls, counts.coalesced), (1, 19));
    assert_eq!(
        relay.metrics().counts(QUERY_PATH).upstream_calls,
        0,
        "the other route's gate"
    );
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_route_has_its_own_limit() {
    // A limit of 10 a second on each route and no queue: 10 of each go at once, the 11th punch
    // query is refused at once with the relay's 429. Nothing waits on the clock.
    let relay = sim_relay_with(|config, sim| {
        sim.rate_limit = 10;
        config.gates.limits = LimitSettings {
            per_second: 10,
            queue_len: 0,
            ..LimitSettings::default()
        };
    })
    .await;
    let sim = relay.sim().unwrap().clone();
    sim.hold_answers(true);
    let mut tasks = Vec::new();
    for n in 1..=10 {
        let (url, date) = (relay.url(), days_ago(&relay, n));
        tasks.push(tokio::spawn(async move {
            query(&url, "employee_id", "abd754f7", date).await
        }));
        let (url, body) = (relay.url(), days_body(&relay, &["abd754f7"], n + 1, n));
        tasks.push(tokio::spawn(
            async move { punch(&url, Q, &body, &[]).await },
        ));
    }
    until("ten calls on each route", || {
        let m = relay.metrics();
        m.counts(QUERY_PATH).upstream_calls == 10
            && m.counts(PUNCH_RESULTS_PATH).upstream_calls == 10
    })
    .await;
    let over = punch(
        &relay.url(),
        Q,
        &days_body(&relay, &["abd754f7"], 20, 12),
        &[],
    )
    .await;
    over.assert_feishu_error(429, catalogue::RELAY_RATE_LIMITED);
    assert_eq!(over.header("x-ogw-ratelimit-limit"), Some("10"));
    assert!(over.header("x-ogw-ratelimit-reset").is_some());
    sim.hold_answers(false);
    for task in tasks {
        // 200, or 400 for a day with nothing to correct (1226501): served either way.
        let reply = task.await.unwrap();
        assert!(matches!(reply.status, 200 | 400), "{reply:?}");
        assert!(
            reply.code() < 98_000_000,
            "Feishu's answer, not the relay's: {reply:?}"
        );
    }
    let counts = relay.metrics().counts(PUNCH_RESULTS_PATH);
    assert_eq!(
        (counts.upstream_calls, counts.relay_429s, counts.feishu_429s),
        (10, 1, 0)
    );
    assert_eq!(relay.metrics().counts(QUERY_PATH).relay_429s, 0);
    let traffic = sim.traffic(PUNCH_RESULTS_PATH).unwrap();
    assert_eq!((traffic.requests, traffic.rate_limited), (10, 0));
    relay.shutdown().await;
}
