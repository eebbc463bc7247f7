//! Feishu's 429s through the relay: the status, code and rate-limit headers passed back and
//! exposed to the browser, and the simulation's rate-limited test users.

use feishu_remedy::catalogue;
use relay::cors::CorsPolicy;

use crate::common::*;

#[tokio::test]
async fn rate_limit_429_and_its_headers_pass_through_and_are_exposed() {
    let relay = sim_relay_with(|config, sim| {
        sim.rate_limit = 3;
        config.cors = CorsPolicy::new(&["https://hr.example.com"]);
    })
    .await;
    let date = days_ago(&relay, 1);
    let origin = [("origin", "https://hr.example.com")];
    let body = format!(r#"{{"user_id":"abd754f7","remedy_date":{date}}}"#);
    let mut replies = Vec::new();
    for _ in 0..5 {
        replies.push(post_raw(&relay.url(), "employee_type=employee_id", &body, &origin).await);
    }
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    // All five fit in the 1 s window unless the machine stalls for a second; tolerate that.
    let limited = replies
        .iter()
        .find(|r| r.status == 429)
        .unwrap_or_else(|| panic!("{statuses:?}"));
    assert_eq!(limited.code(), catalogue::RATE_LIMITED);
    assert_eq!(limited.header("x-ogw-ratelimit-limit"), Some("3"));
    assert_eq!(limited.header("x-ogw-ratelimit-reset"), Some("1"));
    let exposed = limited
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "x-tt-logid",
        "x-request-id",
        "x-ogw-ratelimit-limit",
        "x-ogw-ratelimit-reset",
        "retry-after",
    ] {
        assert!(exposed.contains(h), "{exposed}");
    }
    assert_eq!(&statuses[..3], &[200, 200, 200]);
    relay.shutdown().await;
}

#[tokio::test]
async fn sim_429_once_alternates_per_day() {
    let relay = sim_relay().await;
    let (d1, d2) = (days_ago(&relay, 1), days_ago(&relay, 2));
    let first = query(&relay.url(), "employee_id", "sim_429_once", d1).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.code(), catalogue::RATE_LIMITED);
    assert_eq!(first.header("x-ogw-ratelimit-reset"), Some("1"));
    assert_eq!(first.header("x-ogw-ratelimit-limit"), Some("50"));
    assert_eq!(
        query(&relay.url(), "employee_id", "sim_429_once", d1)
            .await
            .status,
        200
    );
    assert_eq!(
        query(&relay.url(), "employee_id", "sim_429_once", d1)
            .await
            .status,
        429
    );
    assert_eq!(
        query(&relay.url(), "employee_id", "sim_429_once", d2)
            .await
            .status,
        429,
        "a new day starts odd"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn sim_rate_limited_always_answers_429_with_its_headers() {
    let relay = sim_relay().await;
    let day = days_ago(&relay, 1);
    for _ in 0..3 {
        let r = query(&relay.url(), "employee_id", "sim_rate_limited", day).await;
        assert_eq!((r.status, r.code()), (429, catalogue::RATE_LIMITED));
        assert_eq!(r.header("x-ogw-ratelimit-reset"), Some("1"));
        assert_eq!(r.header("x-ogw-ratelimit-limit"), Some("50"));
    }
    relay.shutdown().await;
}
