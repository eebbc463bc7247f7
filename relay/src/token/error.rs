//! Why no tenant token could be had: the texts name the cause (and the token reply's log id, for
//! Feishu support) and never the secret.

use std::fmt;

/// Why no token could be had. The texts name the cause and never the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The token endpoint answered with an error code (wrong app id or secret, app disabled…).
    #[error("Feishu refused the app credentials (code {code}: {msg}{})", LogIdSuffix(.log_id))]
    Refused {
        /// Feishu's code.
        code: i64,
        /// Feishu's message.
        msg: String,
        /// The token reply's `X-Tt-Logid`: what Feishu support asks for.
        log_id: Option<String>,
    },
    /// The token endpoint answered with an error code that is not about the credentials (its
    /// rate limit, an internal error): the credentials may be fine, and a later try may work.
    #[error("the token endpoint failed (code {code}: {msg}{})", LogIdSuffix(.log_id))]
    Failed {
        /// Feishu's code.
        code: i64,
        /// Feishu's message.
        msg: String,
        /// The token reply's `X-Tt-Logid`.
        log_id: Option<String>,
    },
    /// No connection, or the connection broke.
    #[error("the token endpoint could not be reached")]
    Unreachable,
    /// An answer that is not a token reply (a gateway's error page, say).
    #[error("the token endpoint answered HTTP {status} without a token")]
    BadReply {
        /// The HTTP status.
        status: u16,
    },
    /// Feishu handed back the token it had just called invalid; retrying with it would be futile.
    #[error("Feishu handed back the token it had just refused")]
    SameTokenAgain,
}

/// `; Feishu log id …` when there is one: in the relay's log line and in its reply's `msg`, so an
/// operator can hand Feishu support the id of the token call that failed.
struct LogIdSuffix<'a>(&'a Option<String>);

impl fmt::Display for LogIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "; Feishu log id {id}"),
            None => Ok(()),
        }
    }
}
