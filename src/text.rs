//! Building strings without `core::fmt`: the browser build has a size budget, and `format!`,
//! `to_string()` and `[..].concat()` each pull in a few hundred bytes to kilobytes of generic
//! formatting code. The results are byte for byte what those would produce.

/// The parts joined, like `parts.concat()`. Not inlined: one copy serves every caller.
#[inline(never)]
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// `s` as a JSON string literal appended to `out`, for text that validation has cleared of control
/// characters: escaping `"` and `\` is then all JSON requires. The request bodies are written by
/// hand so that the browser bundle needs no JSON serialiser.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// `n` in decimal, exactly as `n.to_string()` writes it.
#[inline(never)]
pub(crate) fn decimal(n: i64) -> String {
    // Digits from the last; a Vec rather than an indexed array, so no bounds check (and no panic
    // path) is compiled in.
    let mut rev = Vec::with_capacity(20);
    let mut rest = n.unsigned_abs();
    loop {
        rev.push(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        rev.push(b'-');
    }
    rev.iter().rev().map(|&b| char::from(b)).collect()
}

/// `s` split around its first `byte` (ASCII, so both sides are whole UTF-8), like
/// `s.split_once(char)`, whose char searcher (with `memchr`) costs about 800 bytes of wasm.
pub(crate) fn split_at_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    for (i, b) in s.bytes().enumerate() {
        if b == byte {
            let (before, rest) = s.split_at_checked(i)?;
            return Some((before, rest.get(1..)?));
        }
    }
    None
}

/// `s` after its last `byte` (ASCII), or all of `s` without one: `s.rsplit(char).next()`.
pub(crate) fn after_last_byte(s: &str, byte: u8) -> &str {
    s.bytes()
        .rposition(|b| b == byte)
        .and_then(|i| s.get(i + 1..))
        .unwrap_or(s)
}

/// A non-negative decimal integer made only of ASCII digits, or `None` (also on overflow): what
/// `str::parse::<u64>` accepts except a leading `+`, without its generic parser in the wasm.
pub(crate) fn unsigned(s: &str) -> Option<u64> {
    unsigned_bytes(s.as_bytes())
}

/// [`unsigned`] of bytes: the calendar reads digits out of fixed byte positions.
pub(crate) fn unsigned_bytes(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |n, &b| {
        let digit = b.is_ascii_digit().then(|| u64::from(b - b'0'))?;
        n.checked_mul(10)?.checked_add(digit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_matches_to_string() {
        for n in [
            0,
            7,
            -7,
            10,
            99,
            100,
            20_210_104,
            -600_000,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn byte_splits_match_the_char_pattern_ones() {
        for s in [
            "", "a", ":", "a:b", "a:b:c", "::", "无:名", "[::1]:80", "no-sep",
        ] {
            assert_eq!(split_at_byte(s, b':'), s.split_once(':'), "{s}");
            assert_eq!(
                after_last_byte(s, b':'),
                s.rsplit(':').next().unwrap(),
                "{s}"
            );
        }
    }

    #[test]
    fn unsigned_matches_parse_for_digit_strings() {
        for s in [
            "",
            "0",
            "007",
            "65535",
            "18446744073709551615",
            "18446744073709551616",
            "1a",
            " 1",
            "-1",
            "١",
        ] {
            assert_eq!(unsigned(s), s.parse::<u64>().ok(), "{s}");
        }
        assert_eq!(unsigned("+1"), None, "no sign");
    }

    #[test]
    fn cat_matches_concat() {
        assert_eq!(cat(&[]), "");
        assert_eq!(cat(&["a", "", "bc", "无"]), ["a", "", "bc", "无"].concat());
    }
}
