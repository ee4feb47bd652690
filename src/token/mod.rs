//! JWT access tokens: the [`Token`] type and unverified decoding; [`compact`] reads the compact
//! serialization, [`claims`] types the registered claims and finds the scopes, [`response`]
//! reads OAuth2 token responses (opaque tokens).
//!
//! [`decode_unverified`] reads a compact JWS (RFC 7515) and its claims **without verifying
//! anything**: use it to show a token in a UI, never to authorize a request. To authorize, use a
//! [`Verifier`](crate::Verifier), which returns the same [`Token`] once the signature and the claims
//! have been checked.

use crate::prelude::*;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::scope::ScopeSet;

pub(crate) mod claims;
mod compact;
pub(crate) mod response;

use claims::{audience_claim, extract_scopes, numeric_date, string_claim};
pub(crate) use compact::{b64_part, header_from_bytes, parse_object, split_compact};

/// The default maximum token size, in bytes (16 KiB).
pub const DEFAULT_MAX_TOKEN_SIZE: usize = 16 * 1024;

/// Options for [`decode_unverified_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Tokens longer than this many bytes are refused with [`ErrorCode::TokenTooLarge`](crate::ErrorCode::TokenTooLarge).
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
/// It still refuses what is not a well-formed token: [`ErrorCode::MalformedToken`](crate::ErrorCode::MalformedToken) (not three
/// base64url parts without padding, header or payload not a JSON object, payload not UTF-8,
/// duplicate JSON keys, header without a string `alg`), [`ErrorCode::UnsupportedToken`](crate::ErrorCode::UnsupportedToken) (JWE:
/// five parts or an `enc` header), [`ErrorCode::TokenTooLarge`](crate::ErrorCode::TokenTooLarge) (over 16 KiB), and wrong-typed
/// registered claims ([`ErrorCode::ClaimInvalid`](crate::ErrorCode::ClaimInvalid), [`ErrorCode::InvalidScope`](crate::ErrorCode::InvalidScope)).
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
    decode_with_texts(token, options).map(|decoded| decoded.token)
}

/// A token decoded without verification, with the JSON texts of its header and payload as they
/// were decoded (checked by the same parse: UTF-8, one JSON object, no duplicate key), so the
/// WebAssembly bindings hand them to `JSON.parse` instead of writing the parsed values again.
#[cfg_attr(
    not(all(target_arch = "wasm32", target_os = "unknown")),
    allow(dead_code)
)]
pub(crate) struct DecodedToken {
    pub(crate) token: Token,
    pub(crate) header: String,
    pub(crate) payload: String,
}

/// The payload of a JWT as JSON text (decoded from base64url, checked as UTF-8; not parsed), for
/// a token decoded before (a session's), whose claims the bindings hand to `JSON.parse`.
#[cfg_attr(
    not(all(target_arch = "wasm32", target_os = "unknown")),
    allow(dead_code)
)]
pub(crate) fn payload_text(token: &str) -> Result<String, Error> {
    let parts = split_compact(token, token.len())?;
    String::from_utf8(b64_part(parts.payload, "payload")?)
        .map_err(|_| Error::new(ErrorCode::MalformedToken, "the token payload is not UTF-8"))
}

/// [`decode_unverified_with`], keeping the decoded JSON texts.
pub(crate) fn decode_with_texts(
    token: &str,
    options: &DecodeOptions,
) -> Result<DecodedToken, Error> {
    let parts = split_compact(token, options.max_size)?;
    let header_bytes = b64_part(parts.header, "header")?;
    let header = header_from_bytes(&header_bytes)?;
    let payload_bytes = b64_part(parts.payload, "payload")?;
    let claims = parse_object(&payload_bytes, "token payload")?;
    let token = Token::from_parts(header, claims, options.scope_claim.as_deref())?;
    let (header, payload) = json_texts(header_bytes, payload_bytes)?;
    Ok(DecodedToken {
        token,
        header,
        payload,
    })
}

/// The decoded header and payload of a token as text, once both parsed as JSON (so as UTF-8).
pub(crate) fn json_texts(header: Vec<u8>, payload: Vec<u8>) -> Result<(String, String), Error> {
    match (String::from_utf8(header), String::from_utf8(payload)) {
        (Ok(header), Ok(payload)) => Ok((header, payload)),
        _ => Err(Error::new(
            ErrorCode::MalformedToken,
            "the token is not UTF-8",
        )),
    }
}
