//! The WebAssembly bindings: a thin adapter that converts between JavaScript values and the core
//! types and delegates every decision to them. No policy logic lives here. One file per exported
//! area: [`policy`] (Policy, Grant, paths and scopes), [`tokens`] (decoding, token responses,
//! bearer tokens), [`verify`] (Verifier, Authorization), [`session`] (Session), with the argument
//! readers in [`args`] and, for the `no_std` lite module, [`runtime`].
//!
//! JavaScript sees camelCase names, plain-object results, and one error class (`ScopegateError`,
//! registered by the package's loader) carrying the same stable `code` as the Rust [`Error`].

use crate::prelude::*;
use core::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, ErrorCode};

mod args;
mod policy;
#[cfg(feature = "wasm-runtime")]
mod runtime;
mod session;
mod tokens;
#[cfg(feature = "verify")]
mod verify;

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

/// The size in bytes of the module's linear memory (to check that long runs do not leak).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length() as f64
}
