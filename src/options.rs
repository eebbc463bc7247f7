//! `RelayOptions`: where the relay is and how to talk to it. `configure()` stores a set; each call
//! may pass its own, which override the stored ones field by field (headers name by name). Every
//! option is checked when it is given, so a bad one fails at once with the option's name.

use std::cell::RefCell;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, Headers};

use crate::js_input::{get, loose, loose_at, record};
use crate::retry::{DEFAULT_RETRIES, MAX_RETRIES};
use crate::validate::{self, Field, Loose, Problem, ValidationError};

/// How long a call may take, retries included, when the caller does not say.
pub(crate) const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// The longest timeout accepted: ten minutes.
const MAX_TIMEOUT_MS: i64 = 600_000;
/// Days asked at once by a range query when the caller does not say.
pub(crate) const DEFAULT_CONCURRENCY: u32 = 4;
/// The most days asked at once: beyond this a relay only queues them (and Feishu rate-limits).
const MAX_CONCURRENCY: i64 = 16;
/// fetch's `credentials` values.
const CREDENTIALS: &[&str] = &["omit", "same-origin", "include"];

type Checked<T> = Result<T, ValidationError>;

/// Relay options as given: each one optional, so per-call options can be laid over `configure`'s.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelayOptions {
    relay_url: Option<String>,
    timeout_ms: Option<u32>,
    headers: Option<Vec<(String, String)>>,
    credentials: Option<&'static str>,
    signal: Option<AbortSignal>,
    retries: Option<u32>,
}

/// Relay options with every default filled in: what a call runs with.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// The relay's base URL, without a trailing slash.
    pub relay_url: String,
    /// The whole call's time limit, retries included.
    pub timeout_ms: u32,
    /// Extra request headers, checked by the browser's own `Headers`.
    pub headers: Vec<(String, String)>,
    /// fetch's `credentials`, when given.
    pub credentials: Option<&'static str>,
    /// The caller's cancel signal.
    pub signal: Option<AbortSignal>,
    /// How many times a retryable failure is retried.
    pub retries: u32,
}

/// The options only a range query has.
#[derive(Debug, Clone)]
pub(crate) struct RangeExtras {
    /// Days asked at once.
    pub concurrency: u32,
    /// Called with `(done, total)` after every day.
    pub on_progress: Option<Function>,
}

thread_local! {
    /// What `configure()` stored. wasm32 is single-threaded, so this is simply the module's state.
    static CONFIGURED: RefCell<RelayOptions> = RefCell::new(RelayOptions::default());
}

/// `configure(options)`: checks and stores the options, replacing earlier ones.
pub(crate) fn configure(options: &JsValue) -> Checked<()> {
    record(options, Field::Options)?;
    let parsed = RelayOptions::from_js(options)?;
    CONFIGURED.with(|c| *c.borrow_mut() = parsed);
    Ok(())
}

/// The options a single call runs with: `configure`'s, overridden by the call's own.
pub(crate) fn for_call(options: &JsValue) -> Checked<Resolved> {
    per_call(options)?.over_configured().resolve()
}

/// The options a range query runs with, for every one of its days.
pub(crate) fn for_range(options: &JsValue) -> Checked<(Resolved, RangeExtras)> {
    let relay = for_call(options)?;
    let extras = if given(options) {
        RangeExtras::from_js(options)?
    } else {
        RangeExtras::default()
    };
    Ok((relay, extras))
}

/// Per-call options: `undefined` and `null` mean none.
fn per_call(options: &JsValue) -> Checked<RelayOptions> {
    if !given(options) {
        return Ok(RelayOptions::default());
    }
    record(options, Field::Options)?;
    RelayOptions::from_js(options)
}

fn given(v: &JsValue) -> bool {
    !(v.is_undefined() || v.is_null())
}

/// `object[key]` when it is present (neither `undefined` nor `null`); an unreadable property is
/// present, so that its checker refuses it.
fn present(object: &JsValue, key: &str) -> Option<Loose> {
    match loose_at(object, key) {
        Loose::Missing | Loose::Null => None,
        other => Some(other),
    }
}

fn wrong_type(field: Field, expected: &'static str, got: &Loose) -> ValidationError {
    ValidationError::new(
        field,
        Problem::WrongType {
            expected,
            got: got.type_name(),
        },
    )
}

impl RelayOptions {
    /// Reads and checks every option present on `object`.
    fn from_js(object: &JsValue) -> Checked<Self> {
        let int = |key, field, min, max| -> Checked<Option<u32>> {
            present(object, key)
                .map(|v| validate::bounded(field, &v, min, max).map(|n| n as u32))
                .transpose()
        };
        Ok(RelayOptions {
            relay_url: present(object, "relayUrl")
                .map(|v| validate::relay_url(&v))
                .transpose()?,
            timeout_ms: int("timeoutMs", Field::TimeoutMs, 1, MAX_TIMEOUT_MS)?,
            headers: present(object, "headers")
                .map(|_| headers(object))
                .transpose()?,
            credentials: present(object, "credentials")
                .map(|v| credentials(&v))
                .transpose()?,
            signal: present(object, "signal")
                .map(|_| signal(object))
                .transpose()?,
            retries: int("retries", Field::Retries, 0, i64::from(MAX_RETRIES))?,
        })
    }

    /// These options laid over the configured ones.
    fn over_configured(self) -> Self {
        CONFIGURED.with(|c| self.over(&c.borrow()))
    }

    /// These options laid over `base`: each given option wins; headers merge by name.
    fn over(self, base: &RelayOptions) -> Self {
        let headers = match (self.headers, &base.headers) {
            (Some(mine), Some(theirs)) => Some(merge_headers(theirs, mine)),
            (mine, theirs) => mine.or_else(|| theirs.clone()),
        };
        RelayOptions {
            relay_url: self.relay_url.or_else(|| base.relay_url.clone()),
            timeout_ms: self.timeout_ms.or(base.timeout_ms),
            headers,
            credentials: self.credentials.or(base.credentials),
            signal: self.signal.or_else(|| base.signal.clone()),
            retries: self.retries.or(base.retries),
        }
    }

    /// Fills in the defaults; without a relay URL there is nothing to call.
    fn resolve(self) -> Checked<Resolved> {
        let relay_url = self
            .relay_url
            .ok_or_else(|| ValidationError::new(Field::RelayUrl, Problem::Missing))?;
        Ok(Resolved {
            relay_url,
            timeout_ms: self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            headers: self.headers.unwrap_or_default(),
            credentials: self.credentials,
            signal: self.signal,
            retries: self.retries.unwrap_or(DEFAULT_RETRIES),
        })
    }
}

impl Default for RangeExtras {
    fn default() -> Self {
        RangeExtras {
            concurrency: DEFAULT_CONCURRENCY,
            on_progress: None,
        }
    }
}

impl RangeExtras {
    fn from_js(object: &JsValue) -> Checked<Self> {
        let concurrency = present(object, "concurrency")
            .map(|v| validate::bounded(Field::Concurrency, &v, 1, MAX_CONCURRENCY))
            .transpose()?
            .map_or(DEFAULT_CONCURRENCY, |n| n as u32);
        let on_progress = match present(object, "onProgress") {
            None => None,
            Some(v) => Some(function(object, "onProgress", &v)?),
        };
        Ok(RangeExtras {
            concurrency,
            on_progress,
        })
    }
}

fn function(object: &JsValue, key: &str, seen: &Loose) -> Checked<Function> {
    get(object, key)
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| wrong_type(Field::OnProgress, "function", seen))
}

fn credentials(v: &Loose) -> Checked<&'static str> {
    let Loose::Text(s) = v else {
        return Err(wrong_type(Field::Credentials, "string", v));
    };
    CREDENTIALS
        .iter()
        .find(|c| **c == s.as_str())
        .copied()
        .ok_or(ValidationError::new(
            Field::Credentials,
            Problem::NotOneOf(CREDENTIALS),
        ))
}

/// A real `AbortSignal`: `instanceof` alone is fooled by `Object.create(AbortSignal.prototype)`
/// and by Proxies, whose `aborted` getter then throws; reading it here refuses those up front.
fn signal(object: &JsValue) -> Checked<AbortSignal> {
    let value = get(object, "signal").unwrap_or(JsValue::UNDEFINED);
    let genuine = value.is_instance_of::<AbortSignal>()
        && Reflect::get(&value, &JsValue::from_str("aborted")).is_ok_and(|a| a.as_bool().is_some());
    if genuine {
        Ok(value.unchecked_into())
    } else {
        Err(wrong_type(Field::Signal, "AbortSignal", &loose(&value)))
    }
}

/// `headers`: a `Headers` or a plain object of strings. Each pair goes through the browser's own
/// `Headers.set`, so a name or value fetch would refuse is refused here, as a validation error.
fn headers(object: &JsValue) -> Checked<Vec<(String, String)>> {
    let value = get(object, "headers").unwrap_or(JsValue::UNDEFINED);
    let bad = |got: &Loose| wrong_type(Field::Headers, "object of strings", got);
    let plain = if value.is_instance_of::<Headers>() {
        Object::from_entries(&value).map_err(|_| bad(&Loose::Object))?
    } else {
        record(&value, Field::Headers)?;
        value.unchecked_into()
    };
    let keys = Reflect::own_keys(&plain).map_err(|_| bad(&Loose::Object))?;
    let probe = Headers::new().map_err(|_| bad(&Loose::Object))?;
    let mut pairs = Vec::new();
    for key in keys.iter() {
        // Symbol keys cannot name a header; skip them like fetch would.
        let Some(name) = key.as_string() else {
            continue;
        };
        let v = loose_at(&plain, &name);
        let Loose::Text(text) = v else {
            return Err(bad(&v));
        };
        probe.set(&name, &text).map_err(|_| {
            wrong_type(
                Field::Headers,
                "valid HTTP header",
                &Loose::Text(text.clone()),
            )
        })?;
        pairs.push((name, text));
    }
    Ok(pairs)
}

/// `base` with `overrides` applied; header names compare case-insensitively, as HTTP's do.
fn merge_headers(
    base: &[(String, String)],
    overrides: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = base
        .iter()
        .filter(|(name, _)| !overrides.iter().any(|(o, _)| o.eq_ignore_ascii_case(name)))
        .cloned()
        .collect();
    out.extend(overrides);
    out
}
