//! The wire types of Feishu's punch results, `POST /open-apis/attendance/v1/user_tasks/query`:
//! what happened at each scheduled punch of a person's days. The request as Feishu takes it (its
//! query string and body written by hand, like [`crate::model::RemedyQuery`]'s) and the reply as
//! Feishu sends it, field names unchanged.
//!
//! The reply types are tolerant as [`crate::model`]'s are: every field optional, a `null` or missing
//! list empty, integers accepted as JavaScript numbers, and a result string Feishu adds later kept
//! as [`CheckResult::Unknown`], which nothing treats as normal. The relay's simulation writes its
//! replies with them (serde); the browser reads only the results it needs from the parsed JSON
//! (`wasm::punch_results`), without serde's deserialiser in the wasm.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::RemedyDate;
use crate::model::{opt_int_serde, EmployeeType, UserId};
use crate::text::{cat, decimal, push_json_string};

/// Feishu's path for the endpoint; the relay serves the same path.
pub const PUNCH_RESULTS_PATH: &str = "/open-apis/attendance/v1/user_tasks/query";

/// The most ids one request may carry (Feishu's limit).
pub const MAX_USER_IDS: usize = 50;

/// The most days one request may cover, `check_date_from` to `check_date_to` inclusive. Feishu
/// publishes no maximum; two months is what the product needs (a range query covers at most
/// `range::MAX_RANGE_DAYS`, the same 62, so one call serves any range) and keeps one reply bounded.
pub const MAX_DAYS: u32 = 62;

/// The optional query flags, as Feishu takes them (`None`: not sent, Feishu's default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PunchFlags {
    /// `ignore_invalid_users`: true answers for the valid ids and lists the others; false (Feishu's
    /// default) fails the call when any id is invalid or out of scope.
    pub ignore_invalid_users: Option<bool>,
    /// `include_terminated_user`: true also answers for departed employees whose id was reused.
    pub include_terminated_user: Option<bool>,
}

/// A validated punch-results request: built by `validate::wire_punch_query` from what reaches the
/// relay, or by [`PunchQuery::for_range`] from a validated range, so holding one means it is fit
/// to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PunchQuery {
    /// How the ids identify employees.
    pub employee_type: EmployeeType,
    /// The query flags.
    pub flags: PunchFlags,
    /// 1 to [`MAX_USER_IDS`] employees.
    pub user_ids: Vec<UserId>,
    /// First day.
    pub check_date_from: RemedyDate,
    /// Last day (inclusive), at most [`MAX_DAYS`] days in all.
    pub check_date_to: RemedyDate,
    /// True adds overtime segments (`task_shift_type` 1); `None`: not sent.
    pub need_overtime_result: Option<bool>,
}

impl PunchQuery {
    /// One employee's days `from` to `to`, without flags: what a range query asks. The caller has
    /// checked the range (a `RangeQuery` is at most [`MAX_DAYS`] long).
    pub fn for_range(
        employee_type: EmployeeType,
        user_id: UserId,
        from: RemedyDate,
        to: RemedyDate,
    ) -> Self {
        PunchQuery {
            employee_type,
            flags: PunchFlags::default(),
            user_ids: vec![user_id],
            check_date_from: from,
            check_date_to: to,
            need_overtime_result: None,
        }
    }

    /// The query string as Feishu takes it: `employee_type=employee_id`, then the flags that are set.
    pub fn query_string(&self) -> String {
        let mut out = cat(&["employee_type=", self.employee_type.as_str()]);
        let flags = [
            ("&ignore_invalid_users=", self.flags.ignore_invalid_users),
            (
                "&include_terminated_user=",
                self.flags.include_terminated_user,
            ),
        ];
        for (name, value) in flags {
            if let Some(v) = value {
                out.push_str(name);
                out.push_str(if v { "true" } else { "false" });
            }
        }
        out
    }

    /// Path and query to append to a base URL.
    pub fn path_and_query(&self) -> String {
        cat(&[PUNCH_RESULTS_PATH, "?", &self.query_string()])
    }

    /// The JSON body, keys in the order of Feishu's example:
    /// `{"user_ids":["abd754f7"],"check_date_from":20190817,"check_date_to":20190820}`, plus
    /// `need_overtime_result` when set.
    pub fn body_json(&self) -> String {
        let mut ids = String::new();
        for (i, id) in self.user_ids.iter().enumerate() {
            if i > 0 {
                ids.push(',');
            }
            push_json_string(&mut ids, id.as_str());
        }
        let extra = match self.need_overtime_result {
            None => "",
            Some(true) => ",\"need_overtime_result\":true",
            Some(false) => ",\"need_overtime_result\":false",
        };
        body_json(&ids, self.check_date_from, self.check_date_to, extra)
    }
}

/// What a range query asks: one employee's days `from` to `to`, without flags, as the path with
/// its query and the body, exactly as [`PunchQuery::for_range`]'s would be written, without
/// building one. The browser sends only this request, and the general builders (a list of ids,
/// the flags) cost about 400 bytes gzipped of its wasm.
pub fn range_request(
    employee_type: EmployeeType,
    user_id: &UserId,
    from: RemedyDate,
    to: RemedyDate,
) -> (String, String) {
    let mut id = String::new();
    push_json_string(&mut id, user_id.as_str());
    let path = cat(&[
        PUNCH_RESULTS_PATH,
        "?employee_type=",
        employee_type.as_str(),
    ]);
    (path, body_json(&id, from, to, ""))
}

/// The body for `ids` (the list's items, written as JSON) from `from` to `to`, then `extra` (more
/// members, written, or nothing).
fn body_json(ids: &str, from: RemedyDate, to: RemedyDate, extra: &str) -> String {
    let mut out = String::from("{\"user_ids\":[");
    out.push_str(ids);
    out.push_str("],\"check_date_from\":");
    out.push_str(&decimal(i64::from(from.yyyymmdd())));
    out.push_str(",\"check_date_to\":");
    out.push_str(&decimal(i64::from(to.yyyymmdd())));
    out.push_str(extra);
    out.push('}');
    out
}

/// What happened at one scheduled punch (`check_in_result`, `check_out_result`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CheckResult {
    /// `NoNeedCheck`: no punch was needed.
    NoNeedCheck,
    /// `SystemCheck`: punched by the system (deprecated by Feishu).
    SystemCheck,
    /// `Normal`: on time.
    Normal,
    /// `Early`: left early.
    Early,
    /// `Late`: came late.
    Late,
    /// `Lack`: the punch is missing.
    Lack,
    /// `Todo`: not punched yet (the punch is still ahead).
    Todo,
    /// Any other value, as sent: unknown, never taken for normal.
    Unknown(String),
}

impl CheckResult {
    /// The wire string.
    pub fn as_str(&self) -> &str {
        match self {
            CheckResult::NoNeedCheck => "NoNeedCheck",
            CheckResult::SystemCheck => "SystemCheck",
            CheckResult::Normal => "Normal",
            CheckResult::Early => "Early",
            CheckResult::Late => "Late",
            CheckResult::Lack => "Lack",
            CheckResult::Todo => "Todo",
            CheckResult::Unknown(s) => s,
        }
    }

    /// Reads the wire string; unknown values are kept.
    pub fn from_wire(s: &str) -> Self {
        match s {
            "NoNeedCheck" => CheckResult::NoNeedCheck,
            "SystemCheck" => CheckResult::SystemCheck,
            "Normal" => CheckResult::Normal,
            "Early" => CheckResult::Early,
            "Late" => CheckResult::Late,
            "Lack" => CheckResult::Lack,
            "Todo" => CheckResult::Todo,
            other => CheckResult::Unknown(other.to_owned()),
        }
    }
}

impl Serialize for CheckResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CheckResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| CheckResult::from_wire(&s))
    }
}

/// A punch itself (`check_in_record`, `check_out_record`), as the relay passes it on: the time and
/// how it was made. Feishu's location, Wi-Fi, photos, device, comment and external ids are not
/// fields here; the relay removes them from the reply (`minimize`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PunchRecord {
    /// When, Unix seconds as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_time: Option<String>,
    /// How: 0 user, 1 admin change, 2 correction, 3 system, 4 off-duty exemption, 5 attendance
    /// machine, 6 quick punch, 7 imported.
    #[serde(
        default,
        rename = "type",
        with = "opt_int_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<i64>,
}

/// One on/off pair of a shift (a 9:00-18:00 shift has one, however often the person punched).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// The clock-in punch's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_record_id: Option<String>,
    /// The clock-in punch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_record: Option<PunchRecord>,
    /// The clock-out punch's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_out_record_id: Option<String>,
    /// The clock-out punch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_out_record: Option<PunchRecord>,
    /// What happened at clock-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_result: Option<CheckResult>,
    /// What happened at clock-out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_out_result: Option<CheckResult>,
    /// Why clock-in's result is what it is (`None`, `CardReplacement`: a correction was approved,
    /// `CardReplacementApplication`: one is pending, `Leave`, ...), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_result_supplement: Option<String>,
    /// The same for clock-out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_out_result_supplement: Option<String>,
    /// The scheduled clock-in, Unix seconds as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_shift_time: Option<String>,
    /// The scheduled clock-out, Unix seconds as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_out_shift_time: Option<String>,
    /// 0 a regular shift, 1 overtime.
    #[serde(
        default,
        with = "opt_int_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub task_shift_type: Option<i64>,
}

/// One person's day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTaskResult {
    /// The result's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_id: Option<String>,
    /// The employee, in the requested `employee_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The employee's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_name: Option<String>,
    /// The day, `yyyyMMdd`.
    #[serde(
        default,
        with = "opt_int_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub day: Option<i64>,
    /// The attendance group ("1": in none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// The shift ("9": the default shift).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_id: Option<String>,
    /// One entry per on/off pair of the shift.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub records: Vec<TaskRecord>,
}

/// `data` of a reply. Missing or `null` lists are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PunchResultsData {
    /// One entry per user and day.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub user_task_results: Vec<UserTaskResult>,
    /// Ids that are not employees (with `ignore_invalid_users`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub invalid_user_ids: Vec<String>,
    /// Ids outside the app's data-permission scope (with `ignore_invalid_users`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub unauthorized_user_ids: Vec<String>,
}

fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Feishu's reply in full, every punch field included: the tests' sample of what the relay receives.
#[cfg(test)]
pub(crate) const FULL_SAMPLE: &str = r#"{
  "code": 0, "msg": "success", "data": {
    "user_task_results": [ {
      "result_id": "6709359313699356941", "user_id": "abd754f7", "employee_name": "张三",
      "day": 20190819, "group_id": "6737202939523236110", "shift_id": "6753520403404030215",
      "records": [ {
        "check_in_record_id": "6709359313699356942",
        "check_in_record": {
          "user_id": "abd754f7", "creator_id": "abd754f7", "location_name": "西溪八方城",
          "check_time": "1566176400", "comment": "上班打卡", "record_id": "6709359313699356942",
          "longitude": 30.28991, "latitude": 120.04513, "ssid": "b0:b8:67:5c:1d:72",
          "bssid": "b0:b8:67:5c:1d:72", "is_field": false, "is_wifi": true, "type": 0,
          "photo_urls": ["https://time.clockin.biz/manage/download/6840389754748502021"],
          "device_id": "99e0609ee053448596502691a81428654d7ded64c7bd85acd982d26b3636c37d",
          "check_result": "Normal", "external_id": "record_123", "idempotent_id": "25"
        },
        "check_out_record_id": "6709359313699356943",
        "check_out_record": {
          "check_time": "1566209400", "location_name": "西溪八方城", "ssid": "s", "bssid": "b",
          "is_field": true, "is_wifi": false, "type": 5, "photo_urls": [], "device_id": "d",
          "comment": "c", "external_id": "e", "idempotent_id": "i", "record_id": "r"
        },
        "check_in_result": "Late", "check_out_result": "Normal",
        "check_in_result_supplement": "None", "check_out_result_supplement": "None",
        "check_in_shift_time": "1566176400", "check_out_shift_time": "1566208800",
        "task_shift_type": 0
      } ]
    } ],
    "invalid_user_ids": [], "unauthorized_user_ids": []
  }
}"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{self, Loose};

    fn date(n: i64) -> RemedyDate {
        RemedyDate::from_yyyymmdd(n).unwrap()
    }

    fn uid(s: &str) -> UserId {
        validate::user_id(&Loose::Text(s.into())).unwrap()
    }

    #[test]
    fn the_request_is_feishus_example() {
        let mut q = PunchQuery::for_range(
            EmployeeType::EmployeeId,
            uid("abd754f7"),
            date(20190817),
            date(20190820),
        );
        assert_eq!(
            q.path_and_query(),
            "/open-apis/attendance/v1/user_tasks/query?employee_type=employee_id"
        );
        assert_eq!(
            q.body_json(),
            r#"{"user_ids":["abd754f7"],"check_date_from":20190817,"check_date_to":20190820}"#
        );
        let (path, body) = range_request(
            EmployeeType::EmployeeId,
            &uid("abd754f7"),
            date(20190817),
            date(20190820),
        );
        assert_eq!((path, body), (q.path_and_query(), q.body_json()));
        let no = PunchQuery::for_range(
            EmployeeType::EmployeeNo,
            uid("E\"1\\"),
            date(20190817),
            date(20190817),
        );
        let request = range_request(
            EmployeeType::EmployeeNo,
            &uid("E\"1\\"),
            date(20190817),
            date(20190817),
        );
        assert_eq!(request, (no.path_and_query(), no.body_json()));
        q.user_ids.push(uid("E\"1\\"));
        q.need_overtime_result = Some(false);
        q.flags = PunchFlags {
            ignore_invalid_users: Some(true),
            include_terminated_user: Some(false),
        };
        assert_eq!(
            q.query_string(),
            "employee_type=employee_id&ignore_invalid_users=true&include_terminated_user=false"
        );
        let body: serde_json::Value = serde_json::from_str(&q.body_json()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"user_ids":["abd754f7","E\"1\\"],"check_date_from":20190817,
                "check_date_to":20190820,"need_overtime_result":false})
        );
    }

    #[test]
    fn the_full_reply_decodes() {
        let v: serde_json::Value = serde_json::from_str(FULL_SAMPLE).unwrap();
        let data: PunchResultsData = serde_json::from_value(v["data"].clone()).unwrap();
        let day = &data.user_task_results[0];
        assert_eq!(
            (day.user_id.as_deref(), day.day),
            (Some("abd754f7"), Some(20190819))
        );
        let r = &day.records[0];
        assert_eq!(r.check_in_result, Some(CheckResult::Late));
        assert_eq!(r.check_out_result, Some(CheckResult::Normal));
        assert_eq!(r.check_in_shift_time.as_deref(), Some("1566176400"));
        let punch = r.check_out_record.as_ref().unwrap();
        assert_eq!(
            (punch.check_time.as_deref(), punch.kind),
            (Some("1566209400"), Some(5))
        );
    }

    #[test]
    fn tolerant_of_absent_null_odd_and_new_values() {
        let data: PunchResultsData = serde_json::from_str(
            r#"{"user_task_results":[{"day":20240105.0,"records":null},
                {"records":[{"check_in_result":"Absent","check_out_result":null,"task_shift_type":1.0}]}],
               "invalid_user_ids":null,"unauthorized_user_ids":["u9"]}"#,
        )
        .unwrap();
        assert_eq!(data.user_task_results[0].day, Some(20240105));
        assert!(data.user_task_results[0].records.is_empty());
        let r = &data.user_task_results[1].records[0];
        assert_eq!(
            r.check_in_result,
            Some(CheckResult::Unknown("Absent".into()))
        );
        assert_eq!(r.check_out_result, None);
        assert_eq!(data.unauthorized_user_ids, ["u9"]);
        let empty: PunchResultsData = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, PunchResultsData::default());
        // Written back, absent fields stay absent and results keep their wire strings.
        let out = serde_json::to_value(&data.user_task_results[1]).unwrap();
        assert_eq!(
            out,
            serde_json::json!({"records":[{"check_in_result":"Absent","task_shift_type":1}]})
        );
    }

    #[test]
    fn every_known_result_reads_back_as_itself() {
        for s in [
            "NoNeedCheck",
            "SystemCheck",
            "Normal",
            "Early",
            "Late",
            "Lack",
            "Todo",
            "normal",
            "",
        ] {
            let r = CheckResult::from_wire(s);
            assert_eq!(r.as_str(), s);
            assert_eq!(
                matches!(r, CheckResult::Unknown(_)),
                s == "normal" || s.is_empty()
            );
        }
    }
}
