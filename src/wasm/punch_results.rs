//! A range's punch results in the browser: the reply's `data` (parsed by `JSON.parse`) read
//! straight into the core's [`Coverage`], and each covered day's records kept as Feishu sent them,
//! for the page.
//!
//! Only the results are copied into Rust (what the prefilter decides by); the records themselves
//! are handed to the page as they are, as a day's `entries` are, once every field the module
//! documents has its type: no new objects, no times formatted here (Feishu's Unix seconds pass
//! through; the page words them). A reply with a field of the wrong type is refused as a whole,
//! as a day's reply is, and the range then asks every day.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use crate::errors::BodyProblem;
use crate::prefilter::Coverage;
use crate::wasm::js::{get, is_array, is_record};
use crate::wasm::reply::{fits, integer, present, wrong, Kind, Misfit};

/// An entry's fields (one person's day) the module reads, and their types.
const ENTRY_FIELDS: [(&str, Kind); 2] = [("user_id", Kind::Text), ("day", Kind::Integer)];

/// A record's fields the module documents, and their types.
const RECORD_FIELDS: [(&str, Kind); 8] = [
    ("check_in_result", Kind::Text),
    ("check_out_result", Kind::Text),
    ("check_in_result_supplement", Kind::Text),
    ("check_out_result_supplement", Kind::Text),
    ("check_in_shift_time", Kind::Text),
    ("check_out_shift_time", Kind::Text),
    ("check_in_record", Kind::Object),
    ("check_out_record", Kind::Object),
];

/// A punch's fields (`check_in_record`, `check_out_record`), as the relay leaves them.
const PUNCH_FIELDS: [(&str, Kind); 2] = [("check_time", Kind::Text), ("type", Kind::Integer)];

/// Fills `coverage` from `data` of a punch-results reply; returns, by day index, its records (an
/// array, the day's entries' records in reply order) for each day an entry covered, else a hole.
pub(crate) fn read(data: &JsValue, coverage: &mut Coverage<'_>) -> Result<Array, BodyProblem> {
    let records = Array::new();
    fill(data, coverage, &records).map_err(|(key, expected)| wrong(key, expected))?;
    Ok(records)
}

/// [`read`]'s work, into `days`; the first misfit unworded.
fn fill(data: &JsValue, coverage: &mut Coverage<'_>, days: &Array) -> Result<(), Misfit> {
    for entry in items(data, "user_task_results")?.iter() {
        if !is_record(&entry) {
            return Err(("user_task_results[]", "an object"));
        }
        fits(&entry, &ENTRY_FIELDS)?;
        let list = items(&entry, "records")?;
        let user_id = text(&entry, "user_id");
        let day = get(&entry, "day").as_ref().and_then(integer);
        // Every record is checked, also of an entry that covers no day of the range: the reply
        // is held to its shape as a whole.
        let day = coverage.cover(user_id.as_deref(), day).map(|i| {
            let mut records = days.get(i as u32);
            if records.is_undefined() {
                records = Array::new().into();
                days.set(i as u32, records.clone());
            }
            (i, records)
        });
        for record in list.iter() {
            if !is_record(&record) {
                return Err(("records[]", "an object"));
            }
            fits(&record, &RECORD_FIELDS)?;
            punch(&record, "check_in_record")?;
            punch(&record, "check_out_record")?;
            if let Some((i, records)) = &day {
                let (check_in, check_out) = (
                    text(&record, "check_in_result"),
                    text(&record, "check_out_result"),
                );
                coverage.add(*i, check_in.as_deref(), check_out.as_deref());
                records.unchecked_ref::<Array>().push(&record);
            }
        }
    }
    listed(data, "invalid_user_ids", coverage)?;
    listed(data, "unauthorized_user_ids", coverage)
}

/// A punch of a record (`check_in_record`, `check_out_record`), checked.
fn punch(record: &JsValue, side: &'static str) -> Result<(), Misfit> {
    match get(record, side) {
        Some(punch) => fits(&punch, &PUNCH_FIELDS),
        None => Ok(()),
    }
}

/// The ids a reply lists under `key` (as invalid or unauthorized), noted in `coverage`.
fn listed(data: &JsValue, key: &'static str, coverage: &mut Coverage<'_>) -> Result<(), Misfit> {
    for id in items(data, key)?.iter() {
        if let Some(id) = id.as_string() {
            coverage.listed(&id);
        }
    }
    Ok(())
}

/// The items of `object[key]`: none when it is absent or `null`, refused when it is not an array.
/// `JSON.parse` made it: a plain array, read in place (`Array.from` would copy it).
fn items(object: &JsValue, key: &'static str) -> Result<Array, Misfit> {
    match present(object, key) {
        None => Ok(Array::new()),
        Some(list) if is_array(&list).unwrap_or(false) => Ok(list.unchecked_into()),
        Some(_) => Err((key, "an array")),
    }
}

/// `object[key]` when it is a string.
fn text(object: &JsValue, key: &'static str) -> Option<String> {
    get(object, key)?.as_string()
}
