//! What the relay passes on of a punch-results reply (`user_tasks/query`): Feishu's shape, with
//! each punch object (`check_in_record`, `check_out_record`) cut down to the punch time
//! (`check_time`) and how it was made (`type`). Location, Wi-Fi (`ssid`, `bssid`), photos, device,
//! comment, coordinates and external ids are personal data a correction page does not need, so they
//! never leave the relay. Results, supplements, scheduled times and ids stay.
//!
//! An allowlist, not a list of what to drop: a field Feishu adds to its punch objects later is
//! removed too until someone decides a page needs it. Native callers only (the relay); the browser
//! reads the already minimized reply.

use serde_json::Value;

/// The keys holding a punch object.
pub const PUNCH_OBJECT_KEYS: [&str; 2] = ["check_in_record", "check_out_record"];

/// The only fields a punch object keeps.
pub const PUNCH_FIELDS_KEPT: [&str; 2] = ["check_time", "type"];

/// Cuts every punch object in `reply` down to [`PUNCH_FIELDS_KEPT`], wherever it sits (Feishu's
/// place is `data.user_task_results[].records[]`; looking everywhere means a reply shaped
/// unexpectedly cannot carry a punch past the relay whole). A punch key whose value is neither an
/// object nor `null` becomes `null`: it cannot be checked, so it is not passed on. Returns how many
/// punch objects were cut, for the relay's log.
pub fn minimize_punch_reply(reply: &mut Value) -> usize {
    match reply {
        Value::Object(map) => {
            let mut cut = 0;
            for (key, value) in map.iter_mut() {
                if PUNCH_OBJECT_KEYS.contains(&key.as_str()) {
                    cut += minimize_punch(value);
                } else {
                    cut += minimize_punch_reply(value);
                }
            }
            cut
        }
        Value::Array(items) => items.iter_mut().map(minimize_punch_reply).sum(),
        _ => 0,
    }
}

/// One punch object, in place; 1 when it was one.
fn minimize_punch(value: &mut Value) -> usize {
    match value {
        Value::Object(punch) => {
            punch.retain(|k, _| PUNCH_FIELDS_KEPT.contains(&k.as_str()));
            1
        }
        Value::Null => 0,
        other => {
            *other = Value::Null;
            0
        }
    }
}

/// [`minimize_punch_reply`] over a body as the relay receives it; `None` when the body is not
/// JSON (nothing in it can be checked, so the relay should not pass it on as it is).
/// (`serde_json`'s own nesting limit bounds the walk's recursion.)
pub fn minimize_punch_body(body: &[u8]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    minimize_punch_reply(&mut value);
    serde_json::to_vec(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::punch_results::{PunchResultsData, FULL_SAMPLE};
    use serde_json::json;

    #[test]
    fn the_full_sample_keeps_only_what_a_page_needs() {
        let mut v: Value = serde_json::from_str(FULL_SAMPLE).unwrap();
        let before: PunchResultsData = serde_json::from_value(v["data"].clone()).unwrap();
        assert_eq!(minimize_punch_reply(&mut v), 2);
        let record = &v["data"]["user_task_results"][0]["records"][0];
        assert_eq!(
            record["check_in_record"],
            json!({"check_time": "1566176400", "type": 0})
        );
        assert_eq!(
            record["check_out_record"],
            json!({"check_time": "1566209400", "type": 5})
        );
        // Results, supplements, scheduled times and ids stay.
        for key in [
            "check_in_record_id",
            "check_out_record_id",
            "check_in_result",
            "check_out_result",
            "check_in_result_supplement",
            "check_out_result_supplement",
            "check_in_shift_time",
            "check_out_shift_time",
            "task_shift_type",
        ] {
            assert!(record.get(key).is_some(), "{key}");
        }
        let day = &v["data"]["user_task_results"][0];
        for key in [
            "result_id",
            "user_id",
            "employee_name",
            "day",
            "group_id",
            "shift_id",
        ] {
            assert!(day.get(key).is_some(), "{key}");
        }
        assert_eq!(
            (v["code"].clone(), v["msg"].clone()),
            (json!(0), json!("success"))
        );
        // Nothing the page reads is lost: the typed reading is the same before and after.
        let after: PunchResultsData = serde_json::from_value(v["data"].clone()).unwrap();
        assert_eq!(before, after);
        // And none of the personal data is anywhere in the text.
        let text = v.to_string();
        for gone in [
            "location_name",
            "西溪八方城",
            "ssid",
            "b0:b8:67",
            "photo_urls",
            "clockin.biz",
            "device_id",
            "99e0609e",
            "comment",
            "上班打卡",
            "external_id",
            "idempotent_id",
            "is_field",
            "is_wifi",
            "longitude",
            "latitude",
            "creator_id",
        ] {
            assert!(!text.contains(gone), "{gone} left in {text}");
        }
    }

    #[test]
    fn punches_anywhere_are_cut_and_odd_values_dropped() {
        let mut v = json!({
            "data": {"elsewhere": [{"check_in_record": {"check_time": "1", "ssid": "x"}}]},
            "check_out_record": "a string: cannot be checked",
            "check_in_record": null,
        });
        assert_eq!(minimize_punch_reply(&mut v), 1);
        assert_eq!(
            v,
            json!({
                "data": {"elsewhere": [{"check_in_record": {"check_time": "1"}}]},
                "check_out_record": null,
                "check_in_record": null,
            })
        );
        // Error replies and other shapes pass unchanged.
        let mut e = json!({"code": 1220004, "msg": "no permission", "data": {}});
        let copy = e.clone();
        assert_eq!(minimize_punch_reply(&mut e), 0);
        assert_eq!(e, copy);
    }

    #[test]
    fn bodies() {
        let out = minimize_punch_body(FULL_SAMPLE.as_bytes()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\"check_time\":\"1566176400\""));
        assert!(!text.contains("device_id"));
        assert_eq!(minimize_punch_body(b"<html>"), None);
        assert_eq!(minimize_punch_body(b""), None);
        // Deep nesting is refused by the parser, not by a stack overflow in the walk.
        let deep = "[".repeat(10_000);
        assert_eq!(minimize_punch_body(deep.as_bytes()), None);
    }
}
