//! Where a request carries its bearer token (RFC 6750 §2): the `Authorization` header or the
//! `access_token` query parameter.
//!
//! This module only finds and validates the token and reports where it came from
//! ([`TokenSource`]); whether a query-string token is acceptable is a policy decision made
//! elsewhere.

use crate::prelude::*;
use serde::Serialize;

use crate::error::{Error, ErrorCode};
use crate::policy::path::hex_value;

/// Where a bearer token was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// `Authorization: Bearer <token>` (RFC 6750 §2.1).
    Header,
    /// The `access_token` URI query parameter (RFC 6750 §2.3).
    Query,
}

/// A bearer token and where the request carried it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BearerToken {
    token: String,
    source: TokenSource,
}

impl BearerToken {
    /// The token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Where it was found.
    pub fn source(&self) -> TokenSource {
        self.source
    }

    /// The token, by value.
    pub fn into_token(self) -> String {
        self.token
    }
}

fn invalid_request(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidRequest, message)
}

/// Whether `token` matches RFC 6750's `b64token` (`token68`):
/// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_token68(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}

/// Finds the bearer token of a request, from its `Authorization` header value and its raw query
/// string (with or without the leading `?`).
///
/// - `Authorization: Bearer <token>`: the scheme is case-insensitive; the token must be a
///   `token68`. A header with another scheme (`Basic ...`) carries no bearer token and is ignored.
/// - `access_token=<token>` in the query: form-decoded (`%XX` escapes, `+` as space), then
///   checked like the header token.
/// - `Ok(None)` when neither carries a token.
///
/// [`ErrorCode::InvalidRequest`] (RFC 6750 §3.1) when the request uses more than one method or
/// repeats `access_token`, or when the header or parameter is malformed.
///
/// ```
/// use scopegate::{bearer_token, TokenSource};
/// let found = bearer_token(Some("bearer mF_9.B5f-4.1JqM"), None)?.unwrap();
/// assert_eq!((found.token(), found.source()), ("mF_9.B5f-4.1JqM", TokenSource::Header));
/// let found = bearer_token(None, Some("a=1&access_token=mF_9.B5f-4.1JqM"))?.unwrap();
/// assert_eq!(found.source(), TokenSource::Query);
/// assert!(bearer_token(Some("Bearer a"), Some("access_token=b")).is_err());
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn bearer_token(
    authorization: Option<&str>,
    query: Option<&str>,
) -> Result<Option<BearerToken>, Error> {
    let from_header = authorization.map(header_token).transpose()?.flatten();
    let from_query = query.map(query_token).transpose()?.flatten();
    match (from_header, from_query) {
        (Some(_), Some(_)) => Err(invalid_request(
            "the request carries a token both in the Authorization header and in the query (RFC 6750 §2)",
        )),
        (Some(token), None) => Ok(Some(BearerToken {
            token,
            source: TokenSource::Header,
        })),
        (None, Some(token)) => Ok(Some(BearerToken {
            token,
            source: TokenSource::Query,
        })),
        (None, None) => Ok(None),
    }
}

fn header_token(value: &str) -> Result<Option<String>, Error> {
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if value.is_empty() {
        return Err(invalid_request("the Authorization header is empty"));
    }
    let (scheme, rest) = match value.split_once(' ') {
        Some((scheme, rest)) => (scheme, Some(rest)),
        None => (value, None),
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = rest.map(|r| r.trim_start_matches(' ')).unwrap_or("");
    if token.is_empty() {
        return Err(invalid_request(
            "the Authorization header has the Bearer scheme but no token",
        ));
    }
    if !is_token68(token) {
        return Err(invalid_request(
            "the bearer token in the Authorization header is not a valid token68 (RFC 6750 §2.1)",
        ));
    }
    Ok(Some(token.to_string()))
}

fn query_token(query: &str) -> Result<Option<String>, Error> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut found = None;
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if form_decode(name)? != "access_token" {
            continue;
        }
        if found.is_some() {
            return Err(invalid_request(
                "the query has more than one `access_token` parameter",
            ));
        }
        let token = form_decode(value)?;
        if token.is_empty() {
            return Err(invalid_request(
                "the `access_token` query parameter is empty",
            ));
        }
        if !is_token68(&token) {
            return Err(invalid_request(
                "the `access_token` query parameter is not a valid token68 (RFC 6750 §2.3)",
            ));
        }
        found = Some(token);
    }
    Ok(found)
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; UTF-8 result.
fn form_decode(text: &str) -> Result<String, Error> {
    if !text.bytes().any(|b| b == b'%' || b == b'+') {
        return Ok(text.to_string());
    }
    let bad = || invalid_request("the query has a malformed percent escape");
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.next().and_then(hex_value).ok_or_else(bad)?;
                let lo = bytes.next().and_then(hex_value).ok_or_else(bad)?;
                out.push(hi << 4 | lo);
            }
            other => out.push(other),
        }
    }
    String::from_utf8(out).map_err(|_| invalid_request("the query decodes to invalid UTF-8"))
}
