//! # feishu-remedy
//!
//! Which of an employee's attendance punches on a day can still be corrected (补卡) in Feishu
//! (Lark), and in what time window: Feishu's `query_user_allowed_remedys`, made usable from a web page.
//!
//! The crate is two layers:
//! - a pure core that compiles for any target and is unit-tested natively: the wire types
//!   ([`model`]), date arithmetic ([`calendar`]), input checks ([`validate`]), the error catalogue
//!   ([`catalogue`]), the error type ([`errors`]), reply decoding ([`decode`]) and range planning
//!   ([`range`]). The relay (`relay/`) reuses it;
//! - on `wasm32` only, the browser binding, in Rust async: `fetch` through a relay (gloo-net),
//!   retries, time limits, cancelling, range workers, and the JavaScript exports `configure`,
//!   `queryAllowedRemedys` and `queryAllowedRemedysRange`.

pub mod calendar;
pub mod catalogue;
pub mod decode;
pub mod errors;
pub mod model;
pub mod range;
pub mod retry;
mod text;
pub mod validate;

// The browser binding: thin glue between JavaScript values and the core, wasm32 only.
#[cfg(target_arch = "wasm32")]
pub mod bindings;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod js_input;
#[cfg(target_arch = "wasm32")]
mod js_reply;
#[cfg(target_arch = "wasm32")]
mod net;
#[cfg(target_arch = "wasm32")]
mod options;
#[cfg(target_arch = "wasm32")]
mod range_run;
#[cfg(target_arch = "wasm32")]
mod wasm_alloc;

pub use calendar::RemedyDate;
pub use errors::RemedyError;
pub use model::{AllowedRemedy, EmployeeType, Envelope, RemedyQuery, RemedyResponse};
