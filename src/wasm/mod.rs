//! The WebAssembly bindings: a thin adapter that converts between JavaScript values and the core
//! types and delegates every decision to them. No policy logic lives here.
//!
//! JavaScript sees camelCase names, plain-object results, and one error class (`ScopegateError`,
//! registered by the package's loader) carrying the same stable `code` as the Rust [`Error`].

use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, ErrorCode, Grant, Policy, ScopeSet};

#[cfg(feature = "wasm-runtime")]
mod runtime;
mod session;

#[cfg(feature = "std")]
std::thread_local! {
    /// The JavaScript `ScopegateError` class, registered once by the loader.
    static ERROR_CLASS: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// The JavaScript `ScopegateError` class, registered once by the loader.
#[cfg(not(feature = "std"))]
static ERROR_CLASS: SingleThreaded<RefCell<Option<js_sys::Function>>> =
    SingleThreaded(RefCell::new(None));

/// What `thread_local!` gives, for builds without `std`: a wasm32 module built without the
/// `atomics` target feature runs on a single thread, so its statics are never shared.
#[cfg(not(feature = "std"))]
struct SingleThreaded<T>(T);

// SAFETY: without the `atomics` target feature (refused below) a wasm32 module has one thread.
#[cfg(not(feature = "std"))]
unsafe impl<T> Sync for SingleThreaded<T> {}

#[cfg(all(not(feature = "std"), target_feature = "atomics"))]
compile_error!("a wasm32 build with the `atomics` target feature needs the `std` feature");

#[cfg(not(feature = "std"))]
impl<T> SingleThreaded<T> {
    fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

/// Registers the JavaScript class that errors are instances of (called by the package loader).
#[wasm_bindgen(js_name = registerErrorClass)]
pub fn register_error_class(class: js_sys::Function) {
    ERROR_CLASS.with(|slot| *slot.borrow_mut() = Some(class));
}

pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object or error cannot fail; ignore the impossible.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn optional_string(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// Converts an [`Error`] into a thrown JavaScript `ScopegateError`.
pub(crate) fn to_js_error(error: &Error) -> JsValue {
    let message = JsValue::from_str(error.message());
    let constructed = ERROR_CLASS.with(|slot| {
        slot.borrow()
            .as_ref()
            .and_then(|class| Reflect::construct(class, &Array::of1(&message)).ok())
    });
    let js = constructed.unwrap_or_else(|| {
        let plain = js_sys::Error::new(error.message());
        plain.set_name("ScopegateError");
        plain.into()
    });
    set(&js, "code", &JsValue::from_str(error.code().as_str()));
    set(&js, "pointer", &optional_string(error.pointer()));
    set(&js, "claim", &optional_string(error.claim()));
    let problems = Array::new();
    for problem in error.problems() {
        let item = Object::new();
        set(&item, "code", &JsValue::from_str(problem.code().as_str()));
        set(&item, "message", &JsValue::from_str(problem.message()));
        set(&item, "pointer", &optional_string(problem.pointer()));
        problems.push(&item);
    }
    set(&js, "problems", &problems);
    js
}

pub(crate) fn invalid_argument(name: &str, expected: &str, value: &JsValue) -> JsValue {
    let found = value.js_typeof().as_string().unwrap_or_default();
    let found = if value.is_null() {
        "null".into()
    } else {
        found
    };
    to_js_error(&Error::new(
        ErrorCode::InvalidArgument,
        format!("{name} must be {expected}, not {found}"),
    ))
}

/// Reads a required string argument.
pub(crate) fn string_arg(name: &str, value: &JsValue) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid_argument(name, "a string", value))
}

/// Reads JSON given as text or as a plain object (serialized with `JSON.stringify`).
pub(crate) fn json_text_arg(name: &str, value: &JsValue) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    let expected = "JSON text or an object";
    if !value.is_object() {
        return Err(invalid_argument(name, expected, value));
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid_argument(name, expected, value))
}

/// Reads scopes given as a space-delimited string or an array of strings.
pub(crate) fn scopes_arg(name: &str, value: &JsValue) -> Result<ScopeSet, JsValue> {
    if let Some(text) = value.as_string() {
        return ScopeSet::parse(&text).map_err(|e| to_js_error(&e));
    }
    if Array::is_array(value) {
        let items = Array::from(value);
        let mut list = Vec::with_capacity(items.length() as usize);
        for item in items.iter() {
            list.push(item.as_string().ok_or_else(|| {
                invalid_argument(name, "a scope string or an array of strings", value)
            })?);
        }
        return ScopeSet::from_list(&list).map_err(|e| to_js_error(&e));
    }
    Err(invalid_argument(
        name,
        "a scope string or an array of strings",
        value,
    ))
}

/// Serializes a result into a plain JavaScript object (not a `Map`).
///
/// With `std`, serde-wasm-bindgen builds the object directly. A build without `std` (the lite
/// module; serde-wasm-bindgen needs `std`) writes JSON text and calls `JSON.parse`, which is
/// smaller but slower (a `decide` result in Node: 7.3 µs against 5.5 µs). Both give the same
/// objects: results hold no integer beyond 2^53 except in JSON claims, which go through
/// [`JsNumbers`].
pub(crate) fn to_plain<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    #[cfg(feature = "std")]
    let plain = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok();
    #[cfg(not(feature = "std"))]
    let plain = serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok());
    plain.ok_or_else(conversion_error)
}

/// The error of [`to_plain`], kept out of its many instances. It does not happen: every result
/// has string keys and JavaScript numbers (see [`JsNumbers`]), and `JSON.parse` reads what
/// serde_json writes.
#[inline(never)]
fn conversion_error() -> JsValue {
    to_js_error(&Error::new(
        ErrorCode::InvalidArgument,
        "cannot convert the result for JavaScript",
    ))
}

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

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// Loads and compiles a policy from JSON text or a plain object.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: JsValue) -> Result<JsPolicy, JsValue> {
        let json = json_text_arg("policy", &policy)?;
        Policy::from_json(&json)
            .map(|inner| JsPolicy {
                inner: Rc::new(inner),
            })
            .map_err(|e| to_js_error(&e))
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

    /// The full decision for `method path`, as a plain object.
    ///
    /// `method` and `path` come as `&str` (one copy into wasm memory, no call back into
    /// JavaScript); the package's loader checks that they are strings first (`checks.js`).
    pub fn decide(&self, method: &str, path: &str, grant: &JsGrant) -> Result<JsValue, JsValue> {
        to_plain(&self.inner.decide(method, path, &grant.inner))
    }

    /// Whether `grant` may call `method path` (the fast path; strings checked as for `decide`).
    pub fn allows(&self, method: &str, path: &str, grant: &JsGrant) -> bool {
        self.inner.allows(method, path, &grant.inner)
    }

    /// Decides `[method, path]` pairs for one grant.
    #[wasm_bindgen(js_name = decideAll)]
    pub fn decide_all(&self, requests: JsValue, grant: &JsGrant) -> Result<JsValue, JsValue> {
        if !Array::is_array(&requests) {
            return Err(invalid_argument(
                "requests",
                "an array of [method, path] pairs",
                &requests,
            ));
        }
        let mut pairs = Vec::new();
        for pair in Array::from(&requests).iter() {
            if !Array::is_array(&pair) {
                return Err(invalid_argument(
                    "each request",
                    "a [method, path] array",
                    &pair,
                ));
            }
            let pair = Array::from(&pair);
            pairs.push((
                string_arg("method", &pair.get(0))?,
                string_arg("path", &pair.get(1))?,
            ));
        }
        to_plain(&self.inner.decide_all(pairs, &grant.inner))
    }

    /// The `allow` rules the grant satisfies.
    #[wasm_bindgen(js_name = allowedRules)]
    pub fn allowed_rules(&self, grant: &JsGrant) -> Result<JsValue, JsValue> {
        to_plain(&self.inner.allowed_rules(&grant.inner))
    }

    /// The minimal scope sets that would allow `method path`.
    #[wasm_bindgen(js_name = scopesFor)]
    pub fn scopes_for(&self, method: JsValue, path: JsValue) -> Result<JsValue, JsValue> {
        let method = string_arg("method", &method)?;
        let path = string_arg("path", &path)?;
        let sets = self
            .inner
            .scopes_for(&method, &path)
            .map_err(|e| to_js_error(&e))?;
        to_plain(&sets)
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
    let flag = |name: &str| -> Result<bool, JsValue> {
        let value = get(&options, name);
        if is_absent(&value) {
            return Ok(false);
        }
        value
            .as_bool()
            .ok_or_else(|| invalid_argument(name, "a boolean", &value))
    };
    let matching = crate::PathMatching {
        case_insensitive: false,
        allow_semicolons: flag("allowSemicolons")?,
        ignore_trailing_slash: flag("ignoreTrailingSlash")?,
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

// ---- Tokens ------------------------------------------------------------------------------------

/// A JSON value whose numbers all serialize as JavaScript numbers: integers beyond
/// `Number.MAX_SAFE_INTEGER` (which a JWT claim may hold) become the nearest `f64`, as
/// `JSON.parse` reads them, where serde-wasm-bindgen would refuse them.
pub(crate) struct JsNumbers<'a, T: ?Sized>(pub(crate) &'a T);

impl Serialize for JsNumbers<'_, serde_json::Value> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde_json::Value;
        /// `Number.MAX_SAFE_INTEGER`.
        const MAX_SAFE: u64 = (1 << 53) - 1;
        match self.0 {
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) if u > MAX_SAFE => serializer.serialize_f64(u as f64),
                (None, Some(i)) if i.unsigned_abs() > MAX_SAFE => {
                    serializer.serialize_f64(i as f64)
                }
                _ => n.serialize(serializer),
            },
            Value::Array(items) => serializer.collect_seq(items.iter().map(JsNumbers)),
            Value::Object(members) => JsNumbers(members).serialize(serializer),
            other => other.serialize(serializer),
        }
    }
}

impl Serialize for JsNumbers<'_, serde_json::Map<String, serde_json::Value>> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, JsNumbers(v))))
    }
}

/// A token as JavaScript sees it (camelCase, unix seconds).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsToken<'a> {
    header: JsNumbers<'a, serde_json::Map<String, serde_json::Value>>,
    claims: JsNumbers<'a, serde_json::Map<String, serde_json::Value>>,
    scopes: &'a ScopeSet,
    subject: Option<&'a str>,
    issuer: Option<&'a str>,
    audience: &'a [String],
    client_id: Option<&'a str>,
    jwt_id: Option<&'a str>,
    expires_at: Option<u64>,
    issued_at: Option<u64>,
    not_before: Option<u64>,
}

fn token_to_js(token: &crate::Token) -> Result<JsValue, JsValue> {
    to_plain(&JsToken {
        header: JsNumbers(token.header()),
        claims: JsNumbers(token.claims()),
        scopes: token.scopes(),
        subject: token.subject(),
        issuer: token.issuer(),
        audience: token.audience(),
        client_id: token.client_id(),
        jwt_id: token.jwt_id(),
        expires_at: token.expires_at(),
        issued_at: token.issued_at(),
        not_before: token.not_before(),
    })
}

pub(crate) fn get(object: &JsValue, key: &str) -> JsValue {
    if object.is_object() {
        Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

pub(crate) fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

pub(crate) fn optional_string_arg(name: &str, value: &JsValue) -> Result<Option<String>, JsValue> {
    if is_absent(value) {
        Ok(None)
    } else {
        string_arg(name, value).map(Some)
    }
}

fn optional_seconds(name: &str, value: &JsValue) -> Result<Option<u64>, JsValue> {
    if is_absent(value) {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if (0.0..=9_007_199_254_740_991.0).contains(&n) => Ok(Some(n as u64)),
        _ => Err(invalid_argument(
            name,
            "a non-negative number of seconds",
            value,
        )),
    }
}

/// Unix seconds from `currentDate` (a `Date`) or, when absent, the JavaScript clock.
pub(crate) fn now_from(options: &JsValue) -> Result<u64, JsValue> {
    date_seconds("currentDate", &get(options, "currentDate"))
}

/// Unix seconds from the `Date` argument `name`, or from the JavaScript clock when it is absent.
pub(crate) fn date_seconds(name: &str, value: &JsValue) -> Result<u64, JsValue> {
    let millis = if is_absent(value) {
        js_sys::Date::now()
    } else if value.is_instance_of::<js_sys::Date>() {
        js_sys::Date::from(value.clone()).get_time()
    } else {
        return Err(invalid_argument(name, "a Date", value));
    };
    if millis.is_finite() && millis >= 0.0 {
        // Non-negative: `as` truncates, which is the floor.
        Ok((millis / 1000.0) as u64)
    } else {
        Err(invalid_argument(name, "a valid Date", value))
    }
}

/// Reads `{ maxSize, scopeClaim }` decode options.
pub(crate) fn decode_options(options: &JsValue) -> Result<crate::DecodeOptions, JsValue> {
    let mut decode = crate::DecodeOptions::default();
    if let Some(max) = optional_seconds("maxSize", &get(options, "maxSize"))? {
        decode.max_size = usize::try_from(max).unwrap_or(usize::MAX);
    }
    decode.scope_claim = optional_string_arg("scopeClaim", &get(options, "scopeClaim"))?;
    Ok(decode)
}

/// Decodes a JWT **without verifying anything** (for UIs that only display or gate on it).
#[wasm_bindgen(js_name = decodeUnverified)]
pub fn decode_unverified(token: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let token = string_arg("token", &token)?;
    let options = decode_options(&options)?;
    let decoded = crate::decode_unverified_with(&token, &options).map_err(|e| to_js_error(&e))?;
    token_to_js(&decoded)
}

/// Parses an OAuth2 token endpoint response (RFC 6749 §5.1; §5.2 errors are thrown). `requested`
/// gives the granted scopes when the response has no `scope`.
#[wasm_bindgen(js_name = parseTokenResponse)]
pub fn parse_token_response(body: JsValue, requested: JsValue) -> Result<JsValue, JsValue> {
    let body = json_text_arg("body", &body)?;
    let requested = if is_absent(&requested) {
        None
    } else {
        Some(scopes_arg("requested", &requested)?)
    };
    let response = crate::TokenResponse::from_json(&body).map_err(|e| to_js_error(&e))?;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct JsTokenResponse<'a> {
        access_token: &'a str,
        token_type: &'a str,
        expires_in: Option<f64>,
        refresh_token: Option<&'a str>,
        scopes: ScopeSet,
        scope_in_response: bool,
    }
    to_plain(&JsTokenResponse {
        access_token: response.access_token(),
        token_type: response.token_type(),
        // A JavaScript number, like `expires_in` in the response (which may exceed 2^53).
        expires_in: response.expires_in().map(|seconds| seconds as f64),
        refresh_token: response.refresh_token(),
        scopes: response.scopes(requested.as_ref()),
        scope_in_response: response.scope().is_some(),
    })
}

/// Finds the bearer token of a request (RFC 6750): `{ token, source: "header" | "query" }`, or
/// `null` when there is none.
#[wasm_bindgen(js_name = bearerToken)]
pub fn bearer_token(authorization: JsValue, query: JsValue) -> Result<JsValue, JsValue> {
    let authorization = optional_string_arg("authorization", &authorization)?;
    let query = optional_string_arg("query", &query)?;
    let found = crate::bearer_token(authorization.as_deref(), query.as_deref())
        .map_err(|e| to_js_error(&e))?;
    match found {
        Some(found) => to_plain(&found),
        None => Ok(JsValue::NULL),
    }
}

#[cfg(feature = "verify")]
mod verification {
    use super::*;
    use crate::{
        Algorithm, Authorization, KeySet, RequestParts, TokenCache, Verifier, VerifyOptions,
    };

    fn string_list(name: &str, value: &JsValue) -> Result<Vec<String>, JsValue> {
        if is_absent(value) {
            return Ok(Vec::new());
        }
        if let Some(one) = value.as_string() {
            return Ok(vec![one]);
        }
        if Array::is_array(value) {
            return Array::from(value)
                .iter()
                .map(|item| string_arg(name, &item))
                .collect();
        }
        Err(invalid_argument(
            name,
            "a string or an array of strings",
            value,
        ))
    }

    /// The ways to give keys; exactly one of them.
    const KEY_FORMS: [&str; 4] = ["secret", "pem", "jwk", "jwks"];

    fn key_set(keys: &JsValue) -> Result<KeySet, JsValue> {
        let given: Vec<&str> = KEY_FORMS
            .into_iter()
            .filter(|form| !is_absent(&get(keys, form)))
            .collect();
        if given.len() > 1 {
            return Err(to_js_error(&Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "keys has both `{}` and `{}`: give exactly one of secret, pem, jwk or jwks",
                    given.first().copied().unwrap_or_default(),
                    given.get(1).copied().unwrap_or_default()
                ),
            )));
        }
        let secret = get(keys, "secret");
        let result = if !is_absent(&secret) {
            if let Some(text) = secret.as_string() {
                KeySet::hmac_secret(text.as_bytes())
            } else if secret.is_instance_of::<js_sys::Uint8Array>() {
                KeySet::hmac_secret(&js_sys::Uint8Array::from(secret).to_vec())
            } else {
                return Err(invalid_argument(
                    "keys.secret",
                    "a string or a Uint8Array",
                    &secret,
                ));
            }
        } else if !is_absent(&get(keys, "pem")) {
            KeySet::from_pem(&string_arg("keys.pem", &get(keys, "pem"))?)
        } else if !is_absent(&get(keys, "jwk")) {
            KeySet::from_jwk(&json_text_arg("keys.jwk", &get(keys, "jwk"))?)
        } else if !is_absent(&get(keys, "jwks")) {
            KeySet::from_jwks(&json_text_arg("keys.jwks", &get(keys, "jwks"))?)
        } else {
            return Err(invalid_argument(
                "keys",
                "an object with one of secret, pem, jwk or jwks",
                keys,
            ));
        };
        let keys_set = result.map_err(|e| to_js_error(&e))?;
        match optional_string_arg("keys.kid", &get(keys, "kid"))? {
            Some(kid) => Ok(keys_set.with_key_id(kid)),
            None => Ok(keys_set),
        }
    }

    fn verify_options(options: &JsValue) -> Result<VerifyOptions, JsValue> {
        let mut algorithms = Vec::new();
        for name in string_list("algorithms", &get(options, "algorithms"))? {
            algorithms.push(Algorithm::parse(&name).map_err(|e| to_js_error(&e))?);
        }
        let mut verify = VerifyOptions::new(algorithms);
        verify.issuer = string_list("issuer", &get(options, "issuer"))?;
        verify.audience = string_list("audience", &get(options, "audience"))?;
        let required = get(options, "requiredClaims");
        if !is_absent(&required) {
            verify.required_claims = string_list("requiredClaims", &required)?;
        }
        verify.token_type = optional_string_arg("typ", &get(options, "typ"))?;
        if let Some(leeway) = optional_seconds("clockTolerance", &get(options, "clockTolerance"))? {
            verify.clock_tolerance = leeway;
        }
        verify.max_token_age = optional_seconds("maxTokenAge", &get(options, "maxTokenAge"))?;
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
            let cache = optional_seconds("cacheSize", &get(&options, "cacheSize"))?
                .filter(|&size| size > 0)
                .map(|size| {
                    RefCell::new(TokenCache::new(usize::try_from(size).unwrap_or(usize::MAX)))
                });
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
        pub fn subject(&self) -> Option<String> {
            self.inner.token.subject().map(str::to_string)
        }

        /// The token's `client_id`.
        #[wasm_bindgen(getter, js_name = clientId)]
        pub fn client_id(&self) -> Option<String> {
            self.inner.token.client_id().map(str::to_string)
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
}

/// The size in bytes of the module's linear memory (to check that long runs do not leak).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length() as f64
}
