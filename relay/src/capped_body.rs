//! Reading an upstream reply's body with a cap, for the token endpoint and the query alike: a
//! reply larger than any real one is refused before it is all in memory.

use bytes::Bytes;

/// Why a body could not be read whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// More than the cap, declared in `Content-Length` or found while reading.
    TooLarge,
    /// The connection broke before the body was complete.
    Broken,
}

/// The body of `response`, at most `max` bytes.
pub async fn read_capped(mut response: reqwest::Response, max: usize) -> Result<Bytes, BodyError> {
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|_| BodyError::Broken)? {
        if body.len() + chunk.len() > max {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}
