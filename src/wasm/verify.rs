//! Signature verification in JavaScript: the Rust half of the package's `Verifier` (keys, token,
//! header, claims, HMAC) and of `Policy.authorize`; the package's `api/verify.js` has the
//! platform's WebCrypto verify RSA, ECDSA and EdDSA signatures and keeps the verified-token cache.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use super::args::{
    bytes_arg, decode_options, get, invalid_argument, is_absent, json_text_arg, optional_duration,
    optional_string_arg, string_arg, string_list, uint8_array_arg,
};
use super::exchange;
use super::policy::JsPolicy;
use super::to_js_error;
use crate::http::authorize::find_token;
use crate::policy::bits::Bits;
use crate::token::DecodedToken;
use crate::verify::keys::signature_mismatch;
use crate::verify::Pending;
use crate::{
    Algorithm, Error, ErrorCode, KeySet, Policy, RequestParts, Token, TokenSource, Verifier,
    VerifyOptions,
};
use core::cell::RefCell;

/// The ways to give keys; exactly one of them.
const KEY_FORMS: [&str; 4] = ["secret", "pem", "jwk", "jwks"];

fn key_set(keys: &JsValue) -> Result<KeySet, JsValue> {
    let mut given: Vec<(&str, JsValue)> = Vec::new();
    for form in KEY_FORMS {
        let value = get(keys, form)?;
        if !is_absent(&value) {
            given.push((form, value));
        }
    }
    let (form, value) = match given.as_slice() {
        [one] => one,
        [] => {
            return Err(invalid_argument(
                "keys",
                "an object with one of secret, pem, jwk or jwks",
                keys,
            ))
        }
        [(first, _), (second, _), ..] => {
            return Err(to_js_error(&Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "keys has both `{first}` and `{second}`: give exactly one of secret, pem, jwk or jwks"
                ),
            )))
        }
    };
    let result = match *form {
        "secret" => {
            if let Some(text) = value.as_string() {
                KeySet::hmac_secret(text.as_bytes())
            } else if value.is_instance_of::<js_sys::Uint8Array>() {
                KeySet::hmac_secret(&bytes_arg("keys.secret", value)?)
            } else {
                return Err(invalid_argument(
                    "keys.secret",
                    "a string or a Uint8Array",
                    value,
                ));
            }
        }
        "pem" => KeySet::from_pem(&string_arg("keys.pem", value)?),
        "jwk" => KeySet::from_jwk(&json_text_arg("keys.jwk", value)?),
        _ => KeySet::from_jwks(&json_text_arg("keys.jwks", value)?),
    };
    let keys_set = result.map_err(|e| to_js_error(&e))?;
    match optional_string_arg("keys.kid", &get(keys, "kid")?)? {
        Some(kid) => Ok(keys_set.with_key_id(kid)),
        None => Ok(keys_set),
    }
}

fn verify_options(options: &JsValue) -> Result<VerifyOptions, JsValue> {
    let mut algorithms = Vec::new();
    for name in string_list("algorithms", &get(options, "algorithms")?)? {
        algorithms.push(Algorithm::parse(&name).map_err(|e| to_js_error(&e))?);
    }
    let mut verify = VerifyOptions::new(algorithms);
    verify.issuer = string_list("issuer", &get(options, "issuer")?)?;
    verify.audience = string_list("audience", &get(options, "audience")?)?;
    let required = get(options, "requiredClaims")?;
    if !is_absent(&required) {
        verify.required_claims = string_list("requiredClaims", &required)?;
    }
    verify.token_type = optional_string_arg("typ", &get(options, "typ")?)?;
    if let Some(leeway) = optional_duration("clockTolerance", &get(options, "clockTolerance")?)? {
        verify.clock_tolerance = leeway;
    }
    verify.max_token_age = optional_duration("maxTokenAge", &get(options, "maxTokenAge")?)?;
    let decode = decode_options(options)?;
    verify.max_size = decode.max_size;
    verify.scope_claim = decode.scope_claim;
    Ok(verify)
}

/// The Rust half of the package's `Verifier` (JavaScript class `VerifierCore`): it parses and
/// checks the keys, the token, its header and its claims, and verifies HMAC signatures; RSA,
/// ECDSA and EdDSA signatures are verified by the platform's WebCrypto, on exactly the signing
/// input and signature [`begin`](Self::begin) extracted, with the key [`key_jwk`](Self::key_jwk)
/// gives. The package's `Verifier` (`api/verify.js`) drives the two halves and keeps the cache.
#[wasm_bindgen(js_name = VerifierCore)]
pub struct JsVerifierCore {
    inner: Verifier,
}

/// A verification waiting for its signature check (JavaScript class `PendingSignature`).
#[wasm_bindgen(js_name = PendingSignature)]
pub struct JsPendingSignature {
    pending: Pending<'static>,
    /// Whether Rust already verified the signature (HMAC).
    checked: bool,
    /// A detached signature (`verifySignature`): no token to finish.
    detached: bool,
}

/// A verified token (JavaScript class `VerifiedToken`): kept by the package's cache so that a hit
/// re-checks the time-dependent claims in Rust without parsing anything again.
#[wasm_bindgen(js_name = VerifiedToken)]
pub struct JsVerifiedToken {
    token: Token,
    /// The JSON texts of the token's header and payload, as it carries them.
    header: String,
    payload: String,
    verifier: u64,
    valid_until: Option<u64>,
    /// From when (unix seconds) the time-dependent claims pass (see `validFrom`).
    valid_from: u64,
    /// The grant mask of the token's scopes under the policy whose id it is filed with: made by
    /// the first `authorize` with that policy, so a cache hit looks up no scope name.
    mask: RefCell<Option<(u64, Bits)>>,
}

#[wasm_bindgen(js_class = VerifierCore)]
impl JsVerifierCore {
    /// Parses the keys and options once. Options use jose's names: `algorithms` (required),
    /// `issuer`, `audience`, `clockTolerance`, `maxTokenAge` (seconds), `typ`,
    /// `requiredClaims`, plus `maxSize` and `scopeClaim`.
    #[wasm_bindgen(constructor)]
    pub fn new(keys: JsValue, options: JsValue) -> Result<JsVerifierCore, JsValue> {
        let keys = key_set(&keys)?;
        let options = verify_options(&options)?;
        Verifier::new(keys, options)
            .map(|inner| JsVerifierCore { inner })
            .map_err(|e| to_js_error(&e))
    }

    /// Everything before the signature's arithmetic, for the token written into the input
    /// buffer (`len` bytes): size, structure, header, key selection by `kid`, the signature's
    /// encoding and length (and Ed25519 strictness); an HMAC signature is verified here. Throws
    /// the token's problem.
    #[wasm_bindgen(js_name = beginInput)]
    pub fn begin_input(&self, len: usize) -> Result<JsPendingSignature, JsValue> {
        exchange::with_input(len, 0, |token, _| {
            let pending = self.inner.begin(token)?;
            let checked = !self.inner.keys().key(pending.key)?.is_asymmetric();
            if checked {
                self.inner.check_pending(&pending)?;
            }
            Ok(JsPendingSignature {
                pending: pending.into_owned(),
                checked,
                detached: false,
            })
        })?
        .map_err(|e: Error| to_js_error(&e))
    }

    /// Everything before the arithmetic of a detached signature over `message` with the key a
    /// token naming `kid` and `algorithm` would get (`algorithm` must be allowed); HMAC is
    /// verified here. The package's `Verifier.verifySignature`.
    #[wasm_bindgen(js_name = beginSignature)]
    pub fn begin_signature(
        &self,
        algorithm: JsValue,
        kid: JsValue,
        message: JsValue,
        signature: JsValue,
    ) -> Result<JsPendingSignature, JsValue> {
        let alg =
            Algorithm::parse(&string_arg("algorithm", &algorithm)?).map_err(|e| to_js_error(&e))?;
        let kid = optional_string_arg("kid", &kid)?;
        let message = uint8_array_arg("message", &message)?;
        let signature = uint8_array_arg("signature", &signature)?;
        let pending = self
            .inner
            .begin_detached(alg, kid.as_deref(), &message, &signature)
            .map_err(|e| to_js_error(&e))?;
        let checked = !self
            .inner
            .keys()
            .key(pending.key)
            .map_err(|e| to_js_error(&e))?
            .is_asymmetric();
        if checked {
            self.inner
                .check_pending(&pending)
                .map_err(|e| to_js_error(&e))?;
        }
        Ok(JsPendingSignature {
            pending: pending.into_owned(),
            checked,
            detached: true,
        })
    }

    /// Ends a detached verification: throws `invalid_signature` unless the signature verified
    /// (in Rust, or by the platform: `signature_valid`).
    #[wasm_bindgen(js_name = finishSignature)]
    pub fn finish_signature(
        &self,
        pending: JsPendingSignature,
        signature_valid: bool,
    ) -> Result<(), JsValue> {
        if pending.checked || signature_valid {
            Ok(())
        } else {
            Err(to_js_error(&signature_mismatch()))
        }
    }

    /// Ends a verification: `signature_valid` is the platform's answer (ignored when Rust checked
    /// the signature), then the claims are checked at `now` (unix seconds).
    pub fn finish(
        &self,
        pending: JsPendingSignature,
        signature_valid: bool,
        now: f64,
    ) -> Result<JsVerifiedToken, JsValue> {
        if pending.detached {
            return Err(to_js_error(&Error::new(
                ErrorCode::InvalidArgument,
                "a detached signature has no token to finish",
            )));
        }
        if !pending.checked && !signature_valid {
            return Err(to_js_error(&signature_mismatch()));
        }
        let DecodedToken {
            token,
            header,
            payload,
        } = self
            .inner
            .finish_with_texts(pending.pending, exchange::seconds(now))
            .map_err(|e| to_js_error(&e))?;
        let valid_until = self.inner.cacheable_until(&token);
        let valid_from = self.inner.valid_from(&token);
        Ok(JsVerifiedToken {
            token,
            header,
            payload,
            verifier: self.inner.id(),
            valid_until,
            valid_from,
            mask: RefCell::new(None),
        })
    }

    /// Checks a verified token's time-dependent claims (`exp`, `nbf`, `iat`, maximum age) again
    /// at `now`, for a cache hit: 0, or `FAILED` (u32::MAX) with the error a fresh verification
    /// would give waiting in `takeFailure()` (the package throws it).
    pub fn recheck(&self, verified: &JsVerifiedToken, now: f64) -> u32 {
        let checked = if verified.verifier == self.inner.id() {
            self.inner
                .check_claims(&verified.token, exchange::seconds(now))
        } else {
            Err(Error::new(
                ErrorCode::InvalidArgument,
                "this token was verified by another verifier",
            ))
        };
        exchange::answer_or_failed(checked.map(|()| 0).map_err(|e| to_js_error(&e)))
    }

    /// The public key at `index` as a JWK for `crypto.subtle.importKey` (`null` for an HMAC
    /// secret, which never leaves Rust).
    #[wasm_bindgen(js_name = keyJwk)]
    pub fn key_jwk(&self, index: usize) -> Result<JsValue, JsValue> {
        match self
            .inner
            .keys()
            .get(index)
            .and_then(|key| key.public_jwk())
        {
            Some(jwk) => {
                // Every member is a string: set one by one (no JSON writer for numbers linked).
                let object = js_sys::Object::new();
                for (name, value) in &jwk {
                    let value = JsValue::from_str(value.as_str().unwrap_or_default());
                    js_sys::Reflect::set(&object, &JsValue::from_str(name), &value)?;
                }
                Ok(object.into())
            }
            None => Ok(JsValue::NULL),
        }
    }
}

#[wasm_bindgen(js_class = PendingSignature)]
impl JsPendingSignature {
    /// The token's algorithm (`RS256`, ...).
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.pending.alg.as_str().into()
    }

    /// The index of the key that must verify the signature.
    #[wasm_bindgen(getter, js_name = keyIndex)]
    pub fn key_index(&self) -> usize {
        self.pending.key
    }

    /// Whether the signature was already verified in Rust (HMAC): no platform check is needed.
    #[wasm_bindgen(getter)]
    pub fn checked(&self) -> bool {
        self.checked
    }

    /// The bytes the signature covers (`header.payload`).
    #[wasm_bindgen(getter, js_name = signingInput)]
    pub fn signing_input(&self) -> js_sys::Uint8Array {
        js_sys::Uint8Array::from(&self.pending.signing_input[..])
    }

    /// The signature's bytes, in the form WebCrypto verifies (ECDSA: `r || s`).
    #[wasm_bindgen(getter)]
    pub fn signature(&self) -> js_sys::Uint8Array {
        js_sys::Uint8Array::from(&self.pending.signature[..])
    }
}

#[wasm_bindgen(js_class = VerifiedToken)]
impl JsVerifiedToken {
    /// Writes the token into the output buffer (`header`, `claims`, `scopes`, `subject`, ...):
    /// the address the package reads it from.
    #[wasm_bindgen(js_name = valueAddress)]
    pub fn value_address(&self) -> Result<usize, JsValue> {
        exchange::write_token(&self.token, &self.header, &self.payload)
    }

    /// Until when (unix seconds, exclusive) a cache may answer for this token: `exp`, or the end
    /// of the maximum age when earlier; `-1` for a token without `exp`, which is never cached.
    #[wasm_bindgen(getter, js_name = validUntil)]
    pub fn valid_until(&self) -> f64 {
        self.valid_until.map_or(-1.0, |until| until as f64)
    }

    /// From when (unix seconds, inclusive) the token's `nbf` and `iat` pass the verifier's checks
    /// (0 without either): a cache hit at a time in `[validFrom, validUntil)` answers as `recheck`
    /// would without calling it; before `validFrom`, `recheck` gives the error.
    #[wasm_bindgen(getter, js_name = validFrom)]
    pub fn valid_from(&self) -> f64 {
        self.valid_from as f64
    }
}

/// Finds the bearer token of the request whose target (`target_len` bytes) and, when
/// `has_authorization`, `Authorization` header (`authorization_len` bytes) were written into the
/// input buffer. Throws `token_missing` when there is none, `invalid_request` for a malformed
/// one. Writes into the output buffer: the source (0 header, 1 query), then where the token is:
/// `[1, start, end]` when it is `authorization.slice(start, end)` in JavaScript (an ASCII header:
/// no copy), else `[0, 0, 0]` and the token's bytes.
#[wasm_bindgen(js_name = requestTokenInput)]
pub fn request_token_input(
    target_len: usize,
    authorization_len: usize,
    has_authorization: bool,
) -> u32 {
    exchange::address_answer(find_token_input(
        target_len,
        authorization_len,
        has_authorization,
    ))
}

fn find_token_input(
    target_len: usize,
    authorization_len: usize,
    has_authorization: bool,
) -> Result<usize, JsValue> {
    let found = exchange::with_input(target_len, authorization_len, |target, authorization| {
        let mut request = RequestParts::new("GET", target);
        if has_authorization {
            request.authorization = Some(authorization);
        }
        find_token(&request).map(|found| {
            let slice = match found.source() {
                TokenSource::Header => header_slice(authorization, found.token()),
                TokenSource::Query => None,
            };
            (found, slice)
        })
    })?
    .map_err(|e| to_js_error(&e))?;
    let source = u32::from(found.0.source() == TokenSource::Query);
    match found.1 {
        Some((start, end)) => exchange::write_words(&[source, 1, start, end], &[]),
        None => exchange::write_words(&[source, 0, 0, 0], found.0.token().as_bytes()),
    }
}

/// Where `token` ends the (trimmed) header, as UTF-16 offsets, when everything up to it is ASCII
/// (so byte and UTF-16 offsets agree).
fn header_slice(authorization: &str, token: &str) -> Option<(u32, u32)> {
    let end = authorization.trim_end_matches([' ', '\t']).len();
    let start = end.checked_sub(token.len())?;
    let prefix = authorization.get(..end)?;
    (prefix.is_ascii() && prefix.get(start..) == Some(token))
        .then(|| Some((u32::try_from(start).ok()?, u32::try_from(end).ok()?)))
        .flatten()
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// The end of `authorize`, once the request's token is verified: where the token may travel
    /// (throws `token_in_query_not_allowed`), then the granted scopes and the decision for the
    /// method and target written into the input buffer, written into the output buffer (see
    /// [`exchange`]); returns their address. No `Grant` object is made: the package makes one
    /// from the token's scopes when `authorization.grant` is read.
    #[wasm_bindgen(js_name = authorizeInput)]
    pub fn authorize_input(
        &self,
        method_len: usize,
        target_len: usize,
        from_query: bool,
        verified: &JsVerifiedToken,
    ) -> u32 {
        let source = if from_query {
            TokenSource::Query
        } else {
            TokenSource::Header
        };
        let address = verified.with_mask(&self.inner, |mask| {
            exchange::with_input(method_len, target_len, |method, target| {
                let request = RequestParts::new(method, target);
                let mut address = Ok(0);
                self.inner
                    .authorize_parts(&request, source, &verified.token, mask, &mut |parts| {
                        address = exchange::write_authorization(mask, parts);
                    })
                    .map_err(|e| to_js_error(&e))?;
                address
            })
        });
        exchange::address_answer(address.and_then(|address| address))
    }
}

impl JsVerifiedToken {
    /// Calls `f` with the grant mask of the token's scopes under `policy`, kept from an earlier
    /// call with the same policy or made (and kept) now.
    fn with_mask<R>(&self, policy: &Policy, f: impl FnOnce(&Bits) -> R) -> R {
        if let Ok(mut kept) = self.mask.try_borrow_mut() {
            let id = policy.id();
            if !matches!(&*kept, Some((for_policy, _)) if *for_policy == id) {
                *kept = Some((id, policy.expanded_mask(self.token.scopes())));
            }
            if let Some((_, mask)) = kept.as_ref() {
                return f(mask);
            }
        }
        f(&policy.expanded_mask(self.token.scopes()))
    }
}
