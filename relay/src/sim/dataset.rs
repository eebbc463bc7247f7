//! The simulation's employees and what Feishu would answer for each of their days. Every date is
//! relative to today (China time), so the demo shows the same kinds of days whenever it runs.
//!
//! One function, [`answer`], decides every reply; the simulation's server and the
//! `/_sim/dataset` listing both call it, so the listing can never disagree with the server.

use std::time::Duration;

use feishu_remedy::calendar::RemedyDate;
use feishu_remedy::catalogue;
use feishu_remedy::model::{AllowedRemedy, EmployeeType, PunchStatus, PunchTime, WorkType};

/// How many past days a correction may reach (the attendance group's setting): older ones get
/// 1226503. 30 keeps the whole current month inside the window on every day of the month.
pub const WINDOW_DAYS: i64 = 30;

/// How long `sim_slow` waits: long enough for a browser timeout of a few hundred ms to fire, well
/// under the relay's default upstream timeout of 10 s.
pub const SLOW_DELAY: Duration = Duration::from_secs(3);

/// 1220004: the user does not exist (or is not visible), also for an ID of the other kind.
pub const USER_UNKNOWN: i64 = 1_220_004;

/// A work pattern, which decides what each day shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// 09:00 to 18:00. By days ago, in a weekly cycle: 1 → a missing clock-in; 2 → late and left
    /// early; 4 → a missing clock-out; other days → nothing to correct.
    Fixed,
    /// 09:00 to 12:00 and 13:30 to 18:00 (`punch_no` 0 and 1). Odd days ago → late for the 1st, no
    /// clock-out for the 1st, left the 2nd early; even days → nothing to correct.
    TwoShifts,
    /// A free shift (`is_free_punch`). Odd days ago → both punches missing, claimable all day.
    FreePunch,
    /// Always in order: nothing to correct, ever.
    InOrder,
}

/// How an employee's queries are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// By the day and the schedule.
    Schedule(Schedule),
    /// Always this error code, whatever the day.
    Code(i64),
    /// After [`SLOW_DELAY`], one missing clock-in.
    Slow,
    /// HTTP 502 with an HTML page, like a broken gateway in front of Feishu.
    Html502,
    /// Alternating per day asked: the 1st, 3rd… request gets 429 + 99991400, the 2nd, 4th… one
    /// missing clock-in.
    RateLimitedOnce,
    /// Always 429 + 99991400 (`x-ogw-ratelimit-reset: 1`): an app that stays over its limit, so a
    /// client's retries run out and the person sees the rate limit.
    RateLimited,
}

/// One demo employee.
#[derive(Debug, Clone, Copy)]
pub struct Employee {
    /// The ID under `employee_type=employee_id`.
    pub employee_id: &'static str,
    /// The number under `employee_type=employee_no`, if any.
    pub employee_no: Option<&'static str>,
    /// How queries are answered.
    pub behaviour: Behaviour,
    /// One line for the README and the listing.
    pub summary: &'static str,
}

const fn emp(
    employee_id: &'static str,
    employee_no: Option<&'static str>,
    behaviour: Behaviour,
    summary: &'static str,
) -> Employee {
    Employee {
        employee_id,
        employee_no,
        behaviour,
        summary,
    }
}

use Behaviour as B;

/// Every demo employee. Any other ID is unknown (1220004).
#[rustfmt::skip]
pub static EMPLOYEES: &[Employee] = &[
    emp("abd754f7", Some("E1001"), B::Schedule(Schedule::Fixed),
        "09:00-18:00; a weekly cycle of a missing clock-in, late and early, a missing clock-out"),
    emp("sim_two_shifts", Some("E1002"), B::Schedule(Schedule::TwoShifts),
        "two shifts a day (punch_no 0 and 1); odd days ago have three punches to correct"),
    emp("sim_free_punch", Some("E1003"), B::Schedule(Schedule::FreePunch),
        "a free shift (is_free_punch); odd days ago both punches are missing"),
    emp("sim_all_good", Some("E1004"), B::Schedule(Schedule::InOrder),
        "always in order: nothing to correct (1226501)"),
    emp("sim_group_forbids", Some("E1005"), B::Code(catalogue::GROUP_FORBIDS),
        "in a group that forbids corrections (1226502) on every day"),
    emp("sim_quota_used", Some("E1006"), B::Code(catalogue::QUOTA_USED_UP),
        "has used up this cycle's corrections (1226504) on every day"),
    emp("sim_out_of_scope", Some("E1007"), B::Code(1_220_005),
        "outside the app's data-permission scope (1220005)"),
    emp("sim_server_error", Some("E1008"), B::Code(1_225_000),
        "Feishu fails with a system error (1225000, HTTP 500)"),
    emp("sim_slow", None, B::Slow,
        "answers after 3 s (one missing clock-in): for client timeouts"),
    emp("sim_html_502", None, B::Html502,
        "HTTP 502 with an HTML page, like a broken gateway"),
    emp("sim_429_once", None, B::RateLimitedOnce,
        "per day asked: odd requests get 429 + 99991400, even ones one missing clock-in"),
    emp("sim_rate_limited", None, B::RateLimited,
        "always 429 + 99991400: the app stays over its rate limit"),
    emp("sim_hr", Some("E1010"), B::Schedule(Schedule::Fixed),
        "HR: an admin in the demo (RELAY_ADMINS=sim_hr); the same weekly cycle as abd754f7"),
];

/// How the simulated Feishu answers a sign-in as an account (issue 11): every failure page of
/// the relay's sign-in is reachable with one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    /// Signs in; `user_info` has `user_id` (and `employee_no` when the employee has one).
    Normal,
    /// Signs in, but `user_info` has no `user_id`, as when the app lacks
    /// `contact:user.employee_id:readonly`.
    WithoutUserId,
    /// The code exchange answers 20010: the user may not use the app.
    NotAllowed,
    /// `user_info` answers 20021: the user has resigned.
    Resigned,
    /// `user_info` answers 20022: the user is frozen.
    Frozen,
}

/// One account on the simulated Feishu sign-in page.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    /// Feishu's `user_id` (the attendance API's `employee_id`).
    pub employee_id: &'static str,
    /// The name shown on the page and in `user_info`.
    pub name: &'static str,
    /// `user_info`'s `en_name`.
    pub en_name: &'static str,
    /// How signing in as this account goes.
    pub sign_in: SignIn,
}

const fn acct(
    employee_id: &'static str,
    name: &'static str,
    en_name: &'static str,
    sign_in: SignIn,
) -> Account {
    Account {
        employee_id,
        name,
        en_name,
        sign_in,
    }
}

/// The admins of the demo (`RELAY_ADMINS` on the simulation): HR.
pub const DEMO_ADMINS: &str = "sim_hr";

/// Every account of the simulated sign-in: each employee above, then four who cannot sign in.
#[rustfmt::skip]
pub static ACCOUNTS: &[Account] = &[
    acct("abd754f7", "张伟", "Zhang Wei", SignIn::Normal),
    acct("sim_two_shifts", "李娜", "Li Na", SignIn::Normal),
    acct("sim_free_punch", "王强", "Wang Qiang", SignIn::Normal),
    acct("sim_all_good", "刘洋", "Liu Yang", SignIn::Normal),
    acct("sim_group_forbids", "陈静", "Chen Jing", SignIn::Normal),
    acct("sim_quota_used", "杨磊", "Yang Lei", SignIn::Normal),
    acct("sim_out_of_scope", "赵敏", "Zhao Min", SignIn::Normal),
    acct("sim_server_error", "黄涛", "Huang Tao", SignIn::Normal),
    acct("sim_slow", "周杰", "Zhou Jie", SignIn::Normal),
    acct("sim_html_502", "吴芳", "Wu Fang", SignIn::Normal),
    acct("sim_429_once", "徐明", "Xu Ming", SignIn::Normal),
    acct("sim_rate_limited", "孙丽", "Sun Li", SignIn::Normal),
    acct("sim_hr", "王芳（人事）", "Wang Fang (HR)", SignIn::Normal),
    acct("sim_no_user_id", "马超", "Ma Chao", SignIn::WithoutUserId),
    acct("sim_not_allowed", "胡斌", "Hu Bin", SignIn::NotAllowed),
    acct("sim_resigned", "郭亮", "Guo Liang", SignIn::Resigned),
    acct("sim_frozen", "何琳", "He Lin", SignIn::Frozen),
];

/// The account with this `user_id`, if any.
pub fn account(employee_id: &str) -> Option<&'static Account> {
    ACCOUNTS.iter().find(|a| a.employee_id == employee_id)
}

/// The employee an ID names under `employee_type`, if any: one of [`EMPLOYEES`], or one of the
/// rush benchmark's many people ([`RUSH`], ids `rush_0001` to `rush_9999`, employee_id only).
pub fn find(employee_type: EmployeeType, user_id: &str) -> Option<&'static Employee> {
    let listed = EMPLOYEES.iter().find(|e| match employee_type {
        EmployeeType::EmployeeId => e.employee_id == user_id,
        EmployeeType::EmployeeNo => e.employee_no == Some(user_id),
    });
    let rush = employee_type == EmployeeType::EmployeeId && rush_number(user_id).is_some();
    listed.or(rush.then_some(&RUSH))
}

/// How the ids of the rush benchmark's people begin: `rush_` and four digits, 0001 to 9999.
pub const RUSH_PREFIX: &str = "rush_";

/// The many people of the rush benchmark (`make bench-rush`): `rush_0001` … `rush_9999`, each
/// like `abd754f7` with the weekly cycle shifted by their number (`rush_0003`'s day is
/// `abd754f7`'s day three days later), so that a few hundred of them opening their month ask
/// about distinct days. They have no employee number and no sign-in account.
pub static RUSH: Employee = emp(
    "rush_NNNN",
    None,
    B::Schedule(Schedule::Fixed),
    "rush_0001 to rush_9999: abd754f7's weekly cycle shifted by their number (for bench-rush)",
);

/// `n` for `rush_n` (four digits, 1 to 9999), else `None`.
pub fn rush_number(user_id: &str) -> Option<u32> {
    let digits = user_id.strip_prefix(RUSH_PREFIX)?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

/// How many days `user_id`'s weekly cycle is shifted: its rush number, else 0.
fn cycle_shift(user_id: &str) -> i64 {
    rush_number(user_id).map_or(0, i64::from)
}

/// What the simulation answers for a query (before any delay, rate limit or alternation).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Code 0 with these punches.
    Remedys(Vec<AllowedRemedy>),
    /// This error code, with its catalogue status and message.
    Code(i64),
    /// The remedys, after [`SLOW_DELAY`].
    Slow(Vec<AllowedRemedy>),
    /// HTTP 502, HTML.
    Html502,
    /// 429 on odd requests, these remedys on even ones.
    RateLimitedOnce(Vec<AllowedRemedy>),
    /// 429 + 99991400, every time.
    RateLimited,
}

/// The answer for `user_id` (given under `employee_type`) on `date`, when today is `today`.
pub fn answer(
    employee_type: EmployeeType,
    user_id: &str,
    date: RemedyDate,
    today: RemedyDate,
) -> Answer {
    let Some(employee) = find(employee_type, user_id) else {
        return Answer::Code(USER_UNKNOWN);
    };
    // `user_id` in the reply is in the requested employee_type: echo what was asked.
    let day = Day { user_id, date };
    match employee.behaviour {
        B::Schedule(schedule) => scheduled(schedule, day, date.days_until(today)),
        B::Code(code) => Answer::Code(code),
        B::Slow => Answer::Slow(vec![day.missing_clock_in()]),
        B::Html502 => Answer::Html502,
        B::RateLimitedOnce => Answer::RateLimitedOnce(vec![day.missing_clock_in()]),
        B::RateLimited => Answer::RateLimited,
    }
}

fn scheduled(schedule: Schedule, day: Day<'_>, days_ago: i64) -> Answer {
    if days_ago > WINDOW_DAYS {
        return Answer::Code(1_226_503);
    }
    // Today is not over and the future has not happened: nothing to correct yet.
    if days_ago <= 0 {
        return Answer::Code(catalogue::NOTHING_TO_CORRECT);
    }
    let rows = abnormal_punches(schedule, day.user_id, day.date, days_ago);
    if rows.is_empty() {
        Answer::Code(catalogue::NOTHING_TO_CORRECT)
    } else {
        Answer::Remedys(rows)
    }
}

/// What went wrong on a past day of `schedule` (`days_ago` ≥ 1), whatever the correction window:
/// the punches `query_user_allowed_remedys` offers to correct on that day when it is inside the
/// window. The punch results (`user_tasks/query`) show the same punches as `Lack`, `Late` or
/// `Early`, also on days beyond the window.
pub fn abnormal_punches(
    schedule: Schedule,
    user_id: &str,
    date: RemedyDate,
    days_ago: i64,
) -> Vec<AllowedRemedy> {
    let day = Day { user_id, date };
    let odd = days_ago % 2 == 1;
    match schedule {
        Schedule::Fixed => day.fixed_shift((days_ago + cycle_shift(user_id)).rem_euclid(7)),
        Schedule::TwoShifts if odd => day.two_shifts(),
        Schedule::FreePunch if odd => day.free_punch(),
        _ => Vec::new(),
    }
}

/// The missing clock-in (09:00, claimable 08:00-10:00) of `user_id` on `date`: what `sim_slow`
/// and `sim_429_once` have to correct on every day.
pub fn missing_clock_in(user_id: &str, date: RemedyDate) -> AllowedRemedy {
    Day { user_id, date }.missing_clock_in()
}

/// One employee's day, to build its rows.
#[derive(Clone, Copy)]
struct Day<'a> {
    user_id: &'a str,
    date: RemedyDate,
}

impl Day<'_> {
    fn fixed_shift(self, cycle_day: i64) -> Vec<AllowedRemedy> {
        match cycle_day {
            1 => vec![self.missing_clock_in()],
            2 => vec![
                self.row(
                    0,
                    WorkType::OnDuty,
                    PunchStatus::Late,
                    ["09:00", "08:00", "10:00"],
                ),
                self.row(
                    0,
                    WorkType::OffDuty,
                    PunchStatus::Early,
                    ["18:00", "17:00", "19:00"],
                ),
            ],
            4 => vec![self.row(
                0,
                WorkType::OffDuty,
                PunchStatus::Lack,
                ["18:00", "17:00", "19:00"],
            )],
            _ => Vec::new(),
        }
    }

    fn two_shifts(self) -> Vec<AllowedRemedy> {
        vec![
            self.row(
                0,
                WorkType::OnDuty,
                PunchStatus::Late,
                ["09:00", "08:00", "10:00"],
            ),
            self.row(
                0,
                WorkType::OffDuty,
                PunchStatus::Lack,
                ["12:00", "11:00", "13:00"],
            ),
            self.row(
                1,
                WorkType::OffDuty,
                PunchStatus::Early,
                ["18:00", "17:00", "19:00"],
            ),
        ]
    }

    fn free_punch(self) -> Vec<AllowedRemedy> {
        let mut rows = vec![
            self.row(
                0,
                WorkType::OnDuty,
                PunchStatus::Lack,
                ["09:00", "00:00", "23:59"],
            ),
            self.row(
                0,
                WorkType::OffDuty,
                PunchStatus::Lack,
                ["18:00", "00:00", "23:59"],
            ),
        ];
        for r in &mut rows {
            r.is_free_punch = Some(true);
        }
        rows
    }

    fn missing_clock_in(self) -> AllowedRemedy {
        self.row(
            0,
            WorkType::OnDuty,
            PunchStatus::Lack,
            ["09:00", "08:00", "10:00"],
        )
    }

    /// A row; `times` are the scheduled time, then the earliest and latest claimable, as `HH:mm`.
    fn row(
        self,
        punch_no: i64,
        work_type: WorkType,
        status: PunchStatus,
        times: [&str; 3],
    ) -> AllowedRemedy {
        let at = |hhmm: &str| {
            let d = self.date;
            PunchTime(format!(
                "{:04}-{:02}-{:02} {hhmm}",
                d.year(),
                d.month(),
                d.day()
            ))
        };
        AllowedRemedy {
            user_id: Some(self.user_id.to_owned()),
            remedy_date: Some(i64::from(self.date.yyyymmdd())),
            is_free_punch: Some(false),
            punch_no: Some(punch_no),
            work_type: Some(work_type),
            punch_status: Some(status),
            normal_punch_time: Some(at(times[0])),
            remedy_start_time: Some(at(times[1])),
            remedy_end_time: Some(at(times[2])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(n: i64) -> RemedyDate {
        RemedyDate::from_yyyymmdd(n).unwrap()
    }

    #[test]
    fn the_fixed_shift_cycle_relative_to_today() {
        let today = date(20240301);
        let ask = |d| answer(EmployeeType::EmployeeId, "abd754f7", date(d), today);
        let Answer::Remedys(rows) = ask(20240229) else {
            panic!()
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].punch_status, Some(PunchStatus::Lack));
        assert_eq!(
            rows[0].normal_punch_time.as_ref().unwrap().as_str(),
            "2024-02-29 09:00"
        );
        assert!(rows[0].remedy_start_time.as_ref().unwrap().is_well_formed());
        let Answer::Remedys(rows) = ask(20240228) else {
            panic!()
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(ask(20240227), Answer::Code(catalogue::NOTHING_TO_CORRECT));
        assert_eq!(ask(20240301), Answer::Code(catalogue::NOTHING_TO_CORRECT));
        assert!(
            matches!(ask(20240131), Answer::Remedys(_)),
            "30 days ago (cycle day 2): in"
        );
        assert_eq!(ask(20240130), Answer::Code(1_226_503), "31 days ago: out");
    }

    #[test]
    fn ids_are_known_only_under_their_own_kind() {
        let d = date(20240229);
        let today = date(20240301);
        assert!(matches!(
            answer(EmployeeType::EmployeeNo, "E1001", d, today),
            Answer::Remedys(_)
        ));
        assert_eq!(
            answer(EmployeeType::EmployeeId, "E1001", d, today),
            Answer::Code(USER_UNKNOWN)
        );
        assert_eq!(
            answer(EmployeeType::EmployeeId, "nobody", d, today),
            Answer::Code(USER_UNKNOWN)
        );
        let Answer::Remedys(rows) = answer(EmployeeType::EmployeeNo, "E1001", d, today) else {
            panic!()
        };
        assert_eq!(
            rows[0].user_id.as_deref(),
            Some("E1001"),
            "echoes the ID as asked"
        );
    }

    #[test]
    fn rush_people_are_abd754f7_shifted_by_their_number() {
        let today = date(20240301);
        let at = |id: &str, days_ago: i64| {
            let d = today.add_days(-days_ago).unwrap();
            answer(EmployeeType::EmployeeId, id, d, today)
        };
        // What is to correct, without the dates.
        let shape = |a: Answer| match a {
            Answer::Remedys(rows) => rows
                .into_iter()
                .map(|r| (r.punch_no, r.work_type, r.punch_status))
                .collect(),
            _ => Vec::new(),
        };
        for n in [1_i64, 3, 7, 10, 9999] {
            let id = format!("rush_{n:04}");
            // rush_n's day k days ago is abd754f7's day k + n (mod 7) days ago.
            for days_ago in 1..=WINDOW_DAYS - 7 {
                let theirs = shape(at(&id, days_ago));
                assert_eq!(
                    theirs,
                    shape(at("abd754f7", days_ago + n % 7)),
                    "{id} {days_ago}"
                );
            }
            let Answer::Remedys(rows) = at(&id, (1 - n).rem_euclid(7) + 7) else {
                panic!("{id}: a missing clock-in")
            };
            assert_eq!(rows[0].user_id.as_deref(), Some(id.as_str()));
            assert_eq!(at(&id, WINDOW_DAYS + 1), Answer::Code(1_226_503));
        }
        let ask = |id: &str, d| answer(EmployeeType::EmployeeId, id, date(d), today);
        for not_rush in ["rush_0000", "rush_10000", "rush_12a4", "rush_", "Rush_0001"] {
            assert_eq!(
                ask(not_rush, 20240229),
                Answer::Code(USER_UNKNOWN),
                "{not_rush}"
            );
        }
        assert_eq!(
            answer(EmployeeType::EmployeeNo, "rush_0001", date(20240229), today),
            Answer::Code(USER_UNKNOWN),
            "no employee numbers"
        );
    }

    #[test]
    fn every_employee_can_sign_in_and_the_admin_is_one_of_them() {
        for e in EMPLOYEES {
            let a = account(e.employee_id).unwrap_or_else(|| panic!("{}", e.employee_id));
            assert_eq!(a.sign_in, SignIn::Normal, "{}", e.employee_id);
        }
        assert!(find(EmployeeType::EmployeeId, DEMO_ADMINS).is_some());
        for special in [
            SignIn::WithoutUserId,
            SignIn::NotAllowed,
            SignIn::Resigned,
            SignIn::Frozen,
        ] {
            assert!(ACCOUNTS.iter().any(|a| a.sign_in == special), "{special:?}");
        }
        for (i, a) in ACCOUNTS.iter().enumerate() {
            assert!(ACCOUNTS[i + 1..]
                .iter()
                .all(|b| b.employee_id != a.employee_id));
        }
    }

    #[test]
    fn every_code_behaviour_is_in_the_catalogue() {
        for e in EMPLOYEES {
            if let B::Code(code) = e.behaviour {
                assert!(catalogue::find(code).is_some(), "{code}");
            }
        }
    }
}
