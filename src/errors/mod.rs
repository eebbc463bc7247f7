//! Every way a call can fail, as data, in one place: [`RemedyError`] (with [`ApiError`] for a
//! reply carrying a Feishu code), the validation vocabulary it carries for refused input
//! ([`Field`], [`Problem`], [`ValidationError`]) and the reason a body is not Feishu's JSON
//! ([`BodyProblem`]). Each error has a stable `kind`, can say what it means and what to do in
//! Chinese and English, and whether a retry can help.
//!
//! Below the checks and the decoding that produce these errors (`validate`, `decode`), above the
//! wire types and the catalogue they are made of.

mod body;
mod remedy_error;
mod validation;

pub use body::BodyProblem;
pub use remedy_error::{ApiError, Localized, RemedyError};
pub use validation::{Field, Problem, ValidationError};
