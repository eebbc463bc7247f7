//! The one rule on every forwarded Feishu route (issue 11), as the relay answers it: no or an
//! invalid session/token → 401 `RELAY_SIGN_IN_REQUIRED`; asking about someone else without being
//! an admin → 403 `RELAY_NOT_YOUR_OWN`. Either way nothing goes upstream, and the refusal is
//! logged by kind, without ids, cookies or tokens.
//!
//! A route calls [`identify`] before reading the body and [`permit`] once it has validated it:
//! `Requested::One` for the attendance query's `user_id`, `Requested::Many` for a list of
//! `user_ids`; a [`Refused`] becomes its reply with [`Refused::response`].

use std::time::SystemTime;

use axum::http::HeaderMap;
use axum::response::Response;
use feishu_remedy::catalogue;
use feishu_remedy::model::EmployeeType;

use super::identity::{decide, Decision, Requested};
use super::mode::{Caller, SignIn, Unidentified};
use super::sealed::CookieError;
use crate::log_id::LogId;
use crate::wire::{relay_error, sign_in_required};

/// Log target of the refusals.
pub const LOG_TARGET: &str = "relay::auth";

/// Why the rule refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// 401 `RELAY_SIGN_IN_REQUIRED`: no valid session or token; in feishu mode, where to sign in.
    SignInRequired {
        /// `{public}/auth/login` in feishu mode.
        login_url: Option<String>,
    },
    /// 403 `RELAY_NOT_YOUR_OWN`: someone else's punches, and the caller is not an admin.
    NotYourOwn,
}

impl Refused {
    /// The reply, in Feishu's format.
    pub fn response(&self, log_id: &LogId) -> Response {
        match self {
            Refused::SignInRequired { login_url } => sign_in_required(log_id, login_url.as_deref()),
            Refused::NotYourOwn => relay_error(catalogue::RELAY_NOT_YOUR_OWN, log_id),
        }
    }
}

/// Who is asking, or the 401 (with where to sign in, in feishu mode). `log_id` is for the log.
pub fn identify(
    sign_in: &SignIn,
    headers: &HeaderMap,
    now: SystemTime,
    log_id: &LogId,
) -> Result<Caller, Refused> {
    sign_in.identify(headers, now).map_err(|why| {
        match why {
            // A cookie that is not ours is worth a warning; a missing or lapsed one is routine.
            Unidentified::Session(CookieError::Forged) => {
                tracing::warn!(target: LOG_TARGET, request_id = %log_id, cause = %why, "refused: not signed in");
            }
            _ => {
                tracing::info!(target: LOG_TARGET, request_id = %log_id, cause = %why, "refused: not signed in");
            }
        }
        Refused::SignInRequired {
            login_url: sign_in.login_url(),
        }
    })
}

/// Whether `caller` may ask about `requested` under `employee_type`, or the 403. `log_id` is for
/// the log.
pub fn permit(
    caller: &Caller,
    employee_type: EmployeeType,
    requested: Requested<'_>,
    log_id: &LogId,
) -> Result<(), Refused> {
    let Caller::Person(identity) = caller else {
        return Ok(());
    };
    match decide(identity, employee_type, requested) {
        Decision::Allowed => Ok(()),
        Decision::Refused(why) => {
            tracing::info!(
                target: LOG_TARGET,
                request_id = %log_id,
                cause = ?why,
                employee_type = employee_type.as_str(),
                "refused: not the caller's own punches"
            );
            Err(Refused::NotYourOwn)
        }
    }
}

/// [`identify`] and [`permit`] in one, for a route that has everything at hand.
pub fn check(
    sign_in: &SignIn,
    headers: &HeaderMap,
    employee_type: EmployeeType,
    requested: Requested<'_>,
    now: SystemTime,
    log_id: &LogId,
) -> Result<(), Refused> {
    let caller = identify(sign_in, headers, now, log_id)?;
    permit(&caller, employee_type, requested, log_id)
}
