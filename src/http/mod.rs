//! HTTP requests: where a bearer token travels ([`bearer`], RFC 6750) and whole-request
//! authorization ([`authorize`]: find the token, verify it, decide).

#[cfg(feature = "verify")]
pub(crate) mod authorize;
pub(crate) mod bearer;
