//! A range query's state between the driver's calls: the [`RangePlan`] (which day next, when to
//! stop), the options, and each answered day's punches. `js/driver.js` runs the workers; each asks
//! [`next_day`] for work and reports every attempt to [`settle_day`], which records the final
//! answer in the plan. Ranges in flight live in a small table keyed by a number the driver holds.

use std::cell::RefCell;

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;

use crate::bindings::error_to_js;
use crate::client::{self, Limits};
use crate::errors::RemedyError;
use crate::js_reply::set;
use crate::options::{RangeExtras, Resolved};
use crate::range::{DayOutcome, RangePlan, RangeQuery};

#[wasm_bindgen(module = "/js/driver.js")]
extern "C" {
    /// Runs the workers of range `id` (see `js/driver.js`).
    #[wasm_bindgen(js_name = runRange)]
    fn run_range(
        id: u32,
        call: &Object,
        total: u32,
        concurrency: u32,
        on_progress: Option<Function>,
        bridge: &JsValue,
    ) -> js_sys::Promise;
}

/// One range in flight.
struct State {
    plan: RangePlan,
    relay: Resolved,
    /// By day: the punches of an `ok` answer, as the browser parsed them.
    lists: Vec<JsValue>,
}

thread_local! {
    /// Ranges in flight; a finished range's slot is reused.
    static RANGES: RefCell<Vec<Option<State>>> = const { RefCell::new(Vec::new()) };
}

/// Starts a range: stores its plan and hands the workers to the driver.
pub(crate) fn start(
    query: RangeQuery,
    relay: Resolved,
    extras: RangeExtras,
    bridge: &JsValue,
) -> js_sys::Promise {
    let total = query.len();
    let call = client::call_template(&relay);
    let state = State {
        plan: RangePlan::new(query),
        relay,
        lists: vec![JsValue::UNDEFINED; total],
    };
    let id = RANGES.with(|r| {
        let mut ranges = r.borrow_mut();
        let free = ranges.iter().position(Option::is_none);
        let id = free.unwrap_or(ranges.len());
        match ranges.get_mut(id) {
            Some(slot) => *slot = Some(state),
            None => ranges.push(Some(state)),
        }
        id
    });
    // The table is not borrowed here: the driver calls back into it before this returns.
    run_range(
        id as u32,
        &call,
        total as u32,
        extras.concurrency,
        extras.on_progress,
        bridge,
    )
}

/// Runs `f` on range `id`, if it is still in flight.
fn with<T>(id: u32, f: impl FnOnce(&mut State) -> T) -> Option<T> {
    RANGES.with(|r| r.borrow_mut().get_mut(id as usize)?.as_mut().map(f))
}

/// The next day to ask: `{ i, url, body }`, or `undefined` when the plan has none left.
pub(crate) fn next_day(id: u32) -> JsValue {
    with(id, |s| {
        let (i, day) = s.plan.next_day()?;
        let call = Object::new();
        set(&call, "i", &JsValue::from(i as u32));
        client::with_request(&call, &s.relay.relay_url, &day);
        Some(JsValue::from(call))
    })
    .flatten()
    .unwrap_or(JsValue::UNDEFINED)
}

/// Judges an attempt for day `i`; a final answer is recorded in the plan (an abort stops it).
pub(crate) fn settle_day(
    id: u32,
    i: u32,
    attempt: &JsValue,
    retries_done: u32,
    deadline: f64,
) -> JsValue {
    with(id, |s| {
        let limits = Limits {
            retries: s.relay.retries,
            timeout_ms: s.relay.timeout_ms,
            deadline,
        };
        let verdict = client::settle(attempt, retries_done, limits);
        let answer = verdict.to_js(false);
        if verdict.is_final() {
            record(s, i as usize, verdict.result);
        }
        answer
    })
    .unwrap_or(JsValue::UNDEFINED)
}

fn record(s: &mut State, i: usize, result: Result<client::Reply, RemedyError>) {
    if matches!(result, Err(RemedyError::Aborted)) {
        s.plan.abort(RemedyError::Aborted);
    }
    let result = result.map(|reply| {
        if let Some(slot) = s.lists.get_mut(i) {
            *slot = reply.list;
        }
        reply.response
    });
    s.plan.record(i, result);
}

/// Every day's result, in date order; ends the range.
pub(crate) fn finish(id: u32) -> JsValue {
    let Some(state) = RANGES.with(|r| r.borrow_mut().get_mut(id as usize).and_then(Option::take))
    else {
        return Array::new().into();
    };
    let out = Array::new();
    for ((date, outcome), list) in state.plan.finish().into_iter().zip(state.lists) {
        out.push(&day_to_js(date.yyyymmdd(), outcome, list));
    }
    out.into()
}

/// Forgets range `id` (after `finish`, or when it was cancelled).
pub(crate) fn drop_range(id: u32) {
    RANGES.with(|r| {
        if let Some(slot) = r.borrow_mut().get_mut(id as usize) {
            *slot = None;
        }
    });
}

fn text_or_null(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

/// One day of a range: `{ date, status, ... }`.
fn day_to_js(date: u32, outcome: DayOutcome, list: JsValue) -> JsValue {
    let day = Object::new();
    set(&day, "date", &JsValue::from(date));
    set(&day, "status", &JsValue::from_str(outcome.status()));
    match outcome {
        DayOutcome::Ok(response) => {
            set(&day, "entries", &list);
            set(&day, "logId", &text_or_null(response.log_id.as_deref()));
        }
        DayOutcome::NothingToCorrect(e) => set(&day, "logId", &text_or_null(e.log_id())),
        DayOutcome::Failed(e) => set(&day, "error", &error_to_js(&e)),
        DayOutcome::Skipped(e) => set(&day, "reason", &error_to_js(&e)),
    }
    day.into()
}
