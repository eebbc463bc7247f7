//! Feishu's reply, parsed by the browser (`JSON.parse`), checked against the core's wire types.
//!
//! The rules are the core serde derive's: every entry field optional (`null` as absent), a `null`
//! or missing list empty, the old `user_allowed_remedy_times` key accepted, integers arriving as
//! JavaScript numbers. Checked by hand rather than with `serde_wasm_bindgen::from_value`: measured
//! on this module (release, `wasm-opt -Oz`), `from_value::<Envelope>` added 49 KB raw and 21 KB
//! gzipped to the wasm, through serde's error messages (float formatting) and a generic
//! deserialiser, about the whole size budget. serde-wasm-bindgen serves the other direction
//! instead, the success reply to JavaScript (`call::Reply::to_js`), where it costs a few KB.
//! The punches themselves are not copied into Rust: once every field has the right type, the
//! parsed objects are handed to the page as they are. A punch-results reply's `data` is read
//! into the core's types by `punch_results`, with the field readers here.

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

use crate::errors::BodyProblem;
use crate::model::{exact_integer, Envelope, ErrorDetail, Help};
use crate::text::cat;
use crate::wasm::js::{get, is_array, is_record, set};

type Shape<T> = Result<T, BodyProblem>;

/// The JSON type a field must have.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// A string.
    Text,
    /// A number holding an integer.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// An object (not an array).
    Object,
}

/// `AllowedRemedy`'s fields and their types.
const ENTRY_FIELDS: [(&str, Kind); 9] = [
    ("user_id", Kind::Text),
    ("remedy_date", Kind::Integer),
    ("is_free_punch", Kind::Boolean),
    ("punch_no", Kind::Integer),
    ("work_type", Kind::Integer),
    ("punch_status", Kind::Text),
    ("normal_punch_time", Kind::Text),
    ("remedy_start_time", Kind::Text),
    ("remedy_end_time", Kind::Text),
];

/// The relay's `/auth/me` fields and their types.
const USER_FIELDS: [(&str, Kind); 4] = [
    ("user_id", Kind::Text),
    ("employee_no", Kind::Text),
    ("name", Kind::Text),
    ("admin", Kind::Boolean),
];

/// The complaint about a field of the wrong type.
pub(crate) fn wrong(key: &str, expected: &str) -> BodyProblem {
    BodyProblem::WrongShape(cat(&[key, " must be ", expected]))
}

/// `object[key]` unless it is absent or `null`, which Feishu's optional fields allow.
pub(crate) fn present(object: &JsValue, key: &'static str) -> Option<JsValue> {
    get(object, key).filter(|v| !(v.is_undefined() || v.is_null()))
}

/// A JavaScript number holding an integer.
pub(crate) fn integer(v: &JsValue) -> Option<i64> {
    exact_integer(v.as_f64()?)
}

/// A field of the wrong type: its key and what it must be.
pub(crate) type Misfit = (&'static str, &'static str);

/// Checks that each field present on `object` has its type.
pub(crate) fn check(object: &JsValue, fields: &[(&'static str, Kind)]) -> Shape<()> {
    fits(object, fields).map_err(|(key, expected)| wrong(key, expected))
}

/// [`check`], the misfit unworded (nothing to drop on the way out of a reader).
pub(crate) fn fits(object: &JsValue, fields: &[(&'static str, Kind)]) -> Result<(), Misfit> {
    for &(key, kind) in fields {
        let Some(v) = present(object, key) else {
            continue;
        };
        let (fits, expected) = match kind {
            Kind::Text => (v.is_string(), "a string"),
            Kind::Integer => (integer(&v).is_some(), "an integer"),
            Kind::Boolean => (v.as_bool().is_some(), "a boolean"),
            Kind::Object => (is_record(&v), "an object"),
        };
        if !fits {
            return Err((key, expected));
        }
    }
    Ok(())
}

/// An optional string field.
pub(crate) fn opt_string(object: &JsValue, key: &'static str) -> Shape<Option<String>> {
    check(object, &[(key, Kind::Text)])?;
    Ok(present(object, key).and_then(|v| v.as_string()))
}

/// An optional object field.
pub(crate) fn opt_record(object: &JsValue, key: &'static str) -> Shape<Option<JsValue>> {
    match present(object, key) {
        Some(v) if is_record(&v) => Ok(Some(v)),
        Some(_) => Err(wrong(key, "an object")),
        None => Ok(None),
    }
}

/// Reads a success's `data` (an object): what the call returns of it.
pub(crate) type ReadData = fn(&JsValue) -> Shape<JsValue>;

/// Any reply of Feishu's, `{code, msg, data?, error?}`, and what `read_data` makes of a success's
/// `data` (an empty array when there is none, or on an error reply).
pub(crate) fn envelope(value: &JsValue, read_data: ReadData) -> Shape<(Envelope, JsValue)> {
    if !is_record(value) {
        return Err(wrong("the reply", "a JSON object"));
    }
    let code = get(value, "code")
        .as_ref()
        .and_then(integer)
        .ok_or_else(|| wrong("code", "an integer"))?;
    // A success is held to its whole shape: its list is what the page shows. An error reply is
    // read for its code, which is what a person acts on: an odd `msg`, `data` or `error` beside it
    // (none of which is needed to act on it) must not turn it into a decode error.
    let strict = code == 0;
    let list = match opt_record(value, "data") {
        Ok(Some(data)) if strict => read_data(&data)?,
        Err(e) if strict => return Err(e),
        _ => Array::new().into(),
    };
    let error = opt_record(value, "error").and_then(|e| e.map(|e| error_detail(&e)).transpose());
    let envelope = Envelope {
        code,
        msg: relaxed(strict, opt_string(value, "msg"))?.unwrap_or_default(),
        // The punches travel separately, as `list`.
        data: None,
        error: relaxed(strict, error)?,
    };
    Ok((envelope, list))
}

/// `read` itself for a success; for an error reply, what it read or nothing.
fn relaxed<T: Default>(strict: bool, read: Shape<T>) -> Shape<T> {
    match read {
        Err(_) if !strict => Ok(T::default()),
        other => other,
    }
}

/// `data.user_allowed_remedys` (or the old `user_allowed_remedy_times`), every entry checked.
pub(crate) fn punches(data: &JsValue) -> Shape<JsValue> {
    let Some(list) = present(data, "user_allowed_remedys")
        .or_else(|| present(data, "user_allowed_remedy_times"))
    else {
        return Ok(Array::new().into());
    };
    if !is_array(&list).unwrap_or(false) {
        return Err(wrong("user_allowed_remedys", "an array"));
    }
    // `JSON.parse` made it: a plain array, read in place (`Array.from` would copy it).
    for entry in list.unchecked_ref::<Array>().iter() {
        if !is_record(&entry) {
            return Err(wrong("user_allowed_remedys[]", "an object"));
        }
        check(&entry, &ENTRY_FIELDS)?;
    }
    Ok(list)
}

/// `data` itself, for a reader that checks it later (punch results).
pub(crate) fn data_itself(data: &JsValue) -> Shape<JsValue> {
    Ok(data.clone())
}

/// Feishu's `error` object: the log id and troubleshooting text are what a person needs, and the
/// first link (the relay's 401 names its sign-in page there). The violation lists are not read: an
/// error reply is not refused over their shape (nor over an odd `helps`, which is no link).
fn error_detail(object: &JsValue) -> Shape<ErrorDetail> {
    Ok(ErrorDetail {
        log_id: opt_string(object, "log_id")?,
        troubleshooter: opt_string(object, "troubleshooter")?,
        helps: first_help(object).map_or_else(Vec::new, |h| vec![h]),
        ..ErrorDetail::default()
    })
}

/// `helps[0]` with its `url`, when that is a string.
fn first_help(object: &JsValue) -> Option<Help> {
    let helps = present(object, "helps").filter(|h| is_array(h).unwrap_or(false))?;
    let url = opt_string(&helps.unchecked_ref::<Array>().get(0), "url").ok()??;
    Some(Help {
        url: Some(url),
        description: None,
    })
}

/// The relay's `/auth/me` answer, each field checked (`user_id`, `employee_no`, `name` strings,
/// `admin` a boolean), as the page gets it: `{ userId?, employeeNo?, name?, admin }`, a field
/// absent when the relay gave none, `admin` false unless it said true.
pub(crate) fn user(value: &JsValue) -> Shape<JsValue> {
    if !is_record(value) {
        return Err(wrong("the reply", "a JSON object"));
    }
    check(value, &USER_FIELDS)?;
    let out = Object::new();
    for (from, to) in [
        ("user_id", "userId"),
        ("employee_no", "employeeNo"),
        ("name", "name"),
    ] {
        if let Some(v) = present(value, from) {
            set(&out, to, &v);
        }
    }
    let admin = present(value, "admin").and_then(|a| a.as_bool());
    set(&out, "admin", &JsValue::from_bool(admin == Some(true)));
    Ok(out.into())
}
