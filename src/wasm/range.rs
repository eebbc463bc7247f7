//! A range query in Rust async: `concurrency` workers share one [`RangePlan`] (which day next,
//! when to stop early), each asking a day with [`call::run`] and recording its final answer,
//! with `onProgress(done, total, day)` after every day, so a page can show each day as it comes
//! (and keep what came when the caller cancels). Only the plan decides: a day that answers
//! 1226502 (group forbids) or 1226504 (quota used up), or an abort, stops the rest.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::errors::RemedyError;
use crate::range::{DayOutcome, RangePlan, RangeQuery};
use crate::wasm::call::{self, Reply};
use crate::wasm::fetch::is_aborted;
use crate::wasm::js::{set, spawn};
use crate::wasm::js_error::error_to_js;
use crate::wasm::options::{RangeExtras, Resolved};

/// One range in flight, shared by its workers (one thread: `Rc` and cells, never borrowed across
/// an await).
struct Range {
    /// `None` once finished.
    plan: RefCell<Option<RangePlan>>,
    relay: Resolved,
    /// By day: its result object once answered (given to `onProgress`, and the same object in the
    /// final array), else `undefined`.
    days: RefCell<Vec<JsValue>>,
    done: Cell<u32>,
    total: u32,
    on_progress: Option<Function>,
}

/// Starts a range; the promise resolves to every day's result, in date order, or rejects when the
/// caller aborts.
pub(crate) fn start(query: RangeQuery, relay: Resolved, extras: RangeExtras) -> Promise {
    let total = query.len();
    let range = Rc::new(Range {
        plan: RefCell::new(Some(RangePlan::new(query))),
        relay,
        days: RefCell::new(vec![JsValue::UNDEFINED; total]),
        done: Cell::new(0),
        total: total as u32,
        on_progress: extras.on_progress,
    });
    // Each worker is its own promise; `Promise.all` joins them, which needs no join combinator
    // (and no futures crate) in the wasm.
    let workers = Array::new();
    for _ in 0..extras.concurrency.min(total as u32) {
        let range = Rc::clone(&range);
        workers.push(&spawn(Box::pin(async move {
            worker(&range).await;
            Ok(JsValue::UNDEFINED)
        })));
    }
    spawn(Box::pin(async move {
        // Workers never reject: each day's failure is that day's result.
        let _ = JsFuture::from(Promise::all(&workers)).await;
        range.end()
    }))
}

/// Asks days until the plan has none left.
async fn worker(range: &Range) {
    while let Some((i, day)) = range.next_day() {
        let result = call::run(&range.relay, &day).await;
        let day = range.record(i, result);
        range.done.set(range.done.get() + 1);
        range.progress(&day);
    }
}

impl Range {
    fn next_day(&self) -> Option<(usize, crate::model::RemedyQuery)> {
        self.plan.borrow_mut().as_mut()?.next_day()
    }

    /// Records a day's final answer and returns the day's result object: `undefined` once the
    /// range has ended, and for a day cut short by the caller's abort, which is no answer (the
    /// abort stops the plan). No page code runs while the plan is borrowed.
    fn record(&self, i: usize, result: Result<Reply, RemedyError>) -> JsValue {
        let mut plan = self.plan.borrow_mut();
        let Some(plan) = plan.as_mut() else {
            return JsValue::UNDEFINED;
        };
        if matches!(result, Err(RemedyError::Aborted)) {
            plan.abort(RemedyError::Aborted);
            return JsValue::UNDEFINED;
        }
        let (result, list) = match result {
            Ok(reply) => (Ok(reply.response), reply.list),
            Err(e) => (Err(e), JsValue::UNDEFINED),
        };
        plan.record(i, result);
        let Some((date, outcome)) = plan.answered(i) else {
            return JsValue::UNDEFINED;
        };
        let day = day_to_js(date.yyyymmdd(), outcome, list);
        if let Some(slot) = self.days.borrow_mut().get_mut(i) {
            *slot = day.clone();
        }
        day
    }

    /// `onProgress(done, total, day)`; its throwing is not the range's failure.
    fn progress(&self, day: &JsValue) {
        if let Some(f) = &self.on_progress {
            let done = JsValue::from(self.done.get());
            let _ = f.call3(&JsValue::UNDEFINED, &done, &JsValue::from(self.total), day);
        }
    }

    /// After the workers: aborted, or every day's result (progress brought to its end when the
    /// plan stopped early and skipped the rest).
    fn end(&self) -> Result<JsValue, JsValue> {
        if self.relay.signal.as_ref().is_some_and(is_aborted) {
            return Err(error_to_js(&RemedyError::Aborted));
        }
        if self.done.get() < self.total {
            self.done.set(self.total);
            self.progress(&JsValue::UNDEFINED);
        }
        let out = Array::new();
        let Some(plan) = self.plan.take() else {
            return Ok(out.into());
        };
        // Answered days as already given to `onProgress`; the others (skipped) made now.
        let days = self.days.take();
        for ((date, outcome), day) in plan.finish().into_iter().zip(days) {
            let day = if day.is_undefined() {
                day_to_js(date.yyyymmdd(), &outcome, JsValue::UNDEFINED)
            } else {
                day
            };
            out.push(&day);
        }
        Ok(out.into())
    }
}

fn text_or_null(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

/// One day of a range: `{ date, status, ... }`; `list` is an `ok` day's punches.
fn day_to_js(date: u32, outcome: &DayOutcome, list: JsValue) -> JsValue {
    let day = Object::new();
    set(&day, "date", &JsValue::from(date));
    set(&day, "status", &JsValue::from_str(outcome.status()));
    match outcome {
        DayOutcome::Ok(response) => {
            set(&day, "entries", &list);
            set(&day, "logId", &text_or_null(response.log_id.as_deref()));
        }
        DayOutcome::NothingToCorrect(e) => set(&day, "logId", &text_or_null(e.log_id())),
        DayOutcome::Failed(e) => set(&day, "error", &error_to_js(e)),
        DayOutcome::Skipped(e) => set(&day, "reason", &error_to_js(e)),
        // A day settled without asking: the browser's range does not settle days yet.
        DayOutcome::Decided(_) => set(&day, "logId", &JsValue::NULL),
    }
    day.into()
}
