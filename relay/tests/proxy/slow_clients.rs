//! Clients that never finish sending: a body gets 408 within the timeout, a request head gets
//! its connection closed. These need a real connection, and so a socket.

use std::time::Duration;

use feishu_remedy::catalogue;
use feishu_remedy::model::QUERY_PATH;

use crate::common::*;

#[tokio::test]
async fn a_body_that_never_finishes_gets_408_within_the_timeout() {
    let relay = sim_relay_with(|c, _| c.upstream_timeout = Duration::from_millis(300)).await;
    // Promises 60 bytes, sends 11, then goes quiet.
    let request = format!(
        "POST {QUERY_PATH}?employee_type=employee_id HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nContent-Length: 60\r\n\r\n{{\"user_id\":"
    );
    let started = std::time::Instant::now();
    let answer = raw_http(relay.addr(), request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(&catalogue::RELAY_REQUEST_TIMEOUT.to_string()));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(relay.sim().unwrap().query_requests(), 0);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_request_head_that_never_finishes_is_dropped() {
    let relay = sim_relay_with(|c, _| c.upstream_timeout = Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let answer = raw_http(relay.addr(), b"GET /healthz HTTP/1.1\r\nHo").await;
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "closed after the header read timeout, not left open: {:?}",
        started.elapsed()
    );
    // The relay itself is fine.
    get(&format!("{}/healthz", relay.url()), &[]).await;
    relay.shutdown().await;
}
