//! Signature verification in JavaScript: the `Verifier` and `Authorization` classes and
//! `Policy.authorize`.

use crate::prelude::*;
use core::cell::RefCell;

use js_sys::Object;
use wasm_bindgen::prelude::*;

use super::args::{
    bytes_arg, decode_options, get, invalid_argument, is_absent, json_text_arg, now_from,
    optional_seconds, optional_string_arg, string_arg, string_list,
};
use super::policy::{JsGrant, JsPolicy};
use super::tokens::token_to_js;
use super::{nullable_string, set, to_js_error, to_plain};
use crate::{
    Algorithm, Authorization, Error, ErrorCode, KeySet, RequestParts, TokenCache, Verifier,
    VerifyOptions,
};

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
    if let Some(leeway) = optional_seconds("clockTolerance", &get(options, "clockTolerance")?)? {
        verify.clock_tolerance = leeway;
    }
    verify.max_token_age = optional_seconds("maxTokenAge", &get(options, "maxTokenAge")?)?;
    let decode = decode_options(options)?;
    verify.max_size = decode.max_size;
    verify.scope_claim = decode.scope_claim;
    Ok(verify)
}

/// Verifies JWT access tokens with fixed keys and options (JavaScript class `Verifier`).
#[wasm_bindgen(js_name = Verifier)]
pub struct JsVerifier {
    inner: Verifier,
    cache: Option<RefCell<TokenCache>>,
}

impl JsVerifier {
    /// Verifies through the cache when there is one.
    fn verify_now(&self, token: &str, now: u64) -> Result<crate::Token, Error> {
        match self.cache.as_ref().map(RefCell::try_borrow_mut) {
            Some(Ok(mut cache)) => cache.verify_at(&self.inner, token, now),
            _ => self.inner.verify_at(token, now),
        }
    }
}

#[wasm_bindgen(js_class = Verifier)]
impl JsVerifier {
    /// Parses the keys and options once. Options use jose's names: `algorithms` (required),
    /// `issuer`, `audience`, `clockTolerance`, `maxTokenAge` (seconds), `typ`,
    /// `requiredClaims`, plus `maxSize`, `scopeClaim` and `cacheSize` (how many verified
    /// tokens to remember, never past their `exp`; default 0: no cache).
    #[wasm_bindgen(constructor)]
    pub fn new(keys: JsValue, options: JsValue) -> Result<JsVerifier, JsValue> {
        let keys = key_set(&keys)?;
        let cache = optional_seconds("cacheSize", &get(&options, "cacheSize")?)?
            .filter(|&size| size > 0)
            .map(|size| RefCell::new(TokenCache::new(usize::try_from(size).unwrap_or(usize::MAX))));
        let options = verify_options(&options)?;
        Verifier::new(keys, options)
            .map(|inner| JsVerifier { inner, cache })
            .map_err(|e| to_js_error(&e))
    }

    /// Verifies a token; `options.currentDate` (a `Date`) fixes the clock.
    pub fn verify(&self, token: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let token = string_arg("token", &token)?;
        let now = now_from(&options)?;
        let verified = self.verify_now(&token, now).map_err(|e| to_js_error(&e))?;
        token_to_js(&verified)
    }

    /// How many verified tokens the cache holds (0 without a cache).
    #[wasm_bindgen(getter, js_name = cachedTokens)]
    pub fn cached_tokens(&self) -> usize {
        self.cache
            .as_ref()
            .and_then(|cache| cache.try_borrow().ok().map(|c| c.len()))
            .unwrap_or(0)
    }

    /// Forgets every cached token.
    #[wasm_bindgen(js_name = clearCache)]
    pub fn clear_cache(&self) {
        if let Some(Ok(mut cache)) = self.cache.as_ref().map(RefCell::try_borrow_mut) {
            cache.clear();
        }
    }
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// Authorizes a request: finds the bearer token in `authorization` or the target's query,
    /// verifies it, checks query transport and decides. Returns an `Authorization` (`decision`,
    /// `token`, `grant`, `source`, `subject`, `clientId`, `scopes`); token problems are thrown.
    pub fn authorize(
        &self,
        method: JsValue,
        target: JsValue,
        authorization: JsValue,
        verifier: &JsVerifier,
        options: JsValue,
    ) -> Result<JsAuthorization, JsValue> {
        let method = string_arg("method", &method)?;
        let target = string_arg("target", &target)?;
        let authorization = optional_string_arg("authorization", &authorization)?;
        let now = now_from(&options)?;
        let mut request = RequestParts::new(&method, &target);
        request.authorization = authorization.as_deref();
        let result = self
            .inner
            .authorize_with(&request, |token| verifier.verify_now(token, now))
            .map_err(|e| to_js_error(&e))?;
        Ok(JsAuthorization { inner: result })
    }
}

/// The result of `Policy.authorize` (JavaScript class `Authorization`). Its parts are
/// converted for JavaScript when read, so an edge worker that reads only `decision` and
/// `subject` never pays for building the token's claims object.
#[wasm_bindgen(js_name = Authorization)]
pub struct JsAuthorization {
    inner: Authorization,
}

#[wasm_bindgen(js_class = Authorization)]
impl JsAuthorization {
    /// The endpoint decision, as a plain object (a new one on each read).
    #[wasm_bindgen(getter)]
    pub fn decision(&self) -> Result<JsValue, JsValue> {
        to_plain(&self.inner.decision)
    }

    /// The verified token, as a plain object (a new one on each read).
    #[wasm_bindgen(getter)]
    pub fn token(&self) -> Result<JsValue, JsValue> {
        token_to_js(&self.inner.token)
    }

    /// The token's scopes under the policy.
    #[wasm_bindgen(getter)]
    pub fn grant(&self) -> JsGrant {
        JsGrant::from_core(self.inner.grant.clone())
    }

    /// Where the token travelled: `"header"` or `"query"`.
    #[wasm_bindgen(getter)]
    pub fn source(&self) -> String {
        match self.inner.source {
            crate::TokenSource::Header => "header".into(),
            crate::TokenSource::Query => "query".into(),
        }
    }

    /// The token's `sub`.
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> JsValue {
        nullable_string(self.inner.token.subject())
    }

    /// The token's `client_id`.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> JsValue {
        nullable_string(self.inner.token.client_id())
    }

    /// The granted scopes (roles and `implies` expanded), sorted.
    #[wasm_bindgen(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.inner.grant.granted().to_vec()
    }

    /// Everything as one plain object: `{ decision, token, grant, source }`.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        let out = Object::new();
        set(&out, "decision", &self.decision()?);
        set(&out, "token", &self.token()?);
        set(&out, "grant", &to_plain(&self.inner.grant)?);
        set(&out, "source", &JsValue::from_str(&self.source()));
        Ok(out.into())
    }
}
