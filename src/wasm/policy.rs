//! Policies in JavaScript: the `Policy` and `Grant` classes, scopes and paths.

use crate::prelude::*;
use alloc::rc::Rc;

use wasm_bindgen::prelude::*;

use super::args::{array_items, flag_arg, get, invalid_argument, scopes_arg, string_arg};
use super::{exchange, to_js_error, to_plain};
use crate::{Grant, Policy};

/// The most `[method, path]` pairs one `decideAll` call takes.
const MAX_BATCH: usize = 100_000;

/// A compiled policy (JavaScript class `Policy`).
#[wasm_bindgen(js_name = Policy)]
pub struct JsPolicy {
    pub(crate) inner: Rc<Policy>,
}

/// The scopes a token holds under a policy (JavaScript class `Grant`).
#[wasm_bindgen(js_name = Grant)]
pub struct JsGrant {
    pub(crate) inner: Grant,
}

#[wasm_bindgen(js_class = Grant)]
impl JsGrant {
    /// The granted scopes (roles and `implies` expanded), sorted.
    #[wasm_bindgen(getter)]
    pub fn granted(&self) -> Vec<String> {
        self.inner.granted().to_vec()
    }

    /// Requested or held scopes that were not granted.
    #[wasm_bindgen(getter)]
    pub fn dropped(&self) -> Vec<String> {
        self.inner.dropped().to_vec()
    }

    /// Whether nothing was requested, so the policy's default rule applied.
    #[wasm_bindgen(getter)]
    pub fn defaulted(&self) -> bool {
        self.inner.defaulted()
    }

    /// For each role involved, the granted scopes it contributed.
    #[wasm_bindgen(getter)]
    pub fn roles(&self) -> Result<JsValue, JsValue> {
        to_plain(self.inner.roles())
    }

    /// Whether the grant holds `scope`.
    pub fn has(&self, scope: &str) -> bool {
        self.inner.has(scope)
    }

    /// The grant as a plain object.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        to_plain(&self.inner)
    }
}

impl JsGrant {
    pub(crate) fn from_core(inner: Grant) -> Self {
        JsGrant { inner }
    }
}

/// JSON policies and writing bundles: the full build only (`policy-json`); the lite build
/// loads bundles.
#[cfg(feature = "policy-json")]
#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// Loads and compiles a policy from JSON text or a plain object.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: JsValue) -> Result<JsPolicy, JsValue> {
        let json = super::args::json_text_arg("policy", &policy)?;
        Policy::from_json(&json)
            .map(|inner| JsPolicy {
                inner: Rc::new(inner),
            })
            .map_err(|e| to_js_error(&e))
    }

    /// The policy as an unsigned bundle (the package's async `toBundle` signs it when asked).
    #[wasm_bindgen(js_name = toBundleBytes)]
    pub fn to_bundle_bytes(&self, strip_descriptions: bool) -> Vec<u8> {
        let options = crate::BundleOptions {
            strip_descriptions,
            signing_key_pem: None,
        };
        self.inner.to_bundle_with(&options).unwrap_or_default()
    }
}

/// An unsigned bundle with an Ed25519 signature section appended (the package signs with
/// WebCrypto).
#[cfg(feature = "policy-json")]
#[wasm_bindgen(js_name = appendBundleSignature)]
pub fn append_bundle_signature(bundle: &[u8], signature: &[u8]) -> Result<Vec<u8>, JsValue> {
    crate::policy::bundle::append_signature(bundle, signature).map_err(|e| to_js_error(&e))
}

/// What the package needs to check a bundle's signature: `null` when it is unsigned, or
/// `[signedLength, signature]`.
#[wasm_bindgen(js_name = bundleSignature)]
pub fn bundle_signature(bundle: &[u8]) -> Result<JsValue, JsValue> {
    let info = crate::BundleInfo::read(bundle).map_err(|e| to_js_error(&e))?;
    Ok(match info.signature {
        None => JsValue::NULL,
        Some(signature) => js_sys::Array::of2(
            &JsValue::from_f64(info.signed_len as f64),
            &js_sys::Uint8Array::from(&signature[..]),
        )
        .into(),
    })
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// Loads a policy from bundle bytes (the package's async `Policy.fromBundle` checks the
    /// signature first when given a `verifyKey`).
    #[wasm_bindgen(js_name = fromBundleBytes)]
    pub fn from_bundle_bytes(bundle: &[u8]) -> Result<JsPolicy, JsValue> {
        Policy::from_bundle(bundle)
            .map(|inner| JsPolicy {
                inner: Rc::new(inner),
            })
            .map_err(|e| to_js_error(&e))
    }

    /// The SHA-256 of the policy's source, in hexadecimal.
    #[wasm_bindgen(getter, js_name = sourceSha256)]
    pub fn source_sha256(&self) -> String {
        crate::BundleInfo::hex(self.inner.source_sha256())
    }

    /// The policy's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// *requested ∩ allowed*, with the policy's default rule when `requested` is null or empty.
    pub fn grant(&self, requested: JsValue, allowed: JsValue) -> Result<JsGrant, JsValue> {
        let requested = if requested.is_null() || requested.is_undefined() {
            None
        } else {
            Some(scopes_arg("requested", &requested)?)
        };
        let allowed = scopes_arg("allowed", &allowed)?;
        self.inner
            .grant(requested.as_ref(), &allowed)
            .map(JsGrant::from_core)
            .map_err(|e| to_js_error(&e))
    }

    /// The grant of a token that already carries `scopes`.
    pub fn expand(&self, scopes: JsValue) -> Result<JsGrant, JsValue> {
        Ok(JsGrant::from_core(
            self.inner.expand(&scopes_arg("scopes", &scopes)?),
        ))
    }

    /// The full decision for the method and path the package wrote into the input buffer
    /// (`method_len` bytes, then `path_len` bytes): the address of the answer in the output
    /// buffer (see [`exchange`](super::exchange)). The package's `decide(method, path, grant)`
    /// checks the arguments, writes them and builds the result object.
    /// On failure it answers `FAILED` (u32::MAX) and the error waits in `takeFailure()`.
    #[wasm_bindgen(js_name = decideInput)]
    pub fn decide_input(&self, method_len: usize, path_len: usize, grant: &JsGrant) -> u32 {
        exchange::address_answer(
            exchange::with_input(method_len, path_len, |method, path| {
                let mut address = Ok(0);
                let mask = self.inner.mask_of(&grant.inner);
                self.inner.decide_parts(method, path, &mask, &mut |parts| {
                    address = exchange::write_decision(parts);
                });
                address
            })
            .and_then(|address| address),
        )
    }

    /// Whether `grant` may call the method and path written into the input buffer (the fast
    /// path of `decide`; the package's `allows(method, path, grant)`).
    /// 1 or 0; on failure `FAILED` (u32::MAX), the error waiting in `takeFailure()`.
    #[wasm_bindgen(js_name = allowsInput)]
    pub fn allows_input(&self, method_len: usize, path_len: usize, grant: &JsGrant) -> u32 {
        exchange::answer_or_failed(exchange::with_input(
            method_len,
            path_len,
            |method, path| u32::from(self.inner.allows(method, path, &grant.inner)),
        ))
    }

    /// The rules' ids in document order (the output buffer names rules by index here).
    #[wasm_bindgen(getter, js_name = ruleIds)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rule_ids().map(String::from).collect()
    }

    /// Decides `[method, path]` pairs for one grant (at most 100,000), written into the output
    /// buffer (see [`exchange`]): returns the address of the batch (the package's `decideAll`
    /// reads each decision as `decide`'s), or `FAILED` with the error waiting in
    /// `takeFailure()`.
    #[wasm_bindgen(js_name = decideAllInput)]
    pub fn decide_all_input(&self, requests: JsValue, grant: &JsGrant) -> u32 {
        exchange::address_answer(self.decide_all(&requests, grant))
    }

    fn decide_all(&self, requests: &JsValue, grant: &JsGrant) -> Result<usize, JsValue> {
        let expected = "an array of [method, path] pairs";
        let Some(items) = array_items("requests", requests, MAX_BATCH)? else {
            return Err(invalid_argument("requests", expected, requests));
        };
        let mut pairs = Vec::with_capacity(items.len());
        for pair in items {
            let Some(pair) = array_items("each request", &pair, 2)? else {
                return Err(invalid_argument(
                    "each request",
                    "a [method, path] array",
                    &pair,
                ));
            };
            let mut pair = pair.iter();
            let (method, path) = (pair.next(), pair.next());
            pairs.push((
                string_arg("method", method.unwrap_or(&JsValue::UNDEFINED))?,
                string_arg("path", path.unwrap_or(&JsValue::UNDEFINED))?,
            ));
        }
        let mask = self.inner.mask_of(&grant.inner);
        exchange::write_decisions(&pairs, |(method, path), finish| {
            self.inner.decide_parts(method, path, &mask, finish);
        })
    }

    /// The `allow` rules the grant satisfies.
    #[wasm_bindgen(js_name = allowedRules)]
    pub fn allowed_rules(&self, grant: &JsGrant) -> Result<JsValue, JsValue> {
        to_plain(&self.inner.allowed_rules(&grant.inner))
    }

    /// The minimal scope sets that would allow `method path`, as scope ids: `[ids, lengths]`,
    /// the sets one after the other (indexes into `scopeNames`) and each set's length. The
    /// package's `scopesFor` turns them into names with `scopeNames`, read once per policy, so
    /// thousands of sets cross the boundary as two integer arrays.
    #[wasm_bindgen(js_name = scopesForIds)]
    pub fn scopes_for_ids(&self, method: JsValue, path: JsValue) -> Result<js_sys::Array, JsValue> {
        let method = string_arg("method", &method)?;
        let path = string_arg("path", &path)?;
        let (ids, lengths) = self
            .inner
            .scopes_for_ids(&method, &path)
            .map_err(|e| to_js_error(&e))?;
        Ok(js_sys::Array::of2(
            &js_sys::Uint32Array::from(&ids[..]),
            &js_sys::Uint32Array::from(&lengths[..]),
        ))
    }

    /// The names of the scopes the policy declares, sorted.
    #[wasm_bindgen(getter, js_name = scopeNames)]
    pub fn scope_names(&self) -> Vec<String> {
        self.inner.scope_names().to_vec()
    }

    /// Granted scopes whose tokens must never reach a browser.
    #[wasm_bindgen(js_name = clientUnsafeScopes)]
    pub fn client_unsafe_scopes(&self, grant: &JsGrant) -> Vec<String> {
        self.inner.client_unsafe_scopes(&grant.inner).to_vec()
    }

    /// Whether a token with this grant may travel in a URL query.
    #[wasm_bindgen(js_name = queryTransportAllowed)]
    pub fn query_transport_allowed(&self, grant: &JsGrant) -> bool {
        self.inner.query_transport_allowed(&grant.inner)
    }

    /// The policy document as a plain object.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        to_plain(self.inner.document())
    }
}

/// Parses a scope string or array into a sorted, duplicate-free array.
#[wasm_bindgen(js_name = parseScopes)]
pub fn parse_scopes(scopes: JsValue) -> Result<Vec<String>, JsValue> {
    Ok(scopes_arg("scopes", &scopes)?.to_vec())
}

/// Normalizes a request path the way decisions see it; `options` are a policy's
/// `path_matching` (`allowSemicolons`, `ignoreTrailingSlash`), off by default.
#[wasm_bindgen(js_name = normalizePath)]
pub fn normalize_path(path: JsValue, options: JsValue) -> Result<String, JsValue> {
    let path = string_arg("path", &path)?;
    let matching = crate::PathMatching {
        case_insensitive: false,
        allow_semicolons: flag_arg("allowSemicolons", &get(&options, "allowSemicolons")?)?,
        ignore_trailing_slash: flag_arg(
            "ignoreTrailingSlash",
            &get(&options, "ignoreTrailingSlash")?,
        )?,
    };
    crate::normalize_path_with(&path, &matching)
        .map(|p| p.to_string())
        .map_err(|e| to_js_error(&e))
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
