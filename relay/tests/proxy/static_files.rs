//! The relay's other routes: static files (types, nothing outside the directories), `/healthz`
//! and the simulation's `/_sim/dataset`.

use feishu_remedy::catalogue;
use relay::static_files::StaticFiles;

use crate::common::*;

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
