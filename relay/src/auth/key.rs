//! The key of the relay's private cookies (the session and the login cookie): derived from
//! `RELAY_SESSION_KEY`, or made at random for one run of the simulation.
//!
//! Replicas given the same master key derive the same key, so each accepts the others' cookies.

use std::fmt;

use cookie::Key;

use super::random::{self, RandomError};
use crate::secret::Secret;

/// The shortest master key accepted, in bytes: the cookie crate derives its AES-256-GCM key with
/// HKDF-SHA-256 from it, and a shorter one would be weaker than the cipher.
pub const MIN_MASTER_KEY_BYTES: usize = 32;

/// Why a master key was refused. Names the length, never the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionKeyError {
    /// Fewer than [`MIN_MASTER_KEY_BYTES`] bytes.
    #[error("RELAY_SESSION_KEY must be at least {MIN_MASTER_KEY_BYTES} bytes long (it has {0}); make one with `openssl rand -base64 48`")]
    TooShort(usize),
    /// No random bytes for a generated key.
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// The derived cookie key. Its `Debug` prints nothing of it.
#[derive(Clone)]
pub struct SessionKey(Key);

impl SessionKey {
    /// Derives the key from a master key of at least [`MIN_MASTER_KEY_BYTES`] bytes (its UTF-8
    /// bytes as given: a base64 or hex string of enough random bytes is fine).
    pub fn from_master(master: &Secret) -> Result<Self, SessionKeyError> {
        let bytes = master.expose().as_bytes();
        if bytes.len() < MIN_MASTER_KEY_BYTES {
            return Err(SessionKeyError::TooShort(bytes.len()));
        }
        // Checked above: `derive_from` panics on fewer than 32 bytes.
        Ok(SessionKey(Key::derive_from(bytes)))
    }

    /// A fresh random key, for the simulation when no key is configured: its sessions end with the
    /// run.
    pub fn generate() -> Result<Self, SessionKeyError> {
        let master = random::bytes::<64>()?;
        Ok(SessionKey(Key::derive_from(&master)))
    }

    /// The cookie crate's key, for [`super::sealed`].
    pub(crate) fn cookie_key(&self) -> &Key {
        &self.0
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_refused_without_panicking_or_echoing() {
        let err =
            SessionKey::from_master(&Secret::new("short-key-31-bytes-long-xxxxxxx")).unwrap_err();
        assert_eq!(err, SessionKeyError::TooShort(31));
        assert!(!err.to_string().contains("short-key"));
        assert!(SessionKey::from_master(&Secret::new("")).is_err());
        assert!(SessionKey::from_master(&Secret::new("k".repeat(32))).is_ok());
    }

    #[test]
    fn same_master_same_key_and_generated_keys_differ() {
        let m = Secret::new("0123456789abcdef0123456789abcdef-master");
        let a = SessionKey::from_master(&m).unwrap();
        let b = SessionKey::from_master(&m).unwrap();
        assert_eq!(a.cookie_key().master(), b.cookie_key().master());
        let x = SessionKey::generate().unwrap();
        let y = SessionKey::generate().unwrap();
        assert_ne!(x.cookie_key().master(), y.cookie_key().master());
        assert_eq!(format!("{x:?}"), "SessionKey([redacted])");
    }
}
