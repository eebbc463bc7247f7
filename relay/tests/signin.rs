//! `--access feishu` end to end: a browser signs in through the simulation's Feishu page, the
//! session cookie it gets, what the relay makes of forged, tampered, expired and other-key
//! cookies, every failure page, the in-client code, `/auth/me` and sign-out, and the one rule on
//! the forwarded route (own punches only, admins anyone) with zero upstream calls on refusal.
//! Expired cookies are made with past times; nothing waits on the clock.

mod common;

use std::time::{Duration, SystemTime};

use common::browser::*;
use common::*;
use feishu_remedy::catalogue;
use relay::auth::identity::Identity;
use relay::auth::session::{SessionCookies, DEFAULT_TTL};
use relay::sim::SIM_APP_ID;

fn person(user_id: &str, employee_no: Option<&str>, admin: bool) -> Identity {
    Identity {
        open_id: "ou_test".into(),
        tenant_key: "tenant".into(),
        user_id: Some(user_id.into()),
        employee_no: employee_no.map(Into::into),
        name: "测试".into(),
        admin,
    }
}

/// A session cookie as `master` would make it, issued at `issued`.
fn minted(master: &str, who: &Identity, issued: SystemTime) -> (String, String) {
    let set = SessionCookies::new(session_key(master), false, DEFAULT_TTL).issue(who, issued);
    let pair = set.split(';').next().unwrap();
    let (name, value) = pair.split_once('=').unwrap();
    (name.to_owned(), value.to_owned())
}

fn assert_sign_in_required(reply: &Reply, relay: &str) {
    reply.assert_feishu_error(401, catalogue::RELAY_SIGN_IN_REQUIRED);
    let body = reply.json();
    assert_eq!(body["msg"], "relay: sign in first");
    assert_eq!(
        body["error"]["helps"][0]["url"],
        format!("{relay}/auth/login"),
        "{body}"
    );
    assert_eq!(body["error"]["helps"][0]["description"], "sign in");
    assert!(body["error"]["log_id"]
        .as_str()
        .unwrap()
        .starts_with("relay-"));
}

#[tokio::test]
async fn sign_in_through_the_simulated_page_then_me_and_sign_out() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&base, "/month?m=3").await;
    let sim_url = relay.sim().unwrap().base_url();
    assert!(authorize.starts_with(&format!("{sim_url}/open-apis/authen/v1/authorize?")));
    assert_eq!(param(&authorize, "client_id").as_deref(), Some(SIM_APP_ID));
    assert_eq!(
        param(&authorize, "redirect_uri"),
        Some(format!("{base}/auth/callback"))
    );
    assert_eq!(
        param(&authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(browser.jar.contains_key("feishu_remedy_login"));
    // The simulated page lists the employees by name.
    let page = browser.get(&authorize).await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        html.contains("张伟") && html.contains("王芳（人事）"),
        "{html}"
    );

    let callback = browser.choose(&authorize, "abd754f7", &base).await;
    let done = browser.get(&callback).await;
    assert_eq!(done.status, 302, "{done:?}");
    assert_eq!(done.header("location"), Some("/month?m=3"));
    assert!(!browser.jar.contains_key("feishu_remedy_login"), "cleared");
    assert!(browser.jar.contains_key("feishu_remedy_session"));

    let me = browser.get(&format!("{base}/auth/me")).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.header("cache-control"), Some("no-store"));
    assert_eq!(
        me.json(),
        serde_json::json!({"user_id": "abd754f7", "employee_no": "E1001", "name": "张伟", "admin": false})
    );

    let out = browser
        .post(&format!("{base}/auth/logout"), "text/plain", "")
        .await;
    assert_eq!(out.status, 204);
    assert!(!browser.jar.contains_key("feishu_remedy_session"));
    let me = browser.get(&format!("{base}/auth/me")).await;
    assert_sign_in_required(&me, &base);
    relay.shutdown().await;
}

#[tokio::test]
async fn cookie_attributes_and_https_public_url() {
    for (public, secure) in [(None, false), (Some("https://remedy.example.com"), true)] {
        let relay = feishu_relay(MASTER, |f| f.public_url = public.map(str::to_owned)).await;
        let base = relay.url();
        let mut browser = Browser::new();
        let reply = browser.sign_in(&base, "abd754f7", "/").await;
        assert_eq!(reply.status, 302, "{reply:?}");
        let prefix = if secure { "__Host-" } else { "" };
        let login = &browser.set_cookies[0];
        let session = browser
            .set_cookies
            .iter()
            .find(|c| c.starts_with(&format!("{prefix}feishu_remedy_session=")))
            .unwrap_or_else(|| panic!("{:?}", browser.set_cookies));
        assert!(
            login.starts_with(&format!("{prefix}feishu_remedy_login=")),
            "{login}"
        );
        for set in [login, session] {
            let attrs: Vec<&str> = set.split("; ").collect();
            for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
                assert!(attrs.contains(&attr), "{attr} in {set}");
            }
            assert_eq!(attrs.contains(&"Secure"), secure, "{set}");
            assert!(!set.contains("Domain"), "{set}");
        }
        assert!(login.contains("Max-Age=600") && session.contains("Max-Age=28800"));
        if let Some(public) = public {
            let authorize = Browser::new().start_sign_in(&base, "/").await;
            assert_eq!(
                param(&authorize, "redirect_uri"),
                Some(format!("{public}/auth/callback"))
            );
            let me = Browser::new().get(&format!("{base}/auth/me")).await;
            assert_eq!(
                me.json()["error"]["helps"][0]["url"],
                format!("{public}/auth/login")
            );
        }
        relay.shutdown().await;
    }
}

#[tokio::test]
async fn forged_tampered_expired_and_other_key_cookies_are_401_and_send_nothing() {
    let relay = feishu_relay(MASTER, |f| f.ttl = Duration::from_secs(3600)).await;
    let base = relay.url();
    let sim = relay.sim().unwrap().clone();
    let date = days_ago(&relay, 1);
    let me = person("abd754f7", Some("E1001"), false);
    let now = SystemTime::now();
    let (name, genuine) = minted(MASTER, &me, now);
    let mut tampered = genuine.clone().into_bytes();
    let mid = tampered.len() / 2;
    tampered[mid] = if tampered[mid] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let forged =
        r#"{"v":1,"oid":"x","tk":"t","uid":"sim_hr","name":"","adm":true,"exp":99999999999}"#;
    // Issued 9 hours ago with the relay's own key: past its 8 h lifetime (the cookie's own
    // expiry is inside it, whatever the relay's TTL now is).
    let (_, expired) = minted(MASTER, &me, now - Duration::from_secs(9 * 3600));
    let (_, other_key) = minted("another-master-key-of-32-bytes-or-more", &me, now);
    for (what, value) in [
        ("tampered", tampered.as_str()),
        ("forged", forged),
        ("expired", expired.as_str()),
        ("other key", other_key.as_str()),
        ("empty", ""),
    ] {
        let mut browser = Browser::new();
        browser.jar.insert(name.clone(), value.to_owned());
        assert_sign_in_required(&browser.get(&format!("{base}/auth/me")).await, &base);
        let reply = browser.query(&base, "employee_id", "abd754f7", date).await;
        assert_sign_in_required(&reply, &base);
        assert_eq!(sim.query_requests(), 0, "{what}: nothing upstream");
    }
    // No cookie at all.
    let reply = Browser::new()
        .query(&base, "employee_id", "abd754f7", date)
        .await;
    assert_sign_in_required(&reply, &base);
    // The genuine one works, so the refusals above were about the cookies.
    let mut browser = Browser::new();
    browser.jar.insert(name, genuine);
    assert_eq!(
        browser
            .query(&base, "employee_id", "abd754f7", date)
            .await
            .status,
        200
    );
    assert_eq!((sim.query_requests(), sim.token_requests()), (1, 1));
    relay.shutdown().await;
}

#[tokio::test]
async fn only_ones_own_punches_with_zero_upstream_calls_and_admins_see_anyone() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let sim = relay.sim().unwrap().clone();
    let date = days_ago(&relay, 1);
    let mut zhang = Browser::new();
    assert_eq!(zhang.sign_in(&base, "abd754f7", "/").await.status, 302);
    for (employee_type, other) in [("employee_id", "sim_hr"), ("employee_no", "E1010")] {
        let reply = zhang.query(&base, employee_type, other, date).await;
        reply.assert_feishu_error(403, catalogue::RELAY_NOT_YOUR_OWN);
        assert_eq!(
            reply.json()["msg"],
            "relay: only your own punches can be asked"
        );
        // An id of the other kind is not one's own either, even when it is.
        let swapped = if employee_type == "employee_id" {
            "E1001"
        } else {
            "abd754f7"
        };
        let reply = zhang.query(&base, employee_type, swapped, date).await;
        reply.assert_feishu_error(403, catalogue::RELAY_NOT_YOUR_OWN);
    }
    assert_eq!(sim.query_requests(), 0, "no refusal went upstream");
    assert_eq!(sim.token_requests(), 0, "not even for a token");
    for (employee_type, own) in [("employee_id", "abd754f7"), ("employee_no", "E1001")] {
        let reply = zhang.query(&base, employee_type, own, date).await;
        assert_eq!((reply.status, reply.code()), (200, 0), "{reply:?}");
    }
    assert_eq!(sim.query_requests(), 2);

    let mut hr = Browser::new();
    assert_eq!(hr.sign_in(&base, "sim_hr", "/").await.status, 302);
    let me = hr.get(&format!("{base}/auth/me")).await.json();
    assert_eq!(me["admin"], true);
    for (employee_type, anyone) in [("employee_id", "abd754f7"), ("employee_no", "E1001")] {
        let reply = hr.query(&base, employee_type, anyone, date).await;
        assert_eq!((reply.status, reply.code()), (200, 0), "{reply:?}");
    }
    relay.shutdown().await;
}

/// Admin rights come from the relay's current RELAY_ADMINS, not from the session: a cookie made
/// while someone was an admin (here: minted with `admin: true` for a person not on the list) gives
/// no rights once they are off it.
#[tokio::test]
async fn admin_rights_follow_the_current_list_not_the_cookie() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let (name, value) = minted(
        MASTER,
        &person("abd754f7", Some("E1001"), true),
        SystemTime::now(),
    );
    let mut browser = Browser::new();
    browser.jar.insert(name, value);
    let me = browser.get(&format!("{base}/auth/me")).await.json();
    assert_eq!(me["admin"], false, "{me}");
    let reply = browser
        .query(&base, "employee_id", "sim_hr", days_ago(&relay, 1))
        .await;
    reply.assert_feishu_error(403, catalogue::RELAY_NOT_YOUR_OWN);
    assert_eq!(relay.sim().unwrap().query_requests(), 0);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_person_without_an_employee_no_cannot_ask_by_number() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let (name, value) = minted(MASTER, &person("abd754f7", None, false), SystemTime::now());
    let mut browser = Browser::new();
    browser.jar.insert(name, value);
    let me = browser.get(&format!("{base}/auth/me")).await.json();
    assert!(me.get("employee_no").is_none(), "absent, not null: {me}");
    let reply = browser
        .query(&base, "employee_no", "E1001", days_ago(&relay, 1))
        .await;
    reply.assert_feishu_error(403, catalogue::RELAY_NOT_YOUR_OWN);
    assert_eq!(relay.sim().unwrap().query_requests(), 0);
    relay.shutdown().await;
}

#[tokio::test]
async fn return_to_stays_on_this_origin() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    for (asked, went) in [
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/ok?x=1", "/ok?x=1"),
    ] {
        let reply = Browser::new()
            .sign_in(&relay.url(), "abd754f7", asked)
            .await;
        assert_eq!(reply.status, 302, "{asked}: {reply:?}");
        assert_eq!(reply.header("location"), Some(went), "{asked}");
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn wrong_or_missing_state_and_no_login_cookie_end_on_the_page_without_an_exchange() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let signin = || relay.sim().unwrap().signin().code_exchanges();
    for (case, tweak) in [("wrong state", "state=not-the-one"), ("missing state", "")] {
        let mut browser = Browser::new();
        let authorize = browser.start_sign_in(&base, "/").await;
        let callback = browser.choose(&authorize, "abd754f7", &base).await;
        let code = param(&callback, "code").unwrap();
        let url = format!("{base}/auth/callback?code={code}&{tweak}");
        let page = browser.get(&url).await;
        assert_eq!(page.status, 400, "{case}: {page:?}");
        let html = String::from_utf8_lossy(&page.body);
        assert!(
            html.contains("Sign-in failed") && html.contains("登录失败"),
            "{case}"
        );
        assert!(
            !browser.jar.contains_key("feishu_remedy_login"),
            "{case}: cleared"
        );
        assert!(!browser.jar.contains_key("feishu_remedy_session"), "{case}");
    }
    // The callback opened in a browser that never started a sign-in.
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&base, "/").await;
    let callback = browser.choose(&authorize, "abd754f7", &base).await;
    let page = Browser::new().get(&callback).await;
    assert_eq!(page.status, 400);
    assert!(String::from_utf8_lossy(&page.body).contains("No sign-in is under way"));
    assert_eq!(signin(), 0, "no code was exchanged");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_code_used_twice_is_refused_by_feishu_and_explained() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&base, "/").await;
    let login_cookie = browser.jar.clone();
    let callback = browser.choose(&authorize, "abd754f7", &base).await;
    assert_eq!(browser.get(&callback).await.status, 302);
    // The same callback again, with the login cookie kept (a page refresh with an old cookie,
    // or a replay): the state matches, and Feishu refuses the spent code.
    let mut replay = Browser::new();
    replay.jar = login_cookie;
    let page = replay.get(&callback).await;
    let html = String::from_utf8_lossy(&page.body);
    assert!(page.status >= 400, "{page:?}");
    assert!(
        html.contains(&catalogue::SIGNIN_CODE_USED.to_string()),
        "{html}"
    );
    assert!(html.contains("Log id"), "Feishu's log id is shown: {html}");
    assert!(!replay.jar.contains_key("feishu_remedy_session"));
    assert_eq!(relay.sim().unwrap().signin().code_exchanges(), 2);

    // The in-client path: the same code posted twice.
    let code = in_client_code(&relay, "abd754f7");
    let body = format!(r#"{{"code":"{code}"}}"#);
    let first = Browser::new()
        .post(&format!("{base}/auth/code"), "application/json", &body)
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    let second = Browser::new()
        .post(&format!("{base}/auth/code"), "application/json", &body)
        .await;
    assert!(second.status >= 400);
    assert_eq!(second.code(), catalogue::SIGNIN_CODE_USED);
    assert!(
        second.json()["error"]["log_id"]
            .as_str()
            .is_some_and(|l| !l.starts_with("relay-")),
        "Feishu's log id"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn every_sign_in_failure_has_its_page_with_feishu_code_and_log_id() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    for (user, code, status) in [
        (
            "sim_not_allowed",
            Some(catalogue::SIGNIN_USER_NOT_ALLOWED),
            403,
        ),
        ("sim_resigned", Some(catalogue::SIGNIN_USER_RESIGNED), 403),
        ("sim_frozen", Some(catalogue::SIGNIN_USER_FROZEN), 403),
        ("sim_no_user_id", None, 502),
    ] {
        let mut browser = Browser::new();
        let page = browser.sign_in(&base, user, "/").await;
        assert_eq!(page.status, status, "{user}: {page:?}");
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        let html = String::from_utf8_lossy(&page.body);
        match code {
            Some(code) => assert!(html.contains(&format!("<dd>{code}</dd>")), "{user}: {html}"),
            None => assert!(html.contains("contact:user.employee_id:readonly"), "{html}"),
        }
        assert!(html.contains("日志 ID · Log id"), "{user}: {html}");
        assert!(!browser.jar.contains_key("feishu_remedy_session"), "{user}");
    }
    // "Cancel" on the authorize page.
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&base, "/").await;
    let cancelled = browser.get(&format!("{authorize}&sim_cancel=1")).await;
    let location = cancelled.header("location").unwrap().to_owned();
    assert!(location.contains("error=access_denied"));
    let page = browser.get(&location).await;
    assert_eq!(page.status, 403);
    assert!(String::from_utf8_lossy(&page.body).contains("cancelled"));
    relay.shutdown().await;
}

#[tokio::test]
async fn the_in_client_code_signs_in_without_a_redirect() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let url = format!("{base}/auth/code");
    let code = in_client_code(&relay, "sim_hr");
    let mut browser = Browser::new();
    let reply = browser
        .post(&url, "application/json", &format!(r#"{{"code":"{code}"}}"#))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        reply.json(),
        serde_json::json!({"user_id": "sim_hr", "employee_no": "E1010", "name": "王芳（人事）", "admin": true})
    );
    assert!(browser.jar.contains_key("feishu_remedy_session"));
    assert_eq!(
        browser.get(&format!("{base}/auth/me")).await.json()["user_id"],
        "sim_hr"
    );
    // Not JSON; not {"code":…}; a code the simulation never issued.
    let r = Browser::new()
        .post(&url, "text/plain", r#"{"code":"x"}"#)
        .await;
    r.assert_feishu_error(415, catalogue::RELAY_CONTENT_TYPE);
    for body in ["", "{}", r#"{"code":""}"#, r#"{"code":5}"#] {
        let r = Browser::new().post(&url, "application/json", body).await;
        r.assert_feishu_error(400, catalogue::INVALID_PARAM);
    }
    let r = Browser::new()
        .post(&url, "application/json", r#"{"code":"never-issued"}"#)
        .await;
    assert_eq!(r.code(), catalogue::SIGNIN_CODE_NOT_FOUND);
    // The missing-permission account: Feishu's "app lacks the scope" naming it.
    let code = in_client_code(&relay, "sim_no_user_id");
    let r = Browser::new()
        .post(&url, "application/json", &format!(r#"{{"code":"{code}"}}"#))
        .await;
    assert_eq!(r.code(), 99_991_672);
    assert!(r.json()["msg"]
        .as_str()
        .unwrap()
        .contains("contact:user.employee_id:readonly"));
    relay.shutdown().await;
}

#[tokio::test]
async fn relays_sharing_a_key_accept_each_others_sessions() {
    let one = feishu_relay(MASTER, |_| {}).await;
    let two = feishu_relay(MASTER, |_| {}).await;
    let other = feishu_relay("a-different-master-key-0123456789abcdef", |_| {}).await;
    let mut browser = Browser::new();
    assert_eq!(
        browser.sign_in(&one.url(), "abd754f7", "/").await.status,
        302
    );
    let me = browser.get(&format!("{}/auth/me", two.url())).await;
    assert_eq!(
        (me.status, me.json()["user_id"].clone()),
        (200, "abd754f7".into())
    );
    let date = days_ago(&two, 1);
    assert_eq!(
        browser
            .query(&two.url(), "employee_id", "abd754f7", date)
            .await
            .status,
        200
    );
    assert_sign_in_required(
        &browser.get(&format!("{}/auth/me", other.url())).await,
        &other.url(),
    );
    for relay in [one, two, other] {
        relay.shutdown().await;
    }
}

#[tokio::test]
async fn wrong_methods_and_no_auth_routes_in_open_and_bearer_mode() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let base = relay.url();
    let r = Browser::new().get(&format!("{base}/auth/logout")).await;
    r.assert_feishu_error(405, catalogue::RELAY_METHOD);
    assert_eq!(r.header("allow"), Some("POST"));
    let r = Browser::new()
        .post(&format!("{base}/auth/me"), "application/json", "{}")
        .await;
    assert_eq!((r.status, r.header("allow")), (405, Some("GET")));
    relay.shutdown().await;

    let open = sim_relay().await;
    let bearer = sim_relay_with(|config, _| {
        config.access =
            relay::access::Access::Bearer(relay::access::ApiKeys::parse("k-0123456789"));
    })
    .await;
    for relay in [open, bearer] {
        for path in ["/auth/me", "/auth/login", "/auth/callback"] {
            let r = Browser::new().get(&format!("{}{path}", relay.url())).await;
            r.assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
        }
        let r = Browser::new()
            .post(
                &format!("{}/auth/logout", relay.url()),
                "application/json",
                "{}",
            )
            .await;
        r.assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
        relay.shutdown().await;
    }
}

#[tokio::test]
async fn a_cross_origin_page_may_send_the_cookie_when_its_origin_is_named() {
    let page = "https://hr.example.com";
    let relay = sim_relay_with(|config, _| {
        config.cors = relay::cors::CorsPolicy::new(&[page]);
        let choice = relay::config::FeishuSignInChoice::new(
            session_key(MASTER),
            relay::auth::identity::Admins::default(),
        );
        config.set_sign_in(relay::SignInChoice::Feishu(choice));
    })
    .await;
    let me = get(&format!("{}/auth/me", relay.url()), &[("origin", page)]).await;
    assert_eq!(me.status, 401);
    assert_eq!(me.header("access-control-allow-origin"), Some(page));
    assert_eq!(me.header("access-control-allow-credentials"), Some("true"));
    let other = get(
        &format!("{}/auth/me", relay.url()),
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    relay.shutdown().await;
}

#[tokio::test]
async fn metrics_are_for_admins_in_feishu_mode() {
    let relay = feishu_relay(MASTER, |_| {}).await;
    let url = format!("{}/metrics", relay.url());
    assert_sign_in_required(&Browser::new().get(&url).await, &relay.url());
    let mut zhang = Browser::new();
    assert_eq!(
        zhang.sign_in(&relay.url(), "abd754f7", "/").await.status,
        302
    );
    zhang
        .get(&url)
        .await
        .assert_feishu_error(403, catalogue::RELAY_NOT_YOUR_OWN);
    let mut hr = Browser::new();
    assert_eq!(hr.sign_in(&relay.url(), "sim_hr", "/").await.status, 302);
    let reply = hr.get(&url).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    relay.shutdown().await;
}
