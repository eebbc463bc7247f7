//! The `token` option at each call: `Authorization: Bearer <token>`, from the token given as a
//! string (checked with the other options), or from the page's function, called here once per
//! call, so a page in token mode gives a fresh signed token for each question without calling
//! `configure()` again. In a range query each day is a call of its own.
//!
//! What the function returns (a string, or a promise of one) is checked by the same rule as a
//! string option ([`validate::token`]). Its promise counts against the call's time limit and is
//! raced against the caller's signal, like a fetch, so a token source that never answers cannot
//! hang the module.
//!
//! Nothing about the token enters an error: not its value (a refusal names the field and the type
//! only), not the text of what the function threw (which could quote it).

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::errors::{Field, RemedyError, ValidationError};
use crate::text::cat;
use crate::validate::{self, Loose};
use crate::wasm::fetch::Call;
use crate::wasm::input::loose;
use crate::wasm::options::Token;

/// The `Authorization` value of a call, as far as it is known before anything is awaited.
pub(crate) enum Authorization {
    /// Known: none, or from the token given as a string.
    Ready(Option<String>),
    /// To come from what the page's function returned: a promise for [`Call::wait`], then
    /// [`from_source`].
    Pending(Promise),
}

/// The `Authorization` value of this call, if it has a token; for a token function, its promise
/// (the caller awaits it, within the call's time limit, and gives what it came to to
/// [`from_source`]). Not an `async fn`: `call::exchange` awaits in one state machine.
pub(crate) fn authorization(token: Option<&Token>) -> Result<Authorization, RemedyError> {
    let source = match token {
        None => return Ok(Authorization::Ready(None)),
        Some(Token::Fixed(token)) => return Ok(Authorization::Ready(Some(bearer(token)))),
        Some(Token::Source(source)) => source,
    };
    let returned = source
        .call0(&JsValue::UNDEFINED)
        .map_err(|_| refused("function that throws"))?;
    // `Promise.resolve` adopts a thenable and wraps a plain value.
    Ok(Authorization::Pending(Promise::resolve(&returned)))
}

/// The `Authorization` value from what the token function's promise came to (unless the call
/// stopped first: [`Call::unless_stop`]), checked as a token given as a string is.
pub(crate) fn from_source(
    call: &Call,
    settled: Result<JsValue, JsValue>,
) -> Result<String, RemedyError> {
    let settled = call.unless_stop(settled)?;
    let value = loose(&settled.map_err(|_| refused("function that rejects"))?);
    let token = validate::token(&value).map_err(|e| match value {
        // What a function returns is never "missing": it returned the wrong thing.
        Loose::Missing | Loose::Null => refused(value.type_name()),
        _ => e.into(),
    })?;
    Ok(bearer(&token))
}

fn bearer(token: &str) -> String {
    cat(&["Bearer ", token])
}

/// The refusal of a token function that did not give a token: the field and what it did.
fn refused(got: &'static str) -> RemedyError {
    ValidationError::wrong_type(Field::Token, "function returning a string", got).into()
}
