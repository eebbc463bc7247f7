//! The simulation's punch results (`POST /open-apis/attendance/v1/user_tasks/query`) over HTTP, as
//! any Feishu client meets them: the same token checks and parameter errors as the other route,
//! its own rate limit, answers that match what `/_sim/dataset` lists and agree with
//! `query_user_allowed_remedys` day by day.

mod common;

use common::*;
use feishu_remedy::catalogue;
use feishu_remedy::model::{QUERY_PATH, TOKEN_PATH};
use relay::sim::punch_results::PUNCH_RESULTS_PATH;
use relay::sim::{SimConfig, SIM_APP_ID, SIM_APP_SECRET};
use serde_json::{json, Value};

async fn token(base: &str) -> String {
    let body = json!({"app_id": SIM_APP_ID, "app_secret": SIM_APP_SECRET}).to_string();
    let req = client()
        .post(format!("{base}{TOKEN_PATH}"))
        .header("content-type", "application/json")
        .body(body);
    let reply = read(req.send().await.unwrap()).await;
    format!(
        "Bearer {}",
        reply.json()["tenant_access_token"].as_str().unwrap()
    )
}

async fn punches(base: &str, auth: Option<&str>, query: &str, body: &Value) -> Reply {
    let mut req = client()
        .post(format!("{base}{PUNCH_RESULTS_PATH}?{query}"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    read(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_month_is_answered_as_the_listing_says_and_agrees_with_the_remedys() {
    let sim = standalone_sim(SimConfig::default()).await;
    let (base, handle) = (sim.handle().base_url(), sim.handle().clone());
    let auth = token(&base).await;
    let listing = handle.listing();
    for listed in listing["punch_results"].as_array().unwrap() {
        if listed["expect"] != "ok" || listed.get("delay_ms").is_some() {
            continue;
        }
        let body = json!({
            "user_ids": [listed["user_id"]],
            "check_date_from": listed["check_date_from"],
            "check_date_to": listed["check_date_to"],
        });
        let reply = punches(&base, Some(&auth), "employee_type=employee_id", &body).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert!(reply.header("x-tt-logid").is_some());
        assert_eq!(
            reply.json()["data"],
            listed["data"],
            "{}",
            listed["user_id"]
        );
    }
    // abd754f7's month: a day with something to correct shows it, a day without shows Normal.
    let month = &listing["months"][0]["days"];
    let abd = &listing["punch_results"][0];
    assert_eq!(abd["user_id"], "abd754f7");
    let today = listing["today"].as_u64().unwrap();
    for day in month.as_array().unwrap() {
        let date = day["date"].as_u64().unwrap();
        let results = abd["data"]["user_task_results"].as_array().unwrap();
        let entry = results.iter().find(|e| e["day"].as_u64() == Some(date));
        let Some(entry) = entry else {
            assert!(date > today, "only future days have no entry: {date}");
            continue;
        };
        let record = &entry["records"][0];
        let results = [&record["check_in_result"], &record["check_out_result"]];
        if date == today {
            assert_eq!(results, ["Todo", "Todo"]);
        } else if day["expect"] == "ok" {
            assert_ne!(
                results,
                ["Normal", "Normal"],
                "{date}: {} to correct",
                day["rows"]
            );
        } else {
            assert_eq!(day["expect"], catalogue::NOTHING_TO_CORRECT);
            assert_eq!(results, ["Normal", "Normal"], "{date}");
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn tokens_parameters_and_ids_are_checked_like_the_other_route() {
    let sim = standalone_sim(SimConfig::default()).await;
    let base = sim.handle().base_url();
    let auth = token(&base).await;
    // The 1st of the month listed in `months`: a past day.
    let first_day = sim.handle().listing()["months"][0]["days"][0]["date"].clone();
    let body =
        json!({"user_ids": ["abd754f7"], "check_date_from": first_day, "check_date_to": first_day});
    let q = "employee_type=employee_id";
    punches(&base, None, q, &body)
        .await
        .assert_feishu_error(400, catalogue::TOKEN_MISSING);
    punches(&base, Some("Bearer t-0000"), q, &body)
        .await
        .assert_feishu_error(400, catalogue::TOKEN_INVALID);
    let bad = [
        (
            "employee_type=open_id",
            body.clone(),
            "employee_type invalid",
        ),
        (
            q,
            json!({"user_ids": [], "check_date_from": first_day, "check_date_to": first_day}),
            "user_ids invalid",
        ),
        (
            q,
            json!({"user_ids": ["a"], "check_date_from": 20260230, "check_date_to": first_day}),
            "check_date_from invalid",
        ),
    ];
    for (query, body, msg) in bad {
        let reply = punches(&base, Some(&auth), query, &body).await;
        reply.assert_feishu_error(400, catalogue::INVALID_PARAM);
        assert!(
            reply.json()["msg"].as_str().unwrap().starts_with(msg),
            "{reply:?}"
        );
    }
    let mixed = json!({
        "user_ids": ["abd754f7", "sim_nobody", "sim_out_of_scope"],
        "check_date_from": first_day, "check_date_to": first_day,
    });
    punches(&base, Some(&auth), q, &mixed)
        .await
        .assert_feishu_error(400, 1_220_004);
    let listed = punches(
        &base,
        Some(&auth),
        "employee_type=employee_id&ignore_invalid_users=true",
        &mixed,
    )
    .await;
    assert_eq!(listed.status, 200);
    let data = &listed.json()["data"];
    assert_eq!(data["user_task_results"].as_array().unwrap().len(), 1);
    assert_eq!(data["invalid_user_ids"], json!(["sim_nobody"]));
    assert_eq!(data["unauthorized_user_ids"], json!(["sim_out_of_scope"]));
    // The punch objects come whole, as Feishu sends them.
    let punch = &data["user_task_results"][0]["records"][0]["check_out_record"];
    for field in [
        "location_name",
        "ssid",
        "bssid",
        "photo_urls",
        "device_id",
        "comment",
        "check_time",
        "type",
    ] {
        assert!(punch.get(field).is_some(), "{field}: {punch}");
    }
    assert_eq!(sim.handle().punch_requests(), 7);
    sim.shutdown().await;
}

#[tokio::test]
async fn each_route_has_its_own_rate_limit_and_counters() {
    let sim = standalone_sim(SimConfig {
        rate_limit: 2,
        ..SimConfig::default()
    })
    .await;
    let (base, handle) = (sim.handle().base_url(), sim.handle().clone());
    let auth = token(&base).await;
    let first_day = handle.listing()["months"][0]["days"][0]["date"].clone();
    let body = json!({"user_ids": ["rush_0001"], "check_date_from": first_day, "check_date_to": first_day});
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(punches(&base, Some(&auth), "employee_type=employee_id", &body).await);
    }
    // All three fit in the 1 s window unless the machine stalls for a second.
    let limited = statuses.iter().find(|r| r.status == 429).expect("a 429");
    limited.assert_feishu_error(429, catalogue::RATE_LIMITED);
    assert_eq!(limited.header("x-ogw-ratelimit-limit"), Some("2"));
    assert!(limited.header("x-ogw-ratelimit-reset").is_some());
    // The other route's budget is untouched.
    let other = client()
        .post(format!("{base}{QUERY_PATH}?employee_type=employee_id"))
        .header("content-type", "application/json")
        .header("authorization", &auth)
        .body(json!({"user_id": "rush_0001", "remedy_date": first_day}).to_string());
    assert_ne!(read(other.send().await.unwrap()).await.status, 429);
    let punch = handle.traffic(PUNCH_RESULTS_PATH).unwrap();
    assert_eq!((punch.requests, punch.rate_limited), (3, 1));
    assert_eq!(punch.busiest_second, 3);
    let remedys = handle.traffic(QUERY_PATH).unwrap();
    assert_eq!((remedys.requests, remedys.rate_limited), (1, 0));
    sim.shutdown().await;
}
