//! The punch results agree with `query_user_allowed_remedys` day by day; requests are checked as
//! Feishu checks them; the ids Feishu cannot answer for are listed or refused as the flag says.

use feishu_remedy::calendar::RemedyDate;
use feishu_remedy::catalogue;
use feishu_remedy::model::{EmployeeType, WorkType};

use super::*;
use crate::sim::clock::china_at;
use crate::sim::dataset::{answer as remedys, Answer, WINDOW_DAYS};

fn date(n: i64) -> RemedyDate {
    RemedyDate::from_yyyymmdd(n).unwrap()
}

const TODAY: i64 = 20260310;

fn request(ids: &[&str], from: i64, to: i64) -> PunchRequest {
    PunchRequest {
        employee_type: EmployeeType::EmployeeId,
        user_ids: ids.iter().map(|s| s.to_string()).collect(),
        from: date(from),
        to: date(to),
        ignore_invalid_users: false,
    }
}

fn results(a: PunchAnswer) -> PunchData {
    match a {
        PunchAnswer::Results(d) | PunchAnswer::Slow(d) | PunchAnswer::RateLimitedOnce(d) => d,
        other => panic!("no results: {other:?}"),
    }
}

/// (punch_no, on/off duty, result) of every punch that is not `Normal`.
fn abnormal_of(day: &TaskResult) -> Vec<(i64, WorkType, String)> {
    let mut out = Vec::new();
    for (k, r) in day.records.iter().enumerate() {
        if r.check_in_result != "Normal" {
            out.push((k as i64, WorkType::OnDuty, r.check_in_result.to_owned()));
        }
        if r.check_out_result != "Normal" {
            out.push((k as i64, WorkType::OffDuty, r.check_out_result.to_owned()));
        }
    }
    out
}

#[test]
fn every_past_day_agrees_with_the_allowed_remedys() {
    let today = date(TODAY);
    let from = today.add_days(-(WINDOW_DAYS + 10)).unwrap();
    for id in [
        "abd754f7",
        "sim_two_shifts",
        "sim_free_punch",
        "sim_all_good",
        "rush_0042",
        "sim_hr",
    ] {
        let req = request(
            &[id],
            i64::from(from.yyyymmdd()),
            i64::from(today.add_days(5).unwrap().yyyymmdd()),
        );
        let days = results(answer(&req, today)).user_task_results;
        // Every day up to today, none after.
        assert_eq!(days.len() as i64, WINDOW_DAYS + 11, "{id}");
        assert_eq!(days.last().unwrap().day, today.yyyymmdd());
        for day in &days[..days.len() - 1] {
            let d = date(i64::from(day.day));
            let expected: Vec<_> = match remedys(EmployeeType::EmployeeId, id, d, today) {
                Answer::Remedys(rows) => rows
                    .iter()
                    .map(|r| {
                        let status = r.punch_status.clone().unwrap();
                        (
                            r.punch_no.unwrap(),
                            r.work_type.unwrap(),
                            status.as_str().to_owned(),
                        )
                    })
                    .collect(),
                Answer::Code(catalogue::NOTHING_TO_CORRECT) => Vec::new(),
                // Beyond the window: the pattern goes on, corrections are refused.
                Answer::Code(1_226_503) => continue,
                other => panic!("{id} {d}: {other:?}"),
            };
            assert_eq!(abnormal_of(day), expected, "{id} on {}", day.day);
        }
    }
}

#[test]
fn today_is_todo_and_two_shifts_give_two_records() {
    let today = date(TODAY);
    let req = request(&["sim_two_shifts"], TODAY - 1, TODAY);
    let days = results(answer(&req, today)).user_task_results;
    assert_eq!(days.len(), 2);
    assert!(days.iter().all(|d| d.records.len() == 2));
    for r in &days[1].records {
        assert_eq!((r.check_in_result, r.check_out_result), ("Todo", "Todo"));
        assert!(r.check_in_record.is_none() && r.check_out_record.is_none());
    }
    let future = request(&["abd754f7"], TODAY + 1, TODAY + 5);
    assert!(results(answer(&future, today)).user_task_results.is_empty());
}

#[test]
fn times_are_plausible_china_times_on_the_day() {
    let today = date(TODAY);
    let req = request(&["abd754f7"], TODAY - 9, TODAY - 1);
    for day in results(answer(&req, today)).user_task_results {
        let r = &day.records[0];
        let clock = |unix: &str| {
            let (d, secs) = china_at(unix.parse().unwrap());
            assert_eq!(d.yyyymmdd(), day.day);
            secs / 60
        };
        assert_eq!(clock(&r.check_in_shift_time), 9 * 60);
        assert_eq!(clock(&r.check_out_shift_time), 18 * 60);
        match (r.check_in_result, &r.check_in_record) {
            ("Lack", None) => assert!(r.check_in_record_id.is_none()),
            ("Late", Some(p)) => assert!(clock(&p.check_time) > 9 * 60),
            ("Normal", Some(p)) => assert!((8 * 60 + 40..9 * 60).contains(&clock(&p.check_time))),
            other => panic!("{other:?}"),
        }
        if let Some(p) = &r.check_out_record {
            let at = clock(&p.check_time);
            match r.check_out_result {
                "Early" => assert!(at < 18 * 60),
                "Normal" => assert!((18 * 60..19 * 60).contains(&at)),
                other => panic!("{other}"),
            }
            // The whole punch, as Feishu sends it: the relay strips these.
            assert!(!p.location_name.is_empty() && !p.ssid.is_empty() && !p.bssid.is_empty());
            assert!(!p.photo_urls.is_empty() && p.device_id.len() == 32);
            assert_eq!(p.record_id, *r.check_out_record_id.as_ref().unwrap());
        }
    }
}

#[test]
fn corrections_refused_by_rule_still_have_punches() {
    let today = date(TODAY);
    for id in ["sim_group_forbids", "sim_quota_used"] {
        let days = results(answer(&request(&[id], TODAY - 7, TODAY - 1), today)).user_task_results;
        assert!(days.iter().any(|d| !abnormal_of(d).is_empty()), "{id}");
    }
    let slow = answer(&request(&["sim_slow"], TODAY - 1, TODAY - 1), today);
    let PunchAnswer::Slow(data) = slow else {
        panic!("{slow:?}")
    };
    assert_eq!(
        abnormal_of(&data.user_task_results[0]),
        [(0, WorkType::OnDuty, "Lack".to_owned())]
    );
}

#[test]
fn ids_feishu_cannot_answer_for_are_listed_or_refused() {
    let today = date(TODAY);
    let mut req = request(
        &["abd754f7", "sim_nobody", "sim_out_of_scope", "abd754f7"],
        TODAY - 2,
        TODAY - 1,
    );
    assert_eq!(
        req.user_ids.len(),
        4,
        "built by hand; parse drops duplicates"
    );
    req.user_ids.pop();
    assert_eq!(answer(&req, today), PunchAnswer::Code(1_220_004));
    req.ignore_invalid_users = true;
    let data = results(answer(&req, today));
    assert_eq!(data.user_task_results.len(), 2);
    assert_eq!(data.invalid_user_ids, ["sim_nobody"]);
    assert_eq!(data.unauthorized_user_ids, ["sim_out_of_scope"]);
    req.user_ids = vec!["sim_out_of_scope".to_owned()];
    req.ignore_invalid_users = false;
    assert_eq!(answer(&req, today), PunchAnswer::Code(1_220_005));
    for (id, expect) in [
        ("sim_server_error", PunchAnswer::Code(1_225_000)),
        ("sim_html_502", PunchAnswer::Html502),
        ("sim_rate_limited", PunchAnswer::RateLimited),
    ] {
        assert_eq!(
            answer(&request(&["abd754f7", id], TODAY - 1, TODAY - 1), today),
            expect
        );
    }
    // By employee number, the id echoed as asked.
    let mut by_no = request(&["E1001"], TODAY - 1, TODAY - 1);
    by_no.employee_type = EmployeeType::EmployeeNo;
    let data = results(answer(&by_no, today));
    assert_eq!(data.user_task_results[0].user_id, "E1001");
    assert_eq!(data.user_task_results[0].employee_name, "张伟");
}

#[test]
fn requests_are_checked_as_feishu_checks_them() {
    let ok = br#"{"user_ids":["abd754f7","abd754f7"],"check_date_from":20260301,"check_date_to":20260309}"#;
    let req = parse(
        Some("employee_type=employee_id&ignore_invalid_users=true"),
        ok,
    )
    .unwrap();
    assert_eq!(req.user_ids, ["abd754f7"], "duplicates dropped");
    assert!(req.ignore_invalid_users);
    let fifty_one = serde_json::json!({
        "user_ids": (0..51).map(|i| format!("u{i}")).collect::<Vec<_>>(),
        "check_date_from": 20260301, "check_date_to": 20260301,
    })
    .to_string();
    for (query, body, field) in [
        (None, &ok[..], "employee_type"),
        (Some("employee_type=open_id"), &ok[..], "employee_type"),
        (Some("employee_type=employee_id&ignore_invalid_users=yes"), &ok[..], "ignore_invalid_users"),
        (Some("employee_type=employee_id&include_terminated_user=1"), &ok[..], "include_terminated_user"),
        (Some("employee_type=employee_id"), &b"[]"[..], "request"),
        (Some("employee_type=employee_id"), &b"{"[..], "request"),
        (Some("employee_type=employee_id"), br#"{"user_ids":[],"check_date_from":20260301,"check_date_to":20260301}"#, "user_ids"),
        (Some("employee_type=employee_id"), fifty_one.as_bytes(), "user_ids"),
        (Some("employee_type=employee_id"), br#"{"user_ids":[" "],"check_date_from":20260301,"check_date_to":20260301}"#, "user_ids"),
        (Some("employee_type=employee_id"), br#"{"user_ids":"abd754f7","check_date_from":20260301,"check_date_to":20260301}"#, "user_ids"),
        (Some("employee_type=employee_id"), br#"{"user_ids":["a"],"check_date_from":20260230,"check_date_to":20260301}"#, "check_date_from"),
        (Some("employee_type=employee_id"), br#"{"user_ids":["a"],"check_date_from":20260301}"#, "check_date_to"),
        (Some("employee_type=employee_id"), br#"{"user_ids":["a"],"check_date_from":20260302,"check_date_to":20260301}"#, "check_date_to"),
        (Some("employee_type=employee_id"), br#"{"user_ids":["a"],"check_date_from":20260101,"check_date_to":20260304}"#, "check_date_to"),
        (Some("employee_type=employee_id"), br#"{"user_ids":["a"],"check_date_from":20260301,"check_date_to":20260301,"need_overtime_result":1}"#, "need_overtime_result"),
    ] {
        let msg = parse(query, body).unwrap_err();
        assert!(msg.starts_with(&format!("{field} invalid")), "{field}: {msg}");
    }
    let span = br#"{"user_ids":["a"],"check_date_from":20260101,"check_date_to":20260303}"#;
    assert!(
        parse(Some("employee_type=employee_no"), span).is_ok(),
        "62 days is the most"
    );
}
