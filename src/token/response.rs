//! OAuth 2.0 token endpoint responses (RFC 6749 §5.1 success, §5.2 error).

use crate::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::json::type_name;
use crate::scope::ScopeSet;
use crate::token::parse_object;

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidTokenResponse, message)
}

/// A successful token response (RFC 6749 §5.1).
///
/// ```
/// use scopegate::{ScopeSet, TokenResponse};
/// let response = TokenResponse::from_json(
///     r#"{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"Bearer","expires_in":3600}"#,
/// )?;
/// assert!(response.is_bearer());
/// assert_eq!(response.expires_at(1_700_000_000), Some(1_700_003_600));
/// // No `scope` in the response: the requested scopes were granted (RFC 6749 §5.1).
/// let requested = ScopeSet::parse("read write")?;
/// assert_eq!(response.scopes(Some(&requested)), requested);
///
/// let err = TokenResponse::from_json(r#"{"error":"invalid_scope"}"#).unwrap_err();
/// assert_eq!(err.code(), scopegate::ErrorCode::TokenResponseError);
/// assert!(err.message().contains("invalid_scope"));
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenResponse {
    access_token: String,
    token_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<ScopeSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    extra: Map<String, Value>,
}

impl TokenResponse {
    /// Parses a token endpoint response body.
    ///
    /// A body with an `error` member is an RFC 6749 §5.2 error response and becomes an
    /// [`ErrorCode::TokenResponseError`] error whose message starts with the OAuth error code
    /// (use [`OAuthError::from_json`] for its parts). Anything else that is not a valid §5.1
    /// response is [`ErrorCode::InvalidTokenResponse`]: not a JSON object, duplicate keys,
    /// `access_token` or `token_type` missing or not a non-empty string, `expires_in` not a
    /// non-negative integer, `refresh_token` or `scope` not a string, an invalid scope string.
    /// Optional members that are `null` count as absent. A `token_type` other than `Bearer` is
    /// kept (see [`TokenResponse::is_bearer`]).
    pub fn from_json(json: &str) -> Result<TokenResponse, Error> {
        let object =
            parse_object(json.as_bytes(), "token response").map_err(|e| invalid(e.message()))?;
        if object.contains_key("error") {
            return Err(OAuthError::from_object(&object)?.into());
        }
        let access_token = required_string(&object, "access_token")?;
        let token_type = required_string(&object, "token_type")?;
        let expires_in = match member(&object, "expires_in") {
            None => None,
            Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(|| {
                // 2^64 as f64; below it `f as u64` truncates, so a mismatch is a fraction.
                const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
                let found = match n.as_f64() {
                    Some(f) if f < 0.0 => "a negative number",
                    Some(f) if f >= TWO_POW_64 => "a number above 2^64",
                    Some(f) if (f as u64) as f64 != f => "a fractional number",
                    _ => "a number with a decimal point or an exponent",
                };
                invalid(format!(
                    "`expires_in` must be a non-negative integer, got {found}"
                ))
            })?),
            Some(other) => {
                return Err(invalid(format!(
                    "`expires_in` must be a non-negative integer, got {}",
                    type_name(other)
                )))
            }
        };
        let refresh_token = optional_string(&object, "refresh_token")?;
        let scope = optional_string(&object, "scope")?
            .map(|s| ScopeSet::parse(&s))
            .transpose()
            .map_err(|e| invalid(format!("`scope`: {}", e.message())))?;
        let id_token = optional_string(&object, "id_token")?;
        // Everything else is kept as sent. (Copying beats removing the six members in place: the
        // WebAssembly module then carries no B-tree removal code.)
        let mut extra = Map::new();
        for (name, value) in object {
            if !MEMBERS.contains(&name.as_str()) {
                extra.insert(name, value);
            }
        }
        Ok(TokenResponse {
            access_token,
            token_type,
            expires_in,
            refresh_token,
            scope,
            id_token,
            extra,
        })
    }

    /// The access token.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The token type as sent (`Bearer`, `DPoP`, ...).
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// Whether the token type is `Bearer` (compared case-insensitively, RFC 6749 §5.1).
    pub fn is_bearer(&self) -> bool {
        self.token_type.eq_ignore_ascii_case("bearer")
    }

    /// The lifetime in seconds, when given.
    pub fn expires_in(&self) -> Option<u64> {
        self.expires_in
    }

    /// When the token expires: `received_at` (unix seconds, when the response arrived) plus
    /// `expires_in`. `None` when the server did not say.
    pub fn expires_at(&self, received_at: u64) -> Option<u64> {
        self.expires_in.map(|s| received_at.saturating_add(s))
    }

    /// The refresh token, when issued.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// The `scope` member exactly as the server sent it (parsed), when present.
    pub fn scope(&self) -> Option<&ScopeSet> {
        self.scope.as_ref()
    }

    /// The OpenID Connect `id_token`, when present.
    pub fn id_token(&self) -> Option<&str> {
        self.id_token.as_deref()
    }

    /// Members this type does not model, as sent.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// The granted scopes: the `scope` member, or, when the server left it out, the scopes that
    /// were requested (RFC 6749 §5.1: omitted means identical to the request). With neither, empty.
    pub fn scopes(&self, requested: Option<&ScopeSet>) -> ScopeSet {
        match (&self.scope, requested) {
            (Some(granted), _) => granted.clone(),
            (None, Some(requested)) => requested.clone(),
            (None, None) => ScopeSet::new(),
        }
    }
}

/// An RFC 6749 §5.2 error response from an authorization server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthError {
    /// The OAuth error code (`invalid_request`, `invalid_client`, `invalid_grant`,
    /// `unauthorized_client`, `unsupported_grant_type`, `invalid_scope`, or an extension).
    pub error: String,
    /// The human-readable description, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// A URI for a page about the error, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_uri: Option<String>,
}

impl OAuthError {
    /// Parses an error response body. `Ok(None)` when the body is a JSON object without `error`
    /// (not an error response); [`ErrorCode::InvalidTokenResponse`] when it is not JSON or its
    /// members are malformed (`error` must be a string of printable ASCII without `"` and `\`).
    pub fn from_json(json: &str) -> Result<Option<OAuthError>, Error> {
        let object =
            parse_object(json.as_bytes(), "token response").map_err(|e| invalid(e.message()))?;
        if !object.contains_key("error") {
            return Ok(None);
        }
        OAuthError::from_object(&object).map(Some)
    }

    fn from_object(object: &Map<String, Value>) -> Result<OAuthError, Error> {
        let text = |name: &str| -> Result<Option<String>, Error> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(invalid(format!(
                    "error response `{name}` must be a string, got {}",
                    type_name(other)
                ))),
            }
        };
        let error = text("error")?.unwrap_or_default();
        let nqschar = |b: u8| matches!(b, 0x20 | 0x21 | 0x23..=0x5B | 0x5D..=0x7E);
        if error.is_empty() || !error.bytes().all(nqschar) {
            return Err(invalid(format!(
                "error response `error` {error:?} is not a valid OAuth error code"
            )));
        }
        Ok(OAuthError {
            error,
            error_description: text("error_description")?,
            error_uri: text("error_uri")?,
        })
    }
}

impl From<OAuthError> for Error {
    /// An [`ErrorCode::TokenResponseError`] whose message is `"<error>: <description>"`.
    fn from(e: OAuthError) -> Error {
        let message = match &e.error_description {
            Some(description) => format!("{}: {description}", e.error),
            None => e.error.clone(),
        };
        Error::new(ErrorCode::TokenResponseError, message)
    }
}

/// The members of a §5.1 response that [`TokenResponse`] models (the rest go to `extra`).
const MEMBERS: [&str; 6] = [
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "id_token",
];

/// A member's value; `null` counts as absent.
fn member<'o>(object: &'o Map<String, Value>, name: &str) -> Option<&'o Value> {
    object.get(name).filter(|value| !value.is_null())
}

fn required_string(object: &Map<String, Value>, name: &str) -> Result<String, Error> {
    match member(object, name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(invalid(format!("`{name}` is empty"))),
        Some(other) => Err(invalid(format!(
            "`{name}` must be a string, got {}",
            type_name(other)
        ))),
        None => Err(invalid(format!("`{name}` is missing"))),
    }
}

fn optional_string(object: &Map<String, Value>, name: &str) -> Result<Option<String>, Error> {
    match member(object, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(invalid(format!(
            "`{name}` must be a string, got {}",
            type_name(other)
        ))),
    }
}
