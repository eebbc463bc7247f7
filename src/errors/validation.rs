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

    /// What is wrong, in Chinese (`zh`) or English: one function for both languages, each text
    /// picked by [`in_lang`], so the browser build carries one copy of the wording logic.
    #[inline(never)]
    fn describe(&self, zh: bool) -> Cow<'static, str> {
        let t = |en: &'static str, zh_text: &'static str| in_lang(zh, en, zh_text);
        match self {
            Problem::Missing => t("is required", "为必填项").into(),
            Problem::WrongType { expected, got } => cat(&[
                t("must be a ", "应为 "),
                expected,
                t(", not ", "，实际为 "),
                got,
            ])
            .into(),
            Problem::Empty => t("must not be empty", "不能为空").into(),
            Problem::TooLong { max } => cat(&[
                t("must be at most ", "不能超过 "),
                &decimal(*max as i64),
                t(" characters", " 个字符"),
            ])
            .into(),
            Problem::ControlCharacter => {
                t("must not contain control characters", "不能包含控制字符").into()
            }
            Problem::NotUnicode => t(
                "must be valid Unicode text (no lone surrogate, no U+FFFD)",
                "必须是有效的 Unicode 文本（不能含孤立代理项或 U+FFFD）",
            )
            .into(),
            Problem::NotOneOf(allowed) => cat(&[
                t("must be one of ", "只能是 "),
                &list(allowed, t(", ", "、")),
                t("", " 之一"),
            ])
            .into(),
            Problem::NotAnInteger => t("must be a whole number", "必须是整数").into(),
            Problem::OutOfRange { min, max } => cat(&[
                t("must be between ", "必须在 "),
                &decimal(*min),
                t(" and ", " 到 "),
                &decimal(*max),
                t("", " 之间"),
            ])
            .into(),
            Problem::NotADate(DateProblem::NotEightDigits) => t(
                "must be a date written yyyyMMdd, e.g. 20210104",
                "必须是 yyyyMMdd 格式的日期，例如 20210104",
            )
            .into(),
            Problem::NotADate(DateProblem::NoSuchMonth) => {
                t("has no such month", "月份不存在").into()
            }
            Problem::NotADate(DateProblem::NoSuchDay) => {
                t("has no such day in that month", "该月没有这一天").into()
            }
            Problem::RangeReversed { start } => {
                cat(&[t("must not be before ", "不能早于 "), start.as_str()]).into()
            }
            Problem::RangeTooLong { max, start } => {
                let most_after = decimal(i64::from(*max) - 1);
                // The two languages name the start and the count in opposite order.
                let (first, second) = if zh {
                    (start.as_str(), most_after.as_str())
                } else {
                    (most_after.as_str(), start.as_str())
                };
                cat(&[
                    t("must be at most ", "最多比 "),
                    first,
                    t(" days after ", " 晚 "),
                    second,
                    t(" (a range covers at most ", " 天（一次最多查询 "),
                    &decimal(i64::from(*max)),
                    t(" days)", " 天）"),
                ])
                .into()
            }
            #[cfg(not(target_arch = "wasm32"))]
            Problem::ItemCount { min, max } => cat(&[
                t("must hold ", "必须包含 "),
                &decimal(*min as i64),
                t(" to ", " 到 "),
                &decimal(*max as i64),
                t(" items", " 项"),
            ])
            .into(),
            Problem::NotAUrl => t(
                "must be an absolute http or https URL",
                "必须是以 http 或 https 开头的完整网址",
            )
            .into(),
            Problem::NotJson => t("must be valid JSON", "必须是有效的 JSON").into(),
            Problem::NotJsonObject => t("must be a JSON object", "必须是 JSON 对象").into(),
            Problem::NotAToken => t(
                "must be a bearer token: letters, digits and -._~+/, then = padding",
                "必须是 Bearer 令牌：字母、数字和 -._~+/，末尾可有 =",
            )
            .into(),
        }
    }
}

/// `zh` or `en`, by the language asked for.
fn in_lang(zh: bool, en: &'static str, zh_text: &'static str) -> &'static str {
    if zh {
        zh_text
    } else {
        en
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
        self.message(false)
    }

    /// Chinese, naming the field.
    pub fn message_zh(&self) -> String {
        self.message(true)
    }

    /// The message in Chinese (`zh`) or English, naming the field.
    fn message(&self, zh: bool) -> String {
        cat(&[self.field.as_str(), " ", &self.problem.describe(zh)])
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
