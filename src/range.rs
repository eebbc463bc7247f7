//! Many days at once: a range of dates asked day by day. This module holds the rules (how long a
//! range may be, which answers end it early, what each day's outcome is) as a plain state machine;
//! the browser binding drives it with real requests and a concurrency limit.
//!
//! Before asking, a range can learn from one punch-results call ([`RangeQuery::punch_query`],
//! [`crate::prefilter`]) which days have nothing to correct: [`RangePlan::apply`] settles those
//! (outcome [`DayOutcome::Decided`]) and only the others are handed out. A month then costs
//! 1 + its days with an abnormal or unknown punch in Feishu calls, instead of one per day.

use std::rc::Rc;

use crate::calendar::RemedyDate;
use crate::errors::RemedyError;
use crate::errors::{Field, ValidationError};
use crate::model::{EmployeeType, RemedyQuery, RemedyResponse, UserId};
use crate::prefilter::{DayPlan, Decision};
use crate::punch_results::{self, PunchQuery};
use crate::validate::{self, Loose};

/// The most days one range may cover (two months).
pub const MAX_RANGE_DAYS: u32 = 62;

// One punch-results call covers any range.
const _: () = assert!(MAX_RANGE_DAYS <= punch_results::MAX_DAYS);

/// A validated range request: one employee, `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeQuery {
    /// How `user_id` identifies the employee.
    pub employee_type: EmployeeType,
    /// The employee.
    pub user_id: UserId,
    /// First day.
    pub from: RemedyDate,
    /// Last day (inclusive).
    pub to: RemedyDate,
}

impl RangeQuery {
    /// Checks the four untrusted parts of a range request.
    pub fn from_loose(
        employee_type: &Loose,
        user_id: &Loose,
        from: &Loose,
        to: &Loose,
    ) -> Result<Self, ValidationError> {
        let employee_type = validate::employee_type(employee_type)?;
        let user_id = validate::user_id(user_id)?;
        let from = validate::date(Field::From, from)?;
        let to = validate::date(Field::To, to)?;
        validate::span((Field::From, from), (Field::To, to), MAX_RANGE_DAYS)?;
        Ok(RangeQuery {
            employee_type,
            user_id,
            from,
            to,
        })
    }

    /// Number of days in the range (1 to [`MAX_RANGE_DAYS`]).
    pub fn len(&self) -> usize {
        // Bounded by construction to 1..=62.
        self.from.days_until(self.to) as usize + 1
    }

    /// Never true: a range holds at least one day.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The one punch-results request that covers the whole range, as a [`PunchQuery`].
    pub fn punch_query(&self) -> PunchQuery {
        PunchQuery::for_range(self.employee_type, self.user_id.clone(), self.from, self.to)
    }

    /// [`RangeQuery::punch_query`]'s path with query and body, as written (what the browser sends).
    pub fn punch_request(&self) -> (String, String) {
        punch_results::range_request(self.employee_type, &self.user_id, self.from, self.to)
    }

    /// The `i`-th day's request (0 = `from`).
    pub fn day(&self, i: usize) -> Option<RemedyQuery> {
        if i >= self.len() {
            return None;
        }
        Some(RemedyQuery {
            employee_type: self.employee_type,
            user_id: self.user_id.clone(),
            remedy_date: self.from.add_days(i as i64)?,
        })
    }
}

/// What became of one day. Failures are shared (`Rc`): the one answer that stops a range is every
/// skipped day's reason, and sharing it keeps a deep `Clone` of errors out of the browser build.
#[derive(Debug, PartialEq)]
pub enum DayOutcome {
    /// Feishu answered with the correctable punches (possibly none).
    Ok(RemedyResponse),
    /// 1226501: nothing to correct that day.
    NothingToCorrect(RemedyError),
    /// The day's own failure.
    Failed(Rc<RemedyError>),
    /// Not asked, because an earlier answer said no later day can succeed (the reason).
    Skipped(Rc<RemedyError>),
    /// Not asked: nothing to correct, as punch results (or the calendar) settled it.
    Decided(Decision),
}

impl DayOutcome {
    /// A stable status string: `ok`, `nothing_to_correct` (Feishu's 1226501, or settled without
    /// asking), `error` or `skipped`.
    pub fn status(&self) -> &'static str {
        match self {
            DayOutcome::Ok(_) => "ok",
            DayOutcome::NothingToCorrect(_) | DayOutcome::Decided(_) => "nothing_to_correct",
            DayOutcome::Failed(_) => "error",
            DayOutcome::Skipped(_) => "skipped",
        }
    }
}

/// The progress of a range: which day to ask next, what came back, and whether to stop.
///
/// Days are handed out in order; answers may come back in any order (requests run concurrently).
#[derive(Debug)]
pub struct RangePlan {
    query: RangeQuery,
    next: usize,
    outcomes: Vec<Option<DayOutcome>>,
    stop: Option<(usize, Rc<RemedyError>)>,
    aborted: Option<Rc<RemedyError>>,
}

impl RangePlan {
    /// A plan for every day of `query`.
    pub fn new(query: RangeQuery) -> Self {
        let n = query.len();
        RangePlan {
            query,
            next: 0,
            // Not `vec![None; n]`, which would need `DayOutcome: Clone`.
            outcomes: std::iter::repeat_with(|| None).take(n).collect(),
            stop: None,
            aborted: None,
        }
    }

    /// The range this plan covers.
    pub fn query(&self) -> &RangeQuery {
        &self.query
    }

    /// Number of days.
    pub fn total(&self) -> usize {
        self.outcomes.len()
    }

    /// Number of days with an outcome.
    pub fn done(&self) -> usize {
        self.outcomes.iter().filter(|o| o.is_some()).count()
    }

    /// Settles the days `days` decide (one [`DayPlan`] per day of the range, in order), before any
    /// day is handed out; the others stay to be asked. Returns the indices settled.
    pub fn apply(&mut self, days: &[DayPlan]) -> Vec<usize> {
        let mut settled = Vec::new();
        for (i, (slot, day)) in self.outcomes.iter_mut().zip(days).enumerate() {
            if let (None, Some(decision)) = (&slot, day.decision) {
                *slot = Some(DayOutcome::Decided(decision));
                settled.push(i);
            }
        }
        settled
    }

    /// The next day to ask, with its index; `None` when all are handed out or the range stopped.
    /// Days already settled are passed over.
    pub fn next_day(&mut self) -> Option<(usize, RemedyQuery)> {
        if self.stop.is_some() || self.aborted.is_some() {
            return None;
        }
        while self.outcomes.get(self.next).is_some_and(Option::is_some) {
            self.next += 1;
        }
        let i = self.next;
        let q = self.query.day(i)?;
        self.next += 1;
        Some((i, q))
    }

    /// Records day `i`'s answer. An answer that rules out later days stops handing out days.
    pub fn record(&mut self, i: usize, result: Result<RemedyResponse, RemedyError>) {
        let outcome = match result {
            Ok(r) => DayOutcome::Ok(r),
            Err(e) if e.is_nothing_to_correct() => DayOutcome::NothingToCorrect(e),
            Err(e) => {
                let e = Rc::new(e);
                // The earliest stopping day wins: it is the one that explains the rest.
                if e.stops_later_days() && self.stop.as_ref().is_none_or(|(j, _)| i < *j) {
                    self.stop = Some((i, Rc::clone(&e)));
                }
                DayOutcome::Failed(e)
            }
        };
        if let Some(slot) = self.outcomes.get_mut(i) {
            *slot = Some(outcome);
        }
    }

    /// Day `i`'s date and outcome, once it has one.
    pub fn answered(&self, i: usize) -> Option<(RemedyDate, &DayOutcome)> {
        let outcome = self.outcomes.get(i)?.as_ref()?;
        Some((self.query.from.add_days(i as i64)?, outcome))
    }

    /// Stops the range because the caller cancelled; unanswered days become `aborted` errors.
    pub fn abort(&mut self, reason: RemedyError) {
        self.aborted = Some(Rc::new(reason));
    }

    /// Every day's outcome in date order: unanswered days after a stop are `Skipped` with the
    /// reason; after an abort they fail with it.
    pub fn finish(self) -> Vec<(RemedyDate, DayOutcome)> {
        let (reason, skipped) = match (self.aborted, self.stop) {
            (Some(e), _) => (e, false),
            (None, Some((_, e))) => (e, true),
            (None, None) => (Rc::new(RemedyError::Aborted), false),
        };
        let fill = || {
            let reason = Rc::clone(&reason);
            if skipped {
                DayOutcome::Skipped(reason)
            } else {
                DayOutcome::Failed(reason)
            }
        };
        // A plain loop: the iterator-adapter chain it replaces compiled to 500 bytes more wasm.
        let mut days = Vec::with_capacity(self.outcomes.len());
        let mut date = Some(self.query.from);
        for outcome in self.outcomes {
            // Every day of a range is a valid date: `add_days` stays within it.
            let Some(day) = date else { break };
            days.push((day, outcome.unwrap_or_else(fill)));
            date = day.add_days(1);
        }
        days
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode_bytes, ReplyMeta};
    use crate::prefilter::plan_days;
    use crate::prefilter::tests::{entry, record};
    use crate::punch_results::PunchResultsData;

    fn range(from: f64, to: f64) -> Result<RangeQuery, ValidationError> {
        RangeQuery::from_loose(
            &Loose::Text("employee_id".into()),
            &Loose::Text("u1".into()),
            &Loose::Number(from),
            &Loose::Number(to),
        )
    }

    fn reply(code: i64) -> Result<RemedyResponse, RemedyError> {
        let meta = ReplyMeta {
            status: if code == 0 { 200 } else { 400 },
            ..Default::default()
        };
        decode_bytes(&meta, format!(r#"{{"code":{code},"msg":"m"}}"#).as_bytes())
    }

    #[test]
    fn range_bounds() {
        assert_eq!(range(20240201.0, 20240229.0).unwrap().len(), 29);
        assert_eq!(range(20240101.0, 20240302.0).unwrap().len(), 62);
        assert_eq!(
            range(20240101.0, 20240303.0).unwrap_err().problem.code(),
            "range_too_long"
        );
        assert_eq!(
            range(20240102.0, 20240101.0).unwrap_err().problem.code(),
            "range_reversed"
        );
        assert_eq!(range(20240101.0, 20240231.0).unwrap_err().field, Field::To);
        assert_eq!(range(20240101.0, 20240101.0).unwrap().len(), 1);
    }

    #[test]
    fn days_cross_month_ends() {
        let q = range(20240227.0, 20240302.0).unwrap();
        let days: Vec<u32> = (0..q.len())
            .map(|i| q.day(i).unwrap().remedy_date.yyyymmdd())
            .collect();
        assert_eq!(days, [20240227, 20240228, 20240229, 20240301, 20240302]);
        assert!(q.day(5).is_none());
    }

    #[test]
    fn a_stopping_answer_skips_the_rest_but_keeps_answers_already_in() {
        let mut plan = RangePlan::new(range(20240301.0, 20240306.0).unwrap());
        let handed: Vec<usize> = (0..3)
            .filter_map(|_| plan.next_day().map(|(i, _)| i))
            .collect();
        assert_eq!(handed, [0, 1, 2]);
        plan.record(1, reply(1226504));
        plan.record(0, reply(0));
        plan.record(2, reply(1226501));
        assert!(plan.next_day().is_none(), "stopped");
        assert_eq!((plan.done(), plan.total()), (3, 6));
        let out = plan.finish();
        let statuses: Vec<&str> = out.iter().map(|(_, o)| o.status()).collect();
        assert_eq!(
            statuses,
            [
                "ok",
                "error",
                "nothing_to_correct",
                "skipped",
                "skipped",
                "skipped"
            ]
        );
        assert_eq!(out[5].0.yyyymmdd(), 20240306);
        let DayOutcome::Skipped(reason) = &out[3].1 else {
            unreachable!()
        };
        assert_eq!(reason.code(), Some(1226504));
    }

    #[test]
    fn other_errors_do_not_stop_the_range() {
        let mut plan = RangePlan::new(range(20240301.0, 20240302.0).unwrap());
        let (i, _) = plan.next_day().unwrap();
        plan.record(i, reply(1226503));
        assert!(plan.next_day().is_some());
    }

    /// March 2024 of one person, today the 20th: on weekdays up to the 19th a 09:00-18:00 shift,
    /// with an abnormal punch on each day in `abnormal`; weekends `NoNeedCheck`; today a clock-in
    /// and a clock-out still ahead; nothing after today, as Feishu sends it.
    fn march(abnormal: &[u32]) -> PunchResultsData {
        let mut results = Vec::new();
        for d in 1..=20 {
            let date = 20240300 + i64::from(d);
            let weekend = tests_date(date).weekday_from_monday() >= 5;
            let (check_in, check_out) = match d {
                20 => ("Todo", "Todo"),
                _ if weekend => ("NoNeedCheck", "NoNeedCheck"),
                _ if abnormal.contains(&d) => {
                    [("Late", "Normal"), ("Normal", "Lack"), ("Normal", "Early")][d as usize % 3]
                }
                _ => ("Normal", "Normal"),
            };
            results.push(entry("u1", date, vec![record(check_in, check_out)]));
        }
        PunchResultsData {
            user_task_results: results,
            ..PunchResultsData::default()
        }
    }

    fn tests_date(n: i64) -> RemedyDate {
        RemedyDate::from_yyyymmdd(n).unwrap()
    }

    /// The plan for March with `data` applied (today the 20th).
    fn prefiltered(data: &PunchResultsData) -> RangePlan {
        let q = range(20240301.0, 20240331.0).unwrap();
        let days = plan_days(data, "u1", q.from, q.len(), tests_date(20240320)).unwrap();
        let mut plan = RangePlan::new(q);
        plan.apply(&days);
        plan
    }

    /// The plan for March with `data` applied, and the days of the month it hands out to ask.
    fn asked(data: &PunchResultsData) -> (RangePlan, Vec<u32>) {
        let mut plan = prefiltered(data);
        let mut asked = Vec::new();
        while let Some((_, day)) = plan.next_day() {
            asked.push(day.remedy_date.day());
        }
        (plan, asked)
    }

    #[test]
    fn punch_results_leave_only_the_correctable_days_to_ask() {
        // 13 weekdays with an abnormal punch, as the simulated abd754f7's month has.
        let abnormal = [1, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 18, 19];
        let (plan, asked) = asked(&march(&abnormal));
        assert_eq!(asked, abnormal);
        // Feishu calls: the punch results, then the asked days: 1 + 13 = 14 instead of 31.
        assert_eq!(1 + asked.len(), 14);
        // Every other day is settled, with the status existing callers know.
        assert_eq!(plan.done(), 31 - 13);
        let (_, today) = plan.answered(19).unwrap();
        assert_eq!(*today, DayOutcome::Decided(Decision::PunchResults));
        assert_eq!(today.status(), "nothing_to_correct");
        let (_, future) = plan.answered(30).unwrap();
        assert_eq!(*future, DayOutcome::Decided(Decision::NotYetLived));
    }

    #[test]
    fn a_month_with_nothing_to_correct_costs_one_call() {
        let (plan, asked) = asked(&march(&[]));
        assert!(asked.is_empty(), "{asked:?}");
        let statuses: Vec<&str> = plan.finish().iter().map(|(_, o)| o.status()).collect();
        assert!(statuses.iter().all(|s| *s == "nothing_to_correct"));
    }

    #[test]
    fn days_punch_results_cannot_settle_are_asked() {
        let mut data = march(&[]);
        // A Todo left on a past day, and a past day punch results did not cover.
        data.user_task_results[1] = entry("u1", 20240302, vec![record("Todo", "Normal")]);
        data.user_task_results.remove(4);
        let (_, asked) = asked(&data);
        assert_eq!(asked, [2, 5]);
    }

    #[test]
    fn without_punch_results_every_day_is_asked() {
        let mut plan = RangePlan::new(range(20240301.0, 20240331.0).unwrap());
        let mut n = 0;
        while plan.next_day().is_some() {
            n += 1;
        }
        assert_eq!(n, 31);
    }

    #[test]
    fn the_stop_rules_still_hold_for_the_asked_days() {
        let mut plan = prefiltered(&march(&[4, 5, 6]));
        let (i, _) = plan.next_day().unwrap();
        assert_eq!(i, 3, "the 4th");
        plan.record(i, reply(1226504));
        assert!(
            plan.next_day().is_none(),
            "quota used up: the 5th and 6th are not asked"
        );
        let out = plan.finish();
        let status = |d: usize| out[d - 1].1.status();
        assert_eq!(
            [status(3), status(4), status(5), status(6), status(7)],
            [
                "nothing_to_correct",
                "error",
                "skipped",
                "skipped",
                "nothing_to_correct"
            ]
        );
    }

    #[test]
    fn the_punch_query_covers_the_range() {
        let q = range(20240301.0, 20240331.0).unwrap();
        assert_eq!(
            q.punch_query().body_json(),
            r#"{"user_ids":["u1"],"check_date_from":20240301,"check_date_to":20240331}"#
        );
        let p = q.punch_query();
        assert_eq!(q.punch_request(), (p.path_and_query(), p.body_json()));
    }

    #[test]
    fn abort_fails_the_unanswered_days() {
        let mut plan = RangePlan::new(range(20240301.0, 20240303.0).unwrap());
        let (i, _) = plan.next_day().unwrap();
        plan.record(i, reply(0));
        plan.abort(RemedyError::Aborted);
        assert!(plan.next_day().is_none());
        let kinds: Vec<&str> = plan.finish().iter().map(|(_, o)| o.status()).collect();
        assert_eq!(kinds, ["ok", "error", "error"]);
    }
}
