//! Feishu's quota, kept by the relay itself, over real loopback sockets: a burst over the limit
//! against the simulation with Feishu's limit on (the simulation never sees more than the limit
//! in any second, callers get 200 or the relay's 429 with Feishu's reset header), Feishu's own
//! 429s still passed back and counted, identical requests in flight sharing one call, and the
//! counters at `GET /metrics`.
//!
//! The limiter's timing is proven on a paused clock (`src/limiter/tests.rs`); these tests check
//! the wiring. A burst over the limit cannot be served in less than a second of real time, so
//! they use a limit of 10 per second and one second's overflow.

mod common;

use feishu_remedy::catalogue;
use feishu_remedy::model::QUERY_PATH;
use relay::limiter::LimitSettings;
use relay::server::RunningRelay;

use common::*;

/// A relay with its own limit of `per_second` (queue of `queue_len`) in front of a simulation
/// enforcing Feishu's limit of `feishu_limit`.
async fn limited_relay(per_second: u32, queue_len: usize, feishu_limit: u32) -> RunningRelay {
    sim_relay_with(|config, sim| {
        sim.rate_limit = feishu_limit;
        config.gates.limits = LimitSettings {
            per_second,
            queue_len,
            ..LimitSettings::default()
        };
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_over_the_limit_waits_or_gets_the_relays_429_and_feishu_never_sees_more() {
    let relay = limited_relay(10, 3, 10).await;
    let url = relay.url();
    // 15 different questions (different days), so nothing is coalesced: 10 go at once, 3 wait
    // for the slots freed a second after the first replies, 2 find the queue full.
    let dates: Vec<u32> = (1..=15).map(|n| days_ago(&relay, n)).collect();
    let burst: Vec<_> = dates
        .into_iter()
        .map(|date| {
            let url = url.clone();
            tokio::spawn(async move { query(&url, "employee_id", "abd754f7", date).await })
        })
        .collect();
    let mut replies = Vec::new();
    for task in burst {
        replies.push(task.await.unwrap());
    }
    let served = replies
        .iter()
        .filter(|r| r.status == 200 || r.status == 400)
        .count();
    assert_eq!(served, 13, "10 at once and 3 from the queue");
    for refused in replies.iter().filter(|r| r.status == 429) {
        refused.assert_feishu_error(429, catalogue::RELAY_RATE_LIMITED);
        assert_eq!(refused.header("x-ogw-ratelimit-limit"), Some("10"));
        let reset: u64 = refused
            .header("x-ogw-ratelimit-reset")
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=5).contains(&reset), "{reset}");
    }
    assert_eq!(replies.iter().filter(|r| r.status == 429).count(), 2);
    let sim = relay.sim().unwrap().traffic(QUERY_PATH).unwrap();
    assert_eq!(sim.requests, 13);
    assert!(
        sim.busiest_second <= 10,
        "Feishu saw {} in one second",
        sim.busiest_second
    );
    assert_eq!(sim.rate_limited, 0, "Feishu never had to refuse");
    let counts = relay.metrics().counts(QUERY_PATH);
    assert_eq!(
        (counts.upstream_calls, counts.relay_429s, counts.feishu_429s),
        (13, 2, 0)
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn feishus_own_429s_still_pass_back_and_are_counted() {
    // The relay allows 50 a second, the simulated Feishu only 2.
    let relay = limited_relay(50, 250, 2).await;
    let mut statuses = Vec::new();
    for n in 1..=4 {
        let date = days_ago(&relay, n);
        let reply = query(&relay.url(), "employee_id", "abd754f7", date).await;
        if reply.status == 429 {
            reply.assert_feishu_error(429, catalogue::RATE_LIMITED);
            assert_eq!(reply.header("x-ogw-ratelimit-limit"), Some("2"));
        }
        statuses.push(reply.status);
    }
    // All four fit in the simulation's 1 s window unless the machine stalls for a second.
    let limited = statuses.iter().filter(|s| **s == 429).count() as u64;
    assert!(limited >= 1, "{statuses:?}");
    let counts = relay.metrics().counts(QUERY_PATH);
    assert_eq!((counts.feishu_429s, counts.relay_429s), (limited, 0));
    assert_eq!(counts.upstream_calls, 4);
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_requests_in_flight_make_one_simulation_query() {
    let relay = sim_relay().await;
    let sim = relay.sim().unwrap().clone();
    let (url, date) = (relay.url(), days_ago(&relay, 1));
    // Held, the first request stays in flight until all 20 have reached the relay.
    sim.hold_answers(true);
    let burst: Vec<_> = (0..20)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { query(&url, "employee_id", "abd754f7", date).await })
        })
        .collect();
    until("19 requests joining the first", || {
        relay.metrics().counts(QUERY_PATH).coalesced == 19
    })
    .await;
    sim.hold_answers(false);
    let mut bodies = Vec::new();
    for task in burst {
        let reply = task.await.unwrap();
        assert_eq!(reply.status, 200);
        assert!(reply.header("x-tt-logid").is_some());
        bodies.push(reply.body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "one reply for all");
    assert_eq!(sim.query_requests(), 1);
    // Over: the next identical request is a new call, not a cached reply.
    let again = query(&url, "employee_id", "abd754f7", date).await;
    assert_eq!(again.status, 200);
    assert_eq!(sim.query_requests(), 2);
    // A different question in flight at the same time is its own call.
    sim.hold_answers(true);
    let a = tokio::spawn({
        let url = url.clone();
        async move { query(&url, "employee_id", "abd754f7", date).await }
    });
    let b = tokio::spawn({
        let url = url.clone();
        async move { query(&url, "employee_no", "E1001", date).await }
    });
    until("both in flight", || {
        relay.metrics().counts(QUERY_PATH).upstream_calls == 4
    })
    .await;
    sim.hold_answers(false);
    assert_eq!(
        (a.await.unwrap().status, b.await.unwrap().status),
        (200, 200)
    );
    assert_eq!(relay.metrics().counts(QUERY_PATH).coalesced, 19);
    relay.shutdown().await;
}

#[tokio::test]
async fn the_counters_are_served_as_prometheus_text_to_those_who_may_call() {
    let relay = sim_relay().await;
    let date = days_ago(&relay, 1);
    assert_eq!(
        query(&relay.url(), "employee_id", "abd754f7", date)
            .await
            .status,
        200
    );
    let reply = read(
        client()
            .get(format!("{}/metrics", relay.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = String::from_utf8(reply.body.to_vec()).unwrap();
    assert!(
        text.contains(&format!(
            "relay_upstream_calls_total{{route=\"{QUERY_PATH}\"}} 1\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("# TYPE relay_rate_limited_total counter"),
        "{text}"
    );
    // The same rule as the Feishu route: in `open` mode, a foreign Host name is refused.
    let foreign = client()
        .get(format!("{}/metrics", relay.url()))
        .header("host", "evil.example.com")
        .send()
        .await
        .unwrap();
    read(foreign)
        .await
        .assert_feishu_error(403, catalogue::RELAY_HOST_REFUSED);
    relay.shutdown().await;
}
