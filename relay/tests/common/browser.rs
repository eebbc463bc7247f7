//! A browser for the sign-in tests: it keeps cookies (name → value, as `Set-Cookie` sets and
//! removes them), follows no redirects by itself, and walks Feishu's sign-in through the
//! simulation's authorize page.

use std::collections::BTreeMap;
use std::time::Duration;

use relay::auth::identity::Admins;
use relay::auth::key::SessionKey;
use relay::config::{FeishuSignInChoice, TokenChoice};
use relay::secret::Secret;
use relay::sim::dataset::DEMO_ADMINS;
use relay::{RunningRelay, SignInChoice};

use super::{read, sim_relay_with, Reply};

/// A session master key shared by the tests' relays (`RELAY_SESSION_KEY`).
pub(crate) const MASTER: &str = "tests-session-master-key-0123456789-abcdef";

pub(crate) fn session_key(master: &str) -> SessionKey {
    SessionKey::from_master(&Secret::new(master)).unwrap()
}

/// A relay in `feishu` mode on its simulation (HR is the admin), keyed by `master`, adjusted by
/// `adjust`.
pub(crate) async fn feishu_relay(
    master: &str,
    adjust: impl FnOnce(&mut FeishuSignInChoice),
) -> RunningRelay {
    let mut choice = FeishuSignInChoice::new(session_key(master), Admins::from_list(DEMO_ADMINS));
    adjust(&mut choice);
    sim_relay_with(|config, _| config.set_sign_in(SignInChoice::Feishu(choice))).await
}

/// A relay in `token` mode on its simulation.
pub(crate) async fn token_relay(choice: TokenChoice) -> RunningRelay {
    sim_relay_with(|config, _| config.set_sign_in(SignInChoice::Token(choice))).await
}

/// A cookie-keeping client.
pub(crate) struct Browser {
    client: reqwest::Client,
    /// Cookies by name.
    pub(crate) jar: BTreeMap<String, String>,
    /// Every `Set-Cookie` seen, in order.
    pub(crate) set_cookies: Vec<String>,
}

impl Browser {
    pub(crate) fn new() -> Self {
        Browser {
            client: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            jar: BTreeMap::new(),
            set_cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> Option<String> {
        (!self.jar.is_empty()).then(|| {
            self.jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    async fn send(&mut self, mut req: reqwest::RequestBuilder) -> Reply {
        if let Some(cookies) = self.cookie_header() {
            req = req.header("cookie", cookies);
        }
        let reply = read(req.send().await.unwrap()).await;
        for set in reply.headers.get_all("set-cookie") {
            let set = set.to_str().unwrap().to_owned();
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
            self.set_cookies.push(set);
        }
        reply
    }

    pub(crate) async fn get(&mut self, url: &str) -> Reply {
        let req = self.client.get(url);
        self.send(req).await
    }

    pub(crate) async fn post(&mut self, url: &str, content_type: &str, body: &str) -> Reply {
        let req = self
            .client
            .post(url)
            .header("content-type", content_type)
            .body(body.to_owned());
        self.send(req).await
    }

    /// A query on the forwarded route with this browser's cookies.
    pub(crate) async fn query(
        &mut self,
        base: &str,
        employee_type: &str,
        user_id: &str,
        date: u32,
    ) -> Reply {
        let url = format!(
            "{base}{}?employee_type={employee_type}",
            feishu_remedy::model::QUERY_PATH
        );
        let body = serde_json::json!({"user_id": user_id, "remedy_date": date}).to_string();
        self.post(&url, "application/json", &body).await
    }

    /// `GET /auth/login?return_to=…` on `relay`: the authorize URL it redirects to.
    pub(crate) async fn start_sign_in(&mut self, relay: &str, return_to: &str) -> String {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("return_to", return_to)
            .finish();
        let reply = self.get(&format!("{relay}/auth/login?{q}")).await;
        assert_eq!(reply.status, 302, "{reply:?}");
        reply.header("location").unwrap().to_owned()
    }

    /// The simulated Feishu page, choosing `sim_user`: the callback URL it sends the browser to
    /// (rewritten onto `relay` when the public URL is not the relay's own address).
    pub(crate) async fn choose(&mut self, authorize: &str, sim_user: &str, relay: &str) -> String {
        let reply = self.get(&format!("{authorize}&sim_user={sim_user}")).await;
        assert_eq!(reply.status, 302, "{reply:?}");
        let location = reply.header("location").unwrap();
        let (_, path) = location.split_once("/auth/callback").unwrap();
        format!("{relay}/auth/callback{path}")
    }

    /// The whole sign-in as `sim_user`; the callback's reply.
    pub(crate) async fn sign_in(&mut self, relay: &str, sim_user: &str, return_to: &str) -> Reply {
        let authorize = self.start_sign_in(relay, return_to).await;
        let callback = self.choose(&authorize, sim_user, relay).await;
        self.get(&callback).await
    }
}

/// The query parameter `name` of `url`.
pub(crate) fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A code for `sim_user` as `tt.requestAccess` gives it inside the Feishu client, from `relay`'s
/// simulation.
pub(crate) fn in_client_code(relay: &RunningRelay, sim_user: &str) -> String {
    let sim = relay.sim().unwrap().signin();
    sim.issue_in_client_code(relay::sim::SIM_APP_ID, sim_user)
        .unwrap()
}
