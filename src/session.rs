//! What a frontend holds after sign-in: a [`Session`], built from a JWT access token (decoded,
//! **not verified**) or an OAuth2 token response (opaque tokens), answering "may I call
//! `method path`?" so a UI can hide what the user cannot do.

use crate::prelude::*;
use core::fmt::Write as _;

use crate::error::{Error, ErrorCode};
use crate::http::bearer::bearer_token;
use crate::policy::decide::DecisionParts;
use crate::policy::decision::Decision;
use crate::policy::document::DefaultScopes;
use crate::policy::grant::Grant;
use crate::scope::ScopeSet;
use crate::token::response::TokenResponse;
use crate::token::{decode_unverified_with, DecodeOptions, Token};
use crate::Policy;

/// How a [`Session`] is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionOptions {
    /// Accept a token carrying `client_safe: false` scopes. Leave it `false` in code that runs in
    /// a browser: such tokens must not reach one. Default: `false`.
    pub allow_client_unsafe: bool,
    /// How JWTs are decoded (maximum size, scope claim).
    pub decode: DecodeOptions,
}

/// A signed-in user's token and what it grants under a policy.
///
/// A session is a UI convenience, never a security boundary: the token's signature is not checked
/// here, and the API must still authorize every request (see [`Policy::authorize`]). What a session
/// does enforce is client safety: a token carrying a scope marked `client_safe: false` (the
/// partner API's `base`) is refused with [`ErrorCode::ClientUnsafeToken`], and
/// [`Session::url_with_token`] only puts the token in a URL when the policy's `transport.query`
/// allows every scope it carries.
///
/// ```
/// use scopegate::{Policy, Reason, Session, SessionOptions};
/// let policy = Policy::from_json(include_str!("../examples/policies/banking.json"))?;
/// // {"alg":"none"} . {"sub":"u1","scope":"read_only","exp":2000000000} . (no signature)
/// let jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSIsInNjb3BlIjoicmVhZF9vbmx5IiwiZXhwIjoyMDAwMDAwMDAwfQ.";
/// let session = Session::from_jwt(&policy, jwt, &SessionOptions::default())?;
/// assert_eq!(session.subject(), Some("u1"));
/// assert!(session.can_at(&policy, "GET", "/accounts", 1_700_000_000));
/// assert!(!session.can_at(&policy, "POST", "/payments", 1_700_000_000));
/// // After `exp`, every check is refused with `token_expired`.
/// let late = session.decide_at(&policy, "GET", "/accounts", 2_000_000_000);
/// assert_eq!(late.reason, Reason::TokenExpired);
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Session {
    access_token: String,
    grant: Grant,
    token: Option<Token>,
    expires_at: Option<u64>,
    refresh_token: Option<String>,
}

impl Session {
    /// A session from a JWT access token, decoded **without verifying its signature**; its scopes
    /// come from `scope`/`scp` and its expiry from `exp`.
    ///
    /// Errors: the decoding errors of [`decode_unverified_with`], and
    /// [`ErrorCode::ClientUnsafeToken`] when the token carries a `client_safe: false` scope and
    /// `options.allow_client_unsafe` is off.
    pub fn from_jwt(policy: &Policy, token: &str, options: &SessionOptions) -> Result<Self, Error> {
        let decoded = decode_unverified_with(token, &options.decode)?;
        let grant = policy.expand(decoded.scopes());
        check_client_safe(policy, &grant, options)?;
        Ok(Session {
            access_token: token.to_string(),
            expires_at: decoded.expires_at(),
            grant,
            token: Some(decoded),
            refresh_token: None,
        })
    }

    /// A session from an OAuth2 token response (RFC 6749 §5.1), for opaque access tokens.
    ///
    /// The scopes are the response's `scope`; when the server left it out, the `requested` scopes
    /// (§5.1: omitted means as requested); when nothing was requested either, the policy's
    /// `default_scopes` list (a policy whose default is `"all"` gives an empty grant here, since
    /// the user's scopes are unknown to a frontend). `received_at` (unix seconds) turns
    /// `expires_in` into an expiry time.
    ///
    /// Errors: [`ErrorCode::ClientUnsafeToken`] as for [`from_jwt`](Self::from_jwt).
    pub fn from_token_response(
        policy: &Policy,
        response: &TokenResponse,
        requested: Option<&ScopeSet>,
        received_at: u64,
        options: &SessionOptions,
    ) -> Result<Self, Error> {
        let requested = requested.filter(|r| !r.is_empty());
        let scopes = match (response.scope(), requested, policy.default_scopes()) {
            (None, None, DefaultScopes::List(defaults)) => ScopeSet::from_list(defaults)?,
            _ => response.scopes(requested),
        };
        let grant = policy.expand(&scopes);
        check_client_safe(policy, &grant, options)?;
        Ok(Session {
            access_token: response.access_token().to_string(),
            grant,
            token: None,
            expires_at: response.expires_at(received_at),
            refresh_token: response.refresh_token().map(str::to_string),
        })
    }

    /// The access token, to send in an `Authorization: Bearer` header.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token of a token response, if the server sent one.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// What the token grants under the policy (roles and `implies` expanded).
    pub fn grant(&self) -> &Grant {
        &self.grant
    }

    /// The granted scopes.
    pub fn scopes(&self) -> &ScopeSet {
        self.grant.granted()
    }

    /// The decoded (unverified) JWT, or `None` for an opaque token.
    pub fn token(&self) -> Option<&Token> {
        self.token.as_ref()
    }

    /// The token's subject (`sub`), for a JWT.
    pub fn subject(&self) -> Option<&str> {
        self.token.as_ref().and_then(Token::subject)
    }

    /// When the token expires (unix seconds), if known.
    pub fn expires_at(&self) -> Option<u64> {
        self.expires_at
    }

    /// Whether the token has expired at `now` (unix seconds): `now >= exp`.
    pub fn is_expired_at(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|exp| now >= exp)
    }

    /// The decision for `method path` at `now`: [`Policy::decide`] with the session's grant, or a
    /// refusal with [`Reason::TokenExpired`](crate::Reason::TokenExpired) once the token has expired.
    pub fn decide_at(&self, policy: &Policy, method: &str, path: &str, now: u64) -> Decision {
        let mut decision = Decision::no_matching_rule();
        self.decide_parts_at(policy, method, path, now, &mut |parts| {
            decision = parts.to_decision(policy);
        });
        decision
    }

    /// [`Session::decide_at`] as the decision's parts, handed to `finish` (the WebAssembly
    /// bindings write them out without building a [`Decision`]).
    pub(crate) fn decide_parts_at(
        &self,
        policy: &Policy,
        method: &str,
        path: &str,
        now: u64,
        finish: &mut dyn FnMut(&DecisionParts<'_, '_>),
    ) {
        if self.is_expired_at(now) {
            finish(&DecisionParts::token_expired());
        } else {
            policy.decide_parts(method, path, &policy.mask_of(&self.grant), finish);
        }
    }

    /// Whether the session may call `method path` at `now` (false once expired).
    pub fn can_at(&self, policy: &Policy, method: &str, path: &str, now: u64) -> bool {
        !self.is_expired_at(now) && policy.allows(method, path, &self.grant)
    }

    /// `url` with the access token added as an `access_token` query parameter (RFC 6750 §2.3),
    /// for places that cannot send headers, such as `<img src>`.
    ///
    /// Refused with [`ErrorCode::TokenInQueryNotAllowed`] unless the policy's `transport.query`
    /// lists every scope the token carries (the partner API allows only `files` tokens), and with
    /// [`ErrorCode::InvalidArgument`] when `url` already has a fragment or an `access_token`.
    pub fn url_with_token(&self, policy: &Policy, url: &str) -> Result<String, Error> {
        if !policy.query_transport_allowed(&self.grant) {
            return Err(Error::new(
                ErrorCode::TokenInQueryNotAllowed,
                format!(
                    "a token with scopes \"{}\" may not travel in a URL query: the policy's transport.query does not list them all; send it in the Authorization header",
                    self.scopes()
                ),
            ));
        }
        if url.contains('#') {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "url must not have a fragment: the token goes in the query",
            ));
        }
        // Read the query as the API will (RFC 6750 §2.3, form-decoded names): a second
        // `access_token` would make the request invalid there.
        match bearer_token(None, url.split_once('?').map(|(_, query)| query)) {
            Ok(None) => {}
            Ok(Some(_)) => {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    "url already has an access_token parameter",
                ))
            }
            Err(e) => {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    format!("url has a query the API would refuse: {}", e.message()),
                ))
            }
        }
        let mut out = String::with_capacity(url.len() + self.access_token.len() + 16);
        out.push_str(url);
        if !url.contains('?') {
            out.push('?');
        } else if !(url.ends_with('?') || url.ends_with('&')) {
            out.push('&');
        }
        out.push_str("access_token=");
        percent_encode_into(&mut out, &self.access_token);
        Ok(out)
    }
}

/// Refuses a grant carrying `client_safe: false` scopes unless the options allow it.
fn check_client_safe(
    policy: &Policy,
    grant: &Grant,
    options: &SessionOptions,
) -> Result<(), Error> {
    let unsafe_scopes = policy.client_unsafe_scopes(grant);
    if unsafe_scopes.is_empty() || options.allow_client_unsafe {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::ClientUnsafeToken,
        format!(
            "this token carries scope \"{unsafe_scopes}\", which policy {:?} marks client_safe: false: such a token must never reach a browser. Keep it on your server, or request only client-safe scopes for the frontend",
            policy.name()
        ),
    ))
}

/// Appends `value` percent-encoded for a query component (RFC 3986 unreserved bytes kept).
fn percent_encode_into(out: &mut String, value: &str) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}
