//! JavaScript values in, validated queries out: any value a page can pass (`null`, `NaN`, a
//! string where a number belongs, a Proxy whose getters throw) becomes either a query or a
//! validation error naming the field. Nothing here can throw or panic: every JavaScript operation
//! that could run user code (getters, Proxy traps) goes through a catching binding.

use std::cell::RefCell;

use js_sys::{JsString, Reflect};
use wasm_bindgen::prelude::*;

use crate::model::RemedyQuery;
use crate::range::RangeQuery;
use crate::validate::{self, Field, Loose, Problem, ValidationError, MAX_TEXT_UNITS};

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
    } else if let Some(s) = value.dyn_ref::<JsString>() {
        Loose::Text(bounded_text(s))
    } else if is_array(value).unwrap_or(false) {
        Loose::Array
    } else {
        // Objects, functions, symbols, bigints: none is a valid scalar anywhere.
        Loose::Object
    }
}

thread_local! {
    /// The property names read so far as JavaScript strings, by the address and length of their
    /// `'static` text. A call reads about thirty names; making each a fresh JavaScript string (a
    /// `TextDecoder` pass each) was the largest per-call cost of the module's own in `make bench
    /// PROFILE=1`: caching them took about 0.03x off the bench ratio, for about 270 B gzipped.
    static KEYS: RefCell<Vec<(usize, usize, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// `name` as a JavaScript string, made once per module instance. No JavaScript runs while the
/// cache is borrowed, so a getter calling back into the module cannot find it borrowed.
pub(crate) fn key(name: &'static str) -> JsValue {
    let id = (name.as_ptr() as usize, name.len());
    let known = KEYS.with(|k| {
        k.borrow()
            .iter()
            .find(|(p, n, _)| (*p, *n) == id)
            .map(|(_, _, v)| v.clone())
    });
    known.unwrap_or_else(|| {
        let made = JsValue::from_str(name);
        KEYS.with(|k| k.borrow_mut().push((id.0, id.1, made.clone())));
        made
    })
}

/// A JavaScript string in Rust, cut to one UTF-16 unit more than [`MAX_TEXT_UNITS`] before it is
/// copied: every text field refuses that length, and a page passing a string of hundreds of
/// megabytes must get a validation error, not a module that ran out of memory (a trap).
pub(crate) fn bounded_text(s: &JsString) -> String {
    let cap = MAX_TEXT_UNITS as u32 + 1;
    if s.length() > cap {
        s.slice(0, cap).into()
    } else {
        s.into()
    }
}

/// `object[key]`, or `None` when reading it throws (a getter or a Proxy trap that throws) or
/// `object` is not an object. `Reflect.get` throws on a primitive; asking first avoids that thrown
/// and caught TypeError (stack trace and all), which on `undefined` options was about a tenth of
/// every call's time in `make bench`.
pub(crate) fn get(object: &JsValue, name: &'static str) -> Option<JsValue> {
    if !(object.is_object() || object.is_function()) {
        return None;
    }
    Reflect::get(object, &key(name)).ok()
}

/// `object[key]` reduced to [`Loose`]; an unreadable property counts as an object, which no
/// scalar field accepts.
pub(crate) fn loose_at(object: &JsValue, key: &'static str) -> Loose {
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
