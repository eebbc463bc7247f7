//! A range's punch results in the browser: the reply's `data` (parsed by `JSON.parse`) read
//! straight into the core's [`Coverage`], and each day's punches as JavaScript objects for the page.
//!
//! Only what the prefilter and the page use is read (ids, days, results, supplements, scheduled
//! and punch times), and no other copy of the reply is made in Rust. A field of an unexpected type
//! counts as absent, which can only make a day be asked: a result that is not a string is no
//! result (asked), a list that is not an array covers no day (asked), a time that is not a string
//! is not shown. Only a reply whose `user_task_results` is not a list is refused as a whole.

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

use crate::errors::BodyProblem;
use crate::model::exact_integer;
use crate::prefilter::{Coverage, DayPunch, PunchSide};
use crate::punch_results::CheckResult;
use crate::wasm::js::{get, is_array, set};
use crate::wasm::reply::{present, wrong};

/// Fills `coverage` from `data` of a punch-results reply.
pub(crate) fn read(data: &JsValue, coverage: &mut Coverage<'_>) -> Result<(), BodyProblem> {
    let entries = present(data, "user_task_results");
    if entries
        .as_ref()
        .is_some_and(|e| !is_array(e).unwrap_or(false))
    {
        return Err(wrong("user_task_results", "an array"));
    }
    for entry in items(entries) {
        let user_id = text(&entry, "user_id");
        let day = get(&entry, "day").and_then(|d| exact_integer(d.as_f64()?));
        let Some(i) = coverage.cover(user_id.as_deref(), day) else {
            continue;
        };
        for record in items(get(&entry, "records")) {
            coverage.add(i, pair(&record));
        }
    }
    for key in ["invalid_user_ids", "unauthorized_user_ids"] {
        for id in items(get(data, key)) {
            if let Some(id) = id.as_string() {
                coverage.listed(&id);
            }
        }
    }
    Ok(())
}

/// The items of a list, none when it is not an array. `JSON.parse` made it: a plain array, read in
/// place (`Array.from` would copy it).
fn items(list: Option<JsValue>) -> Array {
    match list {
        Some(list) if is_array(&list).unwrap_or(false) => list.unchecked_into(),
        _ => Array::new(),
    }
}

/// `object[key]` when it is a string.
fn text(object: &JsValue, key: &'static str) -> Option<String> {
    get(object, key)?.as_string()
}

/// One record: both sides, by their wire names.
fn pair(record: &JsValue) -> DayPunch {
    let side = |[result, supplement, punch, scheduled]: [&'static str; 4]| {
        let punched = get(record, punch).and_then(|p| text(&p, "check_time"));
        PunchSide::from_wire(
            text(record, result).as_deref(),
            text(record, supplement),
            punched.as_deref(),
            text(record, scheduled).as_deref(),
        )
    };
    DayPunch {
        check_in: side([
            "check_in_result",
            "check_in_result_supplement",
            "check_in_record",
            "check_in_shift_time",
        ]),
        check_out: side([
            "check_out_result",
            "check_out_result_supplement",
            "check_out_record",
            "check_out_shift_time",
        ]),
    }
}

/// A day's punches for the page: `[{ checkIn, checkOut }]`, each side
/// `{ result, supplement, time, scheduled }` (`null` where the reply had none).
pub(crate) fn punches_to_js(punches: &[DayPunch]) -> JsValue {
    let out = Array::new();
    for p in punches {
        let pair = Object::new();
        set(&pair, "checkIn", &side_to_js(&p.check_in));
        set(&pair, "checkOut", &side_to_js(&p.check_out));
        out.push(&pair);
    }
    out.into()
}

fn side_to_js(side: &PunchSide) -> JsValue {
    let o = Object::new();
    let text = |v: Option<&str>| v.map_or(JsValue::NULL, JsValue::from_str);
    set(
        &o,
        "result",
        &text(side.result.as_ref().map(CheckResult::as_str)),
    );
    set(&o, "supplement", &text(side.supplement.as_deref()));
    set(&o, "time", &text(side.time.as_deref()));
    set(&o, "scheduled", &text(side.scheduled.as_deref()));
    o.into()
}
