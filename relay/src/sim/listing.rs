//! `GET /_sim/dataset` (served by the relay in simulation mode): today's demo cases with real
//! dates, so browser and page tests pick their dates from here instead of repeating the
//! simulation's date logic. Every expectation is computed by [`super::dataset::answer`] itself.

use feishu_remedy::calendar::{days_in_month, RemedyDate};
use feishu_remedy::catalogue;
use feishu_remedy::model::EmployeeType;
use serde_json::{json, Value};

use super::dataset::{answer, Answer, EMPLOYEES, RUSH, SLOW_DELAY, WINDOW_DAYS};
use super::punch_results::{self, PunchAnswer, PunchData, PunchRequest};

/// A named case: who, which day (as days before today), and why it is there.
struct Case {
    name: &'static str,
    employee_type: EmployeeType,
    user_id: &'static str,
    days_ago: i64,
    description: &'static str,
}

const fn case(
    name: &'static str,
    employee_type: EmployeeType,
    user_id: &'static str,
    days_ago: i64,
    description: &'static str,
) -> Case {
    Case {
        name,
        employee_type,
        user_id,
        days_ago,
        description,
    }
}

const ID: EmployeeType = EmployeeType::EmployeeId;
const NO: EmployeeType = EmployeeType::EmployeeNo;

#[rustfmt::skip]
static CASES: &[Case] = &[
    case("missing_punch", ID, "abd754f7", 1, "one missing clock-in (Lack, punch_no 0, on duty)"),
    case("missing_punch_by_employee_no", NO, "E1001", 1, "the same day of the same person, asked by employee number"),
    case("late_and_early", ID, "abd754f7", 2, "came late and left early: two rows, Late and Early"),
    case("missing_clock_out", ID, "abd754f7", 4, "one missing clock-out (Lack, off duty)"),
    case("two_shifts", ID, "sim_two_shifts", 1, "a two-shift day: three rows, punch_no 0 and 1"),
    case("free_punch", ID, "sim_free_punch", 1, "a free shift: is_free_punch, windows spanning the day"),
    case("nothing_to_correct", ID, "abd754f7", 3, "attendance in order that day (1226501)"),
    case("always_in_order", ID, "sim_all_good", 1, "an employee who never has anything to correct (1226501)"),
    case("today", ID, "abd754f7", 0, "today is not over: nothing to correct yet (1226501)"),
    case("future_day", ID, "abd754f7", -1, "a future day: nothing to correct (1226501)"),
    case("group_forbids", ID, "sim_group_forbids", 1, "the attendance group forbids corrections (1226502)"),
    case("beyond_window", ID, "abd754f7", WINDOW_DAYS + 1, "older than the correction window (1226503)"),
    case("quota_used_up", ID, "sim_quota_used", 1, "no corrections left this cycle (1226504)"),
    case("unknown_employee", ID, "sim_nobody", 1, "no such employee (1220004)"),
    case("wrong_employee_type", ID, "E1001", 1, "an employee number sent as employee_id (1220004)"),
    case("out_of_scope", ID, "sim_out_of_scope", 1, "outside the app's data-permission scope (1220005)"),
    case("server_error", ID, "sim_server_error", 1, "Feishu system error (1225000, HTTP 500)"),
    case("slow", ID, "sim_slow", 1, "answers after 3 s (one missing clock-in): for client timeouts"),
    case("html_502", ID, "sim_html_502", 1, "HTTP 502 with an HTML body and no Feishu log id"),
    case("rate_limited_once", ID, "sim_429_once", 1, "per (user, day): 1st, 3rd… request 429 + 99991400 with x-ogw-ratelimit-reset: 1; 2nd, 4th… succeed"),
    case("rate_limited", ID, "sim_rate_limited", 1, "always 429 + 99991400 with x-ogw-ratelimit-reset: 1: retries run out"),
];

/// The whole listing for `today`.
pub fn listing(today: RemedyDate, rate_limit: u32) -> Value {
    let cases: Vec<Value> = CASES.iter().filter_map(|c| case_json(c, today)).collect();
    // Yesterday's month always has a day with punches to correct, even on the 1st.
    let month_of = today.add_days(-1).unwrap_or(today);
    let months = vec![
        month_json("month", "abd754f7", month_of, today),
        month_json("month_group_forbids", "sim_group_forbids", month_of, today),
    ];
    json!({
        "today": today.yyyymmdd(),
        "timezone": "Asia/Shanghai (UTC+8)",
        "window_days": WINDOW_DAYS,
        "rate_limit_per_second": rate_limit,
        "employees": employees_json(),
        "cases": cases,
        "months": months,
        "punch_results": punch_results_json(month_of, today),
    })
}

/// For every listed employee, the punch results (`user_tasks/query`) of the month listed in
/// `months`, 1st to last day, computed by the function that answers the route.
fn punch_results_json(any_day: RemedyDate, today: RemedyDate) -> Vec<Value> {
    let (y, m) = (any_day.year(), any_day.month());
    let (Ok(from), Ok(to)) = (
        RemedyDate::from_ymd(y, m, 1),
        RemedyDate::from_ymd(y, m, days_in_month(y, m)),
    ) else {
        return Vec::new();
    };
    EMPLOYEES
        .iter()
        .map(|e| {
            let req = PunchRequest {
                employee_type: ID,
                user_ids: vec![e.employee_id.to_owned()],
                from,
                to,
                ignore_invalid_users: false,
            };
            let mut v = json!({
                "employee_type": ID.as_str(),
                "user_id": e.employee_id,
                "check_date_from": from.yyyymmdd(),
                "check_date_to": to.yyyymmdd(),
            });
            merge(
                &mut v,
                punch_outcome_json(punch_results::answer(&req, today)),
            );
            v
        })
        .collect()
}

fn punch_outcome_json(a: PunchAnswer) -> Value {
    let data = |d: PunchData| Some(("data", json!(d)));
    match a {
        PunchAnswer::Results(d) => outcome(Kind::Ok, data(d)),
        PunchAnswer::Code(code) => outcome(Kind::Code(code), None),
        PunchAnswer::Slow(d) => outcome(Kind::Slow, data(d)),
        PunchAnswer::Html502 => outcome(Kind::Html502, None),
        PunchAnswer::RateLimitedOnce(d) => outcome(Kind::RateLimitedOnce, data(d)),
        PunchAnswer::RateLimited => outcome(Kind::RateLimited, None),
    }
}

fn case_json(c: &Case, today: RemedyDate) -> Option<Value> {
    let date = today.add_days(-c.days_ago)?;
    let mut v = json!({
        "name": c.name,
        "employee_type": c.employee_type.as_str(),
        "user_id": c.user_id,
        "date": date.yyyymmdd(),
        "description": c.description,
    });
    let outcome = outcome_json(&answer(c.employee_type, c.user_id, date, today));
    merge(&mut v, outcome);
    Some(v)
}

/// `expect` ("ok", "http_error" or the error code), `http_status`, and the rows when there are any.
fn outcome_json(a: &Answer) -> Value {
    let rows = |r| Some(("remedys", json!(r)));
    match a {
        Answer::Remedys(r) => outcome(Kind::Ok, rows(r)),
        Answer::Code(code) => outcome(Kind::Code(*code), None),
        Answer::Slow(r) => outcome(Kind::Slow, rows(r)),
        Answer::Html502 => outcome(Kind::Html502, None),
        Answer::RateLimitedOnce(r) => outcome(Kind::RateLimitedOnce, rows(r)),
        Answer::RateLimited => outcome(Kind::RateLimited, None),
    }
}

/// The kinds of answer both routes give.
enum Kind {
    Ok,
    Code(i64),
    Slow,
    Html502,
    RateLimitedOnce,
    RateLimited,
}

/// `expect`, `http_status` and what else a test needs for `kind`, plus the answer's `payload`
/// (its key and value) when it has one.
fn outcome(kind: Kind, payload: Option<(&str, Value)>) -> Value {
    let status_of = |code: i64| catalogue::find(code).map_or(500, |e| e.http_status);
    let mut v = match kind {
        Kind::Ok => json!({"expect": "ok", "http_status": 200}),
        Kind::Code(code) => json!({"expect": code, "http_status": status_of(code)}),
        Kind::Slow => json!({
            "expect": "ok", "http_status": 200, "delay_ms": SLOW_DELAY.as_millis() as u64,
        }),
        Kind::Html502 => json!({"expect": "http_error", "http_status": 502}),
        Kind::RateLimitedOnce => {
            json!({"expect": catalogue::RATE_LIMITED, "http_status": 429, "then": "ok"})
        }
        Kind::RateLimited => json!({"expect": catalogue::RATE_LIMITED, "http_status": 429}),
    };
    if let (Some(o), Some((key, value))) = (v.as_object_mut(), payload) {
        o.insert(key.to_owned(), value);
    }
    v
}

fn month_json(name: &str, user_id: &str, any_day: RemedyDate, today: RemedyDate) -> Value {
    let (y, m) = (any_day.year(), any_day.month());
    let days: Vec<Value> = (1..=days_in_month(y, m))
        .filter_map(|d| RemedyDate::from_ymd(y, m, d).ok())
        .map(|date| {
            let a = answer(ID, user_id, date, today);
            let rows = match &a {
                Answer::Remedys(rows) => rows.len(),
                _ => 0,
            };
            let mut v = json!({"date": date.yyyymmdd(), "rows": rows});
            merge(&mut v, outcome_json(&a));
            if let Some(o) = v.as_object_mut() {
                o.remove("remedys");
            }
            v
        })
        .collect();
    json!({
        "name": name,
        "employee_type": ID.as_str(),
        "user_id": user_id,
        "month": y * 100 + m,
        "days": days,
    })
}

fn employees_json() -> Vec<Value> {
    EMPLOYEES
        .iter()
        .chain(std::iter::once(&RUSH))
        .map(|e| {
            json!({
                "employee_id": e.employee_id,
                "employee_no": e.employee_no,
                "summary": e.summary,
            })
        })
        .collect()
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(a), Value::Object(b)) = (into.as_object_mut(), from) {
        a.extend(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_is_listed_with_a_real_date_and_expectation() {
        let today = RemedyDate::from_yyyymmdd(20260301).unwrap();
        let v = listing(today, 50);
        assert_eq!(v["today"], 20260301);
        let cases = v["cases"].as_array().unwrap();
        assert_eq!(cases.len(), CASES.len());
        let by_name = |n: &str| cases.iter().find(|c| c["name"] == n).unwrap().clone();
        assert_eq!(by_name("missing_punch")["date"], 20260228);
        assert_eq!(by_name("missing_punch")["expect"], "ok");
        assert_eq!(by_name("beyond_window")["expect"], 1226503);
        assert_eq!(by_name("server_error")["http_status"], 500);
        assert_eq!(by_name("html_502")["expect"], "http_error");
        // On the 1st, the month listed is the previous one, and it has days to correct.
        let month = &v["months"][0];
        assert_eq!(month["month"], 202602);
        assert_eq!(month["days"].as_array().unwrap().len(), 28);
        assert!(month["days"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["expect"] == "ok"));
        // Punch results for every listed employee, over that month.
        let punches = v["punch_results"].as_array().unwrap();
        assert_eq!(punches.len(), EMPLOYEES.len());
        let abd = &punches[0];
        assert_eq!(abd["user_id"], "abd754f7");
        assert_eq!(abd["check_date_from"], 20260201);
        assert_eq!(abd["check_date_to"], 20260228);
        let days = abd["data"]["user_task_results"].as_array().unwrap();
        assert_eq!(days.len(), 28, "February, all past");
        let by_user = |id: &str| punches.iter().find(|p| p["user_id"] == id).unwrap();
        assert_eq!(by_user("sim_server_error")["expect"], 1_225_000);
        assert_eq!(by_user("sim_html_502")["expect"], "http_error");
        let employees = v["employees"].as_array().unwrap();
        assert_eq!(employees.last().unwrap()["employee_id"], "rush_NNNN");
    }
}
