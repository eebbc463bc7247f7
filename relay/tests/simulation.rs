//! The simulation on its own, over HTTP, as any Feishu client meets it: the token endpoint, the
//! token checks in front of the query endpoint, and its validation.

mod common;

use common::*;
use feishu_remedy::catalogue;
use feishu_remedy::model::{QUERY_PATH, TOKEN_PATH};
use relay::sim::{SimConfig, SIM_APP_ID, SIM_APP_SECRET};

async fn token_reply(base: &str, id: &str, secret: &str) -> Reply {
    let body = serde_json::json!({"app_id": id, "app_secret": secret}).to_string();
    let req = client()
        .post(format!("{base}{TOKEN_PATH}"))
        .header("content-type", "application/json")
        .body(body);
    read(req.send().await.unwrap()).await
}

async fn ask(base: &str, authorization: Option<&str>, body: &str) -> Reply {
    let mut req = client()
        .post(format!("{base}{QUERY_PATH}?employee_type=employee_id"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    read(req.send().await.unwrap()).await
}

#[tokio::test]
async fn speaks_feishus_protocol() {
    let sim = standalone_sim(SimConfig::default()).await;
    let base = sim.handle().base_url();

    let wrong = token_reply(&base, SIM_APP_ID, "not-the-secret").await;
    wrong.assert_feishu_error(400, catalogue::BAD_CREDENTIALS);
    let good = token_reply(&base, SIM_APP_ID, SIM_APP_SECRET).await;
    assert_eq!(good.status, 200);
    let body = good.json();
    assert_eq!(
        (body["code"].as_i64(), body["expire"].as_i64()),
        (Some(0), Some(7200))
    );
    let token = body["tenant_access_token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("t-"));
    assert!(good.header("x-tt-logid").is_some());

    let today = sim.handle().listing()["today"].as_u64().unwrap();
    let query = format!(r#"{{"user_id":"sim_all_good","remedy_date":{today}}}"#);
    let bearer = format!("Bearer {token}");
    let refusals = [
        (None, catalogue::TOKEN_MISSING),
        (Some("Bearer abc"), catalogue::TOKEN_MALFORMED),
        (Some("Basic dXNlcg=="), catalogue::TOKEN_MALFORMED),
        (Some("Bearer t-0000000000000000"), catalogue::TOKEN_INVALID),
    ];
    for (auth, code) in refusals {
        ask(&base, auth, &query)
            .await
            .assert_feishu_error(400, code);
    }
    ask(&base, Some(&bearer), &query)
        .await
        .assert_feishu_error(400, catalogue::NOTHING_TO_CORRECT);
    let invalid = ask(
        &base,
        Some(&bearer),
        r#"{"user_id":"x","remedy_date":20230229}"#,
    )
    .await;
    invalid.assert_feishu_error(400, catalogue::INVALID_PARAM);
    assert!(invalid.json()["msg"]
        .as_str()
        .unwrap()
        .starts_with("remedy_date invalid"));
    assert_eq!(sim.handle().query_requests(), 6);
    assert_eq!(sim.handle().token_requests(), 2);
    sim.shutdown().await;
}
