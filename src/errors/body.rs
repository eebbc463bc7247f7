//! [`BodyProblem`]: why a reply's body is not Feishu's JSON, the reason inside an HTTP or a decode
//! error. Found by `decode` (and the browser's reading of a reply); named here, beside the errors
//! that carry it.

/// What is wrong with a body that should have been Feishu's JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyProblem {
    /// No body at all.
    Empty,
    /// Over [`crate::decode::MAX_BODY_BYTES`].
    TooLarge,
    /// Not UTF-8 text.
    NotUtf8,
    /// An HTML page (a proxy's error page, a login page, the wrong URL).
    Html,
    /// JSON cut off before its end.
    Truncated,
    /// Not JSON.
    NotJson,
    /// JSON, but not `{code, msg, data}` as Feishu sends it.
    WrongShape(String),
}

impl BodyProblem {
    /// A stable machine-readable reason code.
    pub fn code(&self) -> &'static str {
        match self {
            BodyProblem::Empty => "empty",
            BodyProblem::TooLarge => "too_large",
            BodyProblem::NotUtf8 => "not_utf8",
            BodyProblem::Html => "html",
            BodyProblem::Truncated => "truncated",
            BodyProblem::NotJson => "not_json",
            BodyProblem::WrongShape(_) => "wrong_shape",
        }
    }
}
