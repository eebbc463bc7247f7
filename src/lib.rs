//! # feishu-remedy
//!
//! Which of an employee's attendance punches on a day can still be corrected (补卡) in Feishu
//! (Lark), and in what time window: Feishu's `query_user_allowed_remedys`, made usable from a web page.
//!
//! The crate is a stack of layers; a module uses only the layers below its own:
//! 1. `text`, [`catalogue`], [`calendar`]: text and numbers without `core::fmt`, every Feishu and
//!    relay code with its meaning and what to do, dates;
//! 2. [`model`], [`punch_results`]: the wire types of Feishu's requests and replies (the
//!    correctable punches; the punch results of `user_tasks/query`);
//! 3. [`errors`]: every way a call can fail, as data ([`RemedyError`]), with the vocabulary of
//!    refused input and of unreadable replies;
//! 4. [`validate`], [`decode`], [`minimize`]: untrusted input to a query, a reply to a response
//!    or an error, a punch-results reply stripped of the personal data a page does not need;
//! 5. [`prefilter`], [`range`], [`retry`]: which days punch results settle, a range query's plan,
//!    and whether and when to try again;
//! 6. `wasm`, on `wasm32` only: the browser binding, in Rust async: `fetch` through a relay
//!    (gloo-net), retries, time limits, cancelling, range workers, and the JavaScript exports
//!    `configure`, `queryAllowedRemedys` and `queryAllowedRemedysRange`.
//!
//! Layers 1 to 5 are the pure core: they compile for any target, are unit-tested natively, and
//! the relay (`relay/`) reuses them.

// 1. Text, Feishu's codes, dates.
pub mod calendar;
pub mod catalogue;
mod text;

// 2. The wire types.
pub mod model;
pub mod punch_results;

// 3. The errors.
pub mod errors;

// 4. Input checks and reply decoding.
pub mod decode;
pub mod minimize;
pub mod validate;

// 5. The days punch results settle, the range plan and the retry policy.
pub mod prefilter;
pub mod range;
pub mod retry;

// 6. The browser binding.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use calendar::RemedyDate;
pub use errors::RemedyError;
pub use model::{AllowedRemedy, EmployeeType, Envelope, RemedyQuery, RemedyResponse};
