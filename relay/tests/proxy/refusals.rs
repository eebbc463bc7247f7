//! The refusals that need no upstream and no connection (404, 405, 413, 415), sent straight to
//! the relay's router with `tower::ServiceExt::oneshot`, as axum's own examples test theirs. The
//! router is the one `relay::start` serves, in front of a stand-alone simulation that counts
//! whatever would reach it.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::Request;
use axum::Router;
use feishu_remedy::catalogue;
use feishu_remedy::model::{QUERY_PATH, TOKEN_PATH};
use hyper::body::Frame;
use relay::sim::{RunningSim, SimConfig, SIM_APP_ID, SIM_APP_SECRET};
use tower::ServiceExt;

use crate::common::*;

/// The relay's router (real-Feishu settings) in front of a stand-alone simulation.
async fn router() -> (Router, RunningSim) {
    let sim = standalone_sim(SimConfig::default()).await;
    let config = feishu_config(&sim.handle().base_url(), app(SIM_APP_ID, SIM_APP_SECRET));
    (relay::server::app(config, None).unwrap(), sim)
}

/// A request as a browser on this machine sends it (`open` mode wants a loopback `Host`).
fn request(method: &str, path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1:8787")
}

/// A JSON `POST` of `body` to the Feishu path.
fn post_json(body: impl Into<Body>) -> Request<Body> {
    request("POST", &format!("{QUERY_PATH}?employee_type=employee_id"))
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

/// No query and no token request reached the simulation.
fn nothing_went_upstream(sim: &RunningSim) {
    let sim = sim.handle();
    assert_eq!((sim.query_requests(), sim.token_requests()), (0, 0));
}

#[tokio::test]
async fn only_the_one_route_and_only_post() {
    let (router, sim) = router().await;
    for path in [
        "/",
        "/open-apis/attendance/v1/other",
        TOKEN_PATH,
        &format!("{QUERY_PATH}/"),
        "/pkg/x.js",
    ] {
        let post = request("POST", path)
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        send(&router, post)
            .await
            .assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
        let get = request("GET", path).body(Body::empty()).unwrap();
        send(&router, get)
            .await
            .assert_feishu_error(404, catalogue::RELAY_NOT_FOUND);
    }
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let reply = send(
            &router,
            request(method, QUERY_PATH).body(Body::empty()).unwrap(),
        )
        .await;
        reply.assert_feishu_error(405, catalogue::RELAY_METHOD);
        assert_eq!(reply.header("allow"), Some("POST"));
    }
    nothing_went_upstream(&sim);
    sim.shutdown().await;
}

/// A body that arrives in chunks with no length declared, as `Transfer-Encoding: chunked` does.
struct Chunked(VecDeque<Bytes>);

impl hyper::body::Body for Chunked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }
}

#[tokio::test]
async fn oversized_bodies_get_413_with_or_without_a_length() {
    let (router, sim) = router().await;
    let padding = " ".repeat(5000);
    let big = format!(r#"{{"user_id":"abd754f7","remedy_date":20240229{padding}}}"#);
    let with_length = request("POST", &format!("{QUERY_PATH}?employee_type=employee_id"))
        .header("content-type", "application/json")
        .header("content-length", big.len())
        .body(Body::from(big))
        .unwrap();
    send(&router, with_length)
        .await
        .assert_feishu_error(413, catalogue::RELAY_TOO_LARGE);
    // No Content-Length to refuse on, so the limit must hold while reading.
    let chunk = Bytes::from("x".repeat(3000));
    let chunked = Body::new(Chunked(VecDeque::from([chunk.clone(), chunk])));
    send(&router, post_json(chunked))
        .await
        .assert_feishu_error(413, catalogue::RELAY_TOO_LARGE);
    nothing_went_upstream(&sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn non_json_content_types_get_415() {
    let (router, sim) = router().await;
    let body = r#"{"user_id":"abd754f7","remedy_date":20240229}"#;
    let post = |content_type: Option<&str>| {
        let mut req = request("POST", &format!("{QUERY_PATH}?employee_type=employee_id"));
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        req.body(Body::from(body)).unwrap()
    };
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        send(&router, post(Some(ct)))
            .await
            .assert_feishu_error(415, catalogue::RELAY_CONTENT_TYPE);
    }
    send(&router, post(None))
        .await
        .assert_feishu_error(415, catalogue::RELAY_CONTENT_TYPE);
    nothing_went_upstream(&sim);
    let with_charset = send(&router, post(Some("application/json; charset=utf-8"))).await;
    assert_ne!(with_charset.status, 415);
    sim.shutdown().await;
}
