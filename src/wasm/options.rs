//! `RelayOptions`: where the relay is and how to talk to it. `configure()` checks and keeps a set;
//! each call may pass its own, laid over the kept ones field by field (headers name by name), and
//! the result is checked again as a whole, so every bad option fails with the option's name.

use std::cell::Cell;

use js_sys::{Function, JsString, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::errors::{Field, Problem, ValidationError};
use crate::retry::{DEFAULT_RETRIES, MAX_RETRIES};
use crate::validate::{self, missing_or_wrong, Loose, MAX_TEXT_UNITS};
use crate::wasm::input::{loose, loose_at, record, unreadable};
use crate::wasm::js::{bounded_text, get, set};

/// How long a call may take, retries included, when the caller does not say.
const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// The longest timeout accepted: ten minutes.
const MAX_TIMEOUT_MS: i64 = 600_000;
/// Days asked at once by a range query when the caller does not say.
const DEFAULT_CONCURRENCY: u32 = 4;
/// The most days asked at once: beyond this a relay only queues them (and Feishu rate-limits).
const MAX_CONCURRENCY: i64 = 16;
/// fetch's `credentials` values.
const CREDENTIALS: &[&str] = &["omit", "same-origin", "include"];
/// Every option but `headers` (merged name by name in [`overlay`]).
const OPTIONS_BUT_HEADERS: [&str; 9] = [
    "relayUrl",
    "timeoutMs",
    "credentials",
    "signal",
    "retries",
    "concurrency",
    "onProgress",
    "token",
    "prefilter",
];

type Checked<T> = Result<T, ValidationError>;

#[wasm_bindgen]
extern "C" {
    /// `Object.assign`, catching: it runs the getters (and Proxy traps) of what it copies.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = assign)]
    fn assign(target: &Object, a: &JsValue, b: &JsValue) -> Result<Object, JsValue>;

    /// `Object.fromEntries`, catching (it iterates what it is given).
    #[wasm_bindgen(catch, js_namespace = Object, js_name = fromEntries)]
    fn from_entries(iterable: &JsValue) -> Result<JsValue, JsValue>;

    /// fetch's `Headers` class, only to recognise instances.
    #[wasm_bindgen(js_name = Headers)]
    type HeadersClass;
}

/// Relay options with every default filled in: what a call runs with.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// The relay's base URL, without a trailing slash.
    pub relay_url: String,
    /// The whole call's time limit, retries included.
    pub timeout_ms: u32,
    /// Extra request headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// fetch's `credentials`, when given.
    pub credentials: Option<&'static str>,
    /// The caller's cancel signal.
    pub signal: Option<AbortSignal>,
    /// How many times a retryable failure is retried.
    pub retries: u32,
    /// The `token` option, sent as `Authorization: Bearer …` (`token::authorization`).
    pub token: Option<Token>,
}

/// The `token` option: a checked token, or the page's function that gives one per call.
#[derive(Debug, Clone)]
pub(crate) enum Token {
    /// Given as a string, checked ([`validate::token`]).
    Fixed(String),
    /// A function returning a token or a promise of one, called at each call.
    Source(Function),
}

/// The options only a range query has.
#[derive(Debug, Clone)]
pub(crate) struct RangeExtras {
    /// Days asked at once.
    pub concurrency: u32,
    /// Called with `(done, total)` after every day.
    pub on_progress: Option<Function>,
    /// Ask punch results first and only the days they do not settle (default true).
    pub prefilter: bool,
}

thread_local! {
    /// A copy of what `configure()` accepted. wasm32 is single-threaded: this is the module's state.
    static CONFIGURED: Cell<JsValue> = const { Cell::new(JsValue::UNDEFINED) };
}

/// `configure(options)`: checks the options (the range-only `concurrency` and `onProgress`
/// included) and keeps a copy, replacing earlier ones. A relay URL is not required yet (a call may
/// bring its own).
pub(crate) fn configure(options: &JsValue) -> Checked<()> {
    record(options, Field::Options)?;
    let copy = overlay(&JsValue::UNDEFINED, options)?;
    parse(&copy, false)?;
    // The range-only options too: kept as every range query's defaults, so a bad one is refused
    // here, by name, rather than by each later range call.
    range_extras(&copy)?;
    CONFIGURED.with(|c| c.set(copy.into()));
    Ok(())
}

/// The options a single call runs with: `configure`'s, overridden by the call's own.
pub(crate) fn for_call(options: &JsValue) -> Checked<Resolved> {
    let merged = merged(options)?;
    parse(&merged, true)
}

/// The options a range query runs with, for every one of its days.
pub(crate) fn for_range(options: &JsValue) -> Checked<(Resolved, RangeExtras)> {
    let merged = merged(options)?;
    Ok((parse(&merged, true)?, range_extras(&merged)?))
}

/// `configure`'s options with the call's laid over them (`undefined` and `null` mean none).
fn merged(options: &JsValue) -> Checked<Object> {
    if !(options.is_undefined() || options.is_null()) {
        record(options, Field::Options)?;
    }
    // A `Cell` (taken and put back), not a `RefCell`: `overlay` runs the caller's getters and
    // Proxy traps, and one of them may call `configure()`; no borrow can be held, and there is no
    // borrow panic path in the wasm.
    let base = CONFIGURED.with(|c| {
        let base = c.take();
        c.set(base.clone());
        base
    });
    overlay(&base, options)
}

/// A fresh object with `top`'s fields over `base`'s, and their `headers` merged the same way (the
/// names are compared case-insensitively later, in [`headers`]). A field `top` sets to `undefined`
/// or `null` counts as not given: code that passes its own optional settings on
/// (`{ signal: opts.signal }`) must not erase what `configure()` set. The options object is a copy,
/// so a caller changing its object afterwards changes no field here; a `headers` object given at
/// only one level is kept as given (not copied), and is read and checked again at every call.
fn overlay(base: &JsValue, top: &JsValue) -> Checked<Object> {
    let out = assign(&Object::new(), base, top).map_err(|_| unreadable(Field::Options))?;
    // A call without options, or nothing configured: nothing for `Object.assign` to have erased.
    if ![base, top].iter().any(|v| v.is_undefined() || v.is_null()) {
        restore_absent(&out, base);
    }
    let mut heads = Vec::new();
    for level in [base, top] {
        match get(level, "headers") {
            Some(h) if !(h.is_undefined() || h.is_null()) => heads.push(plain_headers(h)?),
            _ => {}
        }
    }
    let merged = match heads.as_slice() {
        [one] => one.clone(),
        [a, b] if record(a, Field::Headers).is_ok() && record(b, Field::Headers).is_ok() => {
            assign(&Object::new(), a, b)
                .map_err(|_| unreadable(Field::Headers))?
                .into()
        }
        // None, or a bad one that `headers` will refuse by name.
        _ => return Ok(out),
    };
    set(&out, "headers", &merged);
    Ok(out)
}

/// `base`'s value for every option `out` has as absent: `Object.assign` copied a call's
/// `undefined` and `null` over it. Both are copies (`Object.assign`'s, and `configure`'s), so no
/// page code runs here.
fn restore_absent(out: &Object, base: &JsValue) {
    for name in OPTIONS_BUT_HEADERS {
        if present_value(out, name).is_none() {
            if let Some(v) = present_value(base, name) {
                set(out, name, &v);
            }
        }
    }
}

/// A `Headers` or `Map` instance as a plain object (their entries are not own properties, so read
/// as given they would silently send nothing); others as given. An instance whose entries cannot
/// be read (a `Map` key whose `toString` throws, a broken iterator) is refused by name: read as an
/// object instead, it would have no fields, and the call would go out without any of its headers.
fn plain_headers(v: JsValue) -> Checked<JsValue> {
    if v.is_instance_of::<HeadersClass>() || v.is_instance_of::<js_sys::Map>() {
        from_entries(&v).map_err(|_| unreadable(Field::Headers))
    } else {
        Ok(v)
    }
}

/// `object[key]` unless absent (`undefined` or `null`).
fn present(object: &JsValue, key: &'static str) -> Option<Loose> {
    match loose_at(object, key) {
        Loose::Missing | Loose::Null => None,
        other => Some(other),
    }
}

/// `object[key]` itself unless absent (`undefined` or `null`): read once. Only ever given a copy
/// of the options (`Object.assign`'s, or `configure`'s), so reading cannot throw; if it did, the
/// value would be `undefined`, which each option refuses.
fn present_value(object: &JsValue, key: &'static str) -> Option<JsValue> {
    match get(object, key) {
        Some(v) if v.is_undefined() || v.is_null() => None,
        other => Some(other.unwrap_or(JsValue::UNDEFINED)),
    }
}

/// A whole number option within bounds, or its default.
fn int(
    object: &JsValue,
    key: &'static str,
    field: Field,
    (min, max): (i64, i64),
    or: u32,
) -> Checked<u32> {
    match present(object, key) {
        Some(v) => Ok(validate::bounded(field, &v, min, max)? as u32),
        None => Ok(or),
    }
}

/// Checks every relay option on `o`; `need_url` when a call is about to be made.
fn parse(o: &JsValue, need_url: bool) -> Checked<Resolved> {
    let relay_url = match present(o, "relayUrl") {
        Some(v) => browser_checked(validate::relay_url_form(&v)?)?,
        None if need_url => return Err(ValidationError::new(Field::RelayUrl, Problem::Missing)),
        None => String::new(),
    };
    let retry_bounds = (0, i64::from(MAX_RETRIES));
    Ok(Resolved {
        relay_url,
        timeout_ms: int(
            o,
            "timeoutMs",
            Field::TimeoutMs,
            (1, MAX_TIMEOUT_MS),
            DEFAULT_TIMEOUT_MS,
        )?,
        headers: headers(o)?,
        credentials: credentials(o)?,
        signal: signal(o)?,
        retries: int(o, "retries", Field::Retries, retry_bounds, DEFAULT_RETRIES)?,
        token: token(o)?,
    })
}

/// `token`: a string, checked now, or a function, kept to be called at each call.
fn token(o: &JsValue) -> Checked<Option<Token>> {
    let Some(value) = present_value(o, "token") else {
        return Ok(None);
    };
    match value.dyn_into::<Function>() {
        Ok(source) => Ok(Some(Token::Source(source))),
        Err(value) => Ok(Some(Token::Fixed(validate::token(&loose(&value))?))),
    }
}

/// `url` (accepted by the core's check of its form) unless the browser's URL parser refuses it,
/// asked only where the core leaves the verdict to it (`needs_parser`): an IP address (the URL
/// Standard's IPv4 and IPv6 forms: `http://999.1.1.1` has no host) or an internationalised name
/// (IDNA). The browser's parser is what `fetch` uses, so the two cannot disagree; and the wasm
/// carries neither the address parsers nor IDNA's tables.
fn browser_checked((url, needs_parser): (String, bool)) -> Checked<String> {
    if needs_parser && web_sys::Url::new(&url).is_err() {
        return Err(ValidationError::new(Field::RelayUrl, Problem::NotAUrl));
    }
    Ok(url)
}

/// `concurrency` and `onProgress`, checked (from `configure()`'s options, or a range call's).
fn range_extras(o: &JsValue) -> Checked<RangeExtras> {
    let bounds = (1, MAX_CONCURRENCY);
    let concurrency = int(
        o,
        "concurrency",
        Field::Concurrency,
        bounds,
        DEFAULT_CONCURRENCY,
    )?;
    let on_progress = match present_value(o, "onProgress") {
        None => None,
        Some(value) => Some(
            value
                .dyn_into::<Function>()
                .map_err(|v| missing_or_wrong(Field::OnProgress, &loose(&v), "function"))?,
        ),
    };
    let prefilter = match present(o, "prefilter") {
        None => true,
        Some(Loose::Bool(b)) => b,
        Some(v) => return Err(missing_or_wrong(Field::Prefilter, &v, "boolean")),
    };
    Ok(RangeExtras {
        concurrency,
        on_progress,
        prefilter,
    })
}

fn credentials(o: &JsValue) -> Checked<Option<&'static str>> {
    let Some(v) = present(o, "credentials") else {
        return Ok(None);
    };
    let Loose::Text(s) = &v else {
        return Err(missing_or_wrong(Field::Credentials, &v, "string"));
    };
    let known = CREDENTIALS.iter().find(|c| **c == s.as_str());
    known.map(|c| Some(*c)).ok_or(ValidationError::new(
        Field::Credentials,
        Problem::NotOneOf(CREDENTIALS),
    ))
}

/// A real `AbortSignal`: `instanceof` alone is fooled by `Object.create(AbortSignal.prototype)`
/// and by Proxies, whose `aborted` getter then throws; reading it here refuses those up front.
fn signal(o: &JsValue) -> Checked<Option<AbortSignal>> {
    let Some(value) = present_value(o, "signal") else {
        return Ok(None);
    };
    let genuine = value.is_instance_of::<AbortSignal>()
        && get(&value, "aborted").is_some_and(|a| a.as_bool().is_some());
    if genuine {
        Ok(Some(value.unchecked_into()))
    } else {
        Err(missing_or_wrong(
            Field::Signal,
            &loose(&value),
            "AbortSignal",
        ))
    }
}

/// `headers`: an object of strings. Names must be HTTP tokens and values must be what fetch
/// accepts (no CR, LF or NUL, nothing beyond Latin-1), so that fetch can never refuse them later.
/// Names are lower-cased; of two names differing only in case, the later (the call's) wins.
fn headers(o: &JsValue) -> Checked<Vec<(String, String)>> {
    let Some(value) = present_value(o, "headers") else {
        return Ok(Vec::new());
    };
    record(&value, Field::Headers)?;
    let keys = Reflect::own_keys(value.unchecked_ref()).map_err(|_| unreadable(Field::Headers))?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for key in keys.iter() {
        // Symbol keys cannot name a header; skip them as fetch would.
        let Some(name) = key.dyn_ref::<JsString>().map(bounded_text) else {
            continue;
        };
        let v = Reflect::get(&value, &key).map_or(Loose::Object, |v| loose(&v));
        let Loose::Text(text) = v else {
            // Not `missing_or_wrong`: a header whose value is `undefined` or `null` is of the
            // wrong type (its name is there), not a missing option.
            let got = v.type_name();
            return Err(ValidationError::wrong_type(
                Field::Headers,
                "object of strings",
                got,
            ));
        };
        if !is_token(&name) || !is_header_value(&text) {
            return Err(ValidationError::wrong_type(
                Field::Headers,
                "valid HTTP header",
                "string",
            ));
        }
        let name = name.to_ascii_lowercase();
        pairs.retain(|(n, _)| *n != name);
        pairs.push((name, text));
    }
    Ok(pairs)
}

/// RFC 9110's `token`: what a header name may be made of.
fn is_token(s: &str) -> bool {
    (1..=MAX_TEXT_UNITS).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn is_header_value(s: &str) -> bool {
    s.len() <= MAX_TEXT_UNITS
        && s.chars()
            .all(|c| !matches!(c, '\r' | '\n' | '\0') && u32::from(c) <= 0xFF)
}
