//! Which days of a range punch results settle, so that `query_user_allowed_remedys` is asked only
//! for the others.
//!
//! A correction (补卡) exists only for an abnormal punch (`Early`, `Late`, `Lack`). So a day whose
//! every scheduled punch is `Normal`, `NoNeedCheck` or `SystemCheck` has nothing to correct, and
//! asking Feishu about it would only spend the app's quota. Anything else is asked: an abnormal
//! result (whether and until when it may be corrected only `query_user_allowed_remedys` says), a
//! result this code does not know (never taken for normal), a `Todo` on a day already over (a punch
//! that never came, not yet marked `Lack`), a day without records, a day punch results did not cover.
//!
//! Only the results are read here. What happened on a day (the times, supplements) is not copied:
//! the browser hands the page Feishu's records themselves (`wasm::punch_results`).

use crate::calendar::RemedyDate;
use crate::punch_results::{CheckResult, PunchResultsData};

/// Why a day was settled without asking `query_user_allowed_remedys`. Either way it has nothing
/// to correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Every scheduled punch of the day is fine: `Normal`, `NoNeedCheck`, `SystemCheck`, or `Todo`
    /// on a day not over yet (the punch is still ahead).
    PunchResults,
    /// A day after today that punch results do not cover. Nothing can be corrected on a day not
    /// yet lived: there is no punch to correct, and Feishu answers such a day with 1226501
    /// (nothing to correct) anyway, so asking would spend a call to learn what the calendar says.
    NotYetLived,
}

impl Decision {
    /// What decided, as the module reports it: `punch_results` or `calendar`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::PunchResults => "punch_results",
            Decision::NotYetLived => "calendar",
        }
    }
}

/// What a covered day's results allow so far, worst last: the worst of its punches decides
/// (`Ord` is that order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    /// No record yet: a day this code cannot read, asked.
    Nothing,
    /// Every punch `Normal`, `NoNeedCheck` or `SystemCheck`.
    Fine,
    /// Fine but for a `Todo`: settled only while the day is not over.
    Todo,
    /// An abnormal, unknown or missing result: asked.
    Ask,
}

impl Seen {
    /// One punch's result as sent (`None`: the reply had none). Early, Late, Lack, a value Feishu
    /// added later, or no result at all: asked.
    fn of(result: Option<&str>) -> Seen {
        match result {
            Some("Normal" | "NoNeedCheck" | "SystemCheck") => Seen::Fine,
            Some("Todo") => Seen::Todo,
            _ => Seen::Ask,
        }
    }
}

/// What punch results say about one day of a range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayPlan {
    /// Settled without asking, and why; `None`: ask `query_user_allowed_remedys`.
    pub decision: Option<Decision>,
    /// Whether punch results covered the day (had an entry for it).
    pub covered: bool,
}

/// A range's days being filled from a punch-results reply, entry by entry: the one reading of a
/// reply's entries, whether they come as [`PunchResultsData`] (native) or straight from the
/// browser's parsed JSON (the wasm reads only the results).
#[derive(Debug)]
pub struct Coverage<'a> {
    user_id: &'a str,
    from: RemedyDate,
    /// By day: what its records allow, once an entry covered it.
    days: Vec<Option<Seen>>,
    refused: bool,
}

impl<'a> Coverage<'a> {
    /// `days` days from `from`, for `user_id`, none covered yet.
    pub fn new(user_id: &'a str, from: RemedyDate, days: usize) -> Self {
        Coverage {
            user_id,
            from,
            days: vec![None; days],
            refused: false,
        }
    }

    /// The day an entry for `user_id` (`None`: not named, read as the one asked for) on
    /// `yyyymmdd` fills, marked as covered: `None` for another person's entry, an entry without a
    /// real day, or a day outside the range, which are ignored.
    pub fn cover(&mut self, user_id: Option<&str>, yyyymmdd: Option<i64>) -> Option<usize> {
        if user_id.is_some_and(|u| u != self.user_id) {
            return None;
        }
        let day = RemedyDate::from_yyyymmdd(yyyymmdd?).ok()?;
        let i = usize::try_from(self.from.days_until(day)).ok()?;
        self.days.get_mut(i)?.get_or_insert(Seen::Nothing);
        Some(i)
    }

    /// Adds a record (one on/off pair: its clock-in and clock-out results, as sent) to day `i`
    /// (as [`Coverage::cover`] returned it). Two entries for the same day are read together.
    pub fn add(&mut self, i: usize, check_in: Option<&str>, check_out: Option<&str>) {
        if let Some(Some(seen)) = self.days.get_mut(i) {
            *seen = (*seen).max(Seen::of(check_in)).max(Seen::of(check_out));
        }
    }

    /// Notes an id the reply lists as invalid or unauthorized: if it is this range's person, the
    /// reply cannot speak for them.
    pub fn listed(&mut self, user_id: &str) {
        self.refused |= user_id == self.user_id;
    }

    /// Every day's plan, `today` being Feishu's today (China time), an input so that the rules are
    /// testable on any day. `None` when the reply refused the person: it settles nothing, and the
    /// caller asks every day as if there were no punch results.
    pub fn plan(self, today: RemedyDate) -> Option<Vec<DayPlan>> {
        if self.refused {
            return None;
        }
        let mut date = Some(self.from);
        let mut out = Vec::with_capacity(self.days.len());
        for seen in self.days {
            let Some(day) = date else { break };
            out.push(day_plan(seen, day, today));
            date = day.add_days(1);
        }
        Some(out)
    }
}

/// Every day of `days` days from `from`, for `user_id`, by the punch results in `data`: a
/// [`Coverage`] filled with the reply's entries.
pub fn plan_days(
    data: &PunchResultsData,
    user_id: &str,
    from: RemedyDate,
    days: usize,
    today: RemedyDate,
) -> Option<Vec<DayPlan>> {
    let mut coverage = Coverage::new(user_id, from, days);
    for entry in &data.user_task_results {
        if let Some(i) = coverage.cover(entry.user_id.as_deref(), entry.day) {
            for r in &entry.records {
                let (check_in, check_out) = (&r.check_in_result, &r.check_out_result);
                coverage.add(
                    i,
                    check_in.as_ref().map(CheckResult::as_str),
                    check_out.as_ref().map(CheckResult::as_str),
                );
            }
        }
    }
    for id in data
        .invalid_user_ids
        .iter()
        .chain(&data.unauthorized_user_ids)
    {
        coverage.listed(id);
    }
    coverage.plan(today)
}

/// One day: what its records allow (`None` when punch results did not cover it).
fn day_plan(seen: Option<Seen>, day: RemedyDate, today: RemedyDate) -> DayPlan {
    let settled = match seen {
        None => {
            return DayPlan {
                decision: (day > today).then_some(Decision::NotYetLived),
                covered: false,
            }
        }
        Some(Seen::Fine) => true,
        // The day is not over: a `Todo` is a punch still ahead, not a missing one.
        Some(Seen::Todo) => day >= today,
        // No records at all is not "every punch fine": it is a day this code cannot read.
        Some(Seen::Nothing | Seen::Ask) => false,
    };
    DayPlan {
        decision: settled.then_some(Decision::PunchResults),
        covered: true,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::punch_results::{PunchRecord, TaskRecord, UserTaskResult};

    pub(crate) fn date(n: i64) -> RemedyDate {
        RemedyDate::from_yyyymmdd(n).unwrap()
    }

    /// A record with these results for a 09:00-18:00 shift on 2024-03-01 (China time): punched
    /// in at 09:12 and out at 18:00, except where the result is `Lack`.
    pub(crate) fn record(check_in: &str, check_out: &str) -> TaskRecord {
        let at = |t: &str| {
            Some(PunchRecord {
                check_time: Some(t.into()),
                kind: Some(0),
            })
        };
        TaskRecord {
            check_in_result: Some(CheckResult::from_wire(check_in)),
            check_out_result: Some(CheckResult::from_wire(check_out)),
            check_in_result_supplement: Some("None".into()),
            // 2024-03-01 09:12 and 18:00 China time.
            check_in_record: (check_in != "Lack").then(|| at("1709255520")).flatten(),
            check_out_record: (check_out != "Lack").then(|| at("1709287200")).flatten(),
            check_in_shift_time: Some("1709254800".into()),
            check_out_shift_time: Some("1709287200".into()),
            ..TaskRecord::default()
        }
    }

    pub(crate) fn entry(user: &str, day: i64, records: Vec<TaskRecord>) -> UserTaskResult {
        UserTaskResult {
            user_id: Some(user.into()),
            day: Some(day),
            records,
            ..UserTaskResult::default()
        }
    }

    fn one_day(records: Vec<TaskRecord>, day: i64, today: i64) -> DayPlan {
        let data = PunchResultsData {
            user_task_results: vec![entry("u1", day, records)],
            ..PunchResultsData::default()
        };
        let mut days = plan_days(&data, "u1", date(day), 1, date(today)).unwrap();
        days.remove(0)
    }

    fn decision(check_in: &str, check_out: &str, day: i64, today: i64) -> Option<Decision> {
        one_day(vec![record(check_in, check_out)], day, today).decision
    }

    #[test]
    fn only_days_whose_every_punch_is_fine_are_settled() {
        let (past, today) = (20240301, 20240305);
        for fine in ["Normal", "NoNeedCheck", "SystemCheck"] {
            assert_eq!(
                decision(fine, "Normal", past, today),
                Some(Decision::PunchResults)
            );
        }
        for asked in ["Early", "Late", "Lack", "Todo", "Absent", "normal", ""] {
            assert_eq!(decision(asked, "Normal", past, today), None, "{asked}");
            assert_eq!(decision("Normal", asked, past, today), None, "{asked}");
        }
        // Two pairs: one abnormal punch in either asks the day.
        let two = vec![record("Normal", "Normal"), record("Normal", "Early")];
        assert_eq!(one_day(two, past, today).decision, None);
        // No result at all, or no records at all: unknown, asked.
        let mut blank = record("Normal", "Normal");
        blank.check_out_result = None;
        assert_eq!(one_day(vec![blank], past, today).decision, None);
        assert_eq!(one_day(vec![], past, today).decision, None);
    }

    #[test]
    fn todo_is_fine_only_while_the_day_is_not_over() {
        let today = 20240305;
        assert_eq!(
            decision("Normal", "Todo", today, today),
            Some(Decision::PunchResults),
            "today: the clock-out is still ahead"
        );
        assert_eq!(
            decision("Todo", "Todo", today, today),
            Some(Decision::PunchResults)
        );
        assert_eq!(
            decision("Late", "Todo", today, today),
            None,
            "late today: asked"
        );
        assert_eq!(
            decision("Normal", "Todo", 20240304, today),
            None,
            "yesterday: unknown"
        );
    }

    #[test]
    fn days_without_punch_results_are_asked_unless_not_yet_lived() {
        let data = PunchResultsData {
            user_task_results: vec![
                entry("u1", 20240302, vec![record("Normal", "Normal")]),
                // Another person's day, a day outside the range, a day that is no day: ignored.
                entry("someone_else", 20240301, vec![record("Normal", "Normal")]),
                entry("u1", 20240229, vec![record("Normal", "Normal")]),
                entry("u1", 20240231, vec![record("Normal", "Normal")]),
            ],
            ..PunchResultsData::default()
        };
        let days = plan_days(&data, "u1", date(20240301), 5, date(20240303)).unwrap();
        let decisions: Vec<Option<Decision>> = days.iter().map(|d| d.decision).collect();
        assert_eq!(
            decisions,
            [
                None,                         // 1st: not covered, past
                Some(Decision::PunchResults), // 2nd
                None,                         // 3rd: today, not covered
                Some(Decision::NotYetLived),  // 4th
                Some(Decision::NotYetLived),  // 5th
            ]
        );
        assert!(!days[0].covered && days[1].covered);
        // An entry without a user id is read as the one asked for.
        let mut anonymous = data.clone();
        anonymous.user_task_results[1].user_id = None;
        let days = plan_days(&anonymous, "u1", date(20240301), 1, date(20240303)).unwrap();
        assert_eq!(days[0].decision, Some(Decision::PunchResults));
    }

    #[test]
    fn a_refused_user_settles_nothing() {
        let data = PunchResultsData {
            user_task_results: vec![entry("u1", 20240301, vec![record("Normal", "Normal")])],
            unauthorized_user_ids: vec!["u1".into()],
            ..PunchResultsData::default()
        };
        assert_eq!(
            plan_days(&data, "u1", date(20240301), 1, date(20240305)),
            None
        );
    }

    #[test]
    fn two_entries_for_one_day_are_read_together() {
        let fine = entry("u1", 20240301, vec![record("Normal", "Normal")]);
        let late = entry("u1", 20240301, vec![record("Late", "Normal")]);
        let todo = entry("u1", 20240301, vec![record("Normal", "Todo")]);
        let plan = |entries: Vec<UserTaskResult>, today: i64| {
            let data = PunchResultsData {
                user_task_results: entries,
                ..PunchResultsData::default()
            };
            plan_days(&data, "u1", date(20240301), 1, date(today)).unwrap()[0]
        };
        assert_eq!(
            plan(vec![fine.clone(), late.clone()], 20240305).decision,
            None
        );
        assert_eq!(plan(vec![late, fine.clone()], 20240305).decision, None);
        // A Todo in the second entry: fine today, asked once the day is over.
        let today = plan(vec![fine.clone(), todo.clone()], 20240301);
        assert_eq!(today.decision, Some(Decision::PunchResults));
        assert_eq!(plan(vec![todo, fine], 20240302).decision, None);
        assert!(today.covered);
    }
}
