//! A URL's host read as the URL Standard's host parser reads it
//! (<https://url.spec.whatwg.org/#host-parsing>), for the two forms where a relay URL's check and
//! the browser's `fetch` could otherwise disagree:
//! - a host that "ends in a number" (its last label is digits, or `0x` and hex) is an IPv4 address
//!   in one of the forms browsers read (`127.0.0.1`, `0x7f.1`, `0177.0.0.1`, `2130706433`), or no
//!   host at all: `999.1.1.1`, `256.256.256.256`, `1.2.3.4.5`, `0x100000000`, `example.123`;
//! - a bracketed host is an IPv6 address: eight pieces of at most four hex digits, one `::` at
//!   most, optionally ending in a dotted IPv4 address (`[::ffff:1.2.3.4]`).
//!
//! The relay's check of its options (`validate::relay_url`) uses these. The browser module asks
//! the browser's own URL parser instead (`validate::relay_url_form` says when), which is what
//! `fetch` reads the URL with: the wasm does not carry these parsers. The browser tests hold the
//! two to the same verdicts. Works on bytes: `str::split` with a `char` pattern brings a `memchr`
//! searcher in.

/// Whether the URL Standard parses `host` (a name, not bracketed) as an IPv4 address: its last
/// label, after one trailing dot, is all decimal digits, or a number in the IPv4 number syntax.
pub(crate) fn ends_in_number(host: &str) -> bool {
    let host = host.as_bytes();
    let host = host.strip_suffix(b".").unwrap_or(host);
    let last = host.rsplit(|b| *b == b'.').next().unwrap_or_default();
    (!last.is_empty() && last.iter().all(u8::is_ascii_digit)) || ipv4_number(last).is_some()
}

/// Whether `host`, a host that [`ends_in_number`], is a valid IPv4 address: at most four numbers,
/// each but the last at most 255, the last filling the bytes left (`1.65535` is `0.1.255.255`).
pub(crate) fn is_ipv4(host: &str) -> bool {
    let host = host.as_bytes();
    let host = host.strip_suffix(b".").unwrap_or(host);
    let mut numbers = [0u64; 4];
    let mut count = 0;
    for part in host.split(|b| *b == b'.') {
        let Some(n) = ipv4_number(part) else {
            return false;
        };
        let Some(slot) = numbers.get_mut(count) else {
            return false;
        };
        *slot = n;
        count += 1;
    }
    let (last, before) = match numbers.get(..count).and_then(<[u64]>::split_last) {
        Some(split) => split,
        None => return false,
    };
    before.iter().all(|n| *n <= 255) && *last < 1u64 << (8 * (5 - count))
}

/// One IPv4 number: decimal, hex after `0x` (or `0X`, and `0x` alone is 0), octal after a leading
/// `0`. `None` when it is empty or has a digit outside its radix. Saturates rather than overflows:
/// a number that large is refused by [`is_ipv4`] either way.
fn ipv4_number(part: &[u8]) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = match part {
        [b'0', b'x' | b'X', hex @ ..] => (hex, 16),
        [b'0', octal @ ..] if !octal.is_empty() => (octal, 8),
        _ => (part, 10),
    };
    digits.iter().try_fold(0u64, |n, b| {
        let d = char::from(*b).to_digit(radix)?;
        Some(
            n.saturating_mul(u64::from(radix))
                .saturating_add(u64::from(d)),
        )
    })
}

/// Whether `addr`, the text between `[` and `]`, is an IPv6 address as the URL Standard's IPv6
/// parser reads it.
pub(crate) fn is_ipv6(addr: &str) -> bool {
    let b = addr.as_bytes();
    let (mut i, mut piece, mut compressed) = (0, 0, false);
    if b.first() == Some(&b':') {
        if b.get(1) != Some(&b':') {
            return false;
        }
        (i, piece, compressed) = (2, 1, true);
    }
    while i < b.len() {
        if piece == 8 {
            return false;
        }
        if b.get(i) == Some(&b':') {
            if compressed {
                return false;
            }
            (i, piece, compressed) = (i + 1, piece + 1, true);
            continue;
        }
        let start = i;
        while i - start < 4 && b.get(i).is_some_and(u8::is_ascii_hexdigit) {
            i += 1;
        }
        match b.get(i) {
            Some(b'.') => {
                let v4 = b.get(start..).unwrap_or_default();
                return i > start
                    && piece <= 6
                    && is_embedded_ipv4(v4)
                    && (compressed || piece == 6);
            }
            Some(b':') if i + 1 == b.len() => return false,
            Some(b':') => i += 1,
            Some(_) => return false,
            None => {}
        }
        piece += 1;
    }
    compressed || piece == 8
}

/// The dotted IPv4 address that may end an IPv6 address: exactly four decimal numbers of 0 to
/// 255, without leading zeros.
fn is_embedded_ipv4(v4: &[u8]) -> bool {
    let mut count = 0;
    for part in v4.split(|b| *b == b'.') {
        let leading_zero = part.len() > 1 && part.first() == Some(&b'0');
        if !(1..=3).contains(&part.len()) || leading_zero {
            return false;
        }
        let value = part.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        });
        if value.is_none_or(|n| n > 255) {
            return false;
        }
        count += 1;
    }
    count == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL Standard's verdicts, as browsers give them (`new URL("http://" + host)`).
    #[test]
    fn ipv4_forms() {
        for ok in [
            "127.0.0.1",
            "0x7f.1",
            "0177.0.0.1",
            "2130706433",
            "0x7F000001",
            "1.65535",
            "1.2.65535",
            "255.255.255.255",
            "0.0.0.0",
            "1.2.3.4.",
            "0x",
            "0",
            "4294967295",
            "0xffffffff",
            "00",
            "1.0x",
        ] {
            assert!(ends_in_number(ok) && is_ipv4(ok), "{ok}");
        }
        for bad in [
            "999.1.1.1",
            "256.256.256.256",
            "1.2.3.4.5",
            "0x100000000",
            "4294967296",
            "1.256.1.1",
            "1.2.16777216",
            "1..2",
            "09",
            "example.123",
            "a.0x",
            "0xffffffffffffffffffffffff",
            "99999999999999999999999",
        ] {
            assert!(ends_in_number(bad) && !is_ipv4(bad), "{bad}");
        }
        for name in [
            "localhost",
            "a.b",
            "1.2.3.4x",
            "example.com.",
            "0xg",
            "0x1g",
            "1a",
            "",
            ".",
            "1.2.3.4..",
        ] {
            assert!(!ends_in_number(name), "{name}");
        }
    }

    #[test]
    fn ipv6_forms() {
        for ok in [
            "::1",
            "::",
            "1:2:3:4:5:6:7:8",
            "1::",
            "1:2:3:4:5:6:7::",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "fe80::1:2",
            "ABCD::ef",
            "::0.0.0.0",
        ] {
            assert!(is_ipv6(ok), "{ok}");
        }
        for bad in [
            "",
            ":",
            ":1",
            "1:2",
            "1:",
            "1::2::3",
            "1:2:3:4:5:6:7:8:9",
            "12345::",
            "1:2:3:4:5:6:7:8::",
            "::g",
            "::1.2.3",
            "::1.2.3.4.5",
            "::01.2.3.4",
            "::256.1.1.1",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3.4:5",
            ".1.2.3",
            "::.1.2.3",
            "1:2:3:4:5:1.2.3.4",
            "::1 ",
        ] {
            assert!(!is_ipv6(bad), "{bad}");
        }
    }
}
