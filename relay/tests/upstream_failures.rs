//! Upstream trouble: unreachable → 502, too slow → 504 within the timeout, a reply over the 1 MiB
//! cap → 98000507 (not retryable); all Feishu-shaped.

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

/// An upstream whose query reply is one byte over the relay's 1 MiB cap: with a `Content-Length`,
/// or `chunked` (no length: the cap is met while reading). Raw HTTP/1.1 on loopback, one request
/// per connection, so both framings are exactly what is written here.
async fn oversized_upstream(chunked: bool) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(LOOPBACK_ANY).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && tcp.read(&mut byte).await.unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|n| n.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; length];
                let _ = tcp.read_exact(&mut body).await;
                let reply = if head.contains("tenant_access_token") {
                    let token =
                        r#"{"code":0,"msg":"ok","tenant_access_token":"t-fixed","expire":7200}"#;
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{token}",
                        token.len()
                    )
                    .into_bytes()
                } else {
                    oversized_reply(chunked)
                };
                let _ = tcp.write_all(&reply).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    url
}

fn oversized_reply(chunked: bool) -> Vec<u8> {
    let mut body = br#"{"code":0,"msg":"success","data":{"pad":""#.to_vec();
    body.resize(feishu_remedy::decode::MAX_BODY_BYTES + 1, b'x');
    let mut out =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n".to_vec();
    if chunked {
        out.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
        for chunk in body.chunks(64 * 1024) {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(&body);
    }
    out
}

#[tokio::test]
async fn a_reply_over_the_cap_is_98000507_not_retryable() {
    for chunked in [false, true] {
        let upstream = oversized_upstream(chunked).await;
        let relay = relay_with(feishu_config(&upstream, app("cli_x", "s"))).await;
        let reply = query(&relay.url(), "employee_id", "abd754f7", 20240229).await;
        reply.assert_feishu_error(502, catalogue::RELAY_REPLY_TOO_LARGE);
        let entry = catalogue::find(catalogue::RELAY_REPLY_TOO_LARGE).unwrap();
        assert!(!entry.retryable, "asking again gets the same reply");
        assert!(
            reply.json()["msg"]
                .as_str()
                .unwrap()
                .contains("larger than"),
            "chunked {chunked}: {reply:?}"
        );
        relay.shutdown().await;
    }
}
