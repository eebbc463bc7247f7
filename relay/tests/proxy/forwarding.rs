//! What goes upstream and what comes back: the simulation's answers and Feishu's codes passed
//! back unchanged, and only the relay's token and the validated query sent.

use std::collections::BTreeSet;

use feishu_remedy::catalogue;
use feishu_remedy::model::{Envelope, QUERY_PATH};

use crate::common::*;

#[tokio::test]
async fn happy_path_through_the_simulation() {
    let relay = sim_relay().await;
    let date = days_ago(&relay, 1);
    let reply = query(&relay.url(), "employee_id", "abd754f7", date).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let logid = reply
        .header("x-tt-logid")
        .expect("Feishu's log id passed through");
    assert_eq!(
        logid.len(),
        32,
        "a simulation log id, not the relay's: {logid}"
    );
    let env: Envelope = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(env.code, 0);
    let rows = env.data.unwrap().user_allowed_remedys;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].remedy_date, Some(i64::from(date)));
    assert_eq!(rows[0].user_id.as_deref(), Some("abd754f7"));
    // The same person by employee number.
    let by_no = query(&relay.url(), "employee_no", "E1001", date).await;
    assert_eq!(
        by_no.json()["data"]["user_allowed_remedys"][0]["user_id"],
        "E1001"
    );
    assert_eq!(relay.sim().unwrap().query_requests(), 2);
    relay.shutdown().await;
}

/// Every case of the dataset listing comes back as listed: status, code, Feishu's message, and
/// a log id in both the header and `error.log_id`.
#[tokio::test]
async fn every_documented_code_reaches_the_client_unchanged() {
    let relay = sim_relay().await;
    let listing = relay.sim().unwrap().listing();
    let mut codes = BTreeSet::new();
    for case in listing["cases"].as_array().unwrap() {
        let Some(code) = case["expect"].as_i64() else {
            continue;
        };
        if code == catalogue::RATE_LIMITED {
            continue; // its own test below
        }
        let reply = query(
            &relay.url(),
            case["employee_type"].as_str().unwrap(),
            case["user_id"].as_str().unwrap(),
            case["date"].as_u64().unwrap() as u32,
        )
        .await;
        let entry = catalogue::find(code).unwrap();
        assert_eq!(
            reply.status,
            u16::try_from(case["http_status"].as_u64().unwrap()).unwrap()
        );
        assert_eq!(reply.status, entry.http_status, "{case}");
        let body = reply.json();
        assert_eq!(body["code"], code, "{case}");
        assert_eq!(body["msg"], entry.feishu_msg);
        let logid = reply.header("x-tt-logid").unwrap();
        assert_eq!(body["error"]["log_id"], logid);
        assert!(body["error"]["troubleshooter"]
            .as_str()
            .unwrap()
            .contains(logid));
        codes.insert(code);
    }
    let wanted = [
        1_220_004, 1_220_005, 1_225_000, 1_226_501, 1_226_502, 1_226_503, 1_226_504,
    ];
    assert!(
        wanted.iter().all(|c| codes.contains(c)),
        "covered: {codes:?}"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn html_502_passes_through_with_the_relays_request_id() {
    let relay = sim_relay().await;
    let reply = query(
        &relay.url(),
        "employee_id",
        "sim_html_502",
        days_ago(&relay, 1),
    )
    .await;
    assert_eq!(reply.status, 502);
    assert_eq!(reply.header("content-type"), Some("text/html"));
    assert!(String::from_utf8_lossy(&reply.body).contains("502 Bad Gateway"));
    assert_eq!(reply.header("x-tt-logid"), None, "the gateway sent none");
    assert!(reply.header("x-request-id").unwrap().starts_with("relay-"));
    relay.shutdown().await;
}

#[tokio::test]
async fn upstream_gets_the_relays_token_and_the_validated_request_only() {
    let (relay, seen) = scripted_relay(Script::Ok, |_| {}).await;
    let reply = post_raw(
        &relay.url(),
        "employee_type=employee_id&extra=1",
        r#"{"remedy_date":20240229,"user_id":"abd754f7","smuggled":{"a":1}}"#,
        &[
            ("authorization", "Bearer t-callers-own"),
            ("cookie", "SSO=session-cookie"),
            ("x-forwarded-for", "10.0.0.1"),
        ],
    )
    .await;
    assert_eq!(reply.status, 200);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.token_requests, 1);
    let (headers, path_and_query, body) = &seen.queries[0];
    assert_eq!(
        path_and_query,
        &format!("{QUERY_PATH}?employee_type=employee_id")
    );
    assert_eq!(
        &body[..],
        br#"{"user_id":"abd754f7","remedy_date":20240229}"#
    );
    assert_eq!(headers["authorization"], "Bearer t-fixed");
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    for never in ["cookie", "x-forwarded-for", "origin"] {
        assert!(!headers.contains_key(never), "{never} forwarded");
    }
    relay.shutdown().await;
}
