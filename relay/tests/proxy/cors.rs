//! CORS: headers for configured origins only, on answers and refusals alike; `*` only when asked.

use feishu_remedy::model::QUERY_PATH;
use relay::cors::CorsPolicy;

use crate::common::*;

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let relay = sim_relay_with(|config, _| {
        config.cors = CorsPolicy::new(&["https://hr.example.com"]);
    })
    .await;
    let url = format!("{}{QUERY_PATH}?employee_type=employee_id", relay.url());
    let preflight = |origin: &'static str| {
        client()
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let allowed = read(preflight("https://hr.example.com").await.unwrap()).await;
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://hr.example.com")
    );
    assert!(allowed
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert_eq!(
        allowed.header("access-control-allow-headers"),
        Some("content-type, authorization")
    );
    assert_eq!(
        allowed.header("access-control-allow-credentials"),
        Some("true")
    );
    let denied = read(preflight("https://evil.example.net").await.unwrap()).await;
    assert_eq!(denied.header("access-control-allow-origin"), None);
    assert_eq!(denied.header("access-control-allow-methods"), None);

    let date = days_ago(&relay, 1);
    let body = format!(r#"{{"user_id":"abd754f7","remedy_date":{date}}}"#);
    let ok = post_raw(
        &relay.url(),
        "employee_type=employee_id",
        &body,
        &[("origin", "https://hr.example.com")],
    )
    .await;
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://hr.example.com")
    );
    assert!(ok
        .header("access-control-expose-headers")
        .unwrap()
        .contains("X-Tt-Logid"));
    assert!(ok.header("vary").unwrap().contains("Origin"));
    let other = post_raw(
        &relay.url(),
        "employee_type=employee_id",
        &body,
        &[("origin", "https://evil.example.net")],
    )
    .await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    assert_eq!(other.header("access-control-expose-headers"), None);
    // Refusals get CORS headers too, or the page could not read why it was refused.
    let refused = post_raw(
        &relay.url(),
        "",
        &body,
        &[("origin", "https://hr.example.com")],
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some("https://hr.example.com")
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn cors_star_only_when_asked_and_without_credentials() {
    let relay = sim_relay_with(|config, _| config.cors = CorsPolicy::new(&["*"])).await;
    let reply = get(
        &format!("{}/healthz", relay.url()),
        &[("origin", "https://any.example")],
    )
    .await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    relay.shutdown().await;
    let relay = sim_relay().await;
    let reply = get(
        &format!("{}/healthz", relay.url()),
        &[("origin", "https://any.example")],
    )
    .await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        None,
        "no origins by default"
    );
    relay.shutdown().await;
}
