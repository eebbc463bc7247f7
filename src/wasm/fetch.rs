//! The browser's side of one call: `fetch` through the global scope, the call's time limit, the
//! caller's cancel signal, and the waits between attempts. Decisions are not made here: what a
//! reply means and whether to try again are `call`'s (and the core's).
//!
//! # How gloo-net is used, and why not its `send`
//!
//! gloo-net 0.7's `Request::send` turns a rejected fetch into its error with `js_to_error`, which
//! does `unreachable!` when the rejection is not an `Error`; it panics too (`dyn_into` on a non
//! `Response`) when fetch resolves to something else, and its `fetch` binding does not catch a
//! `fetch` that throws. A caller's `controller.abort("some string")` rejects fetch with that
//! string, and a page may replace `fetch` with anything: each of those would be a panic, which
//! kills the module for the whole page. So this module calls the global `fetch` itself through a
//! catching binding and judges any rejection by which signal fired rather than by its value. The
//! reply's status and headers are read through catching operations too (gloo-net's `Response`
//! getters do not catch, and a replaced `fetch` may return a `Response` whose getters throw). The
//! request headers are gloo-net's `Headers`; the rest of the request is a `RequestInit` passed as
//! `fetch(url, init)`. gloo-net's `RequestBuilder` was tried first: it builds a `Request` object
//! by constructing `Request` twice and a `URL` per attempt, which measured 1.2x plain fetch in
//! `make bench` against 1.1x this way (and 5 KB more wasm). The signal in `init` is that of an
//! internal `AbortController` that only this module aborts, without a reason, so fetch rejects
//! with `DOMException`s; the caller's signal is never given to fetch, an event listener links it
//! to the internal controller. Every wait also races the internal controller's abort, so the time
//! limit and the caller's cancel hold even against a `fetch` that ignores its signal. The body is
//! read as text and parsed by the browser's `JSON.parse` without copying it into Rust, which also
//! keeps a JSON parser out of the wasm.

use gloo_net::http::Headers;
use js_sys::{Array, JsString, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestCredentials, RequestInit};

use crate::decode::{ReplyMeta, MAX_BODY_BYTES};
use crate::errors::RemedyError;
use crate::wasm::js::{bounded_text, get};
use crate::wasm::options::Resolved;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (a page's or a Worker's), catching a synchronous throw. Typed loosely:
    /// a replaced `fetch` may return anything, which [`send`] checks.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<JsValue, JsValue>;

    /// The global `setTimeout`: reached through the global scope, so it works in a Worker.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);

    /// `JSON.parse` on a JavaScript string, so the body never crosses into Rust on success.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &JsString) -> Result<JsValue, JsValue>;

    /// Any JavaScript function, for `bind`.
    type Callable;

    /// `f.bind(this, arg)`.
    #[wasm_bindgen(method, js_name = bind)]
    fn bind(f: &Callable, this: &JsValue, arg: &JsValue) -> JsValue;

    /// A reply's `headers`, whatever the page's `fetch` made it: `get` is called catching, and
    /// what it returns is checked (and its length bounded) before anything is copied.
    type HeaderBag;

    #[wasm_bindgen(catch, method, js_name = get)]
    fn header(this: &HeaderBag, name: &str) -> Result<JsValue, JsValue>;
}

/// What to ask the relay: where, and the JSON body to POST (none: a GET).
pub(crate) struct Outgoing<'a> {
    /// The whole URL.
    pub url: &'a str,
    /// The body of a POST.
    pub body: Option<&'a str>,
    /// `Authorization`, from the `token` option (over one in `headers`: the more specific).
    pub authorization: Option<String>,
}

/// What one attempt brought back: status and headers that matter, and the body.
pub(crate) struct Raw {
    /// Status and headers.
    pub meta: ReplyMeta,
    /// The body, unless it was larger than [`MAX_BODY_BYTES`] (in UTF-8 bytes) and left unparsed.
    pub body: Body,
}

/// A reply's body as the browser read it.
pub(crate) enum Body {
    /// Parsed by `JSON.parse`.
    Json(JsValue),
    /// Not JSON: the text, for diagnosis.
    Text(String),
    /// Over the size limit.
    TooLarge,
}

/// One call in flight: its internal controller, the link from the caller's signal, and the timer
/// of its time limit. Dropping it unlinks and clears both, so a long-lived caller signal does not
/// collect listeners.
pub(crate) struct Call {
    own: AbortController,
    caller: Option<AbortSignal>,
    /// `own.abort.bind(own, undefined)`: aborts without a reason whatever an event passes it.
    stop: JsValue,
    /// Resolves to `own` itself once the call is stopped (time limit or caller's abort). Every
    /// wait races it, so a call ends on time even when the page's `fetch` ignores its signal. It
    /// resolves rather than rejects: an unawaited rejection would be reported as unhandled.
    stopped: Promise,
    timer: JsValue,
    timeout_ms: u32,
}

impl Call {
    /// Starts the clock of a call; fails with `Aborted` when the caller's signal already fired
    /// (an aborted signal sends no further event).
    pub(crate) fn start(relay: &Resolved) -> Result<Call, RemedyError> {
        let caller = relay.signal.clone();
        if caller.as_ref().is_some_and(is_aborted) {
            return Err(RemedyError::Aborted);
        }
        let own = AbortController::new().map_err(|_| network("no AbortController"))?;
        let abort = get(&own, "abort").unwrap_or_default();
        let stop = abort
            .unchecked_ref::<Callable>()
            .bind(&own, &JsValue::UNDEFINED);
        if let Some(signal) = &caller {
            let _ = signal.add_event_listener_with_callback("abort", stop.unchecked_ref());
        }
        let mut wake = JsValue::UNDEFINED;
        let stopped = Promise::new(&mut |resolve, _| wake = resolve.into());
        let on_stop = wake
            .unchecked_ref::<Callable>()
            .bind(&JsValue::UNDEFINED, &own);
        let _ = own
            .signal()
            .add_event_listener_with_callback("abort", on_stop.unchecked_ref());
        let timer = set_timeout(&stop, f64::from(relay.timeout_ms));
        Ok(Call {
            own,
            caller,
            stop,
            stopped,
            timer,
            timeout_ms: relay.timeout_ms,
        })
    }

    /// Why the call stopped when an attempt got no reply: the caller's abort, the time limit, or
    /// (neither signal fired) the network.
    fn failure(&self, detail: &str) -> RemedyError {
        if self.caller.as_ref().is_some_and(is_aborted) {
            RemedyError::Aborted
        } else if is_aborted(&self.own.signal()) {
            RemedyError::Timeout {
                after_ms: self.timeout_ms,
            }
        } else {
            network(detail)
        }
    }

    /// `value` settled, or the call's stop, whichever comes first: the one thing a call awaits
    /// (the token's promise, the fetch, the body, a pause). Not an `async fn` of its own, nor are
    /// the steps around it: `call::exchange` awaits in one state machine (each nested future
    /// costs its own states, drop code and resume checks in the wasm). `Promise.race` never
    /// throws, whatever `value` is: a `then` or `constructor` getter of the page's that throws
    /// while it resolves `value` rejects the race instead (then the call fails as a network
    /// error). A `fetch` that ignores its signal is raced the same way, so the call still ends on
    /// time.
    pub(crate) fn wait(&self, value: &JsValue) -> JsFuture {
        JsFuture::from(Promise::race(&Array::of2(value, &self.stopped)))
    }

    /// What a promise of the page's (the `token` function's) came to, unless the call stopped
    /// first (time limit, caller's abort), which is the error. Its own rejection is for the caller
    /// to judge: `Ok(Err(reason))`.
    pub(crate) fn unless_stop(
        &self,
        settled: Result<JsValue, JsValue>,
    ) -> Result<Result<JsValue, JsValue>, RemedyError> {
        match settled {
            Ok(v) if Object::is(&v, &self.own) => Err(self.failure("")),
            other => Ok(other),
        }
    }

    /// What an awaited step brought: its value, or why the call ended (a rejection, or the stop).
    fn settled(&self, step: Result<JsValue, JsValue>) -> Result<JsValue, RemedyError> {
        match step {
            Ok(v) if Object::is(&v, &self.own) => Err(self.failure("")),
            Ok(v) => Ok(v),
            Err(e) => Err(self.failure(&reason(&e))),
        }
    }
    /// Starts the fetch through the global `fetch` (a replaced `fetch` may return anything: what
    /// it returns is only ever awaited through [`Self::wait`]).
    #[inline(never)]
    pub(crate) fn fetch(
        &self,
        relay: &Resolved,
        out: &Outgoing<'_>,
    ) -> Result<JsValue, RemedyError> {
        let init = build(relay, out, &self.own.signal());
        global_fetch(out.url, &init).map_err(|e| self.failure(&reason(&e)))
    }

    /// Status and headers, and the body's text to come. Read through catching operations only: a
    /// replaced `fetch` may return a `Response` whose getters throw, and an uncaught throw would
    /// skip the module's cleanup and, repeated, exhaust its stack. `text()` throws on a used body.
    #[inline(never)]
    pub(crate) fn reply(
        &self,
        replied: Result<JsValue, JsValue>,
    ) -> Result<(ReplyMeta, JsValue), RemedyError> {
        let value = self.settled(replied)?;
        let raw = value
            .dyn_into::<web_sys::Response>()
            .map_err(|_| self.failure("fetch did not return a Response"))?;
        let status = get(&raw, "status")
            .and_then(|s| s.as_f64())
            .filter(|s| (0.0..=999.0).contains(s))
            .ok_or_else(|| self.failure("the reply has no status"))?;
        let headers = get(&raw, "headers").unwrap_or_default();
        let headers = headers.unchecked_ref::<HeaderBag>();
        let meta = ReplyMeta::from_headers(status as u16, |name| header(headers, name));
        let text = raw
            .text()
            .map_err(|_| self.failure("the body was already read"))?;
        Ok((meta, text.into()))
    }

    /// The body: too large, parsed by `JSON.parse`, or kept as text for diagnosis.
    #[inline(never)]
    pub(crate) fn body(
        &self,
        meta: ReplyMeta,
        text: Result<JsValue, JsValue>,
    ) -> Result<Raw, RemedyError> {
        let text = self.settled(text)?;
        let Some(text) = text.dyn_ref::<JsString>() else {
            return Err(self.failure("the body is not text"));
        };
        let body = if too_large(text) {
            Body::TooLarge
        } else {
            match json_parse(text) {
                Ok(json) => Body::Json(json),
                Err(_) => Body::Text(text.into()),
            }
        };
        Ok(Raw { meta, body })
    }

    /// A wait of `ms` before another attempt, for [`Self::wait`], which also ends it when the
    /// call is stopped meanwhile (at once, not at the end of the wait): the promise, and the timer
    /// for [`Self::paused`].
    pub(crate) fn pause(&self, ms: u32) -> (Promise, JsValue) {
        let mut wake = JsValue::UNDEFINED;
        let waited = Promise::new(&mut |resolve, _| wake = resolve.into());
        let timer = set_timeout(&wake, f64::from(ms));
        (waited, timer)
    }

    /// After a [`Self::pause`]: its timer cleared, and the error (aborted, or timed out) when the
    /// call was stopped meanwhile.
    pub(crate) fn paused(&self, timer: &JsValue) -> Result<(), RemedyError> {
        clear_timeout(timer);
        if is_aborted(&self.own.signal()) {
            Err(self.failure(""))
        } else {
            Ok(())
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some(signal) = &self.caller {
            let _ = signal.remove_event_listener_with_callback("abort", self.stop.unchecked_ref());
        }
    }
}

/// A reply header's value, when it is a string (at most [`crate::validate::MAX_TEXT_UNITS`] of
/// it). Not inlined: `ReplyMeta::from_headers` reads five headers, and inlined its closure would
/// be five copies of this.
#[inline(never)]
fn header(headers: &HeaderBag, name: &str) -> Option<String> {
    let value = headers.header(name).ok()?;
    value.dyn_ref::<JsString>().map(bounded_text)
}

fn network(detail: &str) -> RemedyError {
    RemedyError::Network {
        detail: detail.into(),
    }
}

/// The request's options for `fetch(url, init)`: headers through gloo-net's `Headers`. Names and
/// values were checked with the options (`options::headers`, `validate::token`), so `Headers.set`
/// cannot refuse them. A POST of JSON with a body, else a GET (no content type: nothing to type).
fn build(relay: &Resolved, out: &Outgoing<'_>, signal: &AbortSignal) -> RequestInit {
    let headers = Headers::new();
    let init = RequestInit::new();
    if let Some(body) = out.body {
        headers.set("content-type", "application/json; charset=utf-8");
        init.set_method("POST");
        init.set_body(&JsValue::from_str(body));
    }
    for (name, value) in &relay.headers {
        headers.set(name, value);
    }
    if let Some(value) = &out.authorization {
        headers.set("authorization", value);
    }
    init.set_headers(&headers.into_raw());
    init.set_signal(Some(signal));
    if let Some(c) = relay.credentials {
        init.set_credentials(match c {
            "omit" => RequestCredentials::Omit,
            "include" => RequestCredentials::Include,
            _ => RequestCredentials::SameOrigin,
        });
    }
    init
}

/// Whether a body is over [`MAX_BODY_BYTES`] counted as the relay counts its cap: in UTF-8 bytes,
/// so that a reply the relay passes on is never refused here, and one it would refuse is refused
/// here too. A JavaScript string counts UTF-16 units, of which each is at least one UTF-8 byte
/// and at most three: only a body between a third of the cap and the cap in units needs its
/// bytes counted, which copies it into Rust once (rare: Feishu's replies are a few kilobytes).
fn too_large(text: &JsString) -> bool {
    let units = text.length() as usize;
    units > MAX_BODY_BYTES
        || (units > MAX_BODY_BYTES / 3 && String::from(text).len() > MAX_BODY_BYTES)
}

/// `e.message` when it is a string (an `Error`, e.g. "Failed to fetch"), else `e` when it is one;
/// at most [`crate::validate::MAX_TEXT_UNITS`] of it.
fn reason(e: &JsValue) -> String {
    let message = get(e, "message");
    message
        .as_ref()
        .and_then(|m| m.dyn_ref::<JsString>())
        .or_else(|| e.dyn_ref::<JsString>())
        .map_or_else(|| String::from("fetch failed"), bounded_text)
}

/// `signal.aborted`, read catching: the page may have redefined the getter to throw (then the
/// signal counts as not aborted; the call's time limit still ends it).
pub(crate) fn is_aborted(signal: &AbortSignal) -> bool {
    get(signal, "aborted").and_then(|a| a.as_bool()) == Some(true)
}
