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
    fn cat_matches_concat() {
        assert_eq!(cat(&[]), "");
        assert_eq!(cat(&["a", "", "bc", "无"]), ["a", "", "bc", "无"].concat());
    }
}
