//! JavaScript values in, validated queries out: any value a page can pass (`null`, `NaN`, a
//! string where a number belongs, a Proxy whose getters throw) becomes either a query or a
//! validation error naming the field. Nothing here can throw or panic: every JavaScript operation
//! that could run user code (getters, Proxy traps) goes through a catching binding.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use crate::errors::{Field, ValidationError};
use crate::model::RemedyQuery;
use crate::range::RangeQuery;
use crate::validate::{self, missing_or_wrong, Loose};
use crate::wasm::js::{bounded_text, get, is_array, is_record};

/// What validation needs to know about a JavaScript value.
pub(crate) fn loose(value: &JsValue) -> Loose {
    if value.is_undefined() {
        Loose::Missing
    } else if value.is_null() {
        Loose::Null
    } else if let Some(b) = value.as_bool() {
        Loose::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Loose::Number(n)
    } else if let Some(s) = value.dyn_ref::<JsString>() {
        Loose::Text(bounded_text(s))
    } else if is_array(value).unwrap_or(false) {
        Loose::Array
    } else {
        // Objects, functions, symbols, bigints: none is a valid scalar anywhere.
        Loose::Object
    }
}

/// `object[key]` reduced to [`Loose`]; an unreadable property counts as an object, which no
/// scalar field accepts.
pub(crate) fn loose_at(object: &JsValue, key: &'static str) -> Loose {
    get(object, key).map_or(Loose::Object, |v| loose(&v))
}

/// The error for a property whose getter (or Proxy trap) threw when read.
pub(crate) fn unreadable(field: Field) -> ValidationError {
    ValidationError::wrong_type(field, "plain object", "value that throws when read")
}

/// Checks that `value` is an object, for `field`.
pub(crate) fn record(value: &JsValue, field: Field) -> Result<(), ValidationError> {
    if is_record(value) {
        Ok(())
    } else {
        Err(missing_or_wrong(field, &loose(value), "plain object"))
    }
}

/// `object[key]`, which must itself be an object (`params`, `data`).
fn record_at(
    object: &JsValue,
    key: &'static str,
    field: Field,
) -> Result<JsValue, ValidationError> {
    let value = get(object, key).ok_or_else(|| unreadable(field))?;
    record(&value, field)?;
    Ok(value)
}

/// `params` and `data` of a request shaped like the Node SDK's call.
fn params_and_data(request: &JsValue) -> Result<(JsValue, JsValue), ValidationError> {
    record(request, Field::Request)?;
    let params = record_at(request, "params", Field::Params)?;
    let data = record_at(request, "data", Field::Data)?;
    Ok((params, data))
}

/// `{ params: { employee_type }, data: { user_id, remedy_date } }` as a checked query.
pub(crate) fn single_query(request: &JsValue) -> Result<RemedyQuery, ValidationError> {
    let (params, data) = params_and_data(request)?;
    validate::query(
        &loose_at(&params, "employee_type"),
        &loose_at(&data, "user_id"),
        &loose_at(&data, "remedy_date"),
    )
}

/// `{ params: { employee_type }, data: { user_id, from, to } }` as a checked range.
pub(crate) fn range_query(request: &JsValue) -> Result<RangeQuery, ValidationError> {
    let (params, data) = params_and_data(request)?;
    RangeQuery::from_loose(
        &loose_at(&params, "employee_type"),
        &loose_at(&data, "user_id"),
        &loose_at(&data, "from"),
        &loose_at(&data, "to"),
    )
}
