//! `--access token`: the host page's backend mints a JWT, the page sends it as
//! `Authorization: Bearer …`. Bad signature, `alg: none`, HS256 signed with the RSA public key,
//! expired, wrong audience and no identity claim → 401 (no `helps`: the host page signs people
//! in); a valid token → its own punches, 403 for anyone else's with nothing sent upstream.
//! Expired tokens carry past times; nothing waits on the clock.

mod common;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use common::browser::token_relay;
use common::*;
use feishu_remedy::catalogue;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use relay::auth::identity::Admins;
use relay::auth::jwt::{TokenVerifier, DEFAULT_AUDIENCE};
use relay::config::TokenChoice;
use relay::secret::Secret;
use serde_json::{json, Value};

const KEY: &str = "host-page-hs256-key-of-32-bytes-or-more";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims() -> Value {
    json!({"exp": now() + 600, "aud": DEFAULT_AUDIENCE, "employee_id": "abd754f7", "employee_no": "E1001", "name": "张伟"})
}

fn with(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut c = claims();
    change(c.as_object_mut().unwrap());
    c
}

fn hs256(claims: &Value, key: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key),
    )
    .unwrap()
}

fn hs_choice() -> TokenChoice {
    TokenChoice {
        verifier: Arc::new(TokenVerifier::hs256(&Secret::new(KEY), DEFAULT_AUDIENCE).unwrap()),
        admins: Admins::default(),
    }
}

async fn ask(
    base: &str,
    token: Option<&str>,
    employee_type: &str,
    user_id: &str,
    date: u32,
) -> Reply {
    let body = json!({"user_id": user_id, "remedy_date": date}).to_string();
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
    post_raw(
        base,
        &format!("employee_type={employee_type}"),
        &body,
        &headers,
    )
    .await
}

async fn me(base: &str, token: &str) -> Reply {
    get(
        &format!("{base}/auth/me"),
        &[("authorization", &format!("Bearer {token}"))],
    )
    .await
}

fn assert_401(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 401, "{what}: {reply:?}");
    assert_eq!(reply.code(), catalogue::RELAY_SIGN_IN_REQUIRED, "{what}");
    assert!(
        reply.json()["error"].get("helps").is_none(),
        "{what}: no helps in token mode"
    );
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"), "{what}");
}

/// A fresh RSA key pair in PEM, (private, public), the base64 on one line (PEM readers take it).
fn rsa() -> (String, String) {
    use aws_lc_rs::encoding::{Pkcs8V1Der, PublicKeyX509Der};
    let pem = |label: &str, der: &[u8]| {
        let b64 = STANDARD.encode(der);
        format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n")
    };
    let kp = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let private: Pkcs8V1Der = kp.as_der().unwrap();
    let public: PublicKeyX509Der = kp.public_key().as_der().unwrap();
    (
        pem("PRIVATE KEY", private.as_ref()),
        pem("PUBLIC KEY", public.as_ref()),
    )
}

#[tokio::test]
async fn a_valid_token_asks_about_its_own_punches_only() {
    let relay = token_relay(hs_choice()).await;
    let base = relay.url();
    let sim = relay.sim().unwrap().clone();
    let date = days_ago(&relay, 1);
    let token = hs256(&claims(), KEY.as_bytes());
    let who = me(&base, &token).await;
    assert_eq!(who.status, 200);
    assert_eq!(
        who.json(),
        json!({"user_id": "abd754f7", "employee_no": "E1001", "name": "张伟", "admin": false})
    );
    for (employee_type, own) in [("employee_id", "abd754f7"), ("employee_no", "E1001")] {
        let reply = ask(&base, Some(&token), employee_type, own, date).await;
        assert_eq!((reply.status, reply.code()), (200, 0), "{reply:?}");
    }
    let before = sim.query_requests();
    for (employee_type, other) in [("employee_id", "sim_hr"), ("employee_no", "E1010")] {
        let reply = ask(&base, Some(&token), employee_type, other, date).await;
        reply.assert_feishu_error(403, catalogue::RELAY_NOT_YOUR_OWN);
    }
    assert_eq!(sim.query_requests(), before, "nothing went upstream");
    // Only /auth/me exists in token mode.
    for path in ["/auth/login", "/auth/callback"] {
        get(&format!("{base}{path}"), &[])
            .await
            .assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn admin_tokens_and_listed_admins_see_anyone() {
    let mut choice = hs_choice();
    choice.admins = Admins::from_list("sim_hr");
    let relay = token_relay(choice).await;
    let base = relay.url();
    let date = days_ago(&relay, 1);
    let flagged = hs256(
        &with(|c| {
            c.insert("admin".into(), true.into());
        }),
        KEY.as_bytes(),
    );
    let listed = hs256(
        &with(|c| {
            c.insert("employee_id".into(), "sim_hr".into());
        }),
        KEY.as_bytes(),
    );
    for token in [&flagged, &listed] {
        assert_eq!(me(&base, token).await.json()["admin"], true);
        let reply = ask(&base, Some(token), "employee_id", "sim_two_shifts", date).await;
        assert_eq!(reply.status, 200, "{reply:?}");
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn bad_tokens_are_401_and_send_nothing() {
    let relay = token_relay(hs_choice()).await;
    let base = relay.url();
    let sim = relay.sim().unwrap().clone();
    let date = days_ago(&relay, 1);
    let good = hs256(&claims(), KEY.as_bytes());
    let (head, rest) = good.split_once('.').unwrap();
    let (payload, _) = rest.split_once('.').unwrap();
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let cases = [
        (
            "bad signature",
            hs256(&claims(), b"another-key-of-32-bytes-or-more-!!"),
        ),
        ("alg none", format!("{none_header}.{payload}.")),
        ("signature stripped", format!("{head}.{payload}.")),
        (
            "expired",
            hs256(
                &with(|c| {
                    c.insert("exp".into(), (now() - 3600).into());
                }),
                KEY.as_bytes(),
            ),
        ),
        (
            "wrong audience",
            hs256(
                &with(|c| {
                    c.insert("aud".into(), "another-app".into());
                }),
                KEY.as_bytes(),
            ),
        ),
        (
            "no audience",
            hs256(
                &with(|c| {
                    c.remove("aud");
                }),
                KEY.as_bytes(),
            ),
        ),
        (
            "no identity claim",
            hs256(
                &with(|c| {
                    c.remove("employee_id");
                    c.remove("employee_no");
                }),
                KEY.as_bytes(),
            ),
        ),
        (
            "lives 2 days",
            hs256(
                &with(|c| {
                    c.insert("exp".into(), (now() + 2 * 86_400).into());
                }),
                KEY.as_bytes(),
            ),
        ),
        ("not a JWT", "not-a-jwt".to_owned()),
    ];
    for (what, token) in &cases {
        assert_401(
            &ask(&base, Some(token), "employee_id", "abd754f7", date).await,
            what,
        );
        assert_401(&me(&base, token).await, what);
    }
    assert_401(
        &ask(&base, None, "employee_id", "abd754f7", date).await,
        "no token",
    );
    assert_401(&get(&format!("{base}/auth/me"), &[]).await, "no token");
    assert_eq!(sim.query_requests(), 0, "no refusal went upstream");
    relay.shutdown().await;
}

#[tokio::test]
async fn hs256_signed_with_the_rsa_public_key_is_refused() {
    let (private, public) = rsa();
    let choice = TokenChoice {
        verifier: Arc::new(TokenVerifier::from_public_key_pem(&public, DEFAULT_AUDIENCE).unwrap()),
        admins: Admins::default(),
    };
    let relay = token_relay(choice).await;
    let base = relay.url();
    let date = days_ago(&relay, 1);
    // Algorithm confusion: the public key's bytes used as an HMAC secret.
    let confused = hs256(&claims(), public.as_bytes());
    assert_401(
        &ask(&base, Some(&confused), "employee_id", "abd754f7", date).await,
        "confused",
    );
    let key = EncodingKey::from_rsa_pem(private.as_bytes()).unwrap();
    let good = encode(&Header::new(Algorithm::RS256), &claims(), &key).unwrap();
    assert_eq!(
        ask(&base, Some(&good), "employee_id", "abd754f7", date)
            .await
            .status,
        200
    );
    relay.shutdown().await;
}
