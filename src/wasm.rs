//! The WebAssembly bindings: a thin adapter that converts between JavaScript values and the core
//! types and delegates every decision to them. No policy logic lives here.
//!
//! JavaScript sees camelCase names, plain-object results, and one error class (`ScopegateError`,
//! registered by the package's loader) carrying the same stable `code` as the Rust [`Error`].

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, ErrorCode, Grant, Policy, ScopeSet};

thread_local! {
    /// The JavaScript `ScopegateError` class, registered once by the loader.
    static ERROR_CLASS: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Registers the JavaScript class that errors are instances of (called by the package loader).
#[wasm_bindgen(js_name = registerErrorClass)]
pub fn register_error_class(class: js_sys::Function) {
    ERROR_CLASS.with(|slot| *slot.borrow_mut() = Some(class));
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
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

fn invalid_argument(name: &str, expected: &str, value: &JsValue) -> JsValue {
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
pub(crate) fn to_plain<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| {
        to_js_error(&Error::new(
            ErrorCode::InvalidArgument,
            format!("cannot convert the result for JavaScript: {e}"),
        ))
    })
}

/// A compiled policy (JavaScript class `Policy`).
#[wasm_bindgen(js_name = Policy)]
pub struct JsPolicy {
    inner: Policy,
}

/// The scopes a token holds under a policy (JavaScript class `Grant`).
#[wasm_bindgen(js_name = Grant)]
pub struct JsGrant {
    inner: Grant,
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
    pub(crate) fn core(&self) -> &Grant {
        &self.inner
    }

    pub(crate) fn from_core(inner: Grant) -> Self {
        JsGrant { inner }
    }
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// Loads and compiles a policy from JSON text or a plain object.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: JsValue) -> Result<JsPolicy, JsValue> {
        let json = match policy.as_string() {
            Some(text) => text,
            None if policy.is_object() => js_sys::JSON::stringify(&policy)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| invalid_argument("policy", "JSON text or an object", &policy))?,
            None => {
                return Err(invalid_argument(
                    "policy",
                    "JSON text or an object",
                    &policy,
                ))
            }
        };
        Policy::from_json(&json)
            .map(|inner| JsPolicy { inner })
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
    pub fn decide(
        &self,
        method: JsValue,
        path: JsValue,
        grant: &JsGrant,
    ) -> Result<JsValue, JsValue> {
        let method = string_arg("method", &method)?;
        let path = string_arg("path", &path)?;
        to_plain(&self.inner.decide(&method, &path, &grant.inner))
    }

    /// Whether `grant` may call `method path` (the fast path).
    pub fn allows(&self, method: JsValue, path: JsValue, grant: &JsGrant) -> Result<bool, JsValue> {
        let method = string_arg("method", &method)?;
        let path = string_arg("path", &path)?;
        Ok(self.inner.allows(&method, &path, &grant.inner))
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

impl JsPolicy {
    pub(crate) fn core(&self) -> &Policy {
        &self.inner
    }
}

/// Parses a scope string or array into a sorted, duplicate-free array.
#[wasm_bindgen(js_name = parseScopes)]
pub fn parse_scopes(scopes: JsValue) -> Result<Vec<String>, JsValue> {
    Ok(scopes_arg("scopes", &scopes)?.to_vec())
}

/// Normalizes a request path the way decisions see it.
#[wasm_bindgen(js_name = normalizePath)]
pub fn normalize_path(path: JsValue) -> Result<String, JsValue> {
    let path = string_arg("path", &path)?;
    crate::normalize_path(&path)
        .map(|p| p.to_string())
        .map_err(|e| to_js_error(&e))
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
