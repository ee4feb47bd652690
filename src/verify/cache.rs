//! A bounded cache of verified tokens: [`TokenCache`], so a worker that sees the same token on
//! every request verifies its signature once.

use crate::prelude::*;
use core::num::NonZeroUsize;

use lru::LruCache;

use crate::error::Error;
use crate::token::Token;
use crate::Verifier;

/// The default number of tokens a [`TokenCache`] holds.
pub const DEFAULT_TOKEN_CACHE_SIZE: usize = 1024;

/// A least-recently-used cache of verified tokens, keyed by the token text.
///
/// An entry is answered only for the verifier that verified it and only while the token is still
/// valid: never at or past its `exp`, nor past `iat + max_token_age` when the verifier sets a
/// maximum age. A hit gives exactly the answer a fresh verification would: an entry records the
/// window in which every claim check passes (from `nbf` and `iat`, less the clock tolerance, to
/// `exp` or the end of the maximum age), and a hit before that window (the clock went back) checks
/// the claims again at `now`. Tokens without `exp` are verified every time. A failed verification
/// is never cached. At most `capacity` tokens are held; the least recently used one is evicted
/// first.
///
/// ```
/// use scopegate::{KeySet, TokenCache, Verifier, VerifyOptions, Algorithm};
/// // RFC 7515 appendix A.1 (HS256, exp 1300819380).
/// let jwt = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// let jwk = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
/// let verifier = Verifier::new(KeySet::from_jwk(jwk)?, VerifyOptions::new([Algorithm::HS256]))?;
/// let mut cache = TokenCache::new(100);
/// let first = cache.verify_at(&verifier, jwt, 1_300_819_000)?;
/// let again = cache.verify_at(&verifier, jwt, 1_300_819_001)?; // from the cache
/// assert_eq!(first, again);
/// assert_eq!(cache.len(), 1);
/// // At exp the entry is gone and verification itself refuses the token.
/// assert!(cache.verify_at(&verifier, jwt, 1_300_819_380).is_err());
/// assert_eq!(cache.len(), 0);
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug)]
pub struct TokenCache {
    entries: LruCache<String, Entry>,
}

#[derive(Debug)]
struct Entry {
    verifier: u64,
    /// From when (inclusive) to when (exclusive) every claim check passes without being rerun.
    valid_from: u64,
    valid_until: u64,
    token: Token,
}

impl TokenCache {
    /// A cache holding at most `capacity` tokens (at least one).
    pub fn new(capacity: usize) -> Self {
        TokenCache {
            entries: LruCache::new(NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN)),
        }
    }

    /// The number of tokens held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no token.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The maximum number of tokens held.
    pub fn capacity(&self) -> usize {
        self.entries.cap().get()
    }

    /// Forgets every token (for example after the signing keys changed).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// [`Verifier::verify_at`], answered from the cache when this verifier already verified the
    /// same token and it is still valid at `now`.
    pub fn verify_at(
        &mut self,
        verifier: &Verifier,
        token: &str,
        now: u64,
    ) -> Result<Token, Error> {
        if let Some(entry) = self.entries.get(token) {
            if entry.verifier == verifier.id() && now < entry.valid_until {
                // The signature and the token's form do not change, and inside the window every
                // claim check passes. Before it (the clock went back past `nbf` or `iat`) the
                // claims are checked again, so a hit answers exactly as a fresh verification.
                if now < entry.valid_from {
                    verifier.check_claims(&entry.token, now)?;
                }
                return Ok(entry.token.clone());
            }
            self.entries.pop(token);
        }
        let verified = verifier.verify_at(token, now)?;
        if let Some(valid_until) = verifier.cacheable_until(&verified) {
            if now < valid_until {
                self.entries.put(
                    token.to_string(),
                    Entry {
                        verifier: verifier.id(),
                        valid_from: verifier.valid_from(&verified),
                        valid_until,
                        token: verified.clone(),
                    },
                );
            }
        }
        Ok(verified)
    }
}
