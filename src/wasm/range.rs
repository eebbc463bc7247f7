//! A range query in Rust async. First, unless `prefilter: false`, one punch-results call for the
//! whole range ([`call::run_punch_results`]): the days it settles ([`crate::prefilter`]) are
//! answered at once, without a call; if it fails, every day is asked and the result says why.
//! Then `concurrency` workers share one [`RangePlan`] (which day next, when to stop early), each
//! asking a day with [`call::run`] and recording its final answer, with
//! `onProgress(done, total, day)` after every day, so a page can show each day as it comes (and
//! keep what came when the caller cancels). Only the plan decides: a day that answers 1226502
//! (group forbids) or 1226504 (quota used up), or an abort, stops the rest.

use std::cell::{Cell, OnceCell, RefCell, RefMut};
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::calendar::{china_at, RemedyDate};
use crate::errors::RemedyError;
use crate::prefilter::Coverage;
use crate::range::{DayOutcome, RangePlan, RangeQuery};
use crate::wasm::call::{self, Reply};
use crate::wasm::fetch::is_aborted;
use crate::wasm::js::{set, spawn};
use crate::wasm::js_error::error_to_js;
use crate::wasm::options::{RangeExtras, Resolved};
use crate::wasm::punch_results;

/// One range in flight, shared by its workers (one thread: `Rc` and cells, never borrowed across
/// an await). Only the plan is in a `RefCell` (read through [`Range::plan`]); the rest is set once
/// (`OnceCell`) or is a JavaScript array, changed through a shared handle: no borrow to check,
/// and no panic path with its source location per borrow in the wasm.
struct Range {
    /// `None` once finished.
    plan: RefCell<Option<RangePlan>>,
    relay: Resolved,
    /// By day: its result object once answered (given to `onProgress`, and the same object in the
    /// final array), else a hole.
    days: Array,
    /// By day index: its punch-results records as Feishu sent them (an array), once punch
    /// results covered it, else a hole. Set once punch results are used.
    punches: OnceCell<Array>,
    /// The punch-results reply's log id (or `null`): the `logId` of the days it settled. Set with
    /// `punches`.
    punch_log_id: OnceCell<JsValue>,
    done: Cell<u32>,
    total: u32,
    on_progress: Option<Function>,
}

/// What became of the punch-results call (the result array's `prefilter`).
enum Prefilter {
    /// Asked, and its answer settled the days it could.
    Used,
    /// Asked, but no day could be settled from it: every day was asked. The error, when the call
    /// failed (`None`: the reply said it could not answer for this person).
    Fallback(Option<RemedyError>),
    /// Not asked (`prefilter: false`).
    Off,
}

/// Starts a range; the promise resolves to every day's result, in date order, or rejects when the
/// caller aborts.
pub(crate) fn start(query: RangeQuery, relay: Resolved, extras: RangeExtras) -> Promise {
    let total = query.len();
    let (punch_path, punch_body) = query.punch_request();
    let range = Rc::new(Range {
        plan: RefCell::new(Some(RangePlan::new(query))),
        relay,
        days: Array::new(),
        punches: OnceCell::new(),
        punch_log_id: OnceCell::new(),
        done: Cell::new(0),
        total: total as u32,
        on_progress: extras.on_progress,
    });
    spawn(Box::pin(async move {
        let prefilter = if extras.prefilter {
            let reply = call::run_punch_results(&range.relay, &punch_path, punch_body).await;
            range.prefilter(reply)
        } else {
            Prefilter::Off
        };
        // Each worker is its own promise; `Promise.all` joins them, which needs no join
        // combinator (and no futures crate) in the wasm.
        let workers = Array::new();
        for _ in 0..extras.concurrency.min(total as u32) {
            let range = Rc::clone(&range);
            workers.push(&spawn(Box::pin(async move {
                worker(&range).await;
                Ok(JsValue::UNDEFINED)
            })));
        }
        // Workers never reject: each day's failure is that day's result.
        let _ = JsFuture::from(Promise::all(&workers)).await;
        range.end(&prefilter)
    }))
}

/// Asks days until the plan has none left.
async fn worker(range: &Range) {
    while let Some((i, day)) = range.next_day() {
        let result = call::run(&range.relay, &day).await;
        range.record(i, result);
    }
}

/// Feishu's today: the China date now, by the browser's clock (Feishu's days turn at midnight in
/// Beijing, wherever the page is). Only days without punch results depend on it; a clock days
/// wrong can at worst ask a day for nothing, or take a past day without results for a future one.
fn china_today() -> Option<RemedyDate> {
    let secs = (js_sys::Date::now() / 1000.0).floor();
    china_at(secs as i64).map(|(day, _)| day)
}

impl Range {
    /// The plan, unless the range is finished. It is borrowed only for plain Rust work, never
    /// across an await or page code, so `try_borrow_mut` cannot fail (were it to, the range would
    /// act as finished); `borrow_mut` would carry a panic path per call site into the wasm.
    fn plan(&self) -> Option<RefMut<'_, RangePlan>> {
        RefMut::filter_map(self.plan.try_borrow_mut().ok()?, Option::as_mut).ok()
    }

    /// Settles the days the punch results of the whole range decide (not async: the call is
    /// awaited in `start`, one state machine fewer). An abort stops the range (the workers then
    /// find nothing to ask); any other failure leaves every day to ask.
    fn prefilter(&self, reply: Result<Reply, RemedyError>) -> Prefilter {
        let reply = match reply {
            Ok(reply) => reply,
            Err(RemedyError::Aborted) => {
                if let Some(mut plan) = self.plan() {
                    plan.abort(RemedyError::Aborted);
                }
                return Prefilter::Off;
            }
            Err(e) => return Prefilter::Fallback(Some(e)),
        };
        let Some(query) = self.plan().map(|p| p.query().clone()) else {
            return Prefilter::Off;
        };
        let log_id = reply.response.log_id;
        let mut coverage = Coverage::new(query.user_id.as_str(), query.from, query.len());
        let records = match punch_results::read(&reply.list, &mut coverage) {
            Ok(records) => records,
            Err(problem) => {
                // `interpret` accepted the reply: its status was a success.
                let status = 200;
                let e = RemedyError::Decode {
                    status,
                    log_id,
                    problem,
                };
                return Prefilter::Fallback(Some(e));
            }
        };
        let Some(days) = china_today().and_then(|today| coverage.plan(today)) else {
            return Prefilter::Fallback(None);
        };
        // Asked once per range: neither is set yet.
        let _ = self.punches.set(records);
        let _ = self.punch_log_id.set(text_or_null(log_id.as_deref()));
        let settled = match self.plan() {
            Some(mut plan) => plan.apply(&days),
            None => Vec::new(),
        };
        for i in settled {
            self.publish(i, JsValue::UNDEFINED);
        }
        Prefilter::Used
    }

    fn next_day(&self) -> Option<(usize, crate::model::RemedyQuery)> {
        self.plan()?.next_day()
    }

    /// Records a day's final answer in the plan, then publishes it. A day cut short by the
    /// caller's abort is no answer: the abort stops the plan.
    fn record(&self, i: usize, result: Result<Reply, RemedyError>) {
        let list = match self.plan() {
            Some(mut plan) if matches!(result, Err(RemedyError::Aborted)) => {
                plan.abort(RemedyError::Aborted);
                JsValue::UNDEFINED
            }
            Some(mut plan) => {
                let (result, list) = match result {
                    Ok(reply) => (Ok(reply.response), reply.list),
                    Err(e) => (Err(e), JsValue::UNDEFINED),
                };
                plan.record(i, result);
                list
            }
            None => JsValue::UNDEFINED,
        };
        self.publish(i, list);
    }

    /// Day `i` done (asked, or settled by punch results): its result object, made once it has an
    /// answer and kept for the final array, then `onProgress` (without a day when it has none: the
    /// range ended, or an abort cut it short). `list` is an `ok` day's correctable punches.
    fn publish(&self, i: usize, list: JsValue) {
        let day = match self.plan().as_ref().and_then(|p| p.answered(i)) {
            Some((date, outcome)) => self.day_to_js(i, date.yyyymmdd(), outcome, list),
            None => JsValue::UNDEFINED,
        };
        self.days.set(i as u32, day.clone());
        self.done.set(self.done.get() + 1);
        // No borrow is held here: page code runs.
        self.progress(&day);
    }

    /// `onProgress(done, total, day)`; its throwing is not the range's failure.
    fn progress(&self, day: &JsValue) {
        if let Some(f) = &self.on_progress {
            let done = JsValue::from(self.done.get());
            let _ = f.call3(&JsValue::UNDEFINED, &done, &JsValue::from(self.total), day);
        }
    }

    /// After the workers: aborted, or every day's result (progress brought to its end when the
    /// plan stopped early and skipped the rest), with how the punch results served.
    fn end(&self, prefilter: &Prefilter) -> Result<JsValue, JsValue> {
        if self.relay.signal.as_ref().is_some_and(is_aborted) {
            return Err(error_to_js(&RemedyError::Aborted));
        }
        if self.done.get() < self.total {
            self.done.set(self.total);
            self.progress(&JsValue::UNDEFINED);
        }
        let out = Array::new();
        set(&out, "prefilter", &prefilter_to_js(prefilter));
        let Some(plan) = self.plan.try_borrow_mut().ok().and_then(|mut p| p.take()) else {
            return Ok(out.into());
        };
        // Answered days as already given to `onProgress`; the others (skipped) made now.
        for (i, (date, outcome)) in plan.finish().into_iter().enumerate() {
            let day = self.days.get(i as u32);
            let day = if day.is_undefined() {
                self.day_to_js(i, date.yyyymmdd(), &outcome, JsValue::UNDEFINED)
            } else {
                day
            };
            out.push(&day);
        }
        Ok(out.into())
    }

    /// Day `i` of the range: `{ date, status, decidedBy, ..., punches? }`; `list` is an `ok` day's
    /// correctable punches. A day settled by punch results has that reply's log id.
    fn day_to_js(&self, i: usize, date: u32, outcome: &DayOutcome, list: JsValue) -> JsValue {
        let day = Object::new();
        set(&day, "date", &JsValue::from(date));
        set(&day, "status", &JsValue::from_str(outcome.status()));
        let decided_by = match outcome {
            DayOutcome::Ok(response) => {
                set(&day, "entries", &list);
                set(&day, "logId", &text_or_null(response.log_id.as_deref()));
                "query"
            }
            DayOutcome::NothingToCorrect(e) => {
                set(&day, "logId", &text_or_null(e.log_id()));
                "query"
            }
            DayOutcome::Failed(e) => {
                set(&day, "error", &error_to_js(e));
                "query"
            }
            DayOutcome::Skipped(e) => {
                set(&day, "reason", &error_to_js(e));
                "query"
            }
            DayOutcome::Decided(decision) => {
                let log_id = self.punch_log_id.get();
                set(&day, "logId", log_id.unwrap_or(&JsValue::NULL));
                decision.as_str()
            }
        };
        set(&day, "decidedBy", &JsValue::from_str(decided_by));
        if let Some(punches) = self.punches.get().map(|p| p.get(i as u32)) {
            if !punches.is_undefined() {
                set(&day, "punches", &punches);
            }
        }
        day.into()
    }
}

fn text_or_null(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

/// `{ status: "used" | "fallback" | "off", error? }`.
fn prefilter_to_js(prefilter: &Prefilter) -> JsValue {
    let o = Object::new();
    let (status, error) = match prefilter {
        Prefilter::Used => ("used", None),
        Prefilter::Fallback(e) => ("fallback", e.as_ref()),
        Prefilter::Off => ("off", None),
    };
    set(&o, "status", &JsValue::from_str(status));
    if let Some(e) = error {
        set(&o, "error", &error_to_js(e));
    }
    o.into()
}
