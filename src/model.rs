//! The wire types of `query_user_allowed_remedys`: the request as Feishu takes it and the reply as
//! Feishu sends it, field names unchanged so that code and docs written for Feishu carry over.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

use crate::calendar::{is_punch_time, RemedyDate};
use crate::text::{cat, decimal, push_json_string};

/// Feishu's path for the endpoint; the relay serves the same path.
pub const QUERY_PATH: &str =
    "/open-apis/attendance/v1/user_task_remedys/query_user_allowed_remedys";

/// Feishu's path for getting a tenant access token for a self-built app.
pub const TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";

/// Which kind of identifier `user_id` is (the `employee_type` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmployeeType {
    /// The user ID shown in the admin console.
    EmployeeId,
    /// The employee number.
    EmployeeNo,
}

impl EmployeeType {
    /// Every value Feishu accepts, as written on the wire.
    pub const WIRE_VALUES: &'static [&'static str] = &["employee_id", "employee_no"];

    /// The value as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            EmployeeType::EmployeeId => "employee_id",
            EmployeeType::EmployeeNo => "employee_no",
        }
    }

    /// Parses the wire value; anything else is `None`.
    pub fn from_wire(value: &str) -> Option<Self> {
        match value {
            "employee_id" => Some(EmployeeType::EmployeeId),
            "employee_no" => Some(EmployeeType::EmployeeNo),
            _ => None,
        }
    }
}

/// A checked user identifier: non-empty, at most [`UserId::MAX_CHARS`] characters, no control
/// characters (they cannot be typed, and would corrupt logs and the hand-written JSON body), no
/// U+FFFD (a lone surrogate from JavaScript arrives as one: the ID would silently be another).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    /// The longest accepted identifier, in characters. Feishu IDs are 8 to 32 ASCII characters and
    /// employee numbers are short; 64 leaves room without letting a page send kilobytes.
    pub const MAX_CHARS: usize = 64;

    /// Wraps an identifier that [`crate::validate`] has already checked.
    pub(crate) fn new_unchecked(value: String) -> Self {
        UserId(value)
    }

    /// The identifier as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A validated request: only [`crate::validate`] builds one, so holding one means it is fit to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemedyQuery {
    /// How `user_id` identifies the employee.
    pub employee_type: EmployeeType,
    /// The employee.
    pub user_id: UserId,
    /// The day to look at.
    pub remedy_date: RemedyDate,
}

impl RemedyQuery {
    /// The query string, exactly as Feishu takes it: `employee_type=employee_id`.
    pub fn query_string(&self) -> String {
        cat(&["employee_type=", self.employee_type.as_str()])
    }

    /// Path and query to append to a base URL.
    pub fn path_and_query(&self) -> String {
        cat(&[QUERY_PATH, "?", &self.query_string()])
    }

    /// The JSON body, byte for byte as Feishu's example: `{"user_id":"abd754f7","remedy_date":20210104}`.
    ///
    /// Written by hand so the browser bundle needs no JSON serialiser; validation has excluded
    /// control characters, so escaping `"` and `\` is all JSON requires.
    pub fn body_json(&self) -> String {
        let mut out = String::with_capacity(48 + self.user_id.as_str().len());
        out.push_str("{\"user_id\":");
        push_json_string(&mut out, self.user_id.as_str());
        out.push_str(",\"remedy_date\":");
        out.push_str(&decimal(i64::from(self.remedy_date.yyyymmdd())));
        out.push('}');
        out
    }
}

/// On or off duty (`work_type`): 1 = clock in, 2 = clock out. Unknown values are kept, because
/// Feishu adds values over time and a page should still show the rest of the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkType {
    /// 1: the punch that starts a shift (上班).
    OnDuty,
    /// 2: the punch that ends a shift (下班).
    OffDuty,
    /// Any other value, as sent.
    Unknown(i64),
}

impl WorkType {
    /// The wire integer.
    pub fn wire(self) -> i64 {
        match self {
            WorkType::OnDuty => 1,
            WorkType::OffDuty => 2,
            WorkType::Unknown(n) => n,
        }
    }

    /// Reads the wire integer; unknown values are kept.
    pub fn from_wire(n: i64) -> Self {
        match n {
            1 => WorkType::OnDuty,
            2 => WorkType::OffDuty,
            n => WorkType::Unknown(n),
        }
    }
}

impl Serialize for WorkType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.wire())
    }
}

impl<'de> Deserialize<'de> for WorkType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor).map(WorkType::from_wire)
    }
}

/// Accepts any integer-valued number: JavaScript numbers arrive as floats.
struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        exact_integer(v).ok_or_else(|| E::custom("not an integer"))
    }
}

/// A JSON or JavaScript number as the integer it holds: `None` for fractions, `NaN`, infinities
/// and anything beyond 2^53, where a double no longer holds every integer (nothing valid lives up
/// there). The one rule for every integer the module reads: wire fields, Feishu's `code`, inputs.
pub(crate) fn exact_integer(n: f64) -> Option<i64> {
    // `fract()` of an infinity is `NaN`, so this also refuses infinities.
    (n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0).then_some(n as i64)
}

/// Integer fields that Feishu sends as `int`: decoded through [`IntVisitor`] so `1.0` from a
/// JavaScript number is accepted.
mod opt_int {
    use super::IntVisitor;
    use serde::{Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(deserialize_with = "int")] i64);
        fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
            d.deserialize_any(IntVisitor)
        }
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

/// Why the punch needs correcting (`punch_status`). Unknown values are kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PunchStatus {
    /// `Early`: left early.
    Early,
    /// `Late`: came late.
    Late,
    /// `Lack`: the punch is missing.
    Lack,
    /// Any other value, as sent.
    Unknown(String),
}

impl PunchStatus {
    /// The wire string.
    pub fn as_str(&self) -> &str {
        match self {
            PunchStatus::Early => "Early",
            PunchStatus::Late => "Late",
            PunchStatus::Lack => "Lack",
            PunchStatus::Unknown(s) => s,
        }
    }

    /// Reads the wire string; unknown values are kept.
    pub fn from_wire(s: &str) -> Self {
        match s {
            "Early" => PunchStatus::Early,
            "Late" => PunchStatus::Late,
            "Lack" => PunchStatus::Lack,
            other => PunchStatus::Unknown(other.to_owned()),
        }
    }
}

impl Serialize for PunchStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PunchStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| PunchStatus::from_wire(&s))
    }
}

/// A `yyyy-MM-dd HH:mm` time, kept exactly as sent; [`PunchTime::is_well_formed`] says whether it
/// is a real time. A malformed one does not fail the reply: the page can still show the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PunchTime(pub String);

impl PunchTime {
    /// Whether the text is a real time in Feishu's `yyyy-MM-dd HH:mm` form.
    pub fn is_well_formed(&self) -> bool {
        is_punch_time(&self.0)
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One correctable punch. Every field is optional, as in the official SDKs, so a reply that omits
/// one still decodes; absent fields stay absent when re-serialised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AllowedRemedy {
    /// The employee, in the requested `employee_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The day, `yyyyMMdd`.
    #[serde(
        default,
        with = "opt_int_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub remedy_date: Option<i64>,
    /// A free shift: the user just picks a time and `punch_no` does not matter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_free_punch: Option<bool>,
    /// Which on/off pair of the day: 0 = 1st, 1 = 2nd, 2 = 3rd.
    #[serde(
        default,
        with = "opt_int_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub punch_no: Option<i64>,
    /// On or off duty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_type: Option<WorkType>,
    /// Why it needs correcting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub punch_status: Option<PunchStatus>,
    /// The scheduled time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_punch_time: Option<PunchTime>,
    /// The earliest time a correction may claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy_start_time: Option<PunchTime>,
    /// The latest time a correction may claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy_end_time: Option<PunchTime>,
}

/// `opt_int` for deserialising, plain `Option<i64>` for serialising (also the punch-results types').
pub(crate) mod opt_int_serde {
    pub(crate) use super::opt_int::deserialize;
    use serde::Serializer;

    pub(crate) fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(n) => s.serialize_i64(*n),
            None => s.serialize_none(),
        }
    }
}

/// `data` of a reply. A missing or `null` list is an empty list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RemedyData {
    /// The correctable punches. One old English page of Feishu's calls the key
    /// `user_allowed_remedy_times`; it is accepted too.
    #[serde(
        default,
        alias = "user_allowed_remedy_times",
        deserialize_with = "null_as_empty"
    )]
    pub user_allowed_remedys: Vec<AllowedRemedy>,
}

fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<AllowedRemedy>, D::Error> {
    Ok(Option::<Vec<AllowedRemedy>>::deserialize(d)?.unwrap_or_default())
}

/// A field-level or permission-level complaint in Feishu's `error` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The field or permission concerned.
    #[serde(default, alias = "subject", skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Feishu's optional `error` object on failed replies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// The log id Feishu support asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_id: Option<String>,
    /// A text with a link to Feishu's troubleshooting page for this log id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub troubleshooter: Option<String>,
    /// Missing permissions.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty_vec"
    )]
    pub permission_violations: Vec<Violation>,
    /// Invalid fields.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty_vec"
    )]
    pub field_violations: Vec<Violation>,
}

fn null_as_empty_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Violation>, D::Error> {
    Ok(Option::<Vec<Violation>>::deserialize(d)?.unwrap_or_default())
}

/// Any reply of Feishu's, success or failure: `{code, msg, data?, error?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// 0 on success, else an error code (see [`crate::catalogue`]).
    #[serde(deserialize_with = "int")]
    pub code: i64,
    /// Feishu's message.
    #[serde(default, deserialize_with = "null_as_empty_string")]
    pub msg: String,
    /// Present on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RemedyData>,
    /// Present on some failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntVisitor)
}

fn null_as_empty_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A successful reply as the browser module returns it: Feishu's shape, the list always present,
/// plus the log id taken from the reply's headers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemedyResponse {
    /// Always 0.
    pub code: i64,
    /// Feishu's message (`success`).
    pub msg: String,
    /// The correctable punches.
    pub data: RemedyData,
    /// The log id Feishu support asks for, when the reply carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_REPLY: &str = r#"{
        "code": 0,
        "msg": "success",
        "data": {
            "user_allowed_remedys": [
                {
                    "user_id": "abd754f7",
                    "remedy_date": 20210104,
                    "is_free_punch": false,
                    "punch_no": 0,
                    "work_type": 1,
                    "punch_status": "Lack",
                    "normal_punch_time": "2021-07-01 09:00",
                    "remedy_start_time": "2021-07-01 08:00",
                    "remedy_end_time": "2021-07-01 10:00"
                }
            ]
        }
    }"#;

    #[test]
    fn seed_reply_decodes_and_round_trips() {
        let env: Envelope = serde_json::from_str(SEED_REPLY).unwrap();
        let list = &env.data.as_ref().unwrap().user_allowed_remedys;
        assert_eq!(list.len(), 1);
        let e = &list[0];
        assert_eq!(e.work_type, Some(WorkType::OnDuty));
        assert_eq!(e.punch_status, Some(PunchStatus::Lack));
        assert!(e.normal_punch_time.as_ref().unwrap().is_well_formed());
        let again = serde_json::to_value(&env).unwrap();
        let seed: serde_json::Value = serde_json::from_str(SEED_REPLY).unwrap();
        assert_eq!(again, seed);
    }

    #[test]
    fn unknown_enum_values_are_kept() {
        let e: AllowedRemedy =
            serde_json::from_str(r#"{"work_type":7,"punch_status":"Absent"}"#).unwrap();
        assert_eq!(e.work_type, Some(WorkType::Unknown(7)));
        assert_eq!(e.punch_status, Some(PunchStatus::Unknown("Absent".into())));
        let back = serde_json::to_string(&e).unwrap();
        assert_eq!(back, r#"{"work_type":7,"punch_status":"Absent"}"#);
    }

    #[test]
    fn missing_or_null_list_is_empty_and_old_key_is_accepted() {
        for body in [r#"{}"#, r#"{"user_allowed_remedys":null}"#] {
            let d: RemedyData = serde_json::from_str(body).unwrap();
            assert!(d.user_allowed_remedys.is_empty());
        }
        let d: RemedyData =
            serde_json::from_str(r#"{"user_allowed_remedy_times":[{"punch_no":1}]}"#).unwrap();
        assert_eq!(d.user_allowed_remedys[0].punch_no, Some(1));
    }

    #[test]
    fn integers_arrive_as_floats_from_javascript() {
        let e: AllowedRemedy =
            serde_json::from_str(r#"{"punch_no":1.0,"work_type":2.0,"remedy_date":20210104.0}"#)
                .unwrap();
        assert_eq!(e.punch_no, Some(1));
        assert_eq!(e.work_type, Some(WorkType::OffDuty));
        assert_eq!(e.remedy_date, Some(20210104));
        assert!(serde_json::from_str::<AllowedRemedy>(r#"{"punch_no":1.5}"#).is_err());
    }

    #[test]
    fn malformed_times_are_kept_as_sent() {
        let e: AllowedRemedy = serde_json::from_str(r#"{"remedy_end_time":"soon"}"#).unwrap();
        let t = e.remedy_end_time.unwrap();
        assert_eq!(t.as_str(), "soon");
        assert!(!t.is_well_formed());
    }

    #[test]
    fn employee_type_wire_values() {
        for v in EmployeeType::WIRE_VALUES {
            assert_eq!(EmployeeType::from_wire(v).unwrap().as_str(), *v);
        }
        assert_eq!(EmployeeType::from_wire("open_id"), None);
        assert_eq!(EmployeeType::from_wire("EMPLOYEE_ID"), None);
    }
}
