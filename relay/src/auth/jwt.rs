//! Token mode: a short-lived signed token (JWT) minted by the host page's backend names the
//! employee. Verified with the `jsonwebtoken` crate on the aws-lc-rs backend (the crypto rustls
//! already brings).
//!
//! - Keys: HS256 with a shared secret (`RELAY_TOKEN_KEY`, at least 32 bytes), or RS256 / ES256
//!   (P-256) with a PEM public key (`--token-public-key`). Exactly one algorithm is accepted, the
//!   key's: `alg: none`, another algorithm, and HS256 "signed" with the public key's bytes
//!   (algorithm confusion) are refused before any signature check.
//! - Claims: `exp` (required, at most 24 h ahead), `aud` (required, the configured audience),
//!   `nbf` (optional), `employee_id` and/or `employee_no` (strings, at least one), `admin: true`
//!   (optional), `name` (optional). 60 s of clock skew either way.
//! - Time is a parameter: the crate's own clock checks are off and done here with `now`.

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::identity::Identity;
use super::unix_time::unix_secs;
use crate::secret::Secret;

/// `--token-audience`'s default.
pub const DEFAULT_AUDIENCE: &str = "feishu-remedy";

/// The furthest ahead `exp` may be: tokens are meant to be short-lived.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Clock skew tolerated between the minting backend and the relay.
pub const LEEWAY: Duration = Duration::from_secs(60);

/// The shortest HS256 secret accepted (RFC 7518: at least the hash's 256 bits).
pub const MIN_HMAC_KEY_BYTES: usize = 32;

/// Tokens longer than this are refused unread (a real one is a few hundred bytes).
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The longest identity claim, as the core's user ids.
const MAX_ID_CHARS: usize = 64;

/// Why a verification key was refused at start-up. Never echoes the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The HS256 secret is too short.
    #[error("RELAY_TOKEN_KEY must be at least {MIN_HMAC_KEY_BYTES} bytes long (it has {0})")]
    TooShort(usize),
    /// The file holds a private key; the relay needs only the public one.
    #[error("--token-public-key holds a private key: give the relay the public key only")]
    PrivateKeyGiven,
    /// The file is not a PEM RSA or EC public key.
    #[error("--token-public-key is not a PEM RSA or EC (P-256) public key")]
    NotAPublicKey,
}

/// Why a token was refused (the relay answers 401). No variant carries the token or its claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejected {
    /// Not a JWT (three base64url parts, JSON header and claims), or too long.
    #[error("the token is not a well-formed JWT")]
    Malformed,
    /// Its `alg` is not the one the key is for (`none`, or algorithm confusion).
    #[error("the token's algorithm is not the one the relay accepts")]
    Algorithm,
    /// The signature does not verify with the key.
    #[error("the token's signature is invalid")]
    Signature,
    /// `aud` is not the configured audience.
    #[error("the token is for another audience")]
    Audience,
    /// A required claim (`exp`, `aud`) is missing.
    #[error("the token lacks the {0} claim")]
    MissingClaim(&'static str),
    /// `exp` has passed (beyond the leeway).
    #[error("the token has expired")]
    Expired,
    /// `nbf` is still ahead (beyond the leeway).
    #[error("the token is not valid yet")]
    NotYetValid,
    /// `exp` is more than 24 h ahead.
    #[error("the token lives longer than 24 hours")]
    TooLongLived,
    /// Neither `employee_id` nor `employee_no`.
    #[error("the token names no employee (employee_id or employee_no)")]
    NoIdentity,
    /// A claim of the wrong type or shape.
    #[error("the token's {0} claim is malformed")]
    BadClaim(&'static str),
}

/// Verifies tokens with one key and one algorithm.
pub struct TokenVerifier {
    key: DecodingKey,
    algorithm: Algorithm,
    validation: Validation,
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// HS256 with a shared secret of at least [`MIN_HMAC_KEY_BYTES`] bytes.
    pub fn hs256(secret: &Secret, audience: &str) -> Result<Self, KeyError> {
        let bytes = secret.expose().as_bytes();
        if bytes.len() < MIN_HMAC_KEY_BYTES {
            return Err(KeyError::TooShort(bytes.len()));
        }
        Ok(Self::with(
            DecodingKey::from_secret(bytes),
            Algorithm::HS256,
            audience,
        ))
    }

    /// RS256 for an RSA public key, ES256 for an EC (P-256) one, in PEM (`PUBLIC KEY`, or
    /// `RSA PUBLIC KEY`).
    pub fn from_public_key_pem(pem: &str, audience: &str) -> Result<Self, KeyError> {
        if pem.contains("PRIVATE KEY") {
            return Err(KeyError::PrivateKeyGiven);
        }
        if let Ok(key) = DecodingKey::from_rsa_pem(pem.as_bytes()) {
            return Ok(Self::with(key, Algorithm::RS256, audience));
        }
        DecodingKey::from_ec_pem(pem.as_bytes())
            .map(|key| Self::with(key, Algorithm::ES256, audience))
            .map_err(|_| KeyError::NotAPublicKey)
    }

    fn with(key: DecodingKey, algorithm: Algorithm, audience: &str) -> Self {
        let mut validation = Validation::new(algorithm);
        // Time is checked in `verify` with the injected `now`.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["exp", "aud"]);
        validation.set_audience(&[audience]);
        TokenVerifier {
            key,
            algorithm,
            validation,
        }
    }

    /// The one algorithm accepted (for the start-up line).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The identity a token names, if it is genuine, for us and current at `now`.
    pub fn verify(&self, token: &str, now: SystemTime) -> Result<Identity, TokenRejected> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenRejected::Malformed);
        }
        self.check_header(token)?;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &self.key, &self.validation)
            .map_err(|e| rejection(e.kind()))?
            .claims;
        check_times(&claims, unix_secs(now))?;
        identity(&claims)
    }

    /// The header's `alg` must be exactly the key's, read before the crate sees the token: this is
    /// what refuses `none` and algorithm confusion whatever the crate would do. `crit` (extensions
    /// the relay would have to understand) is refused too.
    fn check_header(&self, token: &str) -> Result<(), TokenRejected> {
        let header = token.split('.').next().unwrap_or_default();
        let bytes = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| TokenRejected::Malformed)?;
        let header: Map<String, Value> =
            serde_json::from_slice(&bytes).map_err(|_| TokenRejected::Malformed)?;
        if header.contains_key("crit") {
            return Err(TokenRejected::Malformed);
        }
        let expected = format!("{:?}", self.algorithm);
        match header.get("alg").and_then(Value::as_str) {
            Some(alg) if alg == expected => Ok(()),
            _ => Err(TokenRejected::Algorithm),
        }
    }
}

fn rejection(kind: &ErrorKind) -> TokenRejected {
    match kind {
        ErrorKind::InvalidSignature => TokenRejected::Signature,
        ErrorKind::InvalidAudience => TokenRejected::Audience,
        ErrorKind::MissingRequiredClaim(c) if c == "exp" => TokenRejected::MissingClaim("exp"),
        ErrorKind::MissingRequiredClaim(_) => TokenRejected::MissingClaim("aud"),
        ErrorKind::InvalidAlgorithm
        | ErrorKind::InvalidAlgorithmName
        | ErrorKind::MissingAlgorithm
        | ErrorKind::InvalidKeyFormat => TokenRejected::Algorithm,
        ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidRsaKey(_) => TokenRejected::Signature,
        _ => TokenRejected::Malformed,
    }
}

/// A NumericDate claim: whole or fractional seconds since the epoch (fractions dropped).
fn seconds(claims: &Map<String, Value>, name: &'static str) -> Result<Option<u64>, TokenRejected> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    let secs = match value.as_u64() {
        Some(s) => Some(s),
        None => value
            .as_f64()
            .filter(|f| f.is_finite() && *f >= 0.0 && *f < 1e15)
            .map(|f| f as u64),
    };
    secs.map(Some).ok_or(TokenRejected::BadClaim(name))
}

fn check_times(claims: &Map<String, Value>, now: u64) -> Result<(), TokenRejected> {
    let leeway = LEEWAY.as_secs();
    let exp = seconds(claims, "exp")?.ok_or(TokenRejected::MissingClaim("exp"))?;
    if now >= exp.saturating_add(leeway) {
        return Err(TokenRejected::Expired);
    }
    if exp > now.saturating_add(MAX_LIFETIME.as_secs() + leeway) {
        return Err(TokenRejected::TooLongLived);
    }
    if seconds(claims, "nbf")?.is_some_and(|nbf| nbf > now.saturating_add(leeway)) {
        return Err(TokenRejected::NotYetValid);
    }
    Ok(())
}

/// An optional string claim; an id additionally non-empty, short, without control characters.
fn text(
    claims: &Map<String, Value>,
    name: &'static str,
    is_id: bool,
) -> Result<Option<String>, TokenRejected> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let bad_id =
                s.is_empty() || s.chars().count() > MAX_ID_CHARS || s.chars().any(char::is_control);
            if is_id && bad_id {
                Err(TokenRejected::BadClaim(name))
            } else {
                Ok(Some(s.clone()))
            }
        }
        Some(_) => Err(TokenRejected::BadClaim(name)),
    }
}

fn identity(claims: &Map<String, Value>) -> Result<Identity, TokenRejected> {
    let user_id = text(claims, "employee_id", true)?;
    let employee_no = text(claims, "employee_no", true)?;
    if user_id.is_none() && employee_no.is_none() {
        return Err(TokenRejected::NoIdentity);
    }
    let admin = match claims.get("admin") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(TokenRejected::BadClaim("admin")),
    };
    let name = text(claims, "name", false)?.unwrap_or_default();
    Ok(Identity {
        open_id: String::new(),
        tenant_key: String::new(),
        user_id,
        employee_no,
        name,
        admin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair as _;
    use base64::engine::general_purpose::STANDARD;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::json;
    use std::time::UNIX_EPOCH;

    const NOW: u64 = 1_800_000_000;
    const SECRET: &str = "a-hs256-secret-of-32-bytes-or-more!!";

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }

    fn pem(label: &str, der: &[u8]) -> String {
        let b64 = STANDARD.encode(der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    /// A fresh RSA key pair: (private PEM, public PEM).
    fn rsa() -> (String, String) {
        let kp = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let private: aws_lc_rs::encoding::Pkcs8V1Der = kp.as_der().unwrap();
        let public: aws_lc_rs::encoding::PublicKeyX509Der = kp.public_key().as_der().unwrap();
        (
            pem("PRIVATE KEY", private.as_ref()),
            pem("PUBLIC KEY", public.as_ref()),
        )
    }

    /// A fresh P-256 key pair: (private PEM, public PEM).
    fn ec() -> (String, String) {
        use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
        let kp = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let private = kp.to_pkcs8v1().unwrap();
        let public: aws_lc_rs::encoding::PublicKeyX509Der = kp.public_key().as_der().unwrap();
        (
            pem("PRIVATE KEY", private.as_ref()),
            pem("PUBLIC KEY", public.as_ref()),
        )
    }

    fn claims() -> Value {
        json!({"exp": NOW + 3600, "aud": DEFAULT_AUDIENCE, "employee_id": "abd754f7", "name": "张三"})
    }

    fn hs(claims: &Value, secret: &[u8]) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap()
    }

    fn verifier() -> TokenVerifier {
        TokenVerifier::hs256(&Secret::new(SECRET), DEFAULT_AUDIENCE).unwrap()
    }

    fn with(change: impl FnOnce(&mut Map<String, Value>)) -> Value {
        let mut c = claims();
        change(c.as_object_mut().unwrap());
        c
    }

    #[test]
    fn a_good_hs256_token_names_the_employee() {
        let who = verifier()
            .verify(&hs(&claims(), SECRET.as_bytes()), now())
            .unwrap();
        assert_eq!(who.user_id.as_deref(), Some("abd754f7"));
        assert_eq!(
            (who.employee_no, who.admin, who.name.as_str()),
            (None, false, "张三")
        );
        let both = with(|c| {
            c.insert("employee_no".into(), json!("E1001"));
            c.insert("admin".into(), json!(true));
        });
        let who = verifier()
            .verify(&hs(&both, SECRET.as_bytes()), now())
            .unwrap();
        assert!(who.admin && who.employee_no.as_deref() == Some("E1001"));
    }

    #[test]
    fn signatures_algorithms_and_keys() {
        let v = verifier();
        let other = hs(&claims(), b"another-secret-of-32-bytes-or-more!!");
        assert_eq!(v.verify(&other, now()), Err(TokenRejected::Signature));
        // alg: none, unsigned.
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(claims().to_string());
        assert_eq!(
            v.verify(&format!("{header}.{body}."), now()),
            Err(TokenRejected::Algorithm)
        );
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT"}"#);
        assert_eq!(
            v.verify(&format!("{header}.{body}.x"), now()),
            Err(TokenRejected::Algorithm)
        );
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","crit":["x"]}"#);
        assert_eq!(
            v.verify(&format!("{header}.{body}.x"), now()),
            Err(TokenRejected::Malformed)
        );
        for junk in ["", "abc", "a.b.c", "....", &"x".repeat(10_000)] {
            assert_eq!(
                v.verify(junk, now()),
                Err(TokenRejected::Malformed),
                "{junk:.10}"
            );
        }
        assert_eq!(
            TokenVerifier::hs256(&Secret::new("short"), "a").unwrap_err(),
            KeyError::TooShort(5)
        );
    }

    #[test]
    fn rs256_and_the_algorithm_confusion_attack() {
        let (private, public) = rsa();
        let v = TokenVerifier::from_public_key_pem(&public, DEFAULT_AUDIENCE).unwrap();
        assert_eq!(v.algorithm(), Algorithm::RS256);
        let key = EncodingKey::from_rsa_pem(private.as_bytes()).unwrap();
        let good = encode(&Header::new(Algorithm::RS256), &claims(), &key).unwrap();
        assert!(v.verify(&good, now()).is_ok());
        // HS256 "signed" with the public key's own bytes, as if it were a shared secret.
        let confused = hs(&claims(), public.as_bytes());
        assert_eq!(v.verify(&confused, now()), Err(TokenRejected::Algorithm));
        // An RS256 token to an HS256 relay.
        assert_eq!(
            verifier().verify(&good, now()),
            Err(TokenRejected::Algorithm)
        );
        // Another RSA key's signature.
        let (other, _) = rsa();
        let forged = encode(
            &Header::new(Algorithm::RS256),
            &claims(),
            &EncodingKey::from_rsa_pem(other.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(v.verify(&forged, now()), Err(TokenRejected::Signature));
        assert_eq!(
            TokenVerifier::from_public_key_pem(&private, "a").unwrap_err(),
            KeyError::PrivateKeyGiven
        );
    }

    #[test]
    fn es256_and_keys_of_the_wrong_kind() {
        let (private, public) = ec();
        let v = TokenVerifier::from_public_key_pem(&public, DEFAULT_AUDIENCE).unwrap();
        assert_eq!(v.algorithm(), Algorithm::ES256);
        let key = EncodingKey::from_ec_pem(private.as_bytes()).unwrap();
        let good = encode(&Header::new(Algorithm::ES256), &claims(), &key).unwrap();
        assert!(v.verify(&good, now()).is_ok());
        let (rsa_private, _) = rsa();
        let rs = encode(
            &Header::new(Algorithm::RS256),
            &claims(),
            &EncodingKey::from_rsa_pem(rsa_private.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(v.verify(&rs, now()), Err(TokenRejected::Algorithm));
        for junk in [
            "",
            "not a pem",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        ] {
            assert_eq!(
                TokenVerifier::from_public_key_pem(junk, "a").unwrap_err(),
                KeyError::NotAPublicKey
            );
        }
    }

    #[test]
    fn time_with_sixty_seconds_of_skew() {
        let v = verifier();
        let at = |exp: u64| {
            hs(
                &with(|c| {
                    c.insert("exp".into(), json!(exp));
                }),
                SECRET.as_bytes(),
            )
        };
        assert!(v.verify(&at(NOW - 59), now()).is_ok(), "within the leeway");
        assert_eq!(v.verify(&at(NOW - 60), now()), Err(TokenRejected::Expired));
        assert_eq!(
            v.verify(&at(NOW - 86_400), now()),
            Err(TokenRejected::Expired)
        );
        assert!(v.verify(&at(NOW + 24 * 3600), now()).is_ok());
        assert_eq!(
            v.verify(&at(NOW + 25 * 3600), now()),
            Err(TokenRejected::TooLongLived)
        );
        let fractional = with(|c| {
            c.insert("exp".into(), json!(NOW as f64 + 10.5));
        });
        assert!(v.verify(&hs(&fractional, SECRET.as_bytes()), now()).is_ok());
        let early = with(|c| {
            c.insert("nbf".into(), json!(NOW + 120));
        });
        assert_eq!(
            v.verify(&hs(&early, SECRET.as_bytes()), now()),
            Err(TokenRejected::NotYetValid)
        );
        let soon = with(|c| {
            c.insert("nbf".into(), json!(NOW + 30));
        });
        assert!(v.verify(&hs(&soon, SECRET.as_bytes()), now()).is_ok());
        // The same token, read an hour later by the real clock's standards: time is the input.
        let later = now() + Duration::from_secs(3600 + 60);
        assert_eq!(
            v.verify(&hs(&claims(), SECRET.as_bytes()), later),
            Err(TokenRejected::Expired)
        );
    }

    #[test]
    fn audience_and_claims() {
        let v = verifier();
        let sign = |c: Value| hs(&c, SECRET.as_bytes());
        let cases: Vec<(Value, TokenRejected)> = vec![
            (
                with(|c| {
                    c.insert("aud".into(), json!("other-app"));
                }),
                TokenRejected::Audience,
            ),
            (
                with(|c| {
                    c.remove("aud");
                }),
                TokenRejected::MissingClaim("aud"),
            ),
            (
                with(|c| {
                    c.remove("exp");
                }),
                TokenRejected::MissingClaim("exp"),
            ),
            (
                with(|c| {
                    c.insert("exp".into(), json!("tomorrow"));
                }),
                TokenRejected::MissingClaim("exp"),
            ),
            (
                with(|c| {
                    c.remove("employee_id");
                }),
                TokenRejected::NoIdentity,
            ),
            (
                with(|c| {
                    c.insert("employee_id".into(), json!(12345));
                }),
                TokenRejected::BadClaim("employee_id"),
            ),
            (
                with(|c| {
                    c.insert("employee_id".into(), json!(""));
                }),
                TokenRejected::BadClaim("employee_id"),
            ),
            (
                with(|c| {
                    c.insert("employee_no".into(), json!("E\n1"));
                }),
                TokenRejected::BadClaim("employee_no"),
            ),
            (
                with(|c| {
                    c.insert("admin".into(), json!("true"));
                }),
                TokenRejected::BadClaim("admin"),
            ),
            (
                with(|c| {
                    c.insert("name".into(), json!(["x"]));
                }),
                TokenRejected::BadClaim("name"),
            ),
        ];
        for (claims, want) in cases {
            assert_eq!(
                v.verify(&sign(claims.clone()), now()),
                Err(want),
                "{claims}"
            );
        }
        let listed = with(|c| {
            c.insert("aud".into(), json!(["x", DEFAULT_AUDIENCE]));
        });
        assert!(v.verify(&sign(listed), now()).is_ok());
        let custom = TokenVerifier::hs256(&Secret::new(SECRET), "intranet").unwrap();
        assert_eq!(
            custom.verify(&sign(claims()), now()),
            Err(TokenRejected::Audience)
        );
    }

    #[test]
    fn errors_and_debug_never_show_the_token_or_key() {
        let token = hs(&claims(), b"another-secret-of-32-bytes-or-more!!");
        let err = verifier().verify(&token, now()).unwrap_err();
        assert!(!err.to_string().contains(&token) && !err.to_string().contains("abd754f7"));
        assert!(!format!("{:?}", verifier()).contains(SECRET));
    }
}
