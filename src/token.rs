//! JWT access tokens: unverified decoding, the [`Token`] type and scope claim extraction.
//!
//! [`decode_unverified`] reads a compact JWS (RFC 7515) and its claims **without verifying
//! anything**: use it to show a token in a UI, never to authorize a request. To authorize, use a
//! [`Verifier`](crate::Verifier), which returns the same [`Token`] once the signature and the claims
//! have been checked.

use crate::prelude::*;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::json::parse_value;
use crate::scope::ScopeSet;

/// The default maximum token size, in bytes (16 KiB).
pub const DEFAULT_MAX_TOKEN_SIZE: usize = 16 * 1024;

/// The largest NumericDate accepted (2^53, the largest integer JavaScript numbers hold exactly).
const MAX_NUMERIC_DATE: u64 = 1 << 53;

/// Options for [`decode_unverified_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Tokens longer than this many bytes are refused with [`ErrorCode::TokenTooLarge`].
    /// Default: [`DEFAULT_MAX_TOKEN_SIZE`] (16 KiB).
    pub max_size: usize,
    /// The claim holding the scopes. `None` (the default) reads `scope` (a space-delimited string,
    /// RFC 9068) and `scp` (a list of scope tokens or a space-delimited string); a named claim may
    /// be either a string or a list.
    pub scope_claim: Option<String>,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_size: DEFAULT_MAX_TOKEN_SIZE,
            scope_claim: None,
        }
    }
}

/// A decoded JWT: its header, its claims and the registered claims already typed.
///
/// Returned by [`decode_unverified`] (nothing checked) and by
/// [`Verifier::verify`](crate::Verifier::verify) (signature and claims checked). Serializes to a
/// JSON object with the fields `header`, `claims`, `scopes` (a sorted list), `subject`, `issuer`,
/// `audience` (a list), `client_id`, `jwt_id`, `expires_at`, `issued_at` and `not_before` (unix
/// seconds; fractional NumericDates are rounded up).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Token {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    scopes: ScopeSet,
    subject: Option<String>,
    issuer: Option<String>,
    audience: Vec<String>,
    client_id: Option<String>,
    jwt_id: Option<String>,
    expires_at: Option<u64>,
    issued_at: Option<u64>,
    not_before: Option<u64>,
}

impl Token {
    /// The JOSE header, as sent.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// Every claim of the payload, as sent.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// One claim of the payload, as sent.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }

    /// The granted scopes, from `scope` / `scp` (or the configured scope claim). Empty when absent.
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }

    /// The header's `alg`.
    pub fn algorithm(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The header's `kid`, when it is a string.
    pub fn key_id(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// The header's `typ`, when it is a string.
    pub fn token_type(&self) -> Option<&str> {
        self.header.get("typ").and_then(Value::as_str)
    }

    /// The `sub` claim.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The `iss` claim.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The `aud` claim as a list (a single string becomes a one-element list; absent is empty).
    pub fn audience(&self) -> &[String] {
        &self.audience
    }

    /// The `client_id` claim (RFC 9068 §2.2).
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// The `jti` claim.
    pub fn jwt_id(&self) -> Option<&str> {
        self.jwt_id.as_deref()
    }

    /// The `exp` claim, in unix seconds (rounded up when fractional).
    pub fn expires_at(&self) -> Option<u64> {
        self.expires_at
    }

    /// The `iat` claim, in unix seconds (rounded up when fractional).
    pub fn issued_at(&self) -> Option<u64> {
        self.issued_at
    }

    /// The `nbf` claim, in unix seconds (rounded up when fractional).
    pub fn not_before(&self) -> Option<u64> {
        self.not_before
    }

    /// Builds the typed view of a header and claims, checking the types of the registered claims.
    pub(crate) fn from_parts(
        header: Map<String, Value>,
        claims: Map<String, Value>,
        scope_claim: Option<&str>,
    ) -> Result<Token, Error> {
        let scopes = extract_scopes(&claims, scope_claim)?;
        let expires_at = numeric_date(&claims, "exp")?;
        let issued_at = numeric_date(&claims, "iat")?;
        let not_before = numeric_date(&claims, "nbf")?;
        let subject = string_claim(&claims, "sub")?;
        let issuer = string_claim(&claims, "iss")?;
        let client_id = string_claim(&claims, "client_id")?;
        let jwt_id = string_claim(&claims, "jti")?;
        let audience = audience_claim(&claims)?;
        Ok(Token {
            header,
            claims,
            scopes,
            subject,
            issuer,
            audience,
            client_id,
            jwt_id,
            expires_at,
            issued_at,
            not_before,
        })
    }
}

/// Decodes a JWT **without verifying anything**: not the signature, not the expiry, not the
/// issuer or audience. For display and debugging only; never base an access decision on it (use a
/// [`Verifier`](crate::Verifier)).
///
/// It still refuses what is not a well-formed token: [`ErrorCode::MalformedToken`] (not three
/// base64url parts without padding, header or payload not a JSON object, payload not UTF-8,
/// duplicate JSON keys, header without a string `alg`), [`ErrorCode::UnsupportedToken`] (JWE:
/// five parts or an `enc` header), [`ErrorCode::TokenTooLarge`] (over 16 KiB), and wrong-typed
/// registered claims ([`ErrorCode::ClaimInvalid`], [`ErrorCode::InvalidScope`]).
///
/// ```
/// use scopegate::decode_unverified;
/// // {"alg":"HS256","typ":"at+jwt"} . {"sub":"u1","scope":"read write","exp":1700000000}
/// let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.\
///            eyJzdWIiOiJ1MSIsInNjb3BlIjoicmVhZCB3cml0ZSIsImV4cCI6MTcwMDAwMDAwMH0.\
///            c2lnbmF0dXJlLW5vdC1jaGVja2Vk";
/// let token = decode_unverified(jwt)?;
/// assert_eq!(token.subject(), Some("u1"));
/// assert_eq!(token.scopes().to_string(), "read write");
/// assert_eq!(token.expires_at(), Some(1_700_000_000));
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn decode_unverified(token: &str) -> Result<Token, Error> {
    decode_unverified_with(token, &DecodeOptions::default())
}

/// [`decode_unverified`] with options (size limit, scope claim). Verifies **nothing**.
pub fn decode_unverified_with(token: &str, options: &DecodeOptions) -> Result<Token, Error> {
    let parts = split_compact(token, options.max_size)?;
    let header = parse_header(parts.header)?;
    let claims = parse_payload(parts.payload)?;
    Token::from_parts(header, claims, options.scope_claim.as_deref())
}

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

/// Decodes and parses the header: a JSON object without duplicate keys, with a string `alg`,
/// not a JWE (`enc`).
pub(crate) fn parse_header(part: &str) -> Result<Map<String, Value>, Error> {
    let bytes = b64_part(part, "header")?;
    let header = parse_object(&bytes, "token header")?;
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

/// Decodes and parses the payload: UTF-8 JSON object without duplicate keys.
pub(crate) fn parse_payload(part: &str) -> Result<Map<String, Value>, Error> {
    let bytes = b64_part(part, "payload")?;
    parse_object(&bytes, "token payload")
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

fn claim_invalid(name: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::ClaimInvalid, message).for_claim(name)
}

/// A NumericDate claim (RFC 7519 §2): a non-negative finite number, integer or not, at most 2^53.
/// Fractions are rounded up, so "now >= exp" and "now < nbf" keep their meaning in whole seconds.
pub(crate) fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<u64>, Error> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    let bad = || {
        claim_invalid(
            name,
            format!(
                "claim `{name}` must be a NumericDate (non-negative number of seconds), got {}",
                match value {
                    Value::Number(n) if n.as_f64().is_some_and(|f| f < 0.0) => "a negative number",
                    Value::Number(_) => "a number above 2^53",
                    other => type_name(other),
                }
            ),
        )
    };
    let Value::Number(number) = value else {
        return Err(bad());
    };
    let seconds = if let Some(n) = number.as_u64() {
        n
    } else if let Some(f) = number.as_f64() {
        if !f.is_finite() || f < 0.0 || f > MAX_NUMERIC_DATE as f64 {
            return Err(bad());
        }
        // In range [0, 2^53] and finite: `as` keeps the whole part exactly; round up the rest.
        let whole = f as u64;
        if (whole as f64) < f {
            whole + 1
        } else {
            whole
        }
    } else {
        return Err(bad());
    };
    if seconds > MAX_NUMERIC_DATE {
        return Err(bad());
    }
    Ok(Some(seconds))
}

fn string_claim(claims: &Map<String, Value>, name: &str) -> Result<Option<String>, Error> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(claim_invalid(
            name,
            format!("claim `{name}` must be a string, got {}", type_name(other)),
        )),
    }
}

fn audience_claim(claims: &Map<String, Value>) -> Result<Vec<String>, Error> {
    match claims.get("aud") {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(claim_invalid(
                    "aud",
                    format!(
                        "claim `aud` must be a string or a list of strings, it holds {}",
                        type_name(other)
                    ),
                )),
            })
            .collect(),
        Some(other) => Err(claim_invalid(
            "aud",
            format!(
                "claim `aud` must be a string or a list of strings, got {}",
                type_name(other)
            ),
        )),
    }
}

pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Which shapes a scope claim may take.
#[derive(Clone, Copy)]
enum ScopeShape {
    /// Only a space-delimited string (`scope`, RFC 9068).
    String,
    /// A space-delimited string or a list of scope tokens (`scp`, custom claims).
    StringOrList,
}

fn scope_claim_value(value: &Value, name: &str, shape: ScopeShape) -> Result<ScopeSet, Error> {
    let scope_error = |e: Error| {
        Error::new(
            ErrorCode::InvalidScope,
            format!("claim `{name}`: {}", e.message()),
        )
        .for_claim(name)
    };
    match (value, shape) {
        (Value::String(s), _) => ScopeSet::parse(s).map_err(scope_error),
        (Value::Array(items), ScopeShape::StringOrList) => {
            let mut tokens = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => tokens.push(s.as_str()),
                    other => {
                        return Err(claim_invalid(
                            name,
                            format!(
                                "claim `{name}` must list scope strings, it holds {}",
                                type_name(other)
                            ),
                        ))
                    }
                }
            }
            ScopeSet::from_list(tokens).map_err(scope_error)
        }
        (other, ScopeShape::String) => Err(claim_invalid(
            name,
            format!(
                "claim `{name}` must be a space-delimited string, got {}",
                type_name(other)
            ),
        )),
        (other, ScopeShape::StringOrList) => Err(claim_invalid(
            name,
            format!(
                "claim `{name}` must be a scope string or a list of scopes, got {}",
                type_name(other)
            ),
        )),
    }
}

/// Reads the scopes: the configured claim, or `scope` (string) and `scp` (list or string).
/// When both `scope` and `scp` are present they must agree, or it is a `claim_invalid` error.
pub(crate) fn extract_scopes(
    claims: &Map<String, Value>,
    scope_claim: Option<&str>,
) -> Result<ScopeSet, Error> {
    if let Some(name) = scope_claim {
        return match claims.get(name) {
            None => Ok(ScopeSet::new()),
            Some(value) => scope_claim_value(value, name, ScopeShape::StringOrList),
        };
    }
    let scope = claims
        .get("scope")
        .map(|v| scope_claim_value(v, "scope", ScopeShape::String))
        .transpose()?;
    let scp = claims
        .get("scp")
        .map(|v| scope_claim_value(v, "scp", ScopeShape::StringOrList))
        .transpose()?;
    match (scope, scp) {
        (Some(a), Some(b)) if a != b => Err(claim_invalid(
            "scp",
            "claims `scope` and `scp` are both present and disagree",
        )),
        (Some(a), _) => Ok(a),
        (None, Some(b)) => Ok(b),
        (None, None) => Ok(ScopeSet::new()),
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

    #[test]
    fn numeric_dates() {
        let claims = |v: Value| {
            let mut m = Map::new();
            m.insert("exp".into(), v);
            m
        };
        assert_eq!(numeric_date(&claims(10.into()), "exp").unwrap(), Some(10));
        assert_eq!(
            numeric_date(&claims(serde_json::json!(10.2)), "exp").unwrap(),
            Some(11)
        );
        for (bad, found) in [
            (serde_json::json!(-1), "a negative number"),
            (serde_json::json!(-0.5), "a negative number"),
            (serde_json::json!("10"), "a string"),
            (serde_json::json!(1e300), "a number above 2^53"),
            (
                serde_json::json!(9_007_199_254_740_993u64),
                "a number above 2^53",
            ),
            (serde_json::json!(null), "null"),
        ] {
            let err = numeric_date(&claims(bad), "exp").unwrap_err();
            assert_eq!(err.code(), ErrorCode::ClaimInvalid);
            assert_eq!(err.claim(), Some("exp"));
            assert!(err.message().ends_with(&format!("got {found}")), "{err}");
        }
    }
}
