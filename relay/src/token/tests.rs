//! The token manager's timing on a paused tokio clock: no sockets, no sleeping through real time.
//! A scripted [`TokenEndpoint`] answers in place of Feishu's; time moves only when the test
//! advances it (or, while every task waits on a timer, by exactly that timer).

use std::collections::VecDeque;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use bytes::Bytes;
use feishu_remedy::catalogue;
use tokio::task::JoinSet;
use tokio::time::advance;

use super::*;
use crate::secret::Secret;

const SECRET: &str = "s3cr3t-app-secret";

/// One answer of the scripted endpoint.
#[derive(Clone, Copy)]
enum Answer {
    /// `{"code":0,…,"tenant_access_token":value,"expire":expire}`.
    Token(&'static str, i64),
    /// `{"code":code,"msg":…}` with HTTP 400 and a log id; the message quotes the secret.
    Code(i64),
    /// A gateway's 503 page.
    Down,
    /// Never answers.
    Hang,
}

/// Answers in order (the last one for every later call), each after `delay`.
struct Scripted {
    answers: Mutex<VecDeque<Answer>>,
    delay: Duration,
    calls: AtomicUsize,
}

impl TokenEndpoint for Scripted {
    async fn post(&self, app: &AppCredentials) -> Result<EndpointReply, TokenError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let answer = {
            let mut answers = self.answers.lock().unwrap();
            match answers.len() {
                0 | 1 => answers.front().copied().unwrap_or(Answer::Down),
                _ => answers.pop_front().unwrap_or(Answer::Down),
            }
        };
        tokio::time::sleep(self.delay).await;
        let (status, body) = match answer {
            Answer::Token(value, expire) => (
                200,
                serde_json::json!({"code": 0, "msg": "ok", "tenant_access_token": value, "expire": expire})
                    .to_string(),
            ),
            Answer::Code(code) => (
                400,
                serde_json::json!({"code": code, "msg": format!("no: {}", app.app_secret.expose())})
                    .to_string(),
            ),
            Answer::Down => (503, "Service Unavailable".to_owned()),
            Answer::Hang => std::future::pending().await,
        };
        Ok(EndpointReply {
            status,
            log_id: Some("20260101000000LOGID".to_owned()),
            body: Bytes::from(body),
        })
    }
}

fn manager(delay: Duration, answers: &[Answer]) -> Arc<TokenManager<Scripted>> {
    let endpoint = Scripted {
        answers: Mutex::new(answers.iter().copied().collect()),
        delay,
        calls: AtomicUsize::new(0),
    };
    let app = AppCredentials {
        app_id: "cli_test".to_owned(),
        app_secret: Secret::new(SECRET),
    };
    Arc::new(TokenManager::with_endpoint(endpoint, app))
}

fn calls(tokens: &TokenManager<Scripted>) -> usize {
    tokens.endpoint.calls.load(Ordering::SeqCst)
}

/// The generation of the token `current` gives.
async fn generation(tokens: &TokenManager<Scripted>) -> u64 {
    tokens.current().await.unwrap().generation()
}

/// `n` concurrent calls of `current`, their results in any order.
async fn burst(tokens: &Arc<TokenManager<Scripted>>, n: usize) -> Vec<Result<Token, TokenError>> {
    let mut set = JoinSet::new();
    for _ in 0..n {
        let tokens = tokens.clone();
        set.spawn(async move { tokens.current().await });
    }
    set.join_all().await
}

const MS: Duration = Duration::from_millis(1);
const SEC: Duration = Duration::from_secs(1);

#[tokio::test(start_paused = true)]
async fn a_cold_burst_makes_one_fetch() {
    let tokens = manager(100 * MS, &[Answer::Token("t-1", 7200)]);
    let results = burst(&tokens, 50).await;
    assert_eq!(results.len(), 50);
    for result in results {
        assert_eq!(result.unwrap().generation(), 1);
    }
    assert_eq!(calls(&tokens), 1);
}

#[tokio::test(start_paused = true)]
async fn a_token_is_cached_while_fresh_and_refreshed_before_it_expires() {
    // (expire in seconds, still cached after, refreshed after): 7200 s is refreshed 3 minutes
    // early, at 7020 s; a 1 s token a tenth of its life early, at 0.9 s, before Feishu would call
    // it expired.
    for (expire, cached, refreshed) in [(7200, 7019 * SEC, 7021 * SEC), (1, 850 * MS, 950 * MS)] {
        let tokens = manager(
            Duration::ZERO,
            &[Answer::Token("t-1", expire), Answer::Token("t-2", expire)],
        );
        assert_eq!(generation(&tokens).await, 1);
        advance(cached).await;
        assert_eq!(
            generation(&tokens).await,
            1,
            "cached while fresh ({expire} s)"
        );
        assert_eq!(calls(&tokens), 1);
        advance(refreshed - cached).await;
        assert_eq!(generation(&tokens).await, 2, "refreshed ({expire} s)");
        assert_eq!(calls(&tokens), 2);
    }
}

#[tokio::test(start_paused = true)]
async fn the_wait_for_a_token_reply_counts_against_the_token() {
    // Replies take 150 ms (within the patience a due refresh gets while the token works).
    let tokens = manager(
        150 * MS,
        &[Answer::Token("t-1", 100), Answer::Token("t-2", 100)],
    );
    let asked = Instant::now();
    assert_eq!(generation(&tokens).await, 1);
    assert_eq!(asked.elapsed(), 150 * MS);
    // 100 s from when it was asked for, refreshed 10 s early: at 90 s, 89.85 s after the reply.
    advance(89_800 * MS).await;
    assert_eq!(generation(&tokens).await, 1);
    assert_eq!(asked.elapsed(), 89_950 * MS);
    advance(100 * MS).await;
    assert_eq!(generation(&tokens).await, 2, "due at 90 s from the asking");
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_keeps_serving_the_token_until_it_expires() {
    let tokens = manager(Duration::ZERO, &[Answer::Token("t-1", 10), Answer::Down]);
    assert_eq!(generation(&tokens).await, 1);
    // `expire` 10 s: a refresh is due after 9 s, the token is sent until 9.5 s.
    advance(9_200 * MS).await;
    assert_eq!(
        generation(&tokens).await,
        1,
        "the refresh failed; the token still serves"
    );
    assert_eq!(calls(&tokens), 2, "a refresh was tried");
    advance(400 * MS).await;
    assert_eq!(
        tokens.current().await.unwrap_err(),
        TokenError::BadReply { status: 503 }
    );
    assert_eq!(calls(&tokens), 3);
}

#[tokio::test(start_paused = true)]
async fn a_hanging_refresh_costs_each_request_only_a_moment_while_the_token_works() {
    let tokens = manager(Duration::ZERO, &[Answer::Token("t-1", 20), Answer::Hang]);
    assert_eq!(generation(&tokens).await, 1);
    // `expire` 20 s: a refresh is due after 18 s, the token is sent until 19 s.
    advance(18_100 * MS).await;
    // Sequential requests in the window where a refresh is due: each gives up on the hanging
    // refresh after a moment and goes out with the current token.
    for _ in 0..2 {
        let asked = Instant::now();
        assert_eq!(generation(&tokens).await, 1);
        assert_eq!(asked.elapsed(), PATIENCE_WITH_USABLE_TOKEN);
    }
    assert_eq!(calls(&tokens), 3, "each tried the refresh");
}

#[tokio::test(start_paused = true)]
async fn while_one_request_refreshes_the_others_use_the_current_token() {
    // The refresh takes 100 ms, within the patience a request has while its token works.
    let tokens = manager(
        100 * MS,
        &[Answer::Token("t-1", 7200), Answer::Token("t-2", 7200)],
    );
    assert_eq!(generation(&tokens).await, 1);
    advance(7100 * SEC).await;
    let results = burst(&tokens, 10).await;
    let generations: Vec<u64> = results
        .into_iter()
        .map(|r| r.unwrap().generation())
        .collect();
    assert_eq!(
        generations.iter().filter(|g| **g == 2).count(),
        1,
        "{generations:?}"
    );
    assert_eq!(
        generations.iter().filter(|g| **g == 1).count(),
        9,
        "{generations:?}"
    );
    assert_eq!(calls(&tokens), 2);
}

#[tokio::test(start_paused = true)]
async fn a_failure_goes_to_the_requests_queued_behind_it_and_is_not_cached() {
    let tokens = manager(100 * MS, &[Answer::Code(catalogue::BAD_CREDENTIALS)]);
    for result in burst(&tokens, 50).await {
        assert!(
            matches!(result, Err(TokenError::Refused { .. })),
            "{result:?}"
        );
    }
    assert_eq!(calls(&tokens), 1, "one fetch for the whole burst");
    assert!(tokens.current().await.is_err());
    assert_eq!(calls(&tokens), 2, "a later request tries afresh");
}

#[tokio::test(start_paused = true)]
async fn refused_credentials_and_a_failing_endpoint_are_told_apart() {
    for (code, refused) in [
        (catalogue::BAD_CREDENTIALS, true),
        (99_991_662, true),
        (10_003, true),
        (10_014, true),
        (catalogue::RATE_LIMITED, false),
        (55_001, false),
    ] {
        let tokens = manager(Duration::ZERO, &[Answer::Code(code)]);
        let error = tokens.current().await.unwrap_err();
        let (got, msg, log_id) = match &error {
            TokenError::Refused { code, msg, log_id } if refused => (*code, msg, log_id),
            TokenError::Failed { code, msg, log_id } if !refused => (*code, msg, log_id),
            other => panic!("{code}: {other:?}"),
        };
        assert_eq!(got, code);
        assert_eq!(msg, "no: [redacted]", "the secret is blanked out");
        assert_eq!(log_id.as_deref(), Some("20260101000000LOGID"));
        assert!(!error.to_string().contains(SECRET));
        assert!(error
            .to_string()
            .contains("; Feishu log id 20260101000000LOGID"));
    }
}

#[tokio::test(start_paused = true)]
async fn replies_without_a_token_are_bad_replies() {
    let tokens = manager(Duration::ZERO, &[Answer::Down]);
    assert_eq!(
        tokens.current().await.unwrap_err(),
        TokenError::BadReply { status: 503 }
    );
    let tokens = manager(Duration::ZERO, &[Answer::Token("t-bad\nvalue", 7200)]);
    assert_eq!(
        tokens.current().await.unwrap_err(),
        TokenError::BadReply { status: 200 }
    );
}

#[tokio::test(start_paused = true)]
async fn an_absurd_expire_is_clamped_to_a_day() {
    let tokens = manager(
        Duration::ZERO,
        &[Answer::Token("t-1", i64::MAX), Answer::Token("t-2", 7200)],
    );
    assert_eq!(generation(&tokens).await, 1);
    // A day, refreshed 3 minutes early.
    advance(86_400 * SEC - 181 * SEC).await;
    assert_eq!(generation(&tokens).await, 1);
    advance(2 * SEC).await;
    assert_eq!(generation(&tokens).await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_stale_token_is_replaced_by_a_different_one_or_not_at_all() {
    let tokens = manager(
        Duration::ZERO,
        &[Answer::Token("t-1", 7200), Answer::Token("t-2", 7200)],
    );
    let stale = tokens.current().await.unwrap();
    let fresh = tokens.replace(&stale).await.unwrap();
    assert_eq!(fresh.generation(), 2);
    assert_ne!(fresh.authorization(), stale.authorization());
    // Feishu hands back the very token it just refused: never used again.
    let tokens = manager(Duration::ZERO, &[Answer::Token("t-same", 7200)]);
    let stale = tokens.current().await.unwrap();
    assert_eq!(
        tokens.replace(&stale).await.unwrap_err(),
        TokenError::SameTokenAgain
    );
    assert_eq!(calls(&tokens), 2);
    assert_eq!(generation(&tokens).await, 3, "and not kept in the cache");
}

#[tokio::test(start_paused = true)]
async fn concurrent_stale_reports_share_one_refresh() {
    let tokens = manager(
        100 * MS,
        &[Answer::Token("t-1", 7200), Answer::Token("t-2", 7200)],
    );
    let stale = tokens.current().await.unwrap();
    let mut set = JoinSet::new();
    for _ in 0..20 {
        let (tokens, stale) = (tokens.clone(), stale.clone());
        set.spawn(async move { tokens.replace(&stale).await.unwrap().generation() });
    }
    assert_eq!(set.join_all().await, vec![2; 20]);
    assert_eq!(calls(&tokens), 2, "20 stale reports, one refresh");
}

#[test]
fn margins_scale_with_short_lifetimes_and_cap_at_three_minutes() {
    assert_eq!(
        refresh_margin(Duration::from_secs(7200)),
        Duration::from_secs(180)
    );
    assert_eq!(
        refresh_margin(Duration::from_secs(2)),
        Duration::from_millis(200)
    );
    assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
}

#[test]
fn token_debug_hides_the_value() {
    let mut v = HeaderValue::from_static("Bearer t-abc");
    v.set_sensitive(true);
    let t = Token {
        authorization: v,
        generation: 3,
    };
    assert_eq!(format!("{t:?}"), "Token(#3, [redacted])");
}
