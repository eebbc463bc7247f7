//! The forwarded route over real loopback sockets: happy path, Feishu's codes unchanged, the
//! relay's refusals, what is (not) forwarded, CORS, static files.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use feishu_remedy::catalogue;
use feishu_remedy::model::{Envelope, QUERY_PATH, TOKEN_PATH};
use relay::access::{Access, AllowedHosts, ApiKeys};
use relay::cors::CorsPolicy;
use relay::static_files::StaticFiles;

#[tokio::test]
async fn happy_path_through_the_simulation() {
    let relay = sim_relay().await;
    let date = days_ago(&relay, 1);
    let reply = query(&relay.url(), "employee_id", "abd754f7", date).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let logid = reply
        .header("x-tt-logid")
        .expect("Feishu's log id passed through");
    assert_eq!(
        logid.len(),
        32,
        "a simulation log id, not the relay's: {logid}"
    );
    let env: Envelope = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(env.code, 0);
    let rows = env.data.unwrap().user_allowed_remedys;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].remedy_date, Some(i64::from(date)));
    assert_eq!(rows[0].user_id.as_deref(), Some("abd754f7"));
    // The same person by employee number.
    let by_no = query(&relay.url(), "employee_no", "E1001", date).await;
    assert_eq!(
        by_no.json()["data"]["user_allowed_remedys"][0]["user_id"],
        "E1001"
    );
    assert_eq!(relay.sim().unwrap().query_requests(), 2);
    relay.shutdown().await;
}

/// Every case of the dataset listing comes back as listed: status, code, Feishu's message, and
/// a log id in both the header and `error.log_id`.
#[tokio::test]
async fn every_documented_code_reaches_the_client_unchanged() {
    let relay = sim_relay().await;
    let listing = relay.sim().unwrap().listing();
    let mut codes = BTreeSet::new();
    for case in listing["cases"].as_array().unwrap() {
        let Some(code) = case["expect"].as_i64() else {
            continue;
        };
        if code == catalogue::RATE_LIMITED {
            continue; // its own test below
        }
        let reply = query(
            &relay.url(),
            case["employee_type"].as_str().unwrap(),
            case["user_id"].as_str().unwrap(),
            case["date"].as_u64().unwrap() as u32,
        )
        .await;
        let entry = catalogue::find(code).unwrap();
        assert_eq!(
            reply.status,
            u16::try_from(case["http_status"].as_u64().unwrap()).unwrap()
        );
        assert_eq!(reply.status, entry.http_status, "{case}");
        let body = reply.json();
        assert_eq!(body["code"], code, "{case}");
        assert_eq!(body["msg"], entry.feishu_msg);
        let logid = reply.header("x-tt-logid").unwrap();
        assert_eq!(body["error"]["log_id"], logid);
        assert!(body["error"]["troubleshooter"]
            .as_str()
            .unwrap()
            .contains(logid));
        codes.insert(code);
    }
    let wanted = [
        1_220_004, 1_220_005, 1_225_000, 1_226_501, 1_226_502, 1_226_503, 1_226_504,
    ];
    assert!(
        wanted.iter().all(|c| codes.contains(c)),
        "covered: {codes:?}"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn rate_limit_429_and_its_headers_pass_through_and_are_exposed() {
    let relay = sim_relay_with(|config, sim| {
        sim.rate_limit = 3;
        config.cors = CorsPolicy::new(&["https://hr.example.com"]);
    })
    .await;
    let date = days_ago(&relay, 1);
    let origin = [("origin", "https://hr.example.com")];
    let body = format!(r#"{{"user_id":"abd754f7","remedy_date":{date}}}"#);
    let mut replies = Vec::new();
    for _ in 0..5 {
        replies.push(post_raw(&relay.url(), "employee_type=employee_id", &body, &origin).await);
    }
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    // All five fit in the 1 s window unless the machine stalls for a second; tolerate that.
    let limited = replies
        .iter()
        .find(|r| r.status == 429)
        .unwrap_or_else(|| panic!("{statuses:?}"));
    assert_eq!(limited.code(), catalogue::RATE_LIMITED);
    assert_eq!(limited.header("x-ogw-ratelimit-limit"), Some("3"));
    assert_eq!(limited.header("x-ogw-ratelimit-reset"), Some("1"));
    let exposed = limited
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "x-tt-logid",
        "x-request-id",
        "x-ogw-ratelimit-limit",
        "x-ogw-ratelimit-reset",
        "retry-after",
    ] {
        assert!(exposed.contains(h), "{exposed}");
    }
    assert_eq!(&statuses[..3], &[200, 200, 200]);
    relay.shutdown().await;
}

#[tokio::test]
async fn sim_429_once_alternates_per_day() {
    let relay = sim_relay().await;
    let (d1, d2) = (days_ago(&relay, 1), days_ago(&relay, 2));
    let first = query(&relay.url(), "employee_id", "sim_429_once", d1).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.code(), catalogue::RATE_LIMITED);
    assert_eq!(first.header("x-ogw-ratelimit-reset"), Some("1"));
    assert_eq!(first.header("x-ogw-ratelimit-limit"), Some("50"));
    assert_eq!(
        query(&relay.url(), "employee_id", "sim_429_once", d1)
            .await
            .status,
        200
    );
    assert_eq!(
        query(&relay.url(), "employee_id", "sim_429_once", d1)
            .await
            .status,
        429
    );
    assert_eq!(
        query(&relay.url(), "employee_id", "sim_429_once", d2)
            .await
            .status,
        429,
        "a new day starts odd"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn sim_rate_limited_always_answers_429_with_its_headers() {
    let relay = sim_relay().await;
    let day = days_ago(&relay, 1);
    for _ in 0..3 {
        let r = query(&relay.url(), "employee_id", "sim_rate_limited", day).await;
        assert_eq!((r.status, r.code()), (429, catalogue::RATE_LIMITED));
        assert_eq!(r.header("x-ogw-ratelimit-reset"), Some("1"));
        assert_eq!(r.header("x-ogw-ratelimit-limit"), Some("50"));
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn html_502_passes_through_with_the_relays_request_id() {
    let relay = sim_relay().await;
    let reply = query(
        &relay.url(),
        "employee_id",
        "sim_html_502",
        days_ago(&relay, 1),
    )
    .await;
    assert_eq!(reply.status, 502);
    assert_eq!(reply.header("content-type"), Some("text/html"));
    assert!(String::from_utf8_lossy(&reply.body).contains("502 Bad Gateway"));
    assert_eq!(reply.header("x-tt-logid"), None, "the gateway sent none");
    assert!(reply.header("x-request-id").unwrap().starts_with("relay-"));
    relay.shutdown().await;
}

#[tokio::test]
async fn validation_refusals_never_reach_upstream() {
    let relay = sim_relay().await;
    let ok = r#"{"user_id":"abd754f7","remedy_date":20240229}"#;
    let cases: [(&str, &str, &str); 9] = [
        ("", ok, "employee_type"),
        ("employee_type=open_id", ok, "employee_type"),
        (
            "employee_type=employee_id",
            r#"{"user_id":"abd754f7","remedy_date":20230229}"#,
            "remedy_date",
        ),
        (
            "employee_type=employee_id",
            r#"{"user_id":"abd754f7","remedy_date":"20240229"}"#,
            "remedy_date",
        ),
        (
            "employee_type=employee_id",
            r#"{"user_id":"abd754f7"}"#,
            "remedy_date",
        ),
        (
            "employee_type=employee_id",
            r#"{"user_id":"","remedy_date":20240229}"#,
            "user_id",
        ),
        (
            "employee_type=employee_id",
            &format!(
                r#"{{"user_id":"{}","remedy_date":20240229}}"#,
                "x".repeat(65)
            ),
            "user_id",
        ),
        ("employee_type=employee_id", "[1,2]", "request"),
        ("employee_type=employee_id", "not json", "request"),
    ];
    for (q, body, field) in cases {
        let reply = post_raw(&relay.url(), q, body, &[]).await;
        reply.assert_feishu_error(400, catalogue::INVALID_PARAM);
        let msg = reply.json()["msg"].as_str().unwrap().to_owned();
        assert!(
            msg.starts_with(&format!("{field} invalid")),
            "{q} {body}: {msg}"
        );
        assert!(reply.header("x-tt-logid").unwrap().starts_with("relay-"));
    }
    let sim = relay.sim().unwrap();
    assert_eq!(
        (sim.query_requests(), sim.token_requests()),
        (0, 0),
        "nothing went upstream"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn only_the_one_route_and_only_post() {
    let relay = sim_relay().await;
    let base = relay.url();
    for path in [
        "/",
        "/open-apis/attendance/v1/other",
        TOKEN_PATH,
        &format!("{QUERY_PATH}/"),
        "/pkg/x.js",
    ] {
        let reply = read(
            client()
                .post(format!("{base}{path}"))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap(),
        )
        .await;
        reply.assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
        let reply = get(&format!("{base}{path}"), &[]).await;
        reply.assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
    }
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let reply = read(
            client()
                .request(m, format!("{base}{QUERY_PATH}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        reply.assert_feishu_error(405, catalogue::RELAY_METHOD);
        assert_eq!(reply.header("allow"), Some("POST"));
    }
    let sim = relay.sim().unwrap();
    assert_eq!((sim.query_requests(), sim.token_requests()), (0, 0));
    relay.shutdown().await;
}

#[tokio::test]
async fn oversized_bodies_get_413_with_or_without_a_length() {
    let relay = sim_relay().await;
    let padding = " ".repeat(5000);
    let big = format!(r#"{{"user_id":"abd754f7","remedy_date":20240229{padding}}}"#);
    post_raw(&relay.url(), "employee_type=employee_id", &big, &[])
        .await
        .assert_feishu_error(413, catalogue::RELAY_TOO_LARGE);
    // Chunked: no Content-Length to refuse on, so the limit must hold while reading.
    let chunk = "x".repeat(3000);
    let request = format!(
        "POST {QUERY_PATH}?employee_type=employee_id HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{n:x}\r\n{chunk}\r\n{n:x}\r\n{chunk}\r\n0\r\n\r\n",
        n = chunk.len()
    );
    let answer = raw_http(relay.addr(), request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(&catalogue::RELAY_TOO_LARGE.to_string()));
    assert_eq!(relay.sim().unwrap().query_requests(), 0);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_body_that_never_finishes_gets_408_within_the_timeout() {
    let relay = sim_relay_with(|c, _| c.upstream_timeout = Duration::from_millis(300)).await;
    // Promises 60 bytes, sends 11, then goes quiet.
    let request = format!(
        "POST {QUERY_PATH}?employee_type=employee_id HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nContent-Length: 60\r\n\r\n{{\"user_id\":"
    );
    let started = std::time::Instant::now();
    let answer = raw_http(relay.addr(), request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(&catalogue::RELAY_REQUEST_TIMEOUT.to_string()));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(relay.sim().unwrap().query_requests(), 0);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_request_head_that_never_finishes_is_dropped() {
    let relay = sim_relay_with(|c, _| c.upstream_timeout = Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let answer = raw_http(relay.addr(), b"GET /healthz HTTP/1.1\r\nHo").await;
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "closed after the header read timeout, not left open: {:?}",
        started.elapsed()
    );
    // The relay itself is fine.
    get(&format!("{}/healthz", relay.url()), &[]).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn non_json_content_types_get_415() {
    let relay = sim_relay().await;
    let body = r#"{"user_id":"abd754f7","remedy_date":20240229}"#;
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        post_raw(
            &relay.url(),
            "employee_type=employee_id",
            body,
            &[("content-type", ct)],
        )
        .await
        .assert_feishu_error(415, catalogue::RELAY_CONTENT_TYPE);
    }
    let no_type = read(
        client()
            .post(format!(
                "{}{QUERY_PATH}?employee_type=employee_id",
                relay.url()
            ))
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    no_type.assert_feishu_error(415, catalogue::RELAY_CONTENT_TYPE);
    let with_charset = post_raw(
        &relay.url(),
        "employee_type=employee_id",
        body,
        &[("content-type", "application/json; charset=utf-8")],
    )
    .await;
    assert_ne!(with_charset.status, 415);
    relay.shutdown().await;
}

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

#[tokio::test]
async fn upstream_gets_the_relays_token_and_the_validated_request_only() {
    let (relay, seen) = scripted_relay(Script::Ok, |_| {}).await;
    let reply = post_raw(
        &relay.url(),
        "employee_type=employee_id&extra=1",
        r#"{"remedy_date":20240229,"user_id":"abd754f7","smuggled":{"a":1}}"#,
        &[
            ("authorization", "Bearer t-callers-own"),
            ("cookie", "SSO=session-cookie"),
            ("x-forwarded-for", "10.0.0.1"),
        ],
    )
    .await;
    assert_eq!(reply.status, 200);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.token_requests, 1);
    let (headers, path_and_query, body) = &seen.queries[0];
    assert_eq!(
        path_and_query,
        &format!("{QUERY_PATH}?employee_type=employee_id")
    );
    assert_eq!(
        &body[..],
        br#"{"user_id":"abd754f7","remedy_date":20240229}"#
    );
    assert_eq!(headers["authorization"], "Bearer t-fixed");
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    for never in ["cookie", "x-forwarded-for", "origin"] {
        assert!(!headers.contains_key(never), "{never} forwarded");
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let relay = sim_relay_with(|config, _| {
        config.cors = CorsPolicy::new(&["https://hr.example.com"]);
    })
    .await;
    let url = format!("{}{QUERY_PATH}?employee_type=employee_id", relay.url());
    let preflight = |origin: &'static str| {
        client()
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let allowed = read(preflight("https://hr.example.com").await.unwrap()).await;
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://hr.example.com")
    );
    assert!(allowed
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert_eq!(
        allowed.header("access-control-allow-headers"),
        Some("content-type, authorization")
    );
    assert_eq!(
        allowed.header("access-control-allow-credentials"),
        Some("true")
    );
    let denied = read(preflight("https://evil.example.net").await.unwrap()).await;
    assert_eq!(denied.header("access-control-allow-origin"), None);
    assert_eq!(denied.header("access-control-allow-methods"), None);

    let date = days_ago(&relay, 1);
    let body = format!(r#"{{"user_id":"abd754f7","remedy_date":{date}}}"#);
    let ok = post_raw(
        &relay.url(),
        "employee_type=employee_id",
        &body,
        &[("origin", "https://hr.example.com")],
    )
    .await;
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://hr.example.com")
    );
    assert!(ok
        .header("access-control-expose-headers")
        .unwrap()
        .contains("X-Tt-Logid"));
    assert!(ok.header("vary").unwrap().contains("Origin"));
    let other = post_raw(
        &relay.url(),
        "employee_type=employee_id",
        &body,
        &[("origin", "https://evil.example.net")],
    )
    .await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    assert_eq!(other.header("access-control-expose-headers"), None);
    // Refusals get CORS headers too, or the page could not read why it was refused.
    let refused = post_raw(
        &relay.url(),
        "",
        &body,
        &[("origin", "https://hr.example.com")],
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some("https://hr.example.com")
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn cors_star_only_when_asked_and_without_credentials() {
    let relay = sim_relay_with(|config, _| config.cors = CorsPolicy::new(&["*"])).await;
    let reply = get(
        &format!("{}/healthz", relay.url()),
        &[("origin", "https://any.example")],
    )
    .await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    relay.shutdown().await;
    let relay = sim_relay().await;
    let reply = get(
        &format!("{}/healthz", relay.url()),
        &[("origin", "https://any.example")],
    )
    .await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        None,
        "no origins by default"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn static_files_with_the_right_types_and_nothing_outside() {
    let root = std::env::temp_dir().join(format!("relay-it-static-{}", std::process::id()));
    let (www, pkg) = (root.join("www"), root.join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    std::fs::write(pkg.join("m_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("index.js"), "export {}").unwrap();
    std::fs::write(root.join("secret.txt"), "no").unwrap();
    let relay = sim_relay_with(|config, _| {
        config.statics = StaticFiles::new(Some(&www), Some(&pkg)).unwrap();
    })
    .await;
    let base = relay.url();
    let index = get(&format!("{base}/"), &[]).await;
    assert_eq!(
        (index.status, index.header("content-type")),
        (200, Some("text/html; charset=utf-8"))
    );
    let wasm = get(&format!("{base}/pkg/m_bg.wasm"), &[]).await;
    assert_eq!(
        (wasm.status, wasm.header("content-type")),
        (200, Some("application/wasm"))
    );
    assert_eq!(&wasm.body[..4], b"\0asm");
    let js = get(&format!("{base}/pkg/index.js"), &[]).await;
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    for bad in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/pkg/..%2f..%2fsecret.txt",
        "/missing.html",
    ] {
        let answer = raw_http(
            relay.addr(),
            format!("GET {bad} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{bad}: {answer}");
        assert!(!answer.contains("\r\n\r\nno"), "{bad}");
    }
    relay.shutdown().await;
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn health_and_dataset_listing() {
    let relay = sim_relay().await;
    let health = get(&format!("{}/healthz", relay.url()), &[]).await;
    assert_eq!(health.json()["upstream"], "simulation");
    let listing = get(&format!("{}/_sim/dataset", relay.url()), &[])
        .await
        .json();
    assert_eq!(listing, relay.sim().unwrap().listing());
    let names: Vec<&str> = listing["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for needed in [
        "missing_punch",
        "late_and_early",
        "two_shifts",
        "free_punch",
        "slow",
        "html_502",
        "rate_limited_once",
    ] {
        assert!(names.contains(&needed), "{needed}");
    }
    relay.shutdown().await;
    // Not on a relay in front of real Feishu.
    let (relay, _) = scripted_relay(Script::Ok, |_| {}).await;
    get(&format!("{}/_sim/dataset", relay.url()), &[])
        .await
        .assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
    assert_eq!(
        get(&format!("{}/healthz", relay.url()), &[]).await.json()["upstream"],
        "feishu"
    );
    relay.shutdown().await;
}
