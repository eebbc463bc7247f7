//! The validation vocabulary: which input ([`Field`]) is wrong and why ([`Problem`]), as a
//! [`ValidationError`] that words itself in Chinese and English. The checks that produce these
//! are `validate`'s (and, for JavaScript objects and options, the browser binding's).

use std::borrow::Cow;

use crate::calendar::DateProblem;
use crate::text::{after_last_byte, cat, decimal};

/// The input a validation error is about. `as_str` is the path a caller writes it at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The request as a whole.
    Request,
    /// `params`.
    Params,
    /// `data`.
    Data,
    /// `params.employee_type`.
    EmployeeType,
    /// `data.user_id`.
    UserId,
    /// `data.remedy_date`.
    RemedyDate,
    /// `data.from` of a range query.
    From,
    /// `data.to` of a range query.
    To,
    // The punch-results request's fields (and `Problem::ItemCount`) are the relay's vocabulary:
    // only the relay validates that request (`validate::wire_punch_query`). They do not exist on
    // wasm32, so the browser bundle carries neither their names nor their messages (`as_str` and
    // the messages are match tables that the linker keeps whole, every arm included).
    /// `data.user_ids` of a punch-results query (`user_tasks/query`).
    #[cfg(not(target_arch = "wasm32"))]
    UserIds,
    /// `data.check_date_from` of a punch-results query.
    #[cfg(not(target_arch = "wasm32"))]
    CheckDateFrom,
    /// `data.check_date_to` of a punch-results query.
    #[cfg(not(target_arch = "wasm32"))]
    CheckDateTo,
    /// `data.need_overtime_result` of a punch-results query.
    #[cfg(not(target_arch = "wasm32"))]
    NeedOvertimeResult,
    /// `params.ignore_invalid_users` of a punch-results query.
    #[cfg(not(target_arch = "wasm32"))]
    IgnoreInvalidUsers,
    /// `params.include_terminated_user` of a punch-results query.
    #[cfg(not(target_arch = "wasm32"))]
    IncludeTerminatedUser,
    /// The relay options as a whole.
    Options,
    /// `relayUrl`.
    RelayUrl,
    /// `timeoutMs`.
    TimeoutMs,
    /// `retries`.
    Retries,
    /// `concurrency`.
    Concurrency,
    /// `headers`.
    Headers,
    /// `credentials`.
    Credentials,
    /// `signal`.
    Signal,
    /// `onProgress`.
    OnProgress,
    /// `token`: the signed token sent as `Authorization: Bearer …`.
    Token,
    /// `prefilter` of a range query.
    Prefilter,
}

impl Field {
    /// Where the field sits in the request or options, e.g. `data.remedy_date`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Request => "request",
            Field::Params => "params",
            Field::Data => "data",
            Field::EmployeeType => "params.employee_type",
            Field::UserId => "data.user_id",
            Field::RemedyDate => "data.remedy_date",
            Field::From => "data.from",
            Field::To => "data.to",
            #[cfg(not(target_arch = "wasm32"))]
            Field::UserIds => "data.user_ids",
            #[cfg(not(target_arch = "wasm32"))]
            Field::CheckDateFrom => "data.check_date_from",
            #[cfg(not(target_arch = "wasm32"))]
            Field::CheckDateTo => "data.check_date_to",
            #[cfg(not(target_arch = "wasm32"))]
            Field::NeedOvertimeResult => "data.need_overtime_result",
            #[cfg(not(target_arch = "wasm32"))]
            Field::IgnoreInvalidUsers => "params.ignore_invalid_users",
            #[cfg(not(target_arch = "wasm32"))]
            Field::IncludeTerminatedUser => "params.include_terminated_user",
            Field::Options => "options",
            Field::RelayUrl => "relayUrl",
            Field::TimeoutMs => "timeoutMs",
            Field::Retries => "retries",
            Field::Concurrency => "concurrency",
            Field::Headers => "headers",
            Field::Credentials => "credentials",
            Field::Signal => "signal",
            Field::OnProgress => "onProgress",
            Field::Token => "token",
            Field::Prefilter => "prefilter",
        }
    }

    /// The field's name on Feishu's wire (`remedy_date`), as Feishu's own messages name it.
    pub fn wire_name(self) -> &'static str {
        after_last_byte(self.as_str(), b'.')
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Absent, `undefined` or `null`.
    Missing,
    /// A value of the wrong JavaScript type.
    WrongType {
        /// The type wanted.
        expected: &'static str,
        /// The type given.
        got: &'static str,
    },
    /// An empty or all-blank string.
    Empty,
    /// Longer than allowed.
    TooLong {
        /// The most allowed, in characters.
        max: usize,
    },
    /// Contains a control character.
    ControlCharacter,
    /// Contains U+FFFD, the replacement character: what a lone UTF-16 surrogate from JavaScript
    /// becomes on its way into Rust. Refused so that a broken ID is never sent as another one.
    NotUnicode,
    /// Not one of the allowed values.
    NotOneOf(&'static [&'static str]),
    /// A number that is not a whole number (or is `NaN`, infinite).
    NotAnInteger,
    /// A whole number outside the allowed bounds.
    OutOfRange {
        /// Lowest allowed.
        min: i64,
        /// Highest allowed.
        max: i64,
    },
    /// An integer that is not a real `yyyyMMdd` day.
    NotADate(DateProblem),
    /// The end of a range is before its start.
    RangeReversed {
        /// The field holding the range's start, which the message names.
        start: Field,
    },
    /// A range longer than allowed.
    RangeTooLong {
        /// The most days allowed.
        max: u32,
        /// The field holding the range's start, which the message names.
        start: Field,
    },
    /// A list with fewer or more items than allowed.
    #[cfg(not(target_arch = "wasm32"))]
    ItemCount {
        /// Fewest allowed.
        min: usize,
        /// Most allowed.
        max: usize,
    },
    /// Not an absolute http(s) URL.
    NotAUrl,
    /// The body is not JSON at all (a syntax error, cut off, a number no double holds).
    NotJson,
    /// The body is JSON, but not an object.
    NotJsonObject,
    /// Not a bearer token (RFC 6750's `b64token`: letters, digits and `-._~+/`, then `=`s).
    NotAToken,
}

impl Problem {
    /// A stable machine-readable reason code.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Missing => "missing",
            Problem::WrongType { .. } => "wrong_type",
            Problem::Empty => "empty",
            Problem::TooLong { .. } => "too_long",
            Problem::ControlCharacter => "control_character",
            Problem::NotUnicode => "not_unicode",
            Problem::NotOneOf(_) => "not_allowed",
            Problem::NotAnInteger => "not_an_integer",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::NotADate(p) => p.code(),
            Problem::RangeReversed { .. } => "range_reversed",
            Problem::RangeTooLong { .. } => "range_too_long",
            #[cfg(not(target_arch = "wasm32"))]
            Problem::ItemCount { .. } => "item_count",
            Problem::NotAUrl => "not_a_url",
            Problem::NotJson => "not_json",
            Problem::NotJsonObject => "not_json_object",
            Problem::NotAToken => "not_a_token",
        }
    }

    fn describe_en(&self) -> Cow<'static, str> {
        match self {
            Problem::Missing => "is required".into(),
            Problem::WrongType { expected, got } => {
                cat(&["must be a ", expected, ", not ", got]).into()
            }
            Problem::Empty => "must not be empty".into(),
            Problem::TooLong { max } => {
                cat(&["must be at most ", &decimal(*max as i64), " characters"]).into()
            }
            Problem::ControlCharacter => "must not contain control characters".into(),
            Problem::NotUnicode => {
                "must be valid Unicode text (no lone surrogate, no U+FFFD)".into()
            }
            Problem::NotOneOf(allowed) => cat(&["must be one of ", &list(allowed, ", ")]).into(),
            Problem::NotAnInteger => "must be a whole number".into(),
            Problem::OutOfRange { min, max } => {
                cat(&["must be between ", &decimal(*min), " and ", &decimal(*max)]).into()
            }
            Problem::NotADate(DateProblem::NotEightDigits) => {
                "must be a date written yyyyMMdd, e.g. 20210104".into()
            }
            Problem::NotADate(DateProblem::NoSuchMonth) => "has no such month".into(),
            Problem::NotADate(DateProblem::NoSuchDay) => "has no such day in that month".into(),
            Problem::RangeReversed { start } => {
                cat(&["must not be before ", start.as_str()]).into()
            }
            Problem::RangeTooLong { max, start } => cat(&[
                "must be at most ",
                &decimal(i64::from(*max) - 1),
                " days after ",
                start.as_str(),
                " (a range covers at most ",
                &decimal(i64::from(*max)),
                " days)",
            ])
            .into(),
            #[cfg(not(target_arch = "wasm32"))]
            Problem::ItemCount { min, max } => cat(&[
                "must hold ",
                &decimal(*min as i64),
                " to ",
                &decimal(*max as i64),
                " items",
            ])
            .into(),
            Problem::NotAUrl => "must be an absolute http or https URL".into(),
            Problem::NotJson => "must be valid JSON".into(),
            Problem::NotJsonObject => "must be a JSON object".into(),
            Problem::NotAToken => {
                "must be a bearer token: letters, digits and -._~+/, then = padding".into()
            }
        }
    }

    fn describe_zh(&self) -> Cow<'static, str> {
        match self {
            Problem::Missing => "为必填项".into(),
            Problem::WrongType { expected, got } => {
                cat(&["应为 ", expected, "，实际为 ", got]).into()
            }
            Problem::Empty => "不能为空".into(),
            Problem::TooLong { max } => {
                cat(&["不能超过 ", &decimal(*max as i64), " 个字符"]).into()
            }
            Problem::ControlCharacter => "不能包含控制字符".into(),
            Problem::NotUnicode => "必须是有效的 Unicode 文本（不能含孤立代理项或 U+FFFD）".into(),
            Problem::NotOneOf(allowed) => cat(&["只能是 ", &list(allowed, "、"), " 之一"]).into(),
            Problem::NotAnInteger => "必须是整数".into(),
            Problem::OutOfRange { min, max } => {
                cat(&["必须在 ", &decimal(*min), " 到 ", &decimal(*max), " 之间"]).into()
            }
            Problem::NotADate(DateProblem::NotEightDigits) => {
                "必须是 yyyyMMdd 格式的日期，例如 20210104".into()
            }
            Problem::NotADate(DateProblem::NoSuchMonth) => "月份不存在".into(),
            Problem::NotADate(DateProblem::NoSuchDay) => "该月没有这一天".into(),
            Problem::RangeReversed { start } => cat(&["不能早于 ", start.as_str()]).into(),
            Problem::RangeTooLong { max, start } => cat(&[
                "最多比 ",
                start.as_str(),
                " 晚 ",
                &decimal(i64::from(*max) - 1),
                " 天（一次最多查询 ",
                &decimal(i64::from(*max)),
                " 天）",
            ])
            .into(),
            #[cfg(not(target_arch = "wasm32"))]
            Problem::ItemCount { min, max } => cat(&[
                "必须包含 ",
                &decimal(*min as i64),
                " 到 ",
                &decimal(*max as i64),
                " 项",
            ])
            .into(),
            Problem::NotAUrl => "必须是以 http 或 https 开头的完整网址".into(),
            Problem::NotJson => "必须是有效的 JSON".into(),
            Problem::NotJsonObject => "必须是 JSON 对象".into(),
            Problem::NotAToken => "必须是 Bearer 令牌：字母、数字和 -._~+/，末尾可有 =".into(),
        }
    }
}

/// `items` joined with `sep`, like `items.join(sep)` (see [`crate::text`] for why not `join`).
fn list(items: &[&str], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

/// A refused input: which field, and why. Construction from untrusted input returns this.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// The field at fault.
    pub field: Field,
    /// What is wrong with it.
    pub problem: Problem,
}

impl ValidationError {
    /// Builds an error for `field`.
    pub fn new(field: Field, problem: Problem) -> Self {
        ValidationError { field, problem }
    }

    /// A value of type `got` where one of type `expected` belongs.
    pub fn wrong_type(field: Field, expected: &'static str, got: &'static str) -> Self {
        ValidationError::new(field, Problem::WrongType { expected, got })
    }

    /// English, naming the field: `data.remedy_date has no such day in that month`.
    pub fn message_en(&self) -> String {
        cat(&[self.field.as_str(), " ", &self.problem.describe_en()])
    }

    /// Chinese, naming the field.
    pub fn message_zh(&self) -> String {
        cat(&[self.field.as_str(), " ", &self.problem.describe_zh()])
    }

    /// The message Feishu's style of 1220001 reply carries: `remedy_date invalid: ...`.
    pub fn feishu_msg(&self) -> String {
        cat(&[self.field.wire_name(), " invalid: ", &self.message_en()])
    }
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for ValidationError {}
