//! Unguessable values from the operating system's CSPRNG (`getrandom`): login `state`s, PKCE
//! verifiers, session keys for the simulation, the simulation's codes and user tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The operating system could not supply random bytes (no entropy source: a broken sandbox).
/// Nothing secret can be made then, so sign-in fails instead of using a weaker source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random number generator failed")]
pub struct RandomError;

/// `N` random bytes.
pub fn bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|_| RandomError)?;
    Ok(buf)
}

/// `N` random bytes as unpadded base64url: `[A-Za-z0-9_-]`, 4 characters per 3 bytes, safe in
/// URLs, cookies and headers without escaping.
pub fn token<const N: usize>() -> Result<String, RandomError> {
    Ok(URL_SAFE_NO_PAD.encode(bytes::<N>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_url_safe_and_distinct() {
        let a = token::<32>().unwrap();
        let b = token::<32>().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }
}
