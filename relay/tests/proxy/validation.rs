//! Requests the core's validation refuses: 1220001 naming the field, and nothing sent upstream.

use feishu_remedy::catalogue;

use crate::common::*;

#[tokio::test]
async fn validation_refusals_never_reach_upstream() {
    let relay = sim_relay().await;
    let ok = r#"{"user_id":"abd754f7","remedy_date":20240229}"#;
    let cases: [(&str, &str, &str); 9] = [
        ("", ok, "employee_type"),
        ("employee_type=open_id", ok, "employee_type"),
        (
            "employee_type=employee_id",
            r#"{"user_id":"abd754f7","remedy_date":20230229}"#,
            "remedy_date",
        ),
        (
            "employee_type=employee_id",
            r#"{"user_id":"abd754f7","remedy_date":"20240229"}"#,
            "remedy_date",
        ),
        (
            "employee_type=employee_id",
            r#"{"user_id":"abd754f7"}"#,
            "remedy_date",
        ),
        (
            "employee_type=employee_id",
            r#"{"user_id":"","remedy_date":20240229}"#,
            "user_id",
        ),
        (
            "employee_type=employee_id",
            &format!(
                r#"{{"user_id":"{}","remedy_date":20240229}}"#,
                "x".repeat(65)
            ),
            "user_id",
        ),
        ("employee_type=employee_id", "[1,2]", "request"),
        ("employee_type=employee_id", "not json", "request"),
    ];
    for (q, body, field) in cases {
        let reply = post_raw(&relay.url(), q, body, &[]).await;
        reply.assert_feishu_error(400, catalogue::INVALID_PARAM);
        let msg = reply.json()["msg"].as_str().unwrap().to_owned();
        assert!(
            msg.starts_with(&format!("{field} invalid")),
            "{q} {body}: {msg}"
        );
        assert!(reply.header("x-tt-logid").unwrap().starts_with("relay-"));
    }
    let sim = relay.sim().unwrap();
    assert_eq!(
        (sim.query_requests(), sim.token_requests()),
        (0, 0),
        "nothing went upstream"
    );
    relay.shutdown().await;
}
