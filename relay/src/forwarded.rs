//! The Feishu routes the relay forwards, each as the request type the core validates it into:
//! how it is read from the wire, whose punches it names, how it is sent upstream, and what of the
//! reply goes back. [`crate::proxy`] runs every route through the same checks with these.
//!
//! - `query_user_allowed_remedys` ([`RemedyQuery`]): one `user_id`; the reply passes unchanged.
//! - `user_tasks/query` ([`PunchQuery`]): 1 to 50 `user_ids`; the reply is minimized (each punch
//!   object cut down to `check_time` and `type`, by the core's `minimize_punch_body`).

use std::future::Future;

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use feishu_remedy::catalogue;
use feishu_remedy::minimize::minimize_punch_body;
use feishu_remedy::model::{RemedyQuery, QUERY_PATH};
use feishu_remedy::punch_results::{PunchQuery, PUNCH_RESULTS_PATH};
use feishu_remedy::validate::{self, ValidationError};

use crate::auth::identity::Requested;
use crate::auth::mode::Caller;
use crate::auth::permit::{self, Refused};
use crate::log_id::LogId;
use crate::upstream::{Outcome, Upstream, UpstreamReply};
use crate::wire::{punch_query, query_param, relay_error_with};

/// The largest punch-results reply read from Feishu, before minimization. Far above the 1 MiB of
/// the other route: with every field Feishu sends per punch (photo URLs, device id, location),
/// 50 ids × 62 days measured 4.0 MB on the simulation with one shift a day and 7.5 MB with two,
/// and real punches can carry more (several photos, longer place names). A browser asks one
/// person's range (about 75 KiB for two shifts); larger replies are for SDK clients asking about
/// many people.
pub const MAX_PUNCH_REPLY: usize = 16 << 20;

/// A forwarded route's validated request.
pub trait Forwarded: Sized {
    /// Feishu's path, which the relay serves too (and which names the route's gate upstream).
    const PATH: &'static str;

    /// The request from its query string and body, by the core's validation.
    fn validate(query: Option<&str>, body: &[u8]) -> Result<Self, ValidationError>;

    /// The sign-in rule for the ids it names: only the caller's own, unless an admin.
    fn permit(&self, caller: &Caller, log_id: &LogId) -> Result<(), Refused>;

    /// Sends exactly what was validated, rebuilt from the validated values.
    fn send(&self, upstream: &Upstream) -> impl Future<Output = Outcome> + Send;

    /// What goes back to the caller of upstream's reply.
    fn reply(reply: UpstreamReply, log_id: &LogId) -> Response;
}

impl Forwarded for RemedyQuery {
    const PATH: &'static str = QUERY_PATH;

    fn validate(query: Option<&str>, body: &[u8]) -> Result<Self, ValidationError> {
        validate::wire_query(query_param(query, "employee_type").as_deref(), body)
    }

    fn permit(&self, caller: &Caller, log_id: &LogId) -> Result<(), Refused> {
        let requested = Requested::One(self.user_id.as_str());
        permit::permit(caller, self.employee_type, requested, log_id)
    }

    fn send(&self, upstream: &Upstream) -> impl Future<Output = Outcome> + Send {
        upstream.query(self)
    }

    fn reply(reply: UpstreamReply, _: &LogId) -> Response {
        pass_back(reply)
    }
}

impl Forwarded for PunchQuery {
    const PATH: &'static str = PUNCH_RESULTS_PATH;

    fn validate(query: Option<&str>, body: &[u8]) -> Result<Self, ValidationError> {
        punch_query(query, body)
    }

    fn permit(&self, caller: &Caller, log_id: &LogId) -> Result<(), Refused> {
        let ids: Vec<String> = self
            .user_ids
            .iter()
            .map(|u| u.as_str().to_owned())
            .collect();
        permit::permit(caller, self.employee_type, Requested::Many(&ids), log_id)
    }

    fn send(&self, upstream: &Upstream) -> impl Future<Output = Outcome> + Send {
        let (path_and_query, body) = (self.path_and_query(), Bytes::from(self.body_json()));
        async move {
            let cap = MAX_PUNCH_REPLY;
            upstream.post(Self::PATH, &path_and_query, body, cap).await
        }
    }

    fn reply(reply: UpstreamReply, log_id: &LogId) -> Response {
        minimized(reply, log_id)
    }
}

/// Upstream's reply as it came: status, the passed-through headers, the body.
pub fn pass_back(reply: UpstreamReply) -> Response {
    let mut response = (reply.status, reply.body).into_response();
    // `into_response` set a content type for the bytes; upstream's (if any) replaces it.
    response.headers_mut().remove(CONTENT_TYPE);
    response.headers_mut().extend(reply.headers);
    response
}

/// Upstream's reply with every punch object cut down to `check_time` and `type`, status and
/// headers unchanged. A body that is not JSON cannot be checked for personal data, so it is not
/// passed on: the caller gets the relay's retryable 502 `RELAY_UPSTREAM_DOWN` instead (an HTML
/// page from a broken gateway is what this meets in practice, and asking again can help).
fn minimized(reply: UpstreamReply, log_id: &LogId) -> Response {
    match minimize_punch_body(&reply.body) {
        Some(body) => pass_back(UpstreamReply {
            body: Bytes::from(body),
            ..reply
        }),
        None => {
            let status = reply.status.as_u16();
            tracing::warn!(request_id = %log_id, status, "punch results reply is not JSON; not passed on");
            let msg = format!(
                "relay: Feishu's reply could not be read (HTTP {status}, not JSON), so it is not passed on"
            );
            relay_error_with(catalogue::RELAY_UPSTREAM_DOWN, &msg, log_id, Vec::new())
        }
    }
}
