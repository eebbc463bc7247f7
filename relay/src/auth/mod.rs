//! Who is asking: the building blocks of the relay's two sign-in modes (issue 11).
//!
//! - `feishu` mode: the relay signs the employee in with Feishu (OAuth 2 authorization code with
//!   PKCE S256): [`login`] starts it (state, verifier, the authorize URL, a short-lived login
//!   cookie), [`feishu_signin`] exchanges the code and reads who it is, [`session`] keeps the
//!   result in a stateless, encrypted cookie, and [`pages`] explains every failure in zh and en.
//! - `token` mode: the host page's backend mints a short-lived signed token (JWT); [`jwt`]
//!   verifies it.
//!
//! Both end in an [`identity::Identity`], and one rule ([`identity::decide`]) says whether that
//! person may ask about the requested employee(s): only about themselves, unless an admin.
//! [`mode`] holds the configured mode at run time and reads who a request names; [`permit`]
//! answers the forwarded routes' 401 and 403 from it.
//!
//! Every function here takes the current time as a parameter (a [`std::time::SystemTime`]), so the
//! tests move time instead of sleeping. Keys, verifiers, codes and tokens are held in
//! [`crate::secret::Secret`] (or types whose `Debug` prints nothing), never printed.

pub mod feishu_signin;
pub mod identity;
pub mod jwt;
pub mod key;
pub mod login;
pub mod mode;
pub mod pages;
pub mod permit;
pub mod random;
pub mod sealed;
pub mod session;
pub mod unix_time;
