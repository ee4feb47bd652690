//! Services mounted under a path prefix (Hono's `app.route('/api', api)`, Express's
//! `app.use('/api', router)`): the path a policy written for the service decides is the request's
//! path without that prefix.

use crate::prelude::*;

use crate::error::{Error, ErrorCode};

/// The part of `path` (a request's path, without its query) that a service mounted at `base`
/// sees: `path` itself for the base `/`, `/` for the base itself, and `None` for a path outside
/// the base, which no rule of the service's policy covers (refuse it as
/// [`Decision::no_matching_rule`](crate::Decision::no_matching_rule)).
///
/// `base` must start with `/` and hold no `?` or `#` (`invalid_argument` otherwise); a trailing
/// `/` is ignored. The comparison is exact, byte for byte: a path that reaches the base only
/// through case folding, percent-decoding or dot segments is outside it (refused, not guessed);
/// the remainder is normalized by the policy as any path is.
///
/// ```
/// use scopegate::path_under_base;
/// assert_eq!(path_under_base("/api/wallets/7", "/api")?, Some("/wallets/7"));
/// assert_eq!(path_under_base("/api", "/api/")?, Some("/"));
/// assert_eq!(path_under_base("/wallets", "/")?, Some("/wallets"));
/// assert_eq!(path_under_base("/apiary/x", "/api")?, None);
/// assert_eq!(path_under_base("/API/wallets", "/api")?, None);
/// assert_eq!(path_under_base("/x", "api").unwrap_err().code().as_str(), "invalid_argument");
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn path_under_base<'a>(path: &'a str, base: &str) -> Result<Option<&'a str>, Error> {
    if !base.starts_with('/') || base.contains(['?', '#']) {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            format!("the base path {base:?} must start with \"/\" and hold no query or fragment"),
        ));
    }
    let base = base.strip_suffix('/').unwrap_or(base);
    Ok(match path.strip_prefix(base) {
        Some("") => Some("/"),
        Some(rest) if rest.starts_with('/') => Some(rest),
        _ => None,
    })
}
