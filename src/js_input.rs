//! JavaScript values in, validated queries out: any value a page can pass (`null`, `NaN`, a
//! string where a number belongs, a Proxy whose getters throw) becomes either a query or a
//! validation error naming the field. Nothing here can throw or panic: every JavaScript operation
//! that could run user code (getters, Proxy traps) goes through a catching binding.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::model::RemedyQuery;
use crate::range::RangeQuery;
use crate::validate::{self, Field, Loose, Problem, ValidationError};

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, catching: it throws on a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub(crate) fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

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
    } else if let Some(s) = value.as_string() {
        Loose::Text(s)
    } else if is_array(value).unwrap_or(false) {
        Loose::Array
    } else {
        // Objects, functions, symbols, bigints: none is a valid scalar anywhere.
        Loose::Object
    }
}

/// `object[key]`, or `None` when reading it throws (a getter or a Proxy trap that throws).
pub(crate) fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &JsValue::from_str(key)).ok()
}

/// `object[key]` reduced to [`Loose`]; an unreadable property counts as an object, which no
/// scalar field accepts.
pub(crate) fn loose_at(object: &JsValue, key: &str) -> Loose {
    get(object, key).map_or(Loose::Object, |v| loose(&v))
}

/// Whether `value` is a plain-enough object to read fields from (not null, not an array).
fn is_record(value: &JsValue) -> bool {
    value.is_object() && !is_array(value).unwrap_or(true)
}

/// The error for a value that should have been an object.
fn not_an_object(field: Field, value: &Loose) -> ValidationError {
    let problem = match value {
        Loose::Missing | Loose::Null => Problem::Missing,
        other => Problem::WrongType {
            expected: "plain object",
            got: other.type_name(),
        },
    };
    ValidationError::new(field, problem)
}

/// The error for a property whose getter (or Proxy trap) threw when read.
pub(crate) fn unreadable(field: Field) -> ValidationError {
    ValidationError::new(
        field,
        Problem::WrongType {
            expected: "plain object",
            got: "value that throws when read",
        },
    )
}

/// Checks that `value` is an object, for `field`.
pub(crate) fn record(value: &JsValue, field: Field) -> Result<(), ValidationError> {
    if is_record(value) {
        Ok(())
    } else {
        Err(not_an_object(field, &loose(value)))
    }
}

/// `object[key]`, which must itself be an object (`params`, `data`).
fn record_at(object: &JsValue, key: &str, field: Field) -> Result<JsValue, ValidationError> {
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
