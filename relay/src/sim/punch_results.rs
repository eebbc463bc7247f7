//! Feishu's punch results, `POST /open-apis/attendance/v1/user_tasks/query`, as the simulation
//! answers them: what happened at each scheduled punch of each requested person's days, derived
//! from the same dataset as `query_user_allowed_remedys`, so the two endpoints agree.
//!
//! On a past day, a punch that `query_user_allowed_remedys` offers to correct shows as `Lack`
//! (no punch object), `Late` or `Early`; every other punch is `Normal`. Days beyond the
//! correction window keep their pattern (their corrections are refused with 1226503). Today's
//! punches are `Todo`, and future days have no entry. Punch objects are complete, as Feishu sends
//! them (location, Wi-Fi, photos, device, comment…): the relay is the one to strip them.
//!
//! This module is pure (no server state): the route ([`super::punch_route`]) and the
//! `/_sim/dataset` listing both call [`answer`].

use feishu_remedy::calendar::RemedyDate;
use feishu_remedy::catalogue;
use feishu_remedy::model::{AllowedRemedy, EmployeeType, PunchStatus, WorkType};
use serde::Serialize;

use super::clock::CHINA_OFFSET_SECS;
use super::dataset::{self, Behaviour, Employee, Schedule};
use crate::wire;

pub use feishu_remedy::punch_results::PUNCH_RESULTS_PATH;

/// Feishu's code for a user who is outside the app's data-permission scope.
const OUT_OF_SCOPE: i64 = 1_220_005;

/// A checked request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PunchRequest {
    /// How the ids are meant.
    pub employee_type: EmployeeType,
    /// The ids, duplicates dropped, in the order asked.
    pub user_ids: Vec<String>,
    /// First day.
    pub from: RemedyDate,
    /// Last day, inclusive.
    pub to: RemedyDate,
    /// `ignore_invalid_users=true`: answer for the valid ids and list the others.
    pub ignore_invalid_users: bool,
}

/// Checks a request as Feishu would: the query string and the raw body, by the core's
/// `validate::wire_punch_query` (the relay's own check, so the two agree on what is valid). The
/// error is the `msg` of a 1220001 reply, naming the field. Repeated ids are answered once.
pub fn parse(query: Option<&str>, body: &[u8]) -> Result<PunchRequest, String> {
    let query = wire::punch_query(query, body).map_err(|e| e.feishu_msg())?;
    let mut user_ids: Vec<String> = Vec::with_capacity(query.user_ids.len());
    for id in &query.user_ids {
        if !user_ids.iter().any(|seen| seen == id.as_str()) {
            user_ids.push(id.as_str().to_owned());
        }
    }
    Ok(PunchRequest {
        employee_type: query.employee_type,
        user_ids,
        from: query.check_date_from,
        to: query.check_date_to,
        ignore_invalid_users: query.flags.ignore_invalid_users == Some(true),
    })
}

/// What the simulation answers a checked request with (before any delay or alternation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PunchAnswer {
    /// Code 0 with this `data`.
    Results(PunchData),
    /// This Feishu error, with its catalogue status and message.
    Code(i64),
    /// The results, after [`dataset::SLOW_DELAY`] (`sim_slow` was asked about).
    Slow(PunchData),
    /// HTTP 502 with an HTML page (`sim_html_502`).
    Html502,
    /// 429 on odd requests, the results on even ones (`sim_429_once`), per first id and first day.
    RateLimitedOnce(PunchData),
    /// Always 429 + 99991400 (`sim_rate_limited`).
    RateLimited,
}

/// `data` of a successful reply.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PunchData {
    /// One entry per (user, day), users in the order asked, days in order.
    pub user_task_results: Vec<TaskResult>,
    /// Ids that name nobody (with `ignore_invalid_users=true`).
    pub invalid_user_ids: Vec<String>,
    /// Ids outside the app's data-permission scope (with `ignore_invalid_users=true`).
    pub unauthorized_user_ids: Vec<String>,
}

/// One person's day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskResult {
    /// The result's id.
    pub result_id: String,
    /// The id as asked, in the requested `employee_type`.
    pub user_id: String,
    /// The person's name.
    pub employee_name: String,
    /// `yyyyMMdd`.
    pub day: u32,
    /// The attendance group.
    pub group_id: String,
    /// The shift.
    pub shift_id: String,
    /// One record per on/off pair of the shift.
    pub records: Vec<TaskRecord>,
}

/// One on/off pair of a shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRecord {
    /// The clock-in's id (absent when there was none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_record_id: Option<String>,
    /// The clock-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_record: Option<Punch>,
    /// The clock-out's id (absent when there was none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_out_record_id: Option<String>,
    /// The clock-out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_out_record: Option<Punch>,
    /// `Normal`, `Late`, `Lack`, `Todo`…
    pub check_in_result: &'static str,
    /// `Normal`, `Early`, `Lack`, `Todo`…
    pub check_out_result: &'static str,
    /// `None` here: no leave, trip or approved correction in the dataset.
    pub check_in_result_supplement: &'static str,
    /// As `check_in_result_supplement`.
    pub check_out_result_supplement: &'static str,
    /// The scheduled clock-in, Unix seconds as a string.
    pub check_in_shift_time: String,
    /// The scheduled clock-out, Unix seconds as a string.
    pub check_out_shift_time: String,
    /// 0: a regular shift (1 would be overtime).
    pub task_shift_type: i64,
}

/// A punch as Feishu sends it, personal data included.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Punch {
    /// Who punched.
    pub user_id: String,
    /// Who recorded it.
    pub creator_id: String,
    /// Where.
    pub location_name: String,
    /// When, Unix seconds as a string.
    pub check_time: String,
    /// The person's comment.
    pub comment: String,
    /// The punch's id.
    pub record_id: String,
    /// The Wi-Fi network.
    pub ssid: String,
    /// The access point.
    pub bssid: String,
    /// Punched outside the office.
    pub is_field: bool,
    /// Punched by Wi-Fi.
    pub is_wifi: bool,
    /// 0: by the person.
    #[serde(rename = "type")]
    pub kind: i64,
    /// Photos taken at the punch.
    pub photo_urls: Vec<String>,
    /// The phone.
    pub device_id: String,
    /// The punch's own result.
    pub check_result: &'static str,
    /// An external system's id.
    pub external_id: String,
    /// The idempotency key it was sent with.
    pub idempotent_id: String,
}

/// The answer to `req` when today is `today`.
pub fn answer(req: &PunchRequest, today: RemedyDate) -> PunchAnswer {
    let mut data = PunchData::default();
    let (mut slow, mut once) = (false, false);
    for id in &req.user_ids {
        let Some(employee) = dataset::find(req.employee_type, id) else {
            if !req.ignore_invalid_users {
                return PunchAnswer::Code(dataset::USER_UNKNOWN);
            }
            data.invalid_user_ids.push(id.clone());
            continue;
        };
        match employee.behaviour {
            Behaviour::Html502 => return PunchAnswer::Html502,
            Behaviour::RateLimited => return PunchAnswer::RateLimited,
            Behaviour::Code(OUT_OF_SCOPE) if req.ignore_invalid_users => {
                data.unauthorized_user_ids.push(id.clone());
                continue;
            }
            Behaviour::Code(code) if !keeps_attendance(code) => return PunchAnswer::Code(code),
            Behaviour::Slow => slow = true,
            Behaviour::RateLimitedOnce => once = true,
            _ => {}
        }
        for date in days(req.from, req.to.min(today)) {
            data.user_task_results
                .push(task_result(employee, id, date, today));
        }
    }
    match (slow, once) {
        (true, _) => PunchAnswer::Slow(data),
        (false, true) => PunchAnswer::RateLimitedOnce(data),
        (false, false) => PunchAnswer::Results(data),
    }
}

/// Whether an employee whose corrections are refused with `code` still has punch results: the
/// group forbids corrections, or the quota is used up, but the person did punch.
fn keeps_attendance(code: i64) -> bool {
    code == catalogue::GROUP_FORBIDS || code == catalogue::QUOTA_USED_UP
}

fn days(from: RemedyDate, to: RemedyDate) -> impl Iterator<Item = RemedyDate> {
    (0..=from.days_until(to)).filter_map(move |n| from.add_days(n))
}

/// The shifts of an employee's day: (clock-in, clock-out) in minutes after midnight.
fn shifts(employee: &Employee) -> (&'static [(u32, u32)], &'static str) {
    match employee.behaviour {
        Behaviour::Schedule(Schedule::TwoShifts) => (
            &[(9 * 60, 12 * 60), (13 * 60 + 30, 18 * 60)],
            "6753520403404030216",
        ),
        // A free shift: the times are nominal, any time of the day counts.
        Behaviour::Schedule(Schedule::FreePunch) => (&[(9 * 60, 18 * 60)], "6753520403404030217"),
        _ => (&[(9 * 60, 18 * 60)], "6753520403404030215"),
    }
}

/// The punches `query_user_allowed_remedys` would offer to correct that day, window aside.
fn abnormal(
    employee: &Employee,
    user_id: &str,
    date: RemedyDate,
    today: RemedyDate,
) -> Vec<AllowedRemedy> {
    let days_ago = date.days_until(today);
    match employee.behaviour {
        Behaviour::Schedule(s) => dataset::abnormal_punches(s, user_id, date, days_ago),
        Behaviour::Code(_) => dataset::abnormal_punches(Schedule::Fixed, user_id, date, days_ago),
        Behaviour::Slow | Behaviour::RateLimitedOnce => {
            vec![dataset::missing_clock_in(user_id, date)]
        }
        Behaviour::Html502 | Behaviour::RateLimited => Vec::new(),
    }
}

fn task_result(
    employee: &Employee,
    user_id: &str,
    date: RemedyDate,
    today: RemedyDate,
) -> TaskResult {
    let (shift_times, shift_id) = shifts(employee);
    let is_today = date == today;
    let wrong = if is_today {
        Vec::new()
    } else {
        abnormal(employee, user_id, date, today)
    };
    let day = Stamp { user_id, date };
    let records = shift_times
        .iter()
        .enumerate()
        .map(|(k, &(start, end))| {
            let status = |work: WorkType| {
                wrong
                    .iter()
                    .find(|r| r.punch_no == Some(k as i64) && r.work_type == Some(work))
                    .and_then(|r| r.punch_status.clone())
            };
            let (in_result, in_at) = outcome(
                is_today,
                status(WorkType::OnDuty),
                start,
                -(3 + day.noise(k, 15)),
                12,
            );
            let (out_result, out_at) = outcome(
                is_today,
                status(WorkType::OffDuty),
                end,
                2 + day.noise(k + 7, 25),
                -19,
            );
            let punch = |at: Option<u32>, tag: u64, result| {
                at.map(|m| day.punch(m, k as u64 * 2 + tag, result))
            };
            TaskRecord {
                check_in_record_id: in_at.map(|_| day.id(k as u64 * 2)),
                check_in_record: punch(in_at, 0, in_result),
                check_out_record_id: out_at.map(|_| day.id(k as u64 * 2 + 1)),
                check_out_record: punch(out_at, 1, out_result),
                check_in_result: in_result,
                check_out_result: out_result,
                check_in_result_supplement: "None",
                check_out_result_supplement: "None",
                check_in_shift_time: day.unix(start).to_string(),
                check_out_shift_time: day.unix(end).to_string(),
                task_shift_type: 0,
            }
        })
        .collect();
    TaskResult {
        result_id: day.id(100),
        user_id: user_id.to_owned(),
        employee_name: name(employee, user_id),
        day: date.yyyymmdd(),
        group_id: "6737202939523236110".to_owned(),
        shift_id: shift_id.to_owned(),
        records,
    }
}

/// A punch's result and its time (minutes after midnight; `None`: no punch): on time by
/// `on_time` minutes from the scheduled `at`, or off by `off` minutes when late or early.
fn outcome(
    today: bool,
    status: Option<PunchStatus>,
    at: u32,
    on_time: i64,
    off: i64,
) -> (&'static str, Option<u32>) {
    let shifted = |m: i64| Some((i64::from(at) + m).clamp(0, 1439) as u32);
    match status {
        _ if today => ("Todo", None),
        Some(PunchStatus::Lack) => ("Lack", None),
        Some(PunchStatus::Late) => ("Late", shifted(off)),
        Some(PunchStatus::Early) => ("Early", shifted(off)),
        _ => ("Normal", shifted(on_time)),
    }
}

fn name(employee: &Employee, user_id: &str) -> String {
    match dataset::account(employee.employee_id) {
        Some(account) => account.name.to_owned(),
        None => format!("压测员工 {user_id}"),
    }
}

/// One person's day, for its ids and times.
#[derive(Clone, Copy)]
struct Stamp<'a> {
    user_id: &'a str,
    date: RemedyDate,
}

impl Stamp<'_> {
    /// A stable number for this person (FNV-1a, stable from run to run, unlike std's hasher).
    fn person(self) -> u64 {
        self.user_id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// A stable number for this person, day and `salt`.
    fn hash(self, salt: u64) -> u64 {
        crate::log_id::mix64(self.person() ^ u64::from(self.date.yyyymmdd()) ^ salt.rotate_left(40))
    }

    /// A 19-digit id like Feishu's.
    fn id(self, salt: u64) -> String {
        (7_000_000_000_000_000_000 + self.hash(salt) % 1_000_000_000_000_000_000).to_string()
    }

    /// 0 to `n - 1`, varying by day.
    fn noise(self, salt: usize, n: u64) -> i64 {
        (self.hash(1000 + salt as u64) % n) as i64
    }

    /// Unix seconds of `minutes` after midnight in China time on this day.
    fn unix(self, minutes: u32) -> i64 {
        self.date.days_since_epoch() * 86_400 + i64::from(minutes) * 60 - CHINA_OFFSET_SECS
    }

    fn punch(self, minutes: u32, salt: u64, result: &'static str) -> Punch {
        let id = self.id(salt);
        Punch {
            user_id: self.user_id.to_owned(),
            creator_id: self.user_id.to_owned(),
            location_name: "杭州市西湖区西溪八方城 3 号楼".to_owned(),
            check_time: (self.unix(minutes) + self.noise(salt as usize, 60)).to_string(),
            comment: String::new(),
            record_id: id.clone(),
            ssid: "Office-5G".to_owned(),
            bssid: "b0:b8:67:5c:1d:72".to_owned(),
            is_field: false,
            is_wifi: true,
            kind: 0,
            photo_urls: vec![format!("https://time.clockin.biz/manage/download/{id}")],
            // One phone per person.
            device_id: format!(
                "{:016x}{:016x}",
                crate::log_id::mix64(self.person()),
                crate::log_id::mix64(!self.person())
            ),
            check_result: result,
            external_id: String::new(),
            idempotent_id: String::new(),
        }
    }
}

#[cfg(test)]
mod tests;
