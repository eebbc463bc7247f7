//! Upstream trouble: unreachable → 502, too slow → 504 within the timeout; both Feishu-shaped.

mod common;

use std::time::{Duration, Instant};

use common::*;
use feishu_remedy::catalogue;

#[tokio::test]
async fn unreachable_upstream_gives_502() {
    let dead = closed_port().await;
    let relay = relay_with(feishu_config(&format!("http://{dead}"), app("cli_x", "s"))).await;
    let reply = query(&relay.url(), "employee_id", "abd754f7", 20240229).await;
    reply.assert_feishu_error(502, catalogue::RELAY_UPSTREAM_DOWN);
    assert!(reply.json()["error"]["log_id"]
        .as_str()
        .unwrap()
        .starts_with("relay-"));
    relay.shutdown().await;
}

#[tokio::test]
async fn a_hanging_upstream_gives_504_within_the_timeout() {
    let (relay, seen) = scripted_relay(Script::Hang, |c| {
        c.upstream_timeout = Duration::from_millis(300);
    })
    .await;
    let started = Instant::now();
    let reply = query(&relay.url(), "employee_id", "abd754f7", 20240229).await;
    let took = started.elapsed();
    reply.assert_feishu_error(504, catalogue::RELAY_UPSTREAM_TIMEOUT);
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_millis(1300),
        "{took:?}"
    );
    assert_eq!(
        seen.lock().unwrap().queries.len(),
        1,
        "the query did go out"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn sim_slow_outlasts_a_short_timeout_but_not_the_default() {
    let relay =
        sim_relay_with(|config, _| config.upstream_timeout = Duration::from_millis(300)).await;
    let started = Instant::now();
    let reply = query(&relay.url(), "employee_id", "sim_slow", days_ago(&relay, 1)).await;
    reply.assert_feishu_error(504, catalogue::RELAY_UPSTREAM_TIMEOUT);
    assert!(started.elapsed() < Duration::from_millis(1300));
    relay.shutdown().await;
    assert!(
        relay::sim::dataset::SLOW_DELAY < Duration::from_secs(10),
        "under the default timeout"
    );
}

#[tokio::test]
async fn shutdown_drains_a_request_in_flight() {
    let relay = sim_relay().await;
    let url = relay.url();
    let date = days_ago(&relay, 1);
    let in_flight = tokio::spawn(async move { query(&url, "employee_id", "sim_slow", date).await });
    // Let the request reach the simulation before asking the relay to stop.
    for _ in 0..100 {
        if relay.sim().unwrap().query_requests() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let addr = relay.addr();
    let started = Instant::now();
    relay.shutdown().await;
    let reply = in_flight.await.unwrap();
    assert_eq!(reply.status, 200, "the slow request finished: {reply:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "shutdown waited for it"
    );
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}
