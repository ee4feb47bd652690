//! JWT access token verification: the [`Verifier`] and its [`VerifyOptions`]; [`algorithm`]
//! (which algorithms, which key type each needs), [`keys`] (parsing and checking keys, the
//! signature check), [`claims`] (the claim checks), [`cache`] (verified tokens remembered).

use crate::prelude::*;
use alloc::borrow::Cow;
use core::sync::atomic::{AtomicU64, Ordering};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::token::{
    b64_part, header_from_bytes, parse_object, split_compact, Token, DEFAULT_MAX_TOKEN_SIZE,
};

pub(crate) mod algorithm;
mod backend;
pub(crate) mod cache;
mod claims;
mod curves;
mod ed25519;
pub(crate) mod keys;

pub use algorithm::Algorithm;
use claims::check_typ;
pub use keys::KeySet;

/// What [`Verifier::verify`] checks besides the signature.
///
/// Build with [`VerifyOptions::new`] (which requires the allowed algorithms) and adjust the public
/// fields. `algorithms` must not be empty.
///
/// ```
/// use scopegate::{Algorithm, VerifyOptions};
/// let options = VerifyOptions {
///     issuer: vec!["https://issuer.example".into()],
///     audience: vec!["https://api.example".into()],
///     token_type: Some("at+jwt".into()),
///     clock_tolerance: 30,
///     ..VerifyOptions::new([Algorithm::RS256])
/// };
/// assert_eq!(options.required_claims, ["exp"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The algorithms accepted; anything else (and always `none`) is refused. Required.
    pub algorithms: Vec<Algorithm>,
    /// Accepted issuers (`iss`, compared exactly); empty: not checked.
    pub issuer: Vec<String>,
    /// Accepted audiences: the token's `aud` (a string or a list) must contain one; empty: not
    /// checked.
    pub audience: Vec<String>,
    /// Claims that must be present ([`ErrorCode::ClaimMissing`] otherwise). Default: `["exp"]`.
    pub required_claims: Vec<String>,
    /// The header `typ` required (case-insensitive, with or without `application/`), such as
    /// `at+jwt` (RFC 9068); `None`: not checked.
    pub token_type: Option<String>,
    /// Leeway in seconds for `exp`, `nbf`, `iat` and `max_token_age`. Default 0.
    pub clock_tolerance: u64,
    /// The maximum age in seconds, from `iat` (then required); older tokens are
    /// [`ErrorCode::TokenExpired`]. `None`: not checked.
    pub max_token_age: Option<u64>,
    /// Tokens longer than this are [`ErrorCode::TokenTooLarge`]. Default 16 KiB.
    pub max_size: usize,
    /// The claim holding the scopes; `None`: `scope` and `scp` (see
    /// [`DecodeOptions::scope_claim`](crate::DecodeOptions::scope_claim)).
    pub scope_claim: Option<String>,
    /// The current time in unix seconds; `None`: the system clock (unavailable in WebAssembly).
    pub now: Option<u64>,
}

impl VerifyOptions {
    /// Options accepting the given algorithms, with every other setting at its default.
    pub fn new(algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        VerifyOptions {
            algorithms: algorithms.into_iter().collect(),
            ..VerifyOptions::default()
        }
    }
}

impl Default for VerifyOptions {
    /// No algorithm (so not usable as is: set `algorithms`), `exp` required, no leeway, 16 KiB.
    fn default() -> Self {
        VerifyOptions {
            algorithms: Vec::new(),
            issuer: Vec::new(),
            audience: Vec::new(),
            required_claims: vec!["exp".to_string()],
            token_type: None,
            clock_tolerance: 0,
            max_token_age: None,
            max_size: DEFAULT_MAX_TOKEN_SIZE,
            scope_claim: None,
            now: None,
        }
    }
}

/// A verification stopped before its signature: what to check, with which key (an index in the
/// key set), and the rest of the token for after.
pub(crate) struct Pending<'t> {
    pub(crate) alg: Algorithm,
    pub(crate) key: usize,
    pub(crate) signing_input: Cow<'t, [u8]>,
    pub(crate) signature: Vec<u8>,
    header: Map<String, Value>,
    /// The header as decoded (JSON text), for [`Verifier::finish_with_texts`].
    header_json: Vec<u8>,
    payload: Cow<'t, str>,
}

impl Pending<'_> {
    /// The same pending verification, owning its parts (to wait for the platform's check).
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn into_owned(self) -> Pending<'static> {
        Pending {
            alg: self.alg,
            key: self.key,
            signing_input: Cow::Owned(self.signing_input.into_owned()),
            signature: self.signature,
            header: self.header,
            header_json: self.header_json,
            payload: Cow::Owned(self.payload.into_owned()),
        }
    }
}

/// A signature-checked JWS whose payload was not interpreted: see [`Verifier::verify_jws`].
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJws {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The payload bytes, as signed.
    pub payload: Vec<u8>,
    /// The algorithm that verified it.
    pub algorithm: Algorithm,
}

/// Verifies JWT access tokens: built once (keys parsed once), reused for every request.
///
/// It is built from a [`KeySet`] (HMAC secret, PEM public key, JWK or JWKS; every key is parsed
/// and checked at that point) and [`VerifyOptions`]. [`Verifier::verify`] checks, in this order: size, structure, header (`alg`, `crit`, key-location
/// headers, `typ`), key selection by `kid`, signature, claim types, then `exp`, `nbf`, `iat`,
/// `max_token_age`, `iss`, `aud` and the required claims. Claim checks are done by scopegate itself
/// (jsonwebtoken only checks the signature), so the rules are exactly the ones documented here.
///
/// Decisions:
/// - `alg` `none` (any case) and any algorithm not in [`VerifyOptions::algorithms`] are refused
///   with [`ErrorCode::AlgorithmNotAllowed`]; so is an algorithm that does not fit the selected
///   key's type (no algorithm confusion: an RSA key never verifies `HS256`).
/// - Headers that point at keys (`jku`, `x5u`, `x5c`, `jwk`) are never followed: a token carrying
///   one is refused with [`ErrorCode::UnsupportedToken`]. `crit` naming anything is refused the
///   same way (scopegate understands no JWS extension).
/// - A token is expired when `now >= exp + clock_tolerance`. A token older than `max_token_age`
///   (by `iat`) is also [`ErrorCode::TokenExpired`].
/// - The time comes from [`VerifyOptions::now`] or [`Verifier::verify_at`]; otherwise the system
///   clock, which does not exist in WebAssembly ([`ErrorCode::ClockUnavailable`]).
///
/// ```
/// use scopegate::{Algorithm, ErrorCode, KeySet, Verifier, VerifyOptions};
/// // RFC 7515 Appendix A.1: an HS256 token with `exp` 1300819380.
/// let jwk = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
/// let jwt = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.\
///            eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.\
///            dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// let verifier = Verifier::new(
///     KeySet::from_jwk(jwk)?,
///     VerifyOptions { issuer: vec!["joe".into()], ..VerifyOptions::new([Algorithm::HS256]) },
/// )?;
/// let token = verifier.verify_at(jwt, 1_300_819_379)?;
/// assert_eq!(token.issuer(), Some("joe"));
/// assert_eq!(verifier.verify_at(jwt, 1_300_819_380).unwrap_err().code(), ErrorCode::TokenExpired);
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: KeySet,
    options: VerifyOptions,
    id: u64,
}

/// Identifies verifiers, so a [`TokenCache`](crate::TokenCache) never answers for another one.
static NEXT_VERIFIER_ID: AtomicU64 = AtomicU64::new(1);

impl Verifier {
    /// A verifier for these keys and options. [`ErrorCode::InvalidOptions`] when no algorithm is
    /// allowed, or when no allowed algorithm fits any key.
    pub fn new(keys: KeySet, options: VerifyOptions) -> Result<Verifier, Error> {
        if options.algorithms.is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidOptions,
                "`algorithms` is empty: list the algorithms to accept",
            ));
        }
        let usable = options.algorithms.iter().any(|alg| keys.fits(*alg));
        if !usable {
            return Err(Error::new(
                ErrorCode::InvalidOptions,
                "none of the allowed algorithms fits any of the keys",
            ));
        }
        if let Some(typ) = &options.token_type {
            if typ.is_empty() {
                return Err(Error::new(
                    ErrorCode::InvalidOptions,
                    "`token_type` is empty",
                ));
            }
        }
        Ok(Verifier {
            keys,
            options,
            id: NEXT_VERIFIER_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The options in use.
    pub fn options(&self) -> &VerifyOptions {
        &self.options
    }

    /// An id unique to this verifier (shared by its clones).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Verifies a token at [`VerifyOptions::now`], or the system clock when it is `None`.
    pub fn verify(&self, token: &str) -> Result<Token, Error> {
        let now = match self.options.now {
            Some(now) => now,
            None => system_now()?,
        };
        self.verify_at(token, now)
    }

    /// Verifies a token at the given time (unix seconds): signature, then claims.
    pub fn verify_at(&self, token: &str, now: u64) -> Result<Token, Error> {
        let pending = self.begin(token)?;
        self.check_pending(&pending)?;
        self.finish(pending, now)
    }

    /// Everything before the signature: size, structure, header (`alg`, `crit`, key-location
    /// headers, `typ`), key selection by `kid`, and what can be checked of the signature without
    /// the key's arithmetic (encoding, length, Ed25519 strictness).
    pub(crate) fn begin<'t>(&self, token: &'t str) -> Result<Pending<'t>, Error> {
        let parts = split_compact(token, self.options.max_size)?;
        let header_json = b64_part(parts.header, "header")?;
        let header = header_from_bytes(&header_json)?;
        let (alg, key) = self.check_header(&header)?;
        let signature = URL_SAFE_NO_PAD.decode(parts.signature).map_err(|_| {
            Error::new(
                ErrorCode::InvalidSignature,
                "the signature is not base64url without padding",
            )
        })?;
        self.keys.key(key)?.precheck(alg, &signature)?;
        Ok(Pending {
            alg,
            key,
            signing_input: Cow::Borrowed(parts.signing_input.as_bytes()),
            signature,
            header,
            header_json,
            payload: Cow::Borrowed(parts.payload),
        })
    }

    /// Everything before the arithmetic of a detached signature over `message` (see
    /// [`verify_signature`](Self::verify_signature)): the algorithm must be allowed, then the
    /// key is selected and the signature prechecked as for a token.
    pub(crate) fn begin_detached<'m>(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
        message: &'m [u8],
        signature: &[u8],
    ) -> Result<Pending<'m>, Error> {
        if !self.options.algorithms.contains(&alg) {
            return Err(Error::new(
                ErrorCode::AlgorithmNotAllowed,
                format!("alg {:?} is not in the allowed algorithms", alg.as_str()),
            ));
        }
        let key = self.keys.select(kid, alg)?;
        self.keys.key(key)?.precheck(alg, signature)?;
        Ok(Pending {
            alg,
            key,
            signing_input: Cow::Borrowed(message),
            signature: signature.to_vec(),
            header: Map::new(),
            header_json: Vec::new(),
            payload: Cow::Borrowed(""),
        })
    }

    /// Verifies a detached signature over `message` (raw bytes in the JWS encoding: `r || s` for
    /// ECDSA) with the key a token naming `kid` and `alg` would get; `alg` must be one of the
    /// allowed algorithms. For signatures that are not on a compact JWS; tokens go through
    /// [`verify`](Self::verify).
    pub fn verify_signature(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let pending = self.begin_detached(alg, kid, message, signature)?;
        self.check_pending(&pending)
    }

    /// Verifies a pending signature with what this build verifies in Rust: HMAC, and RSA, ECDSA
    /// and EdDSA through the backend when one is compiled in.
    pub(crate) fn check_pending(&self, pending: &Pending<'_>) -> Result<(), Error> {
        self.keys
            .key(pending.key)?
            .verify(pending.alg, &pending.signing_input, &pending.signature)
    }

    /// Everything after the signature verified: the claims' types, then their values at `now`.
    pub(crate) fn finish(&self, pending: Pending<'_>, now: u64) -> Result<Token, Error> {
        self.finish_parts(pending, now).map(|(token, _, _)| token)
    }

    /// [`finish`](Self::finish), keeping the JSON texts of the header and payload as decoded
    /// (the WebAssembly bindings hand them to `JSON.parse`).
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn finish_with_texts(
        &self,
        pending: Pending<'_>,
        now: u64,
    ) -> Result<crate::token::DecodedToken, Error> {
        let (token, header, payload) = self.finish_parts(pending, now)?;
        let (header, payload) = crate::token::json_texts(header, payload)?;
        Ok(crate::token::DecodedToken {
            token,
            header,
            payload,
        })
    }

    /// The claims read and checked at `now`: the token, with its decoded header and payload.
    fn finish_parts(
        &self,
        pending: Pending<'_>,
        now: u64,
    ) -> Result<(Token, Vec<u8>, Vec<u8>), Error> {
        let payload = b64_part(&pending.payload, "payload")?;
        let claims = parse_object(&payload, "token payload")?;
        let token = Token::from_parts(pending.header, claims, self.options.scope_claim.as_deref())?;
        self.check_claims(&token, now)?;
        Ok((token, pending.header_json, payload))
    }

    /// Until when (unix seconds, exclusive) a cache may answer for `token` without verifying it
    /// again: its `exp`, or the end of [`VerifyOptions::max_token_age`] when earlier. `None`
    /// for a token without `exp`, which is verified every time.
    pub(crate) fn cacheable_until(&self, token: &Token) -> Option<u64> {
        let exp = token.expires_at()?;
        let max_age_end = self
            .options
            .max_token_age
            .zip(token.issued_at())
            .map(|(age, iat)| iat.saturating_add(age));
        Some(max_age_end.map_or(exp, |end| end.min(exp)))
    }

    /// From when (unix seconds, inclusive) `token`'s `nbf` and `iat` pass [`Self::check_claims`]'s
    /// time checks, with the clock tolerance; 0 when it has neither. Between this and
    /// [`Self::cacheable_until`], every claim check passes for a token that passed them once.
    pub(crate) fn valid_from(&self, token: &Token) -> u64 {
        let leeway = self.options.clock_tolerance;
        let not_before = token.not_before().unwrap_or(0);
        let issued = token.issued_at().unwrap_or(0);
        not_before.max(issued).saturating_sub(leeway)
    }

    /// The key set in use.
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Checks the header and the signature only; the payload is returned as bytes, **not**
    /// interpreted (no `exp`, `iss`, `aud` or any other claim check). For JWS payloads that are not
    /// JWT claims; for access tokens use [`Verifier::verify`].
    pub fn verify_jws(&self, token: &str) -> Result<VerifiedJws, Error> {
        let pending = self.begin(token)?;
        self.check_pending(&pending)?;
        let payload = URL_SAFE_NO_PAD
            .decode(pending.payload.as_bytes())
            .map_err(|_| {
                Error::new(
                    ErrorCode::MalformedToken,
                    "the token payload is not base64url without padding",
                )
            })?;
        Ok(VerifiedJws {
            header: pending.header,
            payload,
            algorithm: pending.alg,
        })
    }

    /// The header checks, then the key for the token's `alg` and `kid`: `(alg, key index)`.
    fn check_header(&self, header: &Map<String, Value>) -> Result<(Algorithm, usize), Error> {
        for name in ["jku", "x5u", "x5c", "jwk"] {
            if header.contains_key(name) {
                return Err(Error::new(
                    ErrorCode::UnsupportedToken,
                    format!(
                        "the header has `{name}`: key-location headers are never followed; keys come only from the configured key set"
                    ),
                ));
            }
        }
        if let Some(crit) = header.get("crit") {
            let names = match crit {
                Value::Array(names) if !names.is_empty() => names,
                _ => {
                    return Err(Error::new(
                        ErrorCode::MalformedToken,
                        "the header `crit` must be a non-empty list of names",
                    ))
                }
            };
            let first = names.first().and_then(Value::as_str).unwrap_or("?");
            return Err(Error::new(
                ErrorCode::UnsupportedToken,
                format!(
                    "the header `crit` names {first:?}, an extension scopegate does not understand"
                ),
            ));
        }
        let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
        let alg = Algorithm::parse(alg_name)?;
        if !self.options.algorithms.contains(&alg) {
            return Err(Error::new(
                ErrorCode::AlgorithmNotAllowed,
                format!("alg {alg_name:?} is not in the allowed algorithms"),
            ));
        }
        if let Some(expected) = &self.options.token_type {
            check_typ(header.get("typ"), expected)?;
        }
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.as_str()),
            Some(_) => {
                return Err(Error::new(
                    ErrorCode::MalformedToken,
                    "the header `kid` is not a string",
                ))
            }
        };
        Ok((alg, self.keys.select(kid, alg)?))
    }
}

/// The current unix time from the system clock. In WebAssembly there is none: the time must be
/// passed in ([`VerifyOptions::now`], [`Verifier::verify_at`]) and this returns
/// [`ErrorCode::ClockUnavailable`].
pub fn system_now() -> Result<u64, Error> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .map_err(|_| {
                Error::new(
                    ErrorCode::ClockUnavailable,
                    "the system clock is before 1970",
                )
            })
    }
    #[cfg(target_arch = "wasm32")]
    {
        Err(Error::new(
            ErrorCode::ClockUnavailable,
            "no clock in WebAssembly: pass the current time (`now`)",
        ))
    }
}
