//! Reading a token endpoint's reply: the token and its lifetime, or why there is none (the
//! credentials refused, the endpoint failing, or not a token reply at all).

use std::time::Duration;

use axum::http::HeaderValue;
use feishu_remedy::catalogue;
use serde::Deserialize;

use crate::secret::Secret;
use crate::token::endpoint::EndpointReply;
use crate::token::error::TokenError;

/// The longest lifetime taken from a token reply, in seconds (Feishu's is 7200).
const MAX_TOKEN_LIFETIME_SECS: i64 = 86_400;

/// A token as the endpoint issued it.
pub(super) struct Issued {
    /// `Bearer t-…`, marked sensitive so HTTP libraries never print it.
    pub(super) authorization: HeaderValue,
    /// The reply's `expire`, as sent (for the log line).
    pub(super) expire: i64,
    /// `expire` as a duration, clamped to a day.
    pub(super) lifetime: Duration,
}

/// `{"code":0,"msg":"ok","tenant_access_token":"t-…","expire":7200}`.
#[derive(Deserialize)]
struct TokenReply {
    code: i64,
    #[serde(default)]
    msg: String,
    tenant_access_token: Option<String>,
    expire: Option<i64>,
}

/// The token in `reply`, or the error it reports; `secret` is blanked out of Feishu's message.
pub(super) fn read(reply: &EndpointReply, secret: &Secret) -> Result<Issued, TokenError> {
    let status = reply.status;
    let parsed: TokenReply =
        serde_json::from_slice(&reply.body).map_err(|_| TokenError::BadReply { status })?;
    if parsed.code != 0 {
        let msg = parsed.msg.replace(secret.expose(), "[redacted]");
        let (code, log_id) = (parsed.code, reply.log_id.clone());
        return Err(if refuses_credentials(code) {
            TokenError::Refused { code, msg, log_id }
        } else {
            TokenError::Failed { code, msg, log_id }
        });
    }
    let (Some(value), Some(expire)) = (parsed.tenant_access_token, parsed.expire) else {
        return Err(TokenError::BadReply { status });
    };
    let mut authorization = HeaderValue::from_str(&["Bearer ", &value].concat())
        .map_err(|_| TokenError::BadReply { status })?;
    authorization.set_sensitive(true);
    // Feishu's tokens live at most 2 hours; a larger `expire` is clamped to a day so that no
    // reply, however odd, can overflow the manager's clock arithmetic.
    let lifetime = Duration::from_secs(expire.clamp(0, MAX_TOKEN_LIFETIME_SECS).unsigned_abs());
    Ok(Issued {
        authorization,
        expire,
        lifetime,
    })
}

/// Whether a token endpoint's code says the app's credentials themselves were refused (wrong app
/// id or secret, app disabled, invalid app parameters), which only an administrator can fix.
/// Anything else (a rate limit, an internal error) is the endpoint failing, worth retrying.
fn refuses_credentials(code: i64) -> bool {
    matches!(
        code,
        catalogue::BAD_CREDENTIALS | APP_DISABLED | INVALID_APP_PARAM | INVALID_APP_SECRET
    )
}

/// 99991662: the app is not enabled in this tenant.
const APP_DISABLED: i64 = 99_991_662;
/// 10003 and 10014: the token endpoint's own codes for an invalid `app_id` or `app_secret`.
const INVALID_APP_PARAM: i64 = 10_003;
const INVALID_APP_SECRET: i64 = 10_014;
