//! A [`RemedyError`] as JavaScript sees it: an instance of the `RemedyError` class of
//! `remedy_error.js` (a real `Error`, with a stack), every documented field filled in.

use wasm_bindgen::prelude::*;

use crate::errors::RemedyError;
use crate::text::cat;

#[wasm_bindgen(module = "/src/wasm/remedy_error.js")]
extern "C" {
    /// A `RemedyError` instance from its fields, in the order the class documents them.
    #[wasm_bindgen(js_name = makeRemedyError)]
    fn make_remedy_error(
        message: &str,
        kind: &str,
        code: Option<f64>,
        http_status: Option<f64>,
        msg: Option<&str>,
        log_id: Option<&str>,
        troubleshooter: Option<&str>,
        category: &str,
        field: Option<&str>,
        problem: Option<&str>,
        meaning_zh: &str,
        meaning_en: &str,
        hint_zh: &str,
        hint_en: &str,
        retryable: bool,
        retry_after_ms: Option<f64>,
        nothing_to_correct: bool,
        sign_in_url: Option<&str>,
    ) -> JsValue;
}

/// The machine-readable reason inside validation, http and decode errors.
fn problem_code(e: &RemedyError) -> Option<&'static str> {
    match e {
        RemedyError::Validation(v) => Some(v.problem.code()),
        RemedyError::Http { problem, .. } | RemedyError::Decode { problem, .. } => {
            Some(problem.code())
        }
        _ => None,
    }
}

/// The message: the error's own words, plus the log id so that a logged message is enough for
/// Feishu support.
fn message(e: &RemedyError) -> String {
    let text = e.message();
    match e.log_id() {
        Some(id) => cat(&[text.as_str(), " (log id ", id, ")"]),
        None => text,
    }
}

/// A `RemedyError` instance with every documented field (absent ones `null`).
pub(crate) fn error_to_js(e: &RemedyError) -> JsValue {
    let (meaning, hint) = (e.meaning(), e.action());
    make_remedy_error(
        &message(e),
        e.kind(),
        e.code().map(|c| c as f64),
        e.http_status().map(f64::from),
        e.feishu_msg(),
        e.log_id(),
        e.troubleshooter(),
        e.category().as_str(),
        e.field(),
        problem_code(e),
        &meaning.zh,
        &meaning.en,
        &hint.zh,
        &hint.en,
        e.retryable(),
        e.retry_after_secs().map(|s| f64::from(s) * 1000.0),
        e.is_nothing_to_correct(),
        e.sign_in_url(),
    )
}
