//! The sign-in rule on the punch-results route, in feishu and token mode: one's own id → 200;
//! another's, or a list with one id not one's own → 403 with nothing sent upstream; an admin may
//! ask about anyone, several at once.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use feishu_remedy::catalogue;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use relay::auth::identity::Admins;
use relay::auth::jwt::{TokenVerifier, DEFAULT_AUDIENCE};
use relay::config::TokenChoice;
use relay::secret::Secret;
use relay::RunningRelay;
use serde_json::json;

use crate::common::browser::{feishu_relay, token_relay, Browser, MASTER};
use crate::common::*;
use crate::{days_body, punch};

/// The caller's credentials as a request header: the session cookie, or the bearer token.
type Credential = (&'static str, String);

async fn ask(relay: &RunningRelay, who: &Credential, employee_type: &str, ids: &[&str]) -> Reply {
    let body = days_body(relay, ids, 5, 1);
    let headers = [(who.0, who.1.as_str())];
    punch(
        &relay.url(),
        &format!("employee_type={employee_type}"),
        &body,
        &headers,
    )
    .await
}

/// Zhang (`abd754f7`, `E1001`) asks about himself and others; `hr` (an admin) about anyone.
async fn the_rule_holds(relay: &RunningRelay, zhang: &Credential, hr: &Credential) {
    let sim = relay.sim().unwrap().clone();
    let refused: [(&str, &[&str]); 5] = [
        ("employee_id", &["sim_hr"]),
        ("employee_id", &["abd754f7", "sim_hr"]),
        ("employee_id", &["sim_two_shifts", "abd754f7"]),
        ("employee_no", &["E1010"]),
        // An id of the other kind is not one's own, even when it is.
        ("employee_id", &["E1001"]),
    ];
    for (employee_type, ids) in refused {
        let reply = ask(relay, zhang, employee_type, ids).await;
        reply.assert_feishu_error(403, catalogue::RELAY_NOT_YOUR_OWN);
        assert_eq!(
            reply.json()["msg"],
            "relay: only your own punches can be asked",
            "{ids:?}"
        );
    }
    assert_eq!(
        (sim.punch_requests(), sim.token_requests()),
        (0, 0),
        "no refusal went upstream"
    );
    for (employee_type, own) in [("employee_id", ["abd754f7"]), ("employee_no", ["E1001"])] {
        let reply = ask(relay, zhang, employee_type, &own).await;
        assert_eq!((reply.status, reply.code()), (200, 0), "{reply:?}");
        let days = reply.json()["data"]["user_task_results"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(days, 5, "{own:?}");
    }
    let reply = ask(
        relay,
        hr,
        "employee_id",
        &["abd754f7", "sim_two_shifts", "sim_hr"],
    )
    .await;
    assert_eq!((reply.status, reply.code()), (200, 0), "{reply:?}");
    let days = reply.json()["data"]["user_task_results"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(days, 15, "three people, five days each");
    assert_eq!(sim.punch_requests(), 3);
    // Signed out: 401, nothing upstream.
    let nobody = ("x-nothing", String::new());
    let reply = ask(relay, &nobody, "employee_id", &["abd754f7"]).await;
    reply.assert_feishu_error(401, catalogue::RELAY_SIGN_IN_REQUIRED);
    assert_eq!(sim.punch_requests(), 3);
}

#[tokio::test]
async fn feishu_mode_own_punches_only_unless_admin() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let mut cookies = Vec::new();
    for user in ["abd754f7", "sim_hr"] {
        let mut browser = Browser::new();
        assert_eq!(browser.sign_in(&relay.url(), user, "/").await.status, 302);
        let jar: Vec<String> = browser
            .jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        cookies.push(("cookie", jar.join("; ")));
    }
    the_rule_holds(&relay, &cookies[0], &cookies[1]).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn token_mode_own_punches_only_unless_admin() {
    const KEY: &str = "host-page-hs256-key-of-32-bytes-or-more";
    let choice = TokenChoice {
        verifier: Arc::new(TokenVerifier::hs256(&Secret::new(KEY), DEFAULT_AUDIENCE).unwrap()),
        admins: Admins::default(),
    };
    let relay = token_relay(choice).await;
    let exp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let bearer = |admin: bool| {
        let claims = json!({"exp": exp, "aud": DEFAULT_AUDIENCE, "employee_id": "abd754f7",
                            "employee_no": "E1001", "admin": admin});
        let key = EncodingKey::from_secret(KEY.as_bytes());
        let token = encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
        ("authorization", format!("Bearer {token}"))
    };
    the_rule_holds(&relay, &bearer(false), &bearer(true)).await;
    relay.shutdown().await;
}
