//! Turning untrusted input into a [`RemedyQuery`]: values from JavaScript (any type at all) or a
//! request body arriving at the relay. Both go through the same checks, so the browser and the
//! relay refuse exactly the same things with the same words. What they refuse with, the
//! [`ValidationError`] vocabulary, lives with the other errors in [`crate::errors`].

use crate::calendar::RemedyDate;
use crate::errors::{Field, Problem};
use crate::host;
use crate::model::{exact_integer, EmployeeType, RemedyQuery, UserId};
#[cfg(not(target_arch = "wasm32"))]
use crate::punch_results::{self, PunchFlags, PunchQuery, MAX_USER_IDS};
use crate::text::{split_at_byte, unsigned};

/// The error every check returns, also named here for the checks' callers (the relay names it
/// where it calls [`wire_query`]).
pub use crate::errors::ValidationError;

/// The longest text any field accepts, in UTF-16 units (JavaScript's string length). The browser
/// module copies at most one unit more of a string into Rust, so longer input is refused without
/// being copied whole; every text field's own limit is at or below this.
pub const MAX_TEXT_UNITS: usize = 8192;

/// The longest relay URL accepted, in characters.
pub const MAX_URL_CHARS: usize = 2048;

/// Characters in `s`, counted as the bytes that start one (not UTF-8 continuation bytes): the same
/// number as `chars().count()`, without its large vectorised counter in the browser build.
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// An untrusted value reduced to what validation needs to know about it: its JavaScript type and,
/// for strings and numbers, its content. Both JavaScript values and JSON values map onto it.
#[derive(Debug, Clone, PartialEq)]
pub enum Loose {
    /// `undefined`, or a key that is not there.
    Missing,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number, including `NaN` and infinities.
    Number(f64),
    /// A string.
    Text(String),
    /// An array.
    Array,
    /// An object (or function, symbol, bigint: anything else).
    Object,
}

impl Loose {
    /// The JavaScript name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Loose::Missing => "undefined",
            Loose::Null => "null",
            Loose::Bool(_) => "boolean",
            Loose::Number(_) => "number",
            Loose::Text(_) => "string",
            Loose::Array => "array",
            Loose::Object => "object",
        }
    }
}

impl From<Option<&serde_json::Value>> for Loose {
    fn from(v: Option<&serde_json::Value>) -> Self {
        use serde_json::Value;
        match v {
            None => Loose::Missing,
            Some(Value::Null) => Loose::Null,
            Some(Value::Bool(b)) => Loose::Bool(*b),
            // Every JSON number has an f64 reading; out-of-range ones become infinite and fail.
            Some(Value::Number(n)) => Loose::Number(n.as_f64().unwrap_or(f64::INFINITY)),
            Some(Value::String(s)) => Loose::Text(s.clone()),
            Some(Value::Array(_)) => Loose::Array,
            Some(Value::Object(_)) => Loose::Object,
        }
    }
}

type Checked<T> = Result<T, ValidationError>;

/// The refusal of a value that is not of the type `expected`: missing when it is absent
/// (`undefined`, `null`), else of the wrong type, named. The one constructor of this refusal: the
/// browser binding's object and option checks use it too. Out of line: one copy rather than one
/// inlined at each of its call sites, about 0.4 KB less wasm (measured with `make size`).
#[inline(never)]
pub fn missing_or_wrong(field: Field, v: &Loose, expected: &'static str) -> ValidationError {
    match v {
        Loose::Missing | Loose::Null => ValidationError::new(field, Problem::Missing),
        other => ValidationError::wrong_type(field, expected, other.type_name()),
    }
}

/// `params.employee_type`: exactly `employee_id` or `employee_no`.
pub fn employee_type(v: &Loose) -> Checked<EmployeeType> {
    let Loose::Text(s) = v else {
        return Err(missing_or_wrong(Field::EmployeeType, v, "string"));
    };
    EmployeeType::from_wire(s).ok_or(ValidationError::new(
        Field::EmployeeType,
        Problem::NotOneOf(EmployeeType::WIRE_VALUES),
    ))
}

/// `data.user_id`: a non-blank string of at most [`UserId::MAX_CHARS`] characters without
/// control characters. Not trimmed: an ID is sent exactly as given, so a stray space is refused
/// rather than silently changed.
pub fn user_id(v: &Loose) -> Checked<UserId> {
    user_id_at(Field::UserId, v)
}

/// [`user_id`]'s rule for an id at `field` (an item of `data.user_ids`, say).
fn user_id_at(field: Field, v: &Loose) -> Checked<UserId> {
    let Loose::Text(s) = v else {
        return Err(missing_or_wrong(field, v, "string"));
    };
    let fail = |problem| Err(ValidationError::new(field, problem));
    // `trim().is_empty()`, without `trim`'s two-way searcher.
    if s.chars().all(char::is_whitespace) {
        return fail(Problem::Empty);
    }
    if char_count(s) > UserId::MAX_CHARS {
        return fail(Problem::TooLong {
            max: UserId::MAX_CHARS,
        });
    }
    for c in s.chars() {
        if c.is_control() {
            return fail(Problem::ControlCharacter);
        }
        if c == char::REPLACEMENT_CHARACTER {
            return fail(Problem::NotUnicode);
        }
    }
    Ok(UserId::new_unchecked(s.clone()))
}

/// A whole number in a JavaScript or JSON number: refuses `NaN`, infinities and fractions.
pub fn integer(field: Field, v: &Loose) -> Checked<i64> {
    let Loose::Number(n) = *v else {
        return Err(missing_or_wrong(field, v, "number"));
    };
    exact_integer(n).ok_or(ValidationError::new(field, Problem::NotAnInteger))
}

/// A whole number within `min..=max`, for options such as `timeoutMs`.
pub fn bounded(field: Field, v: &Loose, min: i64, max: i64) -> Checked<i64> {
    let n = integer(field, v)?;
    if n < min || n > max {
        return Err(ValidationError::new(
            field,
            Problem::OutOfRange { min, max },
        ));
    }
    Ok(n)
}

/// A `yyyyMMdd` number naming a real day (`data.remedy_date`, `data.from`, `data.to`).
pub fn date(field: Field, v: &Loose) -> Checked<RemedyDate> {
    let n = integer(field, v)?;
    RemedyDate::from_yyyymmdd(n).map_err(|p| ValidationError::new(field, Problem::NotADate(p)))
}

/// A whole request from its three untrusted parts.
pub fn query(
    employee_type_v: &Loose,
    user_id_v: &Loose,
    remedy_date_v: &Loose,
) -> Checked<RemedyQuery> {
    Ok(RemedyQuery {
        employee_type: employee_type(employee_type_v)?,
        user_id: user_id(user_id_v)?,
        remedy_date: date(Field::RemedyDate, remedy_date_v)?,
    })
}

/// A request as it reaches the relay on Feishu's wire: the `employee_type` query parameter (already
/// percent-decoded, `None` when absent) and the raw JSON body.
pub fn wire_query(employee_type_param: Option<&str>, body: &[u8]) -> Checked<RemedyQuery> {
    let et = wire_employee_type(employee_type_param)?;
    let obj = json_object(body)?;
    Ok(RemedyQuery {
        employee_type: et,
        user_id: user_id(&obj.get("user_id").into())?,
        remedy_date: date(Field::RemedyDate, &obj.get("remedy_date").into())?,
    })
}

/// The `token` option (or what its function returned): a bearer token as RFC 6750 writes one
/// (`b64token`: letters, digits and `-._~+/`, then `=` padding), which is what a JWT or an opaque
/// key looks like, and which fetch can always send in a header. The refusal names the field and
/// the problem, never the value: a token is a secret.
pub fn token(v: &Loose) -> Checked<String> {
    let Loose::Text(s) = v else {
        return Err(missing_or_wrong(Field::Token, v, "string or function"));
    };
    if s.is_empty() {
        return Err(ValidationError::new(Field::Token, Problem::Empty));
    }
    if s.len() > MAX_TEXT_UNITS {
        let problem = Problem::TooLong {
            max: MAX_TEXT_UNITS,
        };
        return Err(ValidationError::new(Field::Token, problem));
    }
    // Byte by byte rather than `trim_end_matches` and `contains`: about 0.3 KB less wasm.
    let bytes = s.as_bytes();
    let body = bytes.iter().rposition(|b| *b != b'=').map_or(0, |i| i + 1);
    let b64 =
        |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
    if body == 0 || !bytes.iter().take(body).all(b64) {
        return Err(ValidationError::new(Field::Token, Problem::NotAToken));
    }
    Ok(s.clone())
}

/// The `employee_type` query parameter as it reaches the relay (`None` when absent).
fn wire_employee_type(param: Option<&str>) -> Checked<EmployeeType> {
    employee_type(&param.map_or(Loose::Missing, |s| Loose::Text(s.to_owned())))
}

/// A request body that must be a JSON object.
fn json_object(body: &[u8]) -> Checked<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice(body) {
        Ok(serde_json::Value::Object(obj)) => Ok(obj),
        Ok(_) => Err(ValidationError::new(Field::Request, Problem::NotJsonObject)),
        Err(_) => Err(ValidationError::new(Field::Request, Problem::NotJson)),
    }
}

/// A range of days, `from` (at `start`) to `to` (at `end`) inclusive: `to` not before `from`, and
/// at most `max_days` days in all. The one rule for a range query and a punch-results query.
pub fn span(
    (start, from): (Field, RemedyDate),
    (end, to): (Field, RemedyDate),
    max_days: u32,
) -> Checked<()> {
    let days = from.days_until(to);
    if days < 0 {
        return Err(ValidationError::new(end, Problem::RangeReversed { start }));
    }
    if days >= i64::from(max_days) {
        let problem = Problem::RangeTooLong {
            max: max_days,
            start,
        };
        return Err(ValidationError::new(end, problem));
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
/// The query flags of a punch-results request as they reach the relay, percent-decoded, `None`
/// when absent.
#[derive(Debug, Clone, Copy, Default)]
pub struct WirePunchFlags<'a> {
    /// `ignore_invalid_users`.
    pub ignore_invalid_users: Option<&'a str>,
    /// `include_terminated_user`.
    pub include_terminated_user: Option<&'a str>,
}

#[cfg(not(target_arch = "wasm32"))]
/// The values a boolean query flag may have.
const BOOL_WORDS: &[&str] = &["true", "false"];

#[cfg(not(target_arch = "wasm32"))]
/// A boolean query flag: absent, `true` or `false` (Feishu's spelling; nothing else).
fn flag(field: Field, v: Option<&str>) -> Checked<Option<bool>> {
    match v {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(ValidationError::new(field, Problem::NotOneOf(BOOL_WORDS))),
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// A punch-results request (`user_tasks/query`) as it reaches the relay on Feishu's wire: the
/// `employee_type` query parameter, the query flags, and the raw JSON body
/// `{"user_ids": [...], "check_date_from": yyyyMMdd, "check_date_to": yyyyMMdd, "need_overtime_result"?: bool}`.
/// `user_ids` holds 1 to [`MAX_USER_IDS`] ids, each by [`user_id`]'s rule; the dates are real days,
/// `check_date_to` not before `check_date_from`, at most [`punch_results::MAX_DAYS`] days in all.
/// Keys Feishu does not define are ignored (the relay sends upstream only what it checked).
pub fn wire_punch_query(
    employee_type_param: Option<&str>,
    flags: WirePunchFlags<'_>,
    body: &[u8],
) -> Checked<PunchQuery> {
    let employee_type = wire_employee_type(employee_type_param)?;
    let flags = PunchFlags {
        ignore_invalid_users: flag(Field::IgnoreInvalidUsers, flags.ignore_invalid_users)?,
        include_terminated_user: flag(Field::IncludeTerminatedUser, flags.include_terminated_user)?,
    };
    let obj = json_object(body)?;
    let user_ids = user_ids(obj.get("user_ids"))?;
    let from = date(Field::CheckDateFrom, &obj.get("check_date_from").into())?;
    let to = date(Field::CheckDateTo, &obj.get("check_date_to").into())?;
    span(
        (Field::CheckDateFrom, from),
        (Field::CheckDateTo, to),
        punch_results::MAX_DAYS,
    )?;
    let need_overtime_result = match Loose::from(obj.get("need_overtime_result")) {
        Loose::Missing | Loose::Null => None,
        Loose::Bool(b) => Some(b),
        other => {
            let got = other.type_name();
            return Err(ValidationError::wrong_type(
                Field::NeedOvertimeResult,
                "boolean",
                got,
            ));
        }
    };
    Ok(PunchQuery {
        employee_type,
        flags,
        user_ids,
        check_date_from: from,
        check_date_to: to,
        need_overtime_result,
    })
}

#[cfg(not(target_arch = "wasm32"))]
/// `data.user_ids`: an array of 1 to [`MAX_USER_IDS`] ids.
fn user_ids(v: Option<&serde_json::Value>) -> Checked<Vec<UserId>> {
    let Some(serde_json::Value::Array(items)) = v else {
        return Err(missing_or_wrong(
            Field::UserIds,
            &v.into(),
            "list of strings",
        ));
    };
    if items.is_empty() || items.len() > MAX_USER_IDS {
        let problem = Problem::ItemCount {
            min: 1,
            max: MAX_USER_IDS,
        };
        return Err(ValidationError::new(Field::UserIds, problem));
    }
    items
        .iter()
        .map(|item| match Loose::from(Some(item)) {
            text @ Loose::Text(_) => user_id_at(Field::UserIds, &text),
            other => {
                let got = other.type_name();
                Err(ValidationError::wrong_type(
                    Field::UserIds,
                    "list of strings",
                    got,
                ))
            }
        })
        .collect()
}

/// An absolute `http://` or `https://` URL with a host, without a query or fragment (the Feishu
/// path is appended to it). Returns it without a trailing slash. IP addresses are judged as the URL
/// Standard reads them ([`host`]): `http://999.1.1.1` has no host, for `fetch` nor here.
pub fn relay_url(v: &Loose) -> Checked<String> {
    checked_relay_url(v, |host| match host {
        Host::V6(addr) => host::is_ipv6(addr),
        Host::Name(name) => !is_ascii(name) || !host::ends_in_number(name) || host::is_ipv4(name),
    })
}

/// [`relay_url`]'s checks but its judging of IP addresses, for the browser, whose own URL parser
/// (the one `fetch` uses) judges them: the URL, and whether its host needs that parser's verdict.
/// That is a bracketed (IPv6) host, a name with a digit (which covers every name the URL Standard
/// reads as an IPv4 address), or an internationalised name (non-ASCII, or with `--` as an `xn--`
/// label has), which only a full IDNA implementation can judge. The browser build then carries
/// neither the address parsers (about 1 KB gzipped) nor IDNA's tables, and asks its parser (about
/// 15 µs a call) only about those hosts, not about a plain name.
pub fn relay_url_form(v: &Loose) -> Checked<(String, bool)> {
    let mut needs_parser = false;
    let url = checked_relay_url(v, |host| {
        needs_parser = match host {
            Host::V6(_) => true,
            // Wider than needed (a digit anywhere, any `--`), so that the test stays a few bytes of
            // wasm: a name it takes in is only parsed once more, by the browser.
            Host::Name(name) => {
                name.bytes().any(|b| b.is_ascii_digit() || !b.is_ascii())
                    || name.as_bytes().windows(2).any(|w| w == b"--")
            }
        };
        true
    })?;
    Ok((url, needs_parser))
}

/// A relay URL's host: the text between `[` and `]`, or a name (or IPv4 address) as written.
enum Host<'a> {
    V6(&'a str),
    Name(&'a str),
}

/// [`relay_url`] with `address_ok` judging the host (generic, so that each caller's build links
/// only the judge it uses).
fn checked_relay_url(v: &Loose, address_ok: impl FnMut(Host<'_>) -> bool) -> Checked<String> {
    let Loose::Text(s) = v else {
        return Err(missing_or_wrong(Field::RelayUrl, v, "string"));
    };
    let bad = || ValidationError::new(Field::RelayUrl, Problem::NotAUrl);
    if char_count(s) > MAX_URL_CHARS {
        let problem = Problem::TooLong { max: MAX_URL_CHARS };
        return Err(ValidationError::new(Field::RelayUrl, problem));
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let authority = split_at_byte(rest, b'/').map_or(rest, |(a, _)| a);
    let clean = |c: char| !(c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\'));
    if !is_authority(authority, address_ok) || !s.chars().all(clean) {
        return Err(bad());
    }
    let slashes = s.bytes().rev().take_while(|b| *b == b'/').count();
    Ok(s.get(..s.len() - slashes).unwrap_or(s).to_owned())
}

/// `host[:port]` as `fetch` accepts it: a name (ASCII letters, digits, `-`, `.`, `_`, and any
/// non-ASCII character for internationalised names) or a bracketed address, which `address_ok`
/// judges further, and a port of 1 to 65535.
/// No user info (`@`): a relay URL carrying credentials would leak them into logs and history.
fn is_authority(authority: &str, mut address_ok: impl FnMut(Host<'_>) -> bool) -> bool {
    let (host_ok, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((addr, after)) = split_at_byte(v6, b']') else {
            return false;
        };
        let addr_ok = !addr.is_empty() && address_ok(Host::V6(addr));
        match (after, after.strip_prefix(':')) {
            ("", _) => (addr_ok, None),
            (_, Some(p)) => (addr_ok, Some(p)),
            (_, None) => return false,
        }
    } else {
        let (host, port) = match split_at_byte(authority, b':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        // Any non-ASCII character is let through for internationalised names (whitespace and
        // controls are refused for the whole URL already): a Unicode-aware check would pull
        // kilobytes of tables into the size-budgeted browser module.
        let name =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') || !c.is_ascii();
        // A name whose last label is a number is read as an IPv4 address, as fetch reads it:
        // `999.1.1.1` and `1.2.3.4.5` are no host at all, not names to look up (`address_ok`'s
        // verdict). A non-ASCII name is IDNA-mapped first (`１２７.0.0.1` is 127.0.0.1): only a
        // full URL parser can judge it.
        (
            !host.is_empty() && host.chars().all(name) && address_ok(Host::Name(host)),
            port,
        )
    };
    host_ok && port.is_none_or(is_port)
}

/// Whether `s` is all ASCII: `str::is_ascii`, without its word-at-a-time version (172 bytes of
/// wasm) for strings this short.
fn is_ascii(s: &str) -> bool {
    s.bytes().all(|b| b < 0x80)
}

/// A TCP port written in decimal, 1 to 65535.
fn is_port(p: &str) -> bool {
    (1..=5).contains(&p.len()) && unsigned(p).is_some_and(|n| (1..=65_535).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Loose {
        Loose::Text(s.into())
    }

    #[test]
    fn a_good_request_serialises_to_the_seed_example() {
        let q = query(
            &text("employee_id"),
            &text("abd754f7"),
            &Loose::Number(20210104.0),
        )
        .unwrap();
        assert_eq!(
            q.body_json(),
            r#"{"user_id":"abd754f7","remedy_date":20210104}"#
        );
        assert_eq!(q.query_string(), "employee_type=employee_id");
        assert_eq!(
            q.path_and_query(),
            "/open-apis/attendance/v1/user_task_remedys/query_user_allowed_remedys?employee_type=employee_id"
        );
    }

    #[test]
    fn employee_type_accepts_only_the_two_values() {
        assert_eq!(
            employee_type(&text("employee_no")),
            Ok(EmployeeType::EmployeeNo)
        );
        for bad in ["open_id", "", "employee_ID", " employee_id"] {
            let e = employee_type(&text(bad)).unwrap_err();
            assert_eq!(e.field, Field::EmployeeType);
            assert_eq!(e.problem.code(), "not_allowed");
        }
        assert_eq!(
            employee_type(&Loose::Missing).unwrap_err().problem,
            Problem::Missing
        );
        assert_eq!(
            employee_type(&Loose::Number(1.0))
                .unwrap_err()
                .problem
                .code(),
            "wrong_type"
        );
    }

    #[test]
    fn user_id_bounds() {
        assert!(user_id(&text("张三-01")).is_ok());
        assert!(user_id(&text(&"x".repeat(UserId::MAX_CHARS))).is_ok());
        let cases = [
            (text(""), "empty"),
            (text("   "), "empty"),
            (text(&"x".repeat(UserId::MAX_CHARS + 1)), "too_long"),
            (text("ab\ncd"), "control_character"),
            (text("ab\u{7f}"), "control_character"),
            (text("ab\u{fffd}"), "not_unicode"),
            (Loose::Number(123.0), "wrong_type"),
            (Loose::Object, "wrong_type"),
            (Loose::Null, "missing"),
        ];
        for (v, code) in cases {
            let e = user_id(&v).unwrap_err();
            assert_eq!((e.field, e.problem.code()), (Field::UserId, code), "{v:?}");
        }
    }

    #[test]
    fn remedy_date_refuses_everything_that_is_not_a_real_day() {
        let cases: [(Loose, &str); 12] = [
            (Loose::Number(20230229.0), "no_such_day"),
            (Loose::Number(20210230.0), "no_such_day"),
            (Loose::Number(20211301.0), "no_such_month"),
            (Loose::Number(0.0), "not_eight_digits"),
            (Loose::Number(-20210104.0), "not_eight_digits"),
            (Loose::Number(202101041.0), "not_eight_digits"),
            (Loose::Number(20210104.5), "not_an_integer"),
            (Loose::Number(f64::NAN), "not_an_integer"),
            (Loose::Number(f64::INFINITY), "not_an_integer"),
            (Loose::Number(1e20), "not_an_integer"),
            (text("20210104"), "wrong_type"),
            (Loose::Bool(true), "wrong_type"),
        ];
        for (v, code) in cases {
            let e = date(Field::RemedyDate, &v).unwrap_err();
            assert_eq!(e.problem.code(), code, "{v:?}");
        }
        assert!(date(Field::RemedyDate, &Loose::Number(20240229.0)).is_ok());
        assert!(date(Field::RemedyDate, &Loose::Number(20000229.0)).is_ok());
    }

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let e = date(Field::RemedyDate, &Loose::Number(20230229.0)).unwrap_err();
        assert_eq!(
            e.message_en(),
            "data.remedy_date has no such day in that month"
        );
        assert_eq!(e.message_zh(), "data.remedy_date 该月没有这一天");
        assert_eq!(
            e.feishu_msg(),
            "remedy_date invalid: data.remedy_date has no such day in that month"
        );
        let e = employee_type(&text("x")).unwrap_err();
        assert_eq!(
            e.message_en(),
            "params.employee_type must be one of employee_id, employee_no"
        );
    }

    #[test]
    fn wire_query_validates_like_the_browser() {
        let ok = wire_query(
            Some("employee_no"),
            br#"{"user_id":"E1001","remedy_date":20240229}"#,
        )
        .unwrap();
        assert_eq!(ok.user_id.as_str(), "E1001");
        let cases: [(Option<&str>, &[u8], Field, &str); 8] = [
            (
                None,
                br#"{"user_id":"a","remedy_date":20240229}"#,
                Field::EmployeeType,
                "missing",
            ),
            (
                Some("open_id"),
                br#"{}"#,
                Field::EmployeeType,
                "not_allowed",
            ),
            (Some("employee_id"), b"<html>", Field::Request, "not_json"),
            (
                Some("employee_id"),
                br#"{"user_id":"a","#,
                Field::Request,
                "not_json",
            ),
            (
                Some("employee_id"),
                b"[1]",
                Field::Request,
                "not_json_object",
            ),
            (
                Some("employee_id"),
                br#"{"remedy_date":20240229}"#,
                Field::UserId,
                "missing",
            ),
            (
                Some("employee_id"),
                br#"{"user_id":"a","remedy_date":"20240229"}"#,
                Field::RemedyDate,
                "wrong_type",
            ),
            (
                Some("employee_id"),
                br#"{"user_id":"a","remedy_date":1e400}"#,
                Field::Request,
                "not_json",
            ),
        ];
        for (et, body, field, code) in cases {
            let e = wire_query(et, body).unwrap_err();
            assert_eq!(
                (e.field, e.problem.code()),
                (field, code),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn tokens() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        for good in [jwt, "k", "a-b._~+/c==", "abc="] {
            assert_eq!(token(&text(good)).unwrap(), good);
        }
        for (bad, problem) in [
            ("", "empty"),
            ("=", "not_a_token"),
            ("Bearer x", "not_a_token"),
            ("a\nb", "not_a_token"),
            ("a=b", "not_a_token"),
            ("令牌", "not_a_token"),
        ] {
            let e = token(&text(bad)).unwrap_err();
            assert_eq!(
                (e.field, e.problem.code()),
                (Field::Token, problem),
                "{bad:?}"
            );
        }
        let long = "a".repeat(MAX_TEXT_UNITS + 1);
        assert_eq!(token(&text(&long)).unwrap_err().problem.code(), "too_long");
        assert_eq!(
            token(&Loose::Number(1.0)).unwrap_err().problem.code(),
            "wrong_type"
        );
        assert_eq!(token(&Loose::Null).unwrap_err().problem.code(), "missing");
        // The refusal never quotes the token.
        let secret = "s3cr3t value";
        let e = token(&text(secret)).unwrap_err();
        for message in [e.message_en(), e.message_zh(), e.feishu_msg()] {
            assert!(!message.contains("s3cr3t"), "{message}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn wire_punch_query_takes_feishus_example() {
        let q = wire_punch_query(
            Some("employee_id"),
            WirePunchFlags::default(),
            br#"{"user_ids":["abd754f7"],"check_date_from":20190817,"check_date_to":20190820,"need_overtime_result":false,"extra":1}"#,
        )
        .unwrap();
        // What the relay sends upstream is what it checked, in Feishu's form.
        assert_eq!(
            q.body_json(),
            r#"{"user_ids":["abd754f7"],"check_date_from":20190817,"check_date_to":20190820,"need_overtime_result":false}"#
        );
        assert_eq!(q.query_string(), "employee_type=employee_id");
        let flags = WirePunchFlags {
            ignore_invalid_users: Some("true"),
            include_terminated_user: Some("false"),
        };
        let fifty: Vec<String> = (0..50).map(|i| format!("u{i}")).collect();
        let body = serde_json::json!({"user_ids": fifty, "check_date_from": 20240101, "check_date_to": 20240302});
        let q = wire_punch_query(Some("employee_no"), flags, body.to_string().as_bytes()).unwrap();
        assert_eq!(q.user_ids.len(), 50);
        assert_eq!(
            q.query_string(),
            "employee_type=employee_no&ignore_invalid_users=true&include_terminated_user=false"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// A punch-results request (employee_type, the `ignore_invalid_users` flag, the body) and the
    /// field and problem code it is refused with.
    type BadPunchQuery = (
        Option<&'static str>,
        Option<&'static str>,
        String,
        Field,
        &'static str,
    );

    #[cfg(not(target_arch = "wasm32"))]
    /// Each bad punch-results request, one per line.
    #[rustfmt::skip]
    fn bad_punch_queries() -> Vec<BadPunchQuery> {
        let body = |ids: &str, from: &str, to: &str| {
            format!(r#"{{"user_ids":{ids},"check_date_from":{from},"check_date_to":{to}}}"#)
        };
        let good = || body(r#"["a"]"#, "20240101", "20240131");
        let fifty_one = serde_json::to_string(&(0..51).map(|i| format!("u{i}")).collect::<Vec<_>>()).unwrap();
        vec![
            (None, None, good(), Field::EmployeeType, "missing"),
            (Some("open_id"), None, good(), Field::EmployeeType, "not_allowed"),
            (Some("employee_id"), Some("yes"), good(), Field::IgnoreInvalidUsers, "not_allowed"),
            (Some("employee_id"), Some("TRUE"), good(), Field::IgnoreInvalidUsers, "not_allowed"),
            (Some("employee_id"), None, "<html>".into(), Field::Request, "not_json"),
            (Some("employee_id"), None, "[]".into(), Field::Request, "not_json_object"),
            (Some("employee_id"), None, r#"{"check_date_from":20240101,"check_date_to":20240101}"#.into(), Field::UserIds, "missing"),
            (Some("employee_id"), None, body("null", "20240101", "20240101"), Field::UserIds, "missing"),
            (Some("employee_id"), None, body(r#""a""#, "20240101", "20240101"), Field::UserIds, "wrong_type"),
            (Some("employee_id"), None, body("[]", "20240101", "20240101"), Field::UserIds, "item_count"),
            (Some("employee_id"), None, body(&fifty_one, "20240101", "20240101"), Field::UserIds, "item_count"),
            (Some("employee_id"), None, body("[1]", "20240101", "20240101"), Field::UserIds, "wrong_type"),
            (Some("employee_id"), None, body(r#"["a",""]"#, "20240101", "20240101"), Field::UserIds, "empty"),
            (Some("employee_id"), None, body(r#"["a\n"]"#, "20240101", "20240101"), Field::UserIds, "control_character"),
            (Some("employee_id"), None, body(r#"["a"]"#, r#""20240101""#, "20240101"), Field::CheckDateFrom, "wrong_type"),
            (Some("employee_id"), None, body(r#"["a"]"#, "20240230", "20240301"), Field::CheckDateFrom, "no_such_day"),
            (Some("employee_id"), None, body(r#"["a"]"#, "20240101", "2024010"), Field::CheckDateTo, "not_eight_digits"),
            (Some("employee_id"), None, body(r#"["a"]"#, "20240102", "20240101"), Field::CheckDateTo, "range_reversed"),
            (Some("employee_id"), None, body(r#"["a"]"#, "20240101", "20240303"), Field::CheckDateTo, "range_too_long"),
            (Some("employee_id"), None, r#"{"user_ids":["a"],"check_date_from":20240101,"check_date_to":20240101,"need_overtime_result":"no"}"#.into(), Field::NeedOvertimeResult, "wrong_type"),
        ]
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn wire_punch_query_refuses_with_the_field_at_fault() {
        for (et, flag, body, field, code) in bad_punch_queries() {
            let flags = WirePunchFlags {
                ignore_invalid_users: flag,
                include_terminated_user: None,
            };
            let e = wire_punch_query(et, flags, body.as_bytes()).unwrap_err();
            assert_eq!((e.field, e.problem.code()), (field, code), "{body}");
        }
        let flags = WirePunchFlags {
            include_terminated_user: Some("1"),
            ..WirePunchFlags::default()
        };
        let e = wire_punch_query(Some("employee_id"), flags, b"{}").unwrap_err();
        assert_eq!(e.field, Field::IncludeTerminatedUser);
        assert_eq!(
            e.message_en(),
            "params.include_terminated_user must be one of true, false"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn punch_query_messages_name_their_own_fields() {
        let refuse = |body: &str| {
            wire_punch_query(
                Some("employee_id"),
                WirePunchFlags::default(),
                body.as_bytes(),
            )
            .unwrap_err()
        };
        let e = refuse(r#"{"user_ids":["a"],"check_date_from":20240102,"check_date_to":20240101}"#);
        assert_eq!(
            e.message_en(),
            "data.check_date_to must not be before data.check_date_from"
        );
        assert_eq!(
            e.message_zh(),
            "data.check_date_to 不能早于 data.check_date_from"
        );
        let e = refuse(r#"{"user_ids":["a"],"check_date_from":20240101,"check_date_to":20240303}"#);
        assert_eq!(
            e.feishu_msg(),
            "check_date_to invalid: data.check_date_to must be at most 61 days after data.check_date_from (a range covers at most 62 days)"
        );
        let e = refuse(r#"{"user_ids":[],"check_date_from":20240101,"check_date_to":20240101}"#);
        assert_eq!(e.message_en(), "data.user_ids must hold 1 to 50 items");
        assert_eq!(e.message_zh(), "data.user_ids 必须包含 1 到 50 项");
        let e = refuse(r#"{"user_ids":[7],"check_date_from":20240101,"check_date_to":20240101}"#);
        assert_eq!(
            e.message_en(),
            "data.user_ids must be a list of strings, not number"
        );
    }

    /// Issue 13: URLs with no host for fetch either (an IPv4 address out of range or of five
    /// parts, a malformed IPv6 address), so refused by every path alike.
    const HOSTLESS: [&str; 7] = [
        "http://999.1.1.1",
        "http://256.256.256.256",
        "http://1.2.3.4.5",
        "http://0x100000000",
        "http://example.123/x",
        "http://[1:2]",
        "http://[::1.2.3]:80",
    ];

    #[test]
    fn relay_urls() {
        assert_eq!(
            relay_url(&text("http://127.0.0.1:8787/")).unwrap(),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            relay_url(&text("https://hr.example.com/feishu")).unwrap(),
            "https://hr.example.com/feishu"
        );
        for good in [
            "http://[::1]:8787",
            "http://localhost/relay",
            "https://飞书.cn",
            "http://a_b.local:1",
            "http://0x7f.1:8787",
            "http://2130706433",
            "http://1.2.3.4./x",
            "http://[::ffff:127.0.0.1]:80",
        ] {
            assert!(relay_url(&text(good)).is_ok(), "{good}");
        }
        for bad in [
            "",
            "127.0.0.1:8787",
            "ftp://x",
            "http://",
            "http:///x",
            "http://a b",
            "http://x/?q",
            "javascript:alert(1)",
            "http://:80",
            "http://a:99999",
            "http://a:99999999999999999999",
            "http://a:0",
            "http://a:",
            "http://[::1",
            "http://[]",
            "http://[::1]x",
            "http://@",
            "http://user:pw@host",
            "http://a/b c",
        ]
        .into_iter()
        .chain(HOSTLESS)
        {
            assert_eq!(
                relay_url(&text(bad)).unwrap_err().problem,
                Problem::NotAUrl,
                "{bad}"
            );
        }
        assert_eq!(
            relay_url(&Loose::Number(1.0)).unwrap_err().problem.code(),
            "wrong_type"
        );
    }

    /// The browser's form check: what `relay_url` accepts it accepts too; every host whose
    /// verdict `relay_url` takes from its address parsers (or that IDNA maps) is flagged for the
    /// browser's parser; a plain name is not.
    #[test]
    fn relay_url_forms_leave_addresses_to_the_browser() {
        let form = |s: &str| relay_url_form(&text(s));
        for (url, flagged) in [
            ("https://hr.example.com/feishu/", false),
            ("http://localhost:8787", false),
            ("http://a_b.example", false),
            ("http://127.0.0.1:8787", true),
            ("http://0x7f.1", true),
            ("http://[::1]:80", true),
            ("http://飞书.cn", true),
            ("http://xn--ls8h.la", true),
            ("http://XN--ls8h.la", true),
        ] {
            let want = relay_url(&text(url)).unwrap();
            assert_eq!(form(url).unwrap(), (want, flagged), "{url}");
        }
        // Refused by relay_url for their addresses only: left to the browser, flagged.
        for url in HOSTLESS {
            assert!(relay_url(&text(url)).is_err(), "{url}");
            assert!(form(url).unwrap().1, "{url}");
        }
        // Everything else relay_url refuses, the form check refuses alike.
        for bad in [
            "",
            "ftp://x",
            "http://",
            "http://a b",
            "http://x/?q",
            "http://[]",
            "http://[::1",
            "http://[::1]x",
            "http://user:pw@host",
            "http://a:0",
        ] {
            assert_eq!(form(bad).unwrap_err().problem, Problem::NotAUrl, "{bad}");
        }
    }

    proptest::proptest! {
        /// The hand-written body must be exactly what a JSON serialiser writes, for any accepted id.
        #[test]
        fn hand_written_body_equals_serde_json(id in "\\PC{1,64}", days in 0i64..40_000) {
            let Ok(uid) = user_id(&Loose::Text(id.clone())) else { return Ok(()) };
            let date = RemedyDate::from_days_since_epoch(days).unwrap();
            let q = RemedyQuery { employee_type: EmployeeType::EmployeeId, user_id: uid, remedy_date: date };
            // Field order as Feishu's example: user_id first (serde keeps declaration order).
            #[derive(serde::Serialize)]
            struct Body<'a> { user_id: &'a str, remedy_date: u32 }
            let want = serde_json::to_string(&Body { user_id: &id, remedy_date: date.yyyymmdd() }).unwrap();
            proptest::prop_assert_eq!(q.body_json(), want);
        }

        /// Whatever reaches the relay, punch-results validation answers without panicking.
        #[test]
        #[cfg(not(target_arch = "wasm32"))]
        fn any_punch_body_validates_without_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..200), t in ".{0,40}") {
            let _ = wire_punch_query(Some(&t), WirePunchFlags { ignore_invalid_users: Some(&t), include_terminated_user: None }, &body);
            let _ = wire_punch_query(Some("employee_id"), WirePunchFlags::default(), t.as_bytes());
        }

        /// Whatever a caller passes, validation answers without panicking.
        #[test]
        fn any_number_or_text_validates_without_panic(n in proptest::num::f64::ANY, t in ".{0,80}") {
            let _ = query(&Loose::Text(t.clone()), &Loose::Text(t), &Loose::Number(n));
        }
    }

    #[test]
    fn long_relay_urls_are_refused_as_too_long() {
        let at_limit = format!("http://a.example/{}", "x".repeat(MAX_URL_CHARS - 17));
        assert_eq!(char_count(&at_limit), MAX_URL_CHARS);
        assert!(relay_url(&text(&at_limit)).is_ok());
        let over = format!("{at_limit}x");
        assert_eq!(
            relay_url(&text(&over)).unwrap_err().problem,
            Problem::TooLong { max: MAX_URL_CHARS }
        );
    }

    #[test]
    fn the_range_limit_message_counts_days_as_the_check_does() {
        // 61 days after `from` (62 days) passes; 62 days after is refused, and the message says 61.
        let range = |to: f64| {
            crate::range::RangeQuery::from_loose(
                &text("employee_id"),
                &text("u1"),
                &Loose::Number(20240101.0),
                &Loose::Number(to),
            )
        };
        assert!(
            range(20240302.0).is_ok(),
            "2024-03-02 is 61 days after 2024-01-01"
        );
        let e = range(20240303.0).unwrap_err();
        assert_eq!(
            e.message_en(),
            "data.to must be at most 61 days after data.from (a range covers at most 62 days)"
        );
        assert!(e.message_zh().contains("晚 61 天"), "{}", e.message_zh());
    }

    #[test]
    fn bounded_options() {
        assert_eq!(
            bounded(Field::TimeoutMs, &Loose::Number(500.0), 1, 600_000),
            Ok(500)
        );
        assert_eq!(
            bounded(Field::Retries, &Loose::Number(-1.0), 0, 10)
                .unwrap_err()
                .problem
                .code(),
            "out_of_range"
        );
    }
}
