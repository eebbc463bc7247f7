//! The relay's sign-in building blocks against the simulation's Feishu sign-in, over HTTP: the
//! authorize redirect, the code exchange (single use, 5 minutes, redirect_uri, PKCE), user_info,
//! and every failure the callback page explains. Time is a test-controlled clock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use relay::auth::feishu_signin::{CodeExchange, SigninClient, SigninError, Step};
use relay::auth::identity::Admins;
use relay::auth::login::{authorize_url, Authorize, PendingLogin};
use relay::auth::pages::Failure;
use relay::secret::AppCredentials;
use relay::secret::Secret;
use relay::sim::dataset::DEMO_ADMINS;
use relay::sim::signin::{self, SigninSim};
use relay::sim::{SIM_APP_ID, SIM_APP_SECRET};

/// reqwest's `json` feature is off in this workspace; the body as JSON.
trait JsonValue {
    async fn json_value(self) -> Result<serde_json::Value, serde_json::Error>;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(&self.text().await.unwrap_or_default())
    }
}

const REDIRECT: &str = "http://127.0.0.1:8080/auth/callback";

struct Sim {
    base: String,
    clock: Arc<AtomicU64>,
    state: Arc<SigninSim>,
    browser: reqwest::Client,
}

impl Sim {
    async fn start() -> Self {
        let clock = Arc::new(AtomicU64::new(1_800_000_000));
        let c = clock.clone();
        let apps = vec![
            AppCredentials {
                app_id: SIM_APP_ID.into(),
                app_secret: Secret::new(SIM_APP_SECRET),
            },
            AppCredentials {
                app_id: "cli_other".into(),
                app_secret: Secret::new("other-secret"),
            },
        ];
        let now = Arc::new(move || UNIX_EPOCH + Duration::from_secs(c.load(Ordering::SeqCst)));
        let state = Arc::new(SigninSim::new(apps, now));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = signin::routes(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Sim {
            base,
            clock,
            state,
            browser,
        }
    }

    fn advance(&self, secs: u64) {
        self.clock.fetch_add(secs, Ordering::SeqCst);
    }

    fn client(&self) -> SigninClient {
        SigninClient::new(
            reqwest::Client::new(),
            &self.base,
            SIM_APP_ID,
            Secret::new(SIM_APP_SECRET),
        )
    }

    /// The browser's trip to the authorize page as `user`: the callback URL's query pairs.
    async fn authorize(&self, login: &PendingLogin, extra: &str) -> Vec<(String, String)> {
        let challenge = login.challenge();
        let url = authorize_url(Authorize {
            accounts_url: &self.base,
            client_id: SIM_APP_ID,
            redirect_uri: REDIRECT,
            state: &login.state,
            code_challenge: &challenge,
        });
        let r = self
            .browser
            .get(format!("{url}&{extra}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 302, "{extra}");
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let (base, query) = location.split_once('?').unwrap();
        assert_eq!(base, REDIRECT);
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    /// A code for `user`, checked to come back with this sign-in's state.
    async fn code(&self, login: &PendingLogin, user: &str) -> Secret {
        let pairs = self.authorize(login, &format!("sim_user={user}")).await;
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(login.check_state(get("state").as_deref()), Ok(()));
        Secret::new(get("code").unwrap())
    }
}

fn start() -> PendingLogin {
    PendingLogin::start(Some("/month"), SystemTime::now()).unwrap()
}

fn exchange<'a>(code: &'a Secret, login: &'a PendingLogin) -> CodeExchange<'a> {
    CodeExchange {
        code,
        redirect_uri: Some(REDIRECT),
        code_verifier: Some(&login.verifier),
    }
}

fn admins() -> Admins {
    Admins::from_list(DEMO_ADMINS)
}

fn feishu_code(result: Result<relay::auth::identity::Identity, SigninError>) -> i64 {
    let err = result.unwrap_err();
    assert!(err.log_id().is_some(), "{err}");
    err.code().unwrap_or_else(|| panic!("{err}"))
}

#[tokio::test]
async fn signing_in_through_the_simulated_page() {
    let sim = Sim::start().await;
    let login = start();
    let code = sim.code(&login, "abd754f7").await;
    assert_eq!(code.expose().len(), 64);
    let who = sim
        .client()
        .sign_in(exchange(&code, &login), &admins())
        .await
        .unwrap();
    assert_eq!(who.user_id.as_deref(), Some("abd754f7"));
    assert_eq!(who.employee_no.as_deref(), Some("E1001"));
    assert_eq!(who.name, "张伟");
    assert!(!who.admin && who.open_id.starts_with("ou_") && !who.tenant_key.is_empty());
    assert_eq!(
        (sim.state.code_exchanges(), sim.state.user_info_requests()),
        (1, 1)
    );

    let hr_login = start();
    let code = sim.code(&hr_login, "sim_hr").await;
    let hr = sim
        .client()
        .sign_in(exchange(&code, &hr_login), &admins())
        .await
        .unwrap();
    assert!(hr.admin, "HR is the demo's admin");
}

#[tokio::test]
async fn the_page_lists_names_and_cancel_returns_access_denied() {
    let sim = Sim::start().await;
    let login = start();
    let url = authorize_url(Authorize {
        accounts_url: &sim.base,
        client_id: SIM_APP_ID,
        redirect_uri: REDIRECT,
        state: &login.state,
        code_challenge: &login.challenge(),
    });
    let page = sim.browser.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let body = page.text().await.unwrap();
    assert!(body.contains("王芳（人事）") && body.contains("张伟"));
    let pairs = sim.authorize(&login, "sim_cancel=1").await;
    assert!(pairs.contains(&("error".into(), "access_denied".into())));
    assert!(pairs.contains(&("state".into(), login.state.clone())));
    assert_eq!(sim.state.code_exchanges(), 0);

    for bad in [
        url.replace(SIM_APP_ID, "cli_nobody"),
        url.replace("redirect_uri=http", "redirect_uri=ftp"),
        format!("{url}&sim_user=sim_nobody"),
    ] {
        let r = sim.browser.get(&bad).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn a_code_works_once_and_for_five_minutes() {
    let sim = Sim::start().await;
    let login = start();
    let code = sim.code(&login, "abd754f7").await;
    assert!(sim
        .client()
        .sign_in(exchange(&code, &login), &admins())
        .await
        .is_ok());
    let again = sim
        .client()
        .sign_in(exchange(&code, &login), &admins())
        .await;
    assert_eq!(feishu_code(again), 20065, "a code used twice");
    let unknown = Secret::new("x".repeat(64));
    let r = sim
        .client()
        .sign_in(exchange(&unknown, &login), &admins())
        .await;
    assert_eq!(feishu_code(r), 20003);

    let code = sim.code(&login, "abd754f7").await;
    sim.advance(299);
    let late = sim.code(&login, "abd754f7").await;
    sim.advance(1);
    let r = sim
        .client()
        .sign_in(exchange(&code, &login), &admins())
        .await;
    assert_eq!(feishu_code(r), 20004, "expired after 5 minutes");
    assert!(sim
        .client()
        .sign_in(exchange(&late, &login), &admins())
        .await
        .is_ok());
}

#[tokio::test]
async fn redirect_uri_and_pkce_are_checked() {
    let sim = Sim::start().await;
    let login = start();
    let code = sim.code(&login, "abd754f7").await;
    let wrong = CodeExchange {
        redirect_uri: Some("http://127.0.0.1:9999/auth/callback"),
        ..exchange(&code, &login)
    };
    let r = sim.client().sign_in(wrong, &admins()).await;
    assert_eq!(feishu_code(r), 20071);

    let code = sim.code(&login, "abd754f7").await;
    let missing = CodeExchange {
        redirect_uri: None,
        ..exchange(&code, &login)
    };
    assert_eq!(
        feishu_code(sim.client().sign_in(missing, &admins()).await),
        20071
    );

    let other = start();
    let code = sim.code(&login, "abd754f7").await;
    let verifier = CodeExchange {
        code_verifier: Some(&other.verifier),
        ..exchange(&code, &login)
    };
    assert_eq!(
        feishu_code(sim.client().sign_in(verifier, &admins()).await),
        20049
    );

    let code = sim.code(&login, "abd754f7").await;
    let none = CodeExchange {
        code_verifier: None,
        ..exchange(&code, &login)
    };
    assert_eq!(
        feishu_code(sim.client().sign_in(none, &admins()).await),
        20049
    );
}

#[tokio::test]
async fn client_credentials_and_the_in_client_path() {
    let sim = Sim::start().await;
    let login = start();
    let code = sim.code(&login, "abd754f7").await;
    let wrong_secret = SigninClient::new(
        reqwest::Client::new(),
        &sim.base,
        SIM_APP_ID,
        Secret::new("wrong"),
    );
    let r = wrong_secret
        .sign_in(exchange(&code, &login), &admins())
        .await;
    assert_eq!(feishu_code(r), 20002);
    let code = sim.code(&login, "abd754f7").await;
    let other_app = SigninClient::new(
        reqwest::Client::new(),
        &sim.base,
        "cli_other",
        Secret::new("other-secret"),
    );
    let r = other_app.sign_in(exchange(&code, &login), &admins()).await;
    assert_eq!(feishu_code(r), 20024);

    // tt.requestAccess, simulated: a code without redirect_uri or PKCE.
    let reply: serde_json::Value = sim
        .browser
        .post(format!("{}{}", sim.base, signin::REQUEST_ACCESS_PATH))
        .body(format!(
            r#"{{"app_id":"{SIM_APP_ID}","sim_user":"sim_hr"}}"#
        ))
        .send()
        .await
        .unwrap()
        .json_value()
        .await
        .unwrap();
    let code = Secret::new(reply["code"].as_str().unwrap());
    let in_client = CodeExchange {
        code: &code,
        redirect_uri: None,
        code_verifier: None,
    };
    let hr = sim.client().sign_in(in_client, &admins()).await.unwrap();
    assert_eq!(hr.user_id.as_deref(), Some("sim_hr"));
    let code = Secret::new(
        sim.state
            .issue_in_client_code(SIM_APP_ID, "abd754f7")
            .unwrap(),
    );
    let with_redirect = CodeExchange {
        code: &code,
        redirect_uri: Some(REDIRECT),
        code_verifier: None,
    };
    assert_eq!(
        feishu_code(sim.client().sign_in(with_redirect, &admins()).await),
        20071
    );
}

#[tokio::test]
async fn the_token_endpoints_error_shape_and_odd_requests() {
    let sim = Sim::start().await;
    let url = format!("{}{}", sim.base, signin::TOKEN_PATH);
    let post = |body: &'static str| sim.browser.post(&url).body(body).send();
    let r =
        post(r#"{"grant_type":"refresh_token","client_id":"a","client_secret":"b","code":"c"}"#)
            .await
            .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().contains_key("x-tt-logid"));
    let body: serde_json::Value = r.json_value().await.unwrap();
    assert_eq!(body["code"], 20036);
    assert_eq!(body["error"], "unsupported_grant_type");
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    let body: serde_json::Value = post("not json").await.unwrap().json_value().await.unwrap();
    assert_eq!(body["code"], 20063);
    let body: serde_json::Value = post(r#"{"grant_type":"authorization_code","client_id":"a"}"#)
        .await
        .unwrap()
        .json_value()
        .await
        .unwrap();
    assert_eq!(body["code"], 20001);
    let r = sim
        .browser
        .post(&url)
        .basic_auth(SIM_APP_ID, Some(SIM_APP_SECRET))
        .body(r#"{"grant_type":"authorization_code","client_secret":"x","code":"c"}"#)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json_value().await.unwrap();
    assert_eq!(body["code"], 20070);
    let r = sim
        .browser
        .get(format!("{}{}", sim.base, signin::USER_INFO_PATH))
        .bearer_auth("u-forged")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json_value().await.unwrap();
    assert_eq!(body["code"], 20005);
}

#[tokio::test]
async fn every_account_that_cannot_sign_in_reaches_its_failure_page() {
    let sim = Sim::start().await;
    let cases = [
        ("sim_not_allowed", Some(20010)),
        ("sim_resigned", Some(20021)),
        ("sim_frozen", Some(20022)),
        ("sim_no_user_id", None),
    ];
    for (user, code) in cases {
        let login = start();
        let c = sim.code(&login, user).await;
        let err = sim
            .client()
            .sign_in(exchange(&c, &login), &admins())
            .await
            .unwrap_err();
        assert_eq!(err.code(), code, "{user}: {err}");
        let failure = Failure::from_signin(&err);
        match code {
            Some(20010) => assert!(matches!(
                err,
                SigninError::Refused {
                    step: Step::Token,
                    ..
                }
            )),
            Some(_) => assert!(matches!(
                err,
                SigninError::Refused {
                    step: Step::UserInfo,
                    ..
                }
            )),
            None => assert_eq!(failure.kind(), "missing_user_id"),
        }
        let page = relay::auth::pages::render(&failure, "/auth/login");
        assert!(
            page.contains(err.log_id().unwrap()),
            "{user}: the log id is on the page"
        );
    }
}

#[tokio::test]
async fn user_tokens_are_random_u_tokens_that_expire() {
    let sim = Sim::start().await;
    let code = Secret::new(
        sim.state
            .issue_in_client_code(SIM_APP_ID, "abd754f7")
            .unwrap(),
    );
    let token_url = format!("{}{}", sim.base, signin::TOKEN_PATH);
    let body = serde_json::json!({
        "grant_type": "authorization_code",
        "client_id": SIM_APP_ID,
        "client_secret": SIM_APP_SECRET,
        "code": code.expose(),
    });
    let reply: serde_json::Value = sim
        .browser
        .post(&token_url)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json_value()
        .await
        .unwrap();
    assert_eq!(reply["code"], 0);
    assert_eq!(reply["token_type"], "Bearer");
    let token = reply["access_token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("u-") && token.len() > 60, "{token}");
    let info = |t: String| {
        sim.browser
            .get(format!("{}{}", sim.base, signin::USER_INFO_PATH))
            .bearer_auth(t)
            .send()
    };
    let v: serde_json::Value = info(token.clone())
        .await
        .unwrap()
        .json_value()
        .await
        .unwrap();
    assert_eq!(v["data"]["user_id"], "abd754f7");
    assert_eq!(v["msg"], "success");
    sim.advance(7200);
    let v: serde_json::Value = info(token).await.unwrap().json_value().await.unwrap();
    assert_eq!(v["code"], 20005, "expired after expires_in");
}
