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

/// The `Authorization` value of this call, if it has a token.
pub(crate) async fn authorization(
    call: &Call,
    token: Option<&Token>,
) -> Result<Option<String>, RemedyError> {
    let source = match token {
        None => return Ok(None),
        Some(Token::Fixed(token)) => return Ok(Some(bearer(token))),
        Some(Token::Source(source)) => source,
    };
    let returned = source
        .call0(&JsValue::UNDEFINED)
        .map_err(|_| refused("function that throws"))?;
    // `Promise.resolve` adopts a thenable and wraps a plain value.
    let settled = call.settle(&Promise::resolve(&returned)).await?;
    let value = loose(&settled.map_err(|_| refused("function that rejects"))?);
    let token = validate::token(&value).map_err(|e| match value {
        // What a function returns is never "missing": it returned the wrong thing.
        Loose::Missing | Loose::Null => refused(value.type_name()),
        _ => e.into(),
    })?;
    Ok(Some(bearer(&token)))
}

fn bearer(token: &str) -> String {
    cat(&["Bearer ", token])
}

/// The refusal of a token function that did not give a token: the field and what it did.
fn refused(got: &'static str) -> RemedyError {
    ValidationError::wrong_type(Field::Token, "function returning a string", got).into()
}
