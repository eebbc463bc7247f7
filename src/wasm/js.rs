//! The JavaScript operations the binding shares, each safe whatever the page passes: property
//! reads that catch a throwing getter or Proxy trap ([`get`]), property names made once
//! ([`key`]), writes to objects the module made ([`set`]), strings copied with a bound
//! ([`bounded_text`]), and futures as promises ([`spawn`]). Reading input and reading a reply
//! both stand on these.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

use js_sys::{JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use crate::validate::MAX_TEXT_UNITS;

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, catching: it throws on a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub(crate) fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

thread_local! {
    /// The property names read so far as JavaScript strings, by the address and length of their
    /// `'static` text. A call reads about thirty names; making each a fresh JavaScript string (a
    /// `TextDecoder` pass each) was the largest per-call cost of the module's own in `make bench
    /// PROFILE=1`: caching them took about 0.03x off the bench ratio, for about 270 B gzipped.
    static KEYS: Cell<Vec<(usize, usize, JsValue)>> = const { Cell::new(Vec::new()) };
}

/// `name` as a JavaScript string, made once per module instance. The cache is a `Cell`, taken
/// and put back, rather than a `RefCell`: no JavaScript runs while it is out, and no borrow panic
/// path comes into the wasm.
pub(crate) fn key(name: &'static str) -> JsValue {
    let id = (name.as_ptr() as usize, name.len());
    KEYS.with(|k| {
        let mut keys = k.take();
        let known = keys.iter().find(|(p, n, _)| (*p, *n) == id);
        let value = match known {
            Some((_, _, v)) => v.clone(),
            None => {
                let made = JsValue::from_str(name);
                keys.push((id.0, id.1, made.clone()));
                made
            }
        };
        k.set(keys);
        value
    })
}

/// A JavaScript string in Rust, cut to one UTF-16 unit more than [`MAX_TEXT_UNITS`] before it is
/// copied: every text field refuses that length, and a page passing a string of hundreds of
/// megabytes must get a validation error, not a module that ran out of memory (a trap).
pub(crate) fn bounded_text(s: &JsString) -> String {
    let cap = MAX_TEXT_UNITS as u32 + 1;
    if s.length() > cap {
        s.slice(0, cap).into()
    } else {
        s.into()
    }
}

/// `object[key]`, or `None` when reading it throws (a getter or a Proxy trap that throws) or
/// `object` is not an object. `Reflect.get` throws on a primitive; asking first avoids that thrown
/// and caught TypeError (stack trace and all), which on `undefined` options was about a tenth of
/// every call's time in `make bench`.
pub(crate) fn get(object: &JsValue, name: &'static str) -> Option<JsValue> {
    if !(object.is_object() || object.is_function()) {
        return None;
    }
    Reflect::get(object, &key(name)).ok()
}

/// Whether `value` is a plain-enough object to read fields from (not null, not an array).
pub(crate) fn is_record(value: &JsValue) -> bool {
    value.is_object() && !is_array(value).unwrap_or(true)
}

/// `object[key] = value` on an object this module just made (cannot throw).
pub(crate) fn set(object: &Object, name: &'static str, value: &JsValue) {
    let _ = Reflect::set(object, &key(name), value);
}

/// A future as a `Promise`. Every future the module starts goes through this one instantiation of
/// `future_to_promise` (boxed, so of one type): each further instantiation is about 2 KB of wasm.
pub(crate) fn spawn(future: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>) -> Promise {
    wasm_bindgen_futures::future_to_promise(future)
}
