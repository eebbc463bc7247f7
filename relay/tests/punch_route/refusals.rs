//! What the relay refuses on the punch-results route before anything goes upstream: the core's
//! validation (1220001 naming the field), other methods (405), other content types (415), bodies
//! over 4 KiB (413), a missing bearer key (401); and `--no-punch-results` (404).

use feishu_remedy::catalogue;
use feishu_remedy::punch_results::PUNCH_RESULTS_PATH;
use relay::access::{Access, ApiKeys};

use crate::common::*;
use crate::punch;

const Q: &str = "employee_type=employee_id";

#[tokio::test]
async fn invalid_queries_name_the_field_and_never_reach_upstream() {
    let relay = sim_relay().await;
    let ok = r#"{"user_ids":["abd754f7"],"check_date_from":20260301,"check_date_to":20260309}"#;
    let fifty_one = serde_json::json!({
        "user_ids": (0..51).map(|i| format!("u{i}")).collect::<Vec<_>>(),
        "check_date_from": 20260301, "check_date_to": 20260301,
    })
    .to_string();
    let with = |rest: &str| format!(r#"{{"user_ids":["abd754f7"],{rest}}}"#);
    let cases: Vec<(&str, String, &str)> = vec![
        ("", ok.into(), "employee_type"),
        ("employee_type=open_id", ok.into(), "employee_type"),
        (
            "employee_type=employee_id&ignore_invalid_users=yes",
            ok.into(),
            "ignore_invalid_users",
        ),
        (
            "employee_type=employee_id&include_terminated_user=1",
            ok.into(),
            "include_terminated_user",
        ),
        (
            Q,
            r#"{"user_ids":[],"check_date_from":20260301,"check_date_to":20260301}"#.into(),
            "user_ids",
        ),
        (Q, fifty_one, "user_ids"),
        (
            Q,
            r#"{"user_ids":"abd754f7","check_date_from":20260301,"check_date_to":20260301}"#.into(),
            "user_ids",
        ),
        (
            Q,
            r#"{"user_ids":[7],"check_date_from":20260301,"check_date_to":20260301}"#.into(),
            "user_ids",
        ),
        (
            Q,
            r#"{"user_ids":[""],"check_date_from":20260301,"check_date_to":20260301}"#.into(),
            "user_ids",
        ),
        (
            Q,
            with(r#""check_date_from":20260230,"check_date_to":20260301"#),
            "check_date_from",
        ),
        (
            Q,
            with(r#""check_date_from":"20260301","check_date_to":20260301"#),
            "check_date_from",
        ),
        (Q, with(r#""check_date_from":20260301"#), "check_date_to"),
        (
            Q,
            with(r#""check_date_from":20260302,"check_date_to":20260301"#),
            "check_date_to",
        ),
        // 63 days: one more than the relay's span.
        (
            Q,
            with(r#""check_date_from":20260101,"check_date_to":20260304"#),
            "check_date_to",
        ),
        (
            Q,
            with(r#""check_date_from":20260301,"check_date_to":20260301,"need_overtime_result":1"#),
            "need_overtime_result",
        ),
        (Q, "[1,2]".into(), "request"),
        (Q, "not json".into(), "request"),
    ];
    for (query, body, field) in &cases {
        let reply = punch(&relay.url(), query, body, &[]).await;
        reply.assert_feishu_error(400, catalogue::INVALID_PARAM);
        let msg = reply.json()["msg"].as_str().unwrap().to_owned();
        assert!(
            msg.starts_with(&format!("{field} invalid")),
            "{query} {body}: {msg}"
        );
        assert!(reply.header("x-tt-logid").unwrap().starts_with("relay-"));
    }
    // 62 days and 50 ids are the most, and are sent.
    let fifty = serde_json::json!({
        "user_ids": (1..=50).map(|i| format!("rush_{i:04}")).collect::<Vec<_>>(),
        "check_date_from": 20260101, "check_date_to": 20260303,
    })
    .to_string();
    let sim = relay.sim().unwrap();
    assert_eq!(
        (sim.punch_requests(), sim.token_requests()),
        (0, 0),
        "nothing went upstream"
    );
    assert_eq!(punch(&relay.url(), Q, &fifty, &[]).await.status, 200);
    assert_eq!(sim.punch_requests(), 1);
    relay.shutdown().await;
}

#[tokio::test]
async fn method_content_type_size_and_key_are_refused_before_upstream() {
    let relay = sim_relay_with(|config, _| {
        config.access = Access::Bearer(ApiKeys::parse("k-punch-0123456789"));
    })
    .await;
    let url = format!("{}{PUNCH_RESULTS_PATH}?{Q}", relay.url());
    let key = [("authorization", "Bearer k-punch-0123456789")];
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let reply = read(client().request(method.clone(), &url).send().await.unwrap()).await;
        reply.assert_feishu_error(405, catalogue::RELAY_METHOD);
        assert_eq!(reply.header("allow"), Some("POST"), "{method}");
    }
    let ok = r#"{"user_ids":["abd754f7"],"check_date_from":20260301,"check_date_to":20260301}"#;
    let reply = punch(&relay.url(), Q, ok, &[]).await;
    reply.assert_feishu_error(401, catalogue::RELAY_UNAUTHORIZED);
    let text = [key[0], ("content-type", "text/plain")];
    punch(&relay.url(), Q, ok, &text)
        .await
        .assert_feishu_error(415, catalogue::RELAY_CONTENT_TYPE);
    let huge = format!(r#"{{"user_ids":["{}"]}}"#, "x".repeat(5000));
    punch(&relay.url(), Q, &huge, &key)
        .await
        .assert_feishu_error(413, catalogue::RELAY_TOO_LARGE);
    let sim = relay.sim().unwrap();
    assert_eq!(
        (sim.punch_requests(), sim.token_requests()),
        (0, 0),
        "nothing went upstream"
    );
    assert_eq!(punch(&relay.url(), Q, ok, &key).await.status, 200);
    relay.shutdown().await;
}

#[tokio::test]
async fn no_punch_results_leaves_the_route_out_and_the_first_route_in() {
    let relay = sim_relay_with(|config, _| config.punch_results = false).await;
    let ok = r#"{"user_ids":["abd754f7"],"check_date_from":20260301,"check_date_to":20260301}"#;
    punch(&relay.url(), Q, ok, &[])
        .await
        .assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
    let date = days_ago(&relay, 1);
    assert_eq!(
        query(&relay.url(), "employee_id", "abd754f7", date)
            .await
            .status,
        200
    );
    assert_eq!(relay.sim().unwrap().punch_requests(), 0);
    relay.shutdown().await;
}
