//! HTTP requests: where a bearer token travels ([`bearer`], RFC 6750), whole-request
//! authorization ([`authorize`]: find the token, verify it, decide), and the answer to a refused
//! request ([`answer`]: status, challenge, body), and services mounted under a path prefix
//! ([`mount`]).

pub(crate) mod answer;
#[cfg(feature = "verify")]
pub(crate) mod authorize;
pub(crate) mod bearer;
pub(crate) mod mount;
#[cfg(feature = "tower")]
pub(crate) mod tower;
