//! Errors with a stable machine code and a human message.
//!
//! Every fallible operation in scopegate returns [`Error`]. Branch on [`Error::code`] (a stable
//! [`ErrorCode`], written in `snake_case` on the wire and in JavaScript); show [`Error::message`] to
//! people. Policy loading reports every problem it finds at once in [`Error::problems`], each with a
//! JSON pointer to the offending value.

use crate::prelude::*;
use core::fmt;

use serde::{Deserialize, Serialize};

/// The stable, machine-readable cause of an [`Error`].
///
/// The string form ([`ErrorCode::as_str`]) never changes between releases; new codes may be added.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A scope string or scope token breaks RFC 6749 §3.3, or names a scope the policy refuses.
    InvalidScope,
    /// A policy document has one or more problems; see [`Error::problems`].
    InvalidPolicy,
    /// Input that should be JSON is not.
    InvalidJson,
    /// The policy `version` is not one this release understands.
    UnsupportedVersion,
    /// An object has a field the format does not define.
    UnknownField,
    /// A required field is absent.
    MissingField,
    /// A value has the wrong JSON type.
    InvalidType,
    /// A value has the right type but is not allowed.
    InvalidValue,
    /// Two rules share an `id`.
    DuplicateRuleId,
    /// A name is used twice where it must be unique (a role named like a scope).
    DuplicateName,
    /// A JSON object repeats a key (parsers disagree on which value counts, so it is refused).
    DuplicateKey,
    /// A rule, role, `implies` list or setting names a scope the policy does not declare.
    UnknownScope,
    /// The `implies` relation has a cycle.
    ImpliesCycle,
    /// A path pattern is malformed.
    InvalidPattern,
    /// An HTTP method is not a valid RFC 9110 token.
    InvalidMethod,
    /// A request path cannot be evaluated safely (encoded slash, backslash, NUL, bad escape, ...).
    InvalidPath,
    /// A value passed from JavaScript has the wrong type (a number where a string is expected, ...).
    InvalidArgument,
    /// A token's `exp` has passed (or it is older than `max_token_age`).
    TokenExpired,
    /// A token's `nbf` is still in the future.
    TokenNotYetValid,
    /// A token's signature does not verify with the selected key.
    InvalidSignature,
    /// A token's `alg` is unknown, unsupported, not allowed by the options, or wrong for the key.
    AlgorithmNotAllowed,
    /// No configured key matches the token's `kid`, or several keys do and the token names none.
    KeyNotFound,
    /// A token claim or header parameter has the wrong type or a refused value; see [`Error::claim`].
    ClaimInvalid,
    /// A required token claim is absent; see [`Error::claim`].
    ClaimMissing,
    /// A verification key cannot be used (malformed, private, too small, wrong curve, wrong `use`).
    InvalidKey,
    /// A token is not a well-formed compact JWS carrying a JSON object (parts, base64url, JSON, UTF-8, duplicate keys).
    MalformedToken,
    /// A token is well formed but uses a feature scopegate refuses (JWE, `crit`, key-location headers).
    UnsupportedToken,
    /// A token is longer than the configured maximum size.
    TokenTooLarge,
    /// Verification or decoding options are inconsistent (for example, no algorithm allowed).
    InvalidOptions,
    /// No current time is available (WebAssembly without an injected `now`).
    ClockUnavailable,
    /// An HTTP request carries its bearer token wrongly (RFC 6750 §3.1 `invalid_request`).
    InvalidRequest,
    /// An authorization server answered with an RFC 6749 §5.2 error response.
    TokenResponseError,
    /// An authorization server's token response is not a valid RFC 6749 §5.1 response.
    InvalidTokenResponse,
    /// A request carries no access token.
    TokenMissing,
    /// A token travelled in a URL query, but the policy's `transport.query` does not allow it for
    /// the token's scopes.
    TokenInQueryNotAllowed,
    /// A token carrying a `client_safe: false` scope reached code running in a browser.
    ClientUnsafeToken,
    /// A remote key set (JWKS) could not be fetched or read, and no good keys are at hand
    /// (raised by the JavaScript `RemoteJwks`, which does the fetching).
    JwksUnavailable,
    /// A call ran the WebAssembly module out of memory, or trapped (raised by the JavaScript glue,
    /// which sees the trap; natively, allocation failure aborts as everywhere in Rust).
    ResourceExhausted,
    /// JavaScript: the WebAssembly module is not loaded yet (`scopegate/slim` before `initialize`).
    NotInitialized,
    /// Bytes given as a compiled policy bundle are not one: a wrong magic, another format version,
    /// a count, length or index out of range, or trailing bytes.
    InvalidBundle,
    /// A bundle's signature is missing (a verification key was given), does not verify with the
    /// key, or the key cannot be used.
    InvalidBundleSignature,
    /// JavaScript: a `RemoteBundle` has no policy (its first fetch failed, or gave no usable
    /// bundle).
    PolicyUnavailable,
    /// Tooling: an OpenAPI document that cannot be imported (not YAML or JSON, not OpenAPI 3.x, or
    /// a reference that cannot be followed).
    InvalidOpenapi,
    /// Tooling: a policy test file that is not shaped `{ "cases": [ ... ] }` as `scopegate test`
    /// reads it.
    InvalidTestFile,
}

impl ErrorCode {
    /// Every code, in declaration order: the vocabulary shared with JavaScript (the TypeScript
    /// `ErrorCode` union and the README's error table list the same codes; a test holds them
    /// together).
    pub const ALL: [ErrorCode; 44] = [
        ErrorCode::InvalidScope,
        ErrorCode::InvalidPolicy,
        ErrorCode::InvalidJson,
        ErrorCode::UnsupportedVersion,
        ErrorCode::UnknownField,
        ErrorCode::MissingField,
        ErrorCode::InvalidType,
        ErrorCode::InvalidValue,
        ErrorCode::DuplicateRuleId,
        ErrorCode::DuplicateName,
        ErrorCode::DuplicateKey,
        ErrorCode::UnknownScope,
        ErrorCode::ImpliesCycle,
        ErrorCode::InvalidPattern,
        ErrorCode::InvalidMethod,
        ErrorCode::InvalidPath,
        ErrorCode::InvalidArgument,
        ErrorCode::TokenExpired,
        ErrorCode::TokenNotYetValid,
        ErrorCode::InvalidSignature,
        ErrorCode::AlgorithmNotAllowed,
        ErrorCode::KeyNotFound,
        ErrorCode::ClaimInvalid,
        ErrorCode::ClaimMissing,
        ErrorCode::InvalidKey,
        ErrorCode::MalformedToken,
        ErrorCode::UnsupportedToken,
        ErrorCode::TokenTooLarge,
        ErrorCode::InvalidOptions,
        ErrorCode::ClockUnavailable,
        ErrorCode::InvalidRequest,
        ErrorCode::TokenResponseError,
        ErrorCode::InvalidTokenResponse,
        ErrorCode::TokenMissing,
        ErrorCode::TokenInQueryNotAllowed,
        ErrorCode::ClientUnsafeToken,
        ErrorCode::JwksUnavailable,
        ErrorCode::ResourceExhausted,
        ErrorCode::NotInitialized,
        ErrorCode::InvalidBundle,
        ErrorCode::InvalidBundleSignature,
        ErrorCode::PolicyUnavailable,
        ErrorCode::InvalidOpenapi,
        ErrorCode::InvalidTestFile,
    ];

    /// The stable `snake_case` name of this code, as used in JSON and JavaScript.
    ///
    /// ```
    /// assert_eq!(scopegate::ErrorCode::InvalidScope.as_str(), "invalid_scope");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::InvalidPolicy => "invalid_policy",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::UnsupportedVersion => "unsupported_version",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::InvalidType => "invalid_type",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::DuplicateRuleId => "duplicate_rule_id",
            ErrorCode::DuplicateName => "duplicate_name",
            ErrorCode::DuplicateKey => "duplicate_key",
            ErrorCode::UnknownScope => "unknown_scope",
            ErrorCode::ImpliesCycle => "implies_cycle",
            ErrorCode::InvalidPattern => "invalid_pattern",
            ErrorCode::InvalidMethod => "invalid_method",
            ErrorCode::InvalidPath => "invalid_path",
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::TokenNotYetValid => "token_not_yet_valid",
            ErrorCode::InvalidSignature => "invalid_signature",
            ErrorCode::AlgorithmNotAllowed => "algorithm_not_allowed",
            ErrorCode::KeyNotFound => "key_not_found",
            ErrorCode::ClaimInvalid => "claim_invalid",
            ErrorCode::ClaimMissing => "claim_missing",
            ErrorCode::InvalidKey => "invalid_key",
            ErrorCode::MalformedToken => "malformed_token",
            ErrorCode::UnsupportedToken => "unsupported_token",
            ErrorCode::TokenTooLarge => "token_too_large",
            ErrorCode::InvalidOptions => "invalid_options",
            ErrorCode::ClockUnavailable => "clock_unavailable",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::TokenResponseError => "token_response_error",
            ErrorCode::InvalidTokenResponse => "invalid_token_response",
            ErrorCode::TokenMissing => "token_missing",
            ErrorCode::TokenInQueryNotAllowed => "token_in_query_not_allowed",
            ErrorCode::ClientUnsafeToken => "client_unsafe_token",
            ErrorCode::JwksUnavailable => "jwks_unavailable",
            ErrorCode::ResourceExhausted => "resource_exhausted",
            ErrorCode::NotInitialized => "not_initialized",
            ErrorCode::InvalidBundle => "invalid_bundle",
            ErrorCode::InvalidBundleSignature => "invalid_bundle_signature",
            ErrorCode::PolicyUnavailable => "policy_unavailable",
            ErrorCode::InvalidOpenapi => "invalid_openapi",
            ErrorCode::InvalidTestFile => "invalid_test_file",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error: a stable [`ErrorCode`], a human message, and where it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Error {
    code: ErrorCode,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<Error>,
}

impl Error {
    /// A new error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            pointer: None,
            claim: None,
            problems: Vec::new(),
        }
    }

    /// The same error, located by a JSON pointer (RFC 6901) such as `/rules/3/paths/0`.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// The same error, about the named token claim (`exp`, `aud`, ...).
    pub fn for_claim(mut self, claim: impl Into<String>) -> Self {
        self.claim = Some(claim.into());
        self
    }

    /// An [`ErrorCode::InvalidPolicy`] error that carries every problem found.
    pub fn invalid_policy(problems: Vec<Error>) -> Self {
        let message = match problems.as_slice() {
            [] => "invalid policy".to_string(),
            [one] => format!("invalid policy: {}", one.located_message()),
            [first, rest @ ..] => format!(
                "invalid policy: {} problems, the first: {}",
                rest.len() + 1,
                first.located_message()
            ),
        };
        Error {
            code: ErrorCode::InvalidPolicy,
            message,
            pointer: None,
            claim: None,
            problems,
        }
    }

    /// The stable machine code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON pointer of the offending value, for policy and input errors.
    pub fn pointer(&self) -> Option<&str> {
        self.pointer.as_deref()
    }

    /// The token claim concerned, for claim errors.
    pub fn claim(&self) -> Option<&str> {
        self.claim.as_deref()
    }

    /// Every problem found, for [`ErrorCode::InvalidPolicy`]; empty otherwise.
    pub fn problems(&self) -> &[Error] {
        &self.problems
    }

    fn located_message(&self) -> String {
        match &self.pointer {
            Some(p) => format!("{} (at {p})", self.message),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.located_message())
    }
}

impl core::error::Error for Error {}
