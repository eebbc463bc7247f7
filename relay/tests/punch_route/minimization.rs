//! What reaches upstream (exactly the validated request, the relay's token, none of the caller's
//! headers) and what comes back: Feishu's shape with each punch object cut down to `check_time`
//! and `type`; results, supplements, scheduled times and ids kept. A reply that is not JSON is not
//! passed on.

use feishu_remedy::catalogue;
use serde_json::{json, Value};

use crate::common::*;
use crate::{days_body, punch, punch_object_keys};

/// Personal data of Feishu's punch objects, as keys and as the scripted sample's values: none of
/// it may appear in what the relay returns.
const GONE_KEYS: [&str; 14] = [
    "location_name",
    "ssid",
    "bssid",
    "is_field",
    "is_wifi",
    "photo_urls",
    "device_id",
    "comment",
    "external_id",
    "idempotent_id",
    "creator_id",
    "longitude",
    "latitude",
    "check_result",
];
const GONE_VALUES: [&str; 7] = [
    "西溪八方城",
    "Office-5G",
    "b0:b8:67:5c:1d:72",
    "time.clockin.biz",
    "99e0609ee0534485",
    "record_123",
    "上班打卡",
];

fn assert_no_personal_data(reply: &Reply) {
    let text = String::from_utf8_lossy(&reply.body);
    for gone in GONE_KEYS.iter().map(|k| format!("\"{k}\"")) {
        assert!(!text.contains(&gone), "{gone} passed: {text}");
    }
    for gone in GONE_VALUES {
        assert!(!text.contains(gone), "{gone} passed: {text}");
    }
    for keys in punch_object_keys(&reply.json()) {
        assert!(
            keys.iter().all(|k| k == "check_time" || k == "type"),
            "{keys:?}"
        );
    }
}

#[tokio::test]
async fn upstream_gets_the_validated_request_and_the_caller_a_minimized_reply() {
    let (relay, seen) = scripted_relay(Script::Ok, |_| {}).await;
    let body = r#"{ "check_date_to": 20190820, "user_ids": ["abd754f7"], "extra": {"x": 1},
                    "check_date_from": 20190817, "need_overtime_result": false }"#;
    let caller = [
        ("authorization", "Bearer caller-secret"),
        ("cookie", "c=1"),
        ("x-custom", "1"),
    ];
    let query =
        "employee_type=employee_id&include_terminated_user=false&other=1&ignore_invalid_users=true";
    let reply = crate::punch(&relay.url(), query, body, &caller).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let seen = seen.lock().unwrap().clone();
    let (headers, pq, sent) = &seen.queries[0];
    assert_eq!(
        pq,
        "/open-apis/attendance/v1/user_tasks/query?employee_type=employee_id&ignore_invalid_users=true&include_terminated_user=false"
    );
    assert_eq!(
        &sent[..],
        br#"{"user_ids":["abd754f7"],"check_date_from":20190817,"check_date_to":20190820,"need_overtime_result":false}"#
    );
    assert_eq!(headers["authorization"], "Bearer t-fixed");
    assert!(headers.get("cookie").is_none() && headers.get("x-custom").is_none());

    assert_no_personal_data(&reply);
    let got = reply.json();
    let record = &got["data"]["user_task_results"][0]["records"][0];
    assert_eq!(
        record["check_in_record"],
        json!({"check_time": "1566176400", "type": 0})
    );
    assert_eq!(
        record["check_out_record"],
        json!({"check_time": "1566209400", "type": 5})
    );
    // Everything outside the punch objects is as Feishu sent it.
    let mut expected: Value = serde_json::from_str(FULL_PUNCH_REPLY).unwrap();
    let sent_record = &mut expected["data"]["user_task_results"][0]["records"][0];
    sent_record["check_in_record"] = record["check_in_record"].clone();
    sent_record["check_out_record"] = record["check_out_record"].clone();
    assert_eq!(got, expected);
    relay.shutdown().await;
}

#[tokio::test]
async fn the_simulations_month_comes_back_minimized_and_otherwise_whole() {
    let relay = sim_relay().await;
    let listing = relay.sim().unwrap().listing();
    for user in ["abd754f7", "sim_two_shifts", "sim_free_punch"] {
        let listed = listing["punch_results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["user_id"] == user)
            .unwrap();
        let body = json!({
            "user_ids": [user],
            "check_date_from": listed["check_date_from"],
            "check_date_to": listed["check_date_to"],
        })
        .to_string();
        let reply = punch(&relay.url(), "employee_type=employee_id", &body, &[]).await;
        assert_eq!((reply.status, reply.code()), (200, 0), "{reply:?}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        assert!(reply.header("x-tt-logid").is_some());
        assert_no_personal_data(&reply);
        // The listing holds what the simulation sent (whole punches); cut those, the rest equal.
        let mut expected = json!({"data": listed["data"].clone()});
        feishu_remedy::minimize::minimize_punch_reply(&mut expected);
        assert_eq!(reply.json()["data"], expected["data"], "{user}");
        assert!(
            !punch_object_keys(&reply.json()).is_empty(),
            "{user} has punches"
        );
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn a_reply_that_is_not_json_is_not_passed_on() {
    let relay = sim_relay().await;
    let body = days_body(&relay, &["sim_html_502"], 3, 1);
    let reply = punch(&relay.url(), "employee_type=employee_id", &body, &[]).await;
    reply.assert_feishu_error(502, catalogue::RELAY_UPSTREAM_DOWN);
    let msg = reply.json()["msg"].as_str().unwrap().to_owned();
    assert!(msg.contains("HTTP 502, not JSON"), "{msg}");
    assert!(!String::from_utf8_lossy(&reply.body).contains("<html"));
    // Feishu's own errors are JSON, and pass as they are.
    let body = days_body(&relay, &["sim_server_error"], 3, 1);
    let reply = punch(&relay.url(), "employee_type=employee_id", &body, &[]).await;
    assert_eq!((reply.status, reply.code()), (500, 1_225_000));
    relay.shutdown().await;
}
