//! The HTTP answer to a refused request: its status, `WWW-Authenticate` challenge (RFC 6750 §3)
//! and JSON body, for an error (no token, a bad token, no keys) or a refusing [`Decision`]. The
//! npm package's `guard()` and its framework middlewares send exactly these, so every server
//! answers a refusal the same way.
//!
//! Descriptions sent to the client are short and generic by default (RFC 6750 §3: the
//! description is for developers, and a detailed one tells an attacker which check failed); the
//! detailed message stays on the error for logs, or is sent with [`AnswerOptions::detailed`].

use crate::prelude::*;

use serde::Serialize;

use crate::error::{Error, ErrorCode};
use crate::policy::decision::{Decision, Reason};

/// How [`Refusal`]s are written.
#[derive(Debug, Clone, Default)]
pub struct AnswerOptions {
    /// The `realm` of the challenge, if any.
    pub realm: Option<String>,
    /// Send each error's own message instead of the generic description.
    pub detailed: bool,
}

/// The HTTP answer to a refused request.
///
/// ```
/// use scopegate::{AnswerOptions, Error, ErrorCode, Refusal};
/// let expired = Error::new(ErrorCode::TokenExpired, "the token expired at 1700000000 (now 1700000100)");
/// let answer = Refusal::for_error(&expired, &AnswerOptions::default());
/// assert_eq!(answer.status, 401);
/// assert_eq!(answer.challenge.as_deref(),
///     Some(r#"Bearer error="invalid_token", error_description="The access token expired""#));
/// assert_eq!(answer.body.code, "token_expired");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// 400, 401, 403 or 503.
    pub status: u16,
    /// The `WWW-Authenticate` header, when the answer has one (not for 503).
    pub challenge: Option<String>,
    /// The JSON body.
    pub body: RefusalBody,
}

/// The JSON body of a [`Refusal`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusalBody {
    /// The RFC 6750 error (`invalid_request`, `invalid_token`, `insufficient_scope`), or RFC
    /// 6749's `temporarily_unavailable`.
    pub error: &'static str,
    /// scopegate's code: an [`ErrorCode`] or a decision's [`Reason`].
    pub code: String,
    /// The description (generic unless [`AnswerOptions::detailed`]).
    pub message: String,
    /// The deciding rule of a refusing decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The scopes that would allow the request (`insufficient_scope`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
}

/// A quoted-string value of a challenge: RFC 6750 §3 allows %x20-21 / %x23-5B / %x5D-7E only.
fn quoted(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            ' ' | '!' | '#'..='[' | ']'..='~' => c,
            _ => ' ',
        })
        .collect()
}

/// `Bearer` with the realm first, then `params`.
fn challenge(realm: Option<&str>, params: &[(&str, &str)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(realm) = realm {
        parts.push(format!("realm=\"{}\"", quoted(realm)));
    }
    for (name, value) in params {
        parts.push(format!("{name}=\"{}\"", quoted(value)));
    }
    if parts.is_empty() {
        "Bearer".into()
    } else {
        format!("Bearer {}", parts.join(", "))
    }
}

/// The challenge of a 401 `invalid_token` answer for `code`, with its generic description and no
/// realm (as a decision carries it; [`Refusal::for_decision`] adds the realm).
pub(crate) fn invalid_token_challenge(code: ErrorCode) -> String {
    challenge(
        None,
        &[
            ("error", "invalid_token"),
            ("error_description", generic(code)),
        ],
    )
}

/// The generic description of an error code, as sent to clients.
fn generic(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::TokenMissing => "Authentication required",
        ErrorCode::TokenExpired => "The access token expired",
        ErrorCode::TokenNotYetValid => "The access token is not valid yet",
        ErrorCode::TokenTooLarge => "The access token is too large",
        ErrorCode::TokenInQueryNotAllowed => {
            "This access token may not be sent in the URL; send it in the Authorization header"
        }
        ErrorCode::InvalidRequest => "The request carries its access token wrongly",
        ErrorCode::JwksUnavailable => "The keys that verify access tokens are unavailable",
        ErrorCode::PolicyUnavailable => "The authorization policy is unavailable",
        _ => "The access token is invalid",
    }
}

impl Refusal {
    /// The answer to a request whose token could not be used: `token_missing` → 401 with a bare
    /// challenge (RFC 6750 §3.1: no error code); a token sent wrongly (`invalid_request`,
    /// `token_in_query_not_allowed`, `token_too_large`) → 400 `invalid_request`; no keys or no
    /// policy (`jwks_unavailable`, `policy_unavailable`) → 503 without a challenge; anything else
    /// → 401 `invalid_token`.
    pub fn for_error(error: &Error, options: &AnswerOptions) -> Refusal {
        let code = error.code();
        let realm = options.realm.as_deref();
        let message = if options.detailed {
            error.message().to_string()
        } else {
            generic(code).to_string()
        };
        let (status, error_name, challenge) = match code {
            ErrorCode::TokenMissing => (401, "invalid_token", Some(challenge(realm, &[]))),
            ErrorCode::JwksUnavailable | ErrorCode::PolicyUnavailable => {
                (503, "temporarily_unavailable", None)
            }
            ErrorCode::InvalidRequest
            | ErrorCode::TokenInQueryNotAllowed
            | ErrorCode::TokenTooLarge => (
                400,
                "invalid_request",
                Some(challenge(
                    realm,
                    &[
                        ("error", "invalid_request"),
                        ("error_description", &message),
                    ],
                )),
            ),
            _ => (
                401,
                "invalid_token",
                Some(challenge(
                    realm,
                    &[("error", "invalid_token"), ("error_description", &message)],
                )),
            ),
        };
        Refusal {
            status,
            challenge,
            body: RefusalBody {
                error: error_name,
                code: code.as_str().into(),
                message,
                rule: None,
                missing: None,
            },
        }
    }

    /// The answer to a refusing decision (`None` when it allows): an unreadable method or path
    /// → 400 `invalid_request`; an expired session token → 401 `invalid_token`; any other
    /// refusal → 403 `insufficient_scope`, with the scopes that would allow it in the challenge's
    /// `scope` when some would.
    pub fn for_decision(decision: &Decision, options: &AnswerOptions) -> Option<Refusal> {
        (!decision.allowed).then(|| Refusal::for_refusing(decision, options))
    }

    /// The answer to a request no rule covers, such as a path outside the prefix a service is
    /// mounted under ([`path_under_base`](crate::path_under_base)): [`Decision::no_matching_rule`]'s,
    /// 403 `insufficient_scope` with the code `no_matching_rule`.
    ///
    /// ```
    /// use scopegate::{path_under_base, AnswerOptions, Refusal};
    /// if path_under_base("/admin", "/api")?.is_none() {
    ///     let answer = Refusal::for_no_matching_rule(&AnswerOptions::default());
    ///     assert_eq!((answer.status, answer.body.code.as_str()), (403, "no_matching_rule"));
    /// }
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn for_no_matching_rule(options: &AnswerOptions) -> Refusal {
        Refusal::for_refusing(&Decision::no_matching_rule(), options)
    }

    /// [`for_decision`](Self::for_decision) for a decision known to refuse.
    fn for_refusing(decision: &Decision, options: &AnswerOptions) -> Refusal {
        let realm = options.realm.as_deref();
        let (status, error, message) = match decision.reason {
            Reason::InvalidPath => (
                400,
                "invalid_request",
                "The request path cannot be evaluated",
            ),
            Reason::InvalidMethod => (400, "invalid_request", "The request method is invalid"),
            Reason::TokenExpired => (401, "invalid_token", generic(ErrorCode::TokenExpired)),
            _ => (
                403,
                "insufficient_scope",
                "The access token's scopes do not allow this request",
            ),
        };
        let missing = decision.scopes_to_allow().filter(|s| !s.is_empty());
        // The decision's own challenge (its `scope` names what would allow the request), with the
        // realm put first.
        let decided = decision.challenge.as_deref().unwrap_or("Bearer");
        let challenge = match (realm, decided.strip_prefix("Bearer ")) {
            (Some(realm), Some(params)) => format!("{}, {params}", challenge(Some(realm), &[])),
            (Some(realm), None) => challenge(Some(realm), &[]),
            (None, _) => decided.to_string(),
        };
        Refusal {
            status,
            challenge: Some(challenge),
            body: RefusalBody {
                error,
                code: decision.reason.as_str().into(),
                message: message.into(),
                rule: decision.rule.as_deref().map(String::from),
                missing: (error == "insufficient_scope")
                    .then(|| missing.map(|s| s.to_vec()).unwrap_or_default()),
            },
        }
    }
}
