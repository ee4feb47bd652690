//! The JWS compact serialization (RFC 7515 §7.1): three base64url parts, a JSON header and
//! payload.

use crate::prelude::*;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::json::parse_value;

/// The three base64url parts of a compact JWS.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
pub(crate) struct CompactParts<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
    /// `header.payload`, the signing input.
    pub(crate) signing_input: &'a str,
}

/// Splits a compact JWS after the size check; five parts (JWE) is [`ErrorCode::UnsupportedToken`].
pub(crate) fn split_compact(token: &str, max_size: usize) -> Result<CompactParts<'_>, Error> {
    if token.len() > max_size {
        return Err(Error::new(
            ErrorCode::TokenTooLarge,
            format!(
                "token is {} bytes, more than the {max_size}-byte limit",
                token.len()
            ),
        ));
    }
    let split = token.split_once('.').and_then(|(header, rest)| {
        rest.split_once('.')
            .map(|(payload, sig)| (header, payload, sig))
    });
    match split {
        Some((header, payload, signature)) if !signature.contains('.') => {
            let signing_input = token
                .get(..header.len() + 1 + payload.len())
                .ok_or_else(|| malformed("token is not a compact JWS"))?;
            Ok(CompactParts {
                header,
                payload,
                signature,
                signing_input,
            })
        }
        _ => {
            let dots = token.matches('.').count();
            if dots == 4 {
                Err(Error::new(
                    ErrorCode::UnsupportedToken,
                    "token has five parts: encrypted tokens (JWE) are not supported",
                ))
            } else {
                Err(malformed(format!(
                    "a JWT has three dot-separated parts, this token has {}",
                    dots + 1
                )))
            }
        }
    }
}

fn malformed(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::MalformedToken, message)
}

/// Decodes one base64url part (no padding, canonical trailing bits).
pub(crate) fn b64_part(part: &str, what: &str) -> Result<Vec<u8>, Error> {
    if part.is_empty() {
        return Err(malformed(format!("the token {what} is empty")));
    }
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| malformed(format!("the token {what} is not base64url without padding")))
}

/// Parses a decoded header: a JSON object without duplicate keys, with a string `alg`, not a
/// JWE (`enc`).
pub(crate) fn header_from_bytes(bytes: &[u8]) -> Result<Map<String, Value>, Error> {
    let header = parse_object(bytes, "token header")?;
    if header.contains_key("enc") {
        return Err(Error::new(
            ErrorCode::UnsupportedToken,
            "the header has `enc`: encrypted tokens (JWE) are not supported",
        ));
    }
    match header.get("alg") {
        Some(Value::String(_)) => Ok(header),
        Some(_) => Err(malformed("the header `alg` is not a string")),
        None => Err(malformed("the header has no `alg`")),
    }
}

/// Parses a JSON object, refusing non-UTF-8 input and duplicate keys at any depth; `what` names
/// it in messages ("token header", "JWKS", ...).
pub(crate) fn parse_object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, Error> {
    let text =
        core::str::from_utf8(bytes).map_err(|_| malformed(format!("the {what} is not UTF-8")))?;
    let value =
        parse_value(text).map_err(|e| malformed(format!("the {what} is not valid JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(malformed(format!("the {what} is not a JSON object"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        assert!(parse_object(br#"{"a":1,"a":2}"#, "payload").is_err());
        assert!(parse_object(br#"{"a":{"b":1,"b":1}}"#, "payload").is_err());
        assert!(parse_object(br#"{"a":[{"b":1,"b":1}]}"#, "payload").is_err());
        assert!(parse_object(br#"{"a":1,"b":2}"#, "payload").is_ok());
    }
}
