//! The WebAssembly bindings: a thin adapter that converts between JavaScript values and the core
//! types and delegates every decision to them. No policy logic lives here. One file per exported
//! area: [`policy`] (Policy, Grant, paths and scopes), [`tokens`] (decoding, token responses,
//! bearer tokens), [`verify`] (Verifier, Authorization), [`session`] (Session), with the argument
//! readers in [`args`] and, for the `no_std` lite module, [`runtime`].
//!
//! JavaScript sees camelCase names, plain-object results, and one error class (`ScopegateError`,
//! registered by the package's loader) carrying the same stable `code` as the Rust [`Error`].

use core::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, ErrorCode};

#[cfg(feature = "verify")]
mod answer;
mod args;
mod exchange;
mod policy;
#[cfg(feature = "wasm-runtime")]
mod runtime;
mod session;
mod tokens;
#[cfg(feature = "verify")]
mod verify;

/// The JavaScript `ScopegateError` class, registered once by the loader.
static ERROR_CLASS: Shared<RefCell<Option<js_sys::Function>>> = Shared(RefCell::new(None));

/// Module state (`thread_local!` without `std`): a wasm32 module built without the `atomics`
/// target feature runs on a single thread, so its statics are never shared.
pub(crate) struct Shared<T>(T);

// SAFETY: without the `atomics` target feature (refused below) a wasm32 module has one thread.
unsafe impl<T> Sync for Shared<T> {}

#[cfg(target_feature = "atomics")]
compile_error!("scopegate's WebAssembly bindings are single-threaded: build without `atomics`");

impl<T> Shared<T> {
    pub(crate) fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
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

/// A string or `null` (absent values are `null` in every JavaScript result).
pub(crate) fn nullable_string(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
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
    set(&js, "pointer", &nullable_string(error.pointer()));
    set(&js, "claim", &nullable_string(error.claim()));
    let problems = Array::new();
    for problem in error.problems() {
        let item = Object::new();
        set(&item, "code", &JsValue::from_str(problem.code().as_str()));
        set(&item, "message", &JsValue::from_str(problem.message()));
        set(&item, "pointer", &nullable_string(problem.pointer()));
        problems.push(&item);
    }
    set(&js, "problems", &problems);
    js
}

/// Serializes a result into a plain JavaScript object: JSON text written by serde_json and read
/// by the engine's `JSON.parse`, which builds the whole object natively in one call (converting
/// field by field through serde-wasm-bindgen crossed the boundary once per field and string, and
/// linked a second serializer for every result type). Integers beyond `Number.MAX_SAFE_INTEGER`
/// (a JWT claim may hold one) become the nearest `f64`, as `JSON.parse` reads them anywhere.
pub(crate) fn to_plain<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .ok_or_else(conversion_error)
}

/// The error of [`to_plain`], kept out of its many instances. It does not happen: every result
/// has string keys, and `JSON.parse` reads what serde_json writes.
#[inline(never)]
pub(crate) fn conversion_error() -> JsValue {
    to_js_error(&Error::new(
        ErrorCode::InvalidArgument,
        "cannot convert the result for JavaScript",
    ))
}

/// The size in bytes of the module's linear memory (to check that long runs do not leak).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length() as f64
}
