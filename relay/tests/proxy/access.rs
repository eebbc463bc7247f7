//! Who may call: `open` mode's host names (against DNS rebinding) and `bearer` mode's keys, both
//! refused before anything goes upstream.

use feishu_remedy::catalogue;
use relay::access::{Access, AllowedHosts, ApiKeys};

use crate::common::*;

#[tokio::test]
async fn open_mode_refuses_foreign_host_names_against_dns_rebinding() {
    let relay = sim_relay_with(|config, _| {
        config.access = Access::Open(AllowedHosts::new(&["hr.example.com".into()]));
    })
    .await;
    let date = days_ago(&relay, 1);
    let body = format!(r#"{{"user_id":"abd754f7","remedy_date":{date}}}"#);
    let q = "employee_type=employee_id";
    // A page at evil.example whose name now resolves to 127.0.0.1 sends its own name as Host.
    for host in ["evil.example:8787", "127.0.0.1.evil.example"] {
        post_raw(&relay.url(), q, &body, &[("host", host)])
            .await
            .assert_feishu_error(403, catalogue::RELAY_HOST_REFUSED);
    }
    assert_eq!(
        relay.sim().unwrap().query_requests(),
        0,
        "refused before upstream"
    );
    for host in ["hr.example.com", "localhost:8787"] {
        let ok = post_raw(&relay.url(), q, &body, &[("host", host)]).await;
        assert_eq!(ok.status, 200, "{host}: {ok:?}");
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn bearer_mode_wants_a_listed_key_and_never_forwards_it() {
    let relay = sim_relay_with(|config, _| {
        config.access = Access::Bearer(ApiKeys::parse("key-one-0123456789,key-two-0123456789"));
    })
    .await;
    let date = days_ago(&relay, 1);
    let body = format!(r#"{{"user_id":"abd754f7","remedy_date":{date}}}"#);
    let q = "employee_type=employee_id";
    let none = post_raw(&relay.url(), q, &body, &[]).await;
    none.assert_feishu_error(401, catalogue::RELAY_UNAUTHORIZED);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    for bad in [
        "Bearer key-one-012345678",
        "Bearer key-one-01234567890",
        "Basic key-one-0123456789",
        "Bearer t-forged",
    ] {
        post_raw(&relay.url(), q, &body, &[("authorization", bad)])
            .await
            .assert_feishu_error(401, catalogue::RELAY_UNAUTHORIZED);
    }
    assert_eq!(
        relay.sim().unwrap().query_requests(),
        0,
        "refused before upstream"
    );
    // A listed key works; Feishu would refuse it as a token (99991671), so a 200 proves the
    // relay's own token went upstream instead.
    let ok = post_raw(
        &relay.url(),
        q,
        &body,
        &[("authorization", "Bearer key-two-0123456789")],
    )
    .await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(
        get(&format!("{}/healthz", relay.url()), &[]).await.status,
        200,
        "health stays open"
    );
    relay.shutdown().await;
}
