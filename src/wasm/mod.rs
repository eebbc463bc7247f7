//! The browser binding, wasm32 only: thin glue between JavaScript values and the core, in Rust
//! async. From the outside in:
//! - [`exports`]: the JavaScript exports and the TypeScript section;
//! - `range`: a range query's punch results and workers; `user`: who is signed in
//!   (`currentUser`); `token`: the `token` option's function, called per call; `call`: one call
//!   with its retries; `fetch`: one attempt through the global `fetch`, its time limit, the
//!   caller's abort, the waits;
//! - `input` and `options`: JavaScript values in, checked queries and options out; `reply`:
//!   Feishu's reply as the browser parsed it, checked against the core's wire types;
//!   `punch_results`: a punch-results reply's results read into the core, its records kept for the page;
//! - `js_error`: a `RemedyError` as a JavaScript `Error` (the class in `remedy_error.js`);
//!   `js`: the catching object helpers and promise spawning that all of the above share;
//! - `alloc`: the allocator.

mod alloc;
mod call;
pub mod exports;
mod fetch;
mod input;
mod js;
mod js_error;
mod options;
mod punch_results;
mod range;
mod reply;
mod token;
mod user;
