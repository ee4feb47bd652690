//! Reading JavaScript arguments. Every read that can run JavaScript code (a getter, a proxy trap,
//! `toJSON`, an array element) goes through a binding that catches, and its exception becomes a
//! `ScopegateError` (`invalid_argument`, with the original as `cause`). Nothing thrown can unwind
//! through the WebAssembly frames, so no Rust object is left borrowed (a JavaScript exception
//! escaping a method would leave its object unusable and unfreeable).
//!
//! Reads that run no JavaScript code (`typeof`, `as_string`, `as_f64`, `as_bool`, `instanceof`
//! through wasm-bindgen's catching shim) are used directly.

use crate::prelude::*;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use super::{set, to_js_error};
use crate::{DecodeOptions, Error, ErrorCode, ScopeSet};

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws for a revoked proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array_or_throw(value: &JsValue) -> Result<bool, JsValue>;
}

/// The most scope names an array may hold (a scope string holds at most
/// [`MAX_SCOPE_STRING_LEN`](crate::MAX_SCOPE_STRING_LEN) bytes).
pub(crate) const MAX_SCOPE_ITEMS: usize = 10_000;

/// The most items of any other list argument (algorithms, issuers, audiences, claims).
#[cfg(feature = "verify")]
pub(crate) const MAX_LIST_ITEMS: usize = 1_000;

/// A `ScopegateError` for an exception thrown while reading argument `name`.
pub(crate) fn thrown(name: &str, exception: JsValue) -> JsValue {
    let message = Reflect::get(&exception, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| exception.as_string())
        .unwrap_or_else(|| "an exception".into());
    let error = to_js_error(&Error::new(
        ErrorCode::InvalidArgument,
        format!("reading {name} threw: {message}"),
    ));
    set(&error, "cause", &exception);
    error
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

pub(crate) fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// Property `key` of `object` (`undefined` when `object` is not an object); a throwing getter or
/// proxy trap is an error naming `name.key`.
pub(crate) fn get(object: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    if !object.is_object() {
        return Ok(JsValue::UNDEFINED);
    }
    Reflect::get(object, &JsValue::from_str(key)).map_err(|e| thrown(key, e))
}

/// The items of an array argument, or `None` when `value` is not an array. Arrays longer than
/// `max` are refused (a proxy could claim any length).
pub(crate) fn array_items(
    name: &str,
    value: &JsValue,
    max: usize,
) -> Result<Option<Vec<JsValue>>, JsValue> {
    if !is_array_or_throw(value).map_err(|e| thrown(name, e))? {
        return Ok(None);
    }
    let length = Reflect::get(value, &JsValue::from_str("length"))
        .map_err(|e| thrown(name, e))?
        .as_f64()
        .unwrap_or(0.0);
    if !(0.0..=max as f64).contains(&length) {
        // Formatted as a whole number: formatting an f64 would link ~20 KB of float printing.
        let message = if length > max as f64 {
            format!(
                "{name} has {} items, more than the limit of {max}",
                length as u64
            )
        } else {
            format!("{name} has an invalid length")
        };
        return Err(to_js_error(&Error::new(
            ErrorCode::InvalidArgument,
            message,
        )));
    }
    let mut items = Vec::with_capacity(length as usize);
    for index in 0..length as u32 {
        let item = Reflect::get(value, &JsValue::from(index)).map_err(|e| thrown(name, e))?;
        items.push(item);
    }
    Ok(Some(items))
}

/// Reads a required string argument.
pub(crate) fn string_arg(name: &str, value: &JsValue) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid_argument(name, "a string", value))
}

pub(crate) fn optional_string_arg(name: &str, value: &JsValue) -> Result<Option<String>, JsValue> {
    if is_absent(value) {
        Ok(None)
    } else {
        string_arg(name, value).map(Some)
    }
}

/// Reads an optional boolean (`false` when absent).
pub(crate) fn flag_arg(name: &str, value: &JsValue) -> Result<bool, JsValue> {
    if is_absent(value) {
        return Ok(false);
    }
    value
        .as_bool()
        .ok_or_else(|| invalid_argument(name, "a boolean", value))
}

/// Reads JSON given as text or as a plain object (serialized with `JSON.stringify`, whose
/// exceptions, from a `toJSON` or a getter, are caught).
pub(crate) fn json_text_arg(name: &str, value: &JsValue) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    let expected = "JSON text or an object";
    if !value.is_object() {
        return Err(invalid_argument(name, expected, value));
    }
    js_sys::JSON::stringify(value)
        .map_err(|e| thrown(name, e))?
        .as_string()
        .ok_or_else(|| invalid_argument(name, expected, value))
}

/// Reads scopes given as a space-delimited string or an array of strings.
pub(crate) fn scopes_arg(name: &str, value: &JsValue) -> Result<ScopeSet, JsValue> {
    if let Some(text) = value.as_string() {
        return ScopeSet::parse(&text).map_err(|e| to_js_error(&e));
    }
    let expected = "a scope string or an array of strings";
    let Some(items) = array_items(name, value, MAX_SCOPE_ITEMS)? else {
        return Err(invalid_argument(name, expected, value));
    };
    let list = items
        .iter()
        .map(|item| {
            item.as_string()
                .ok_or_else(|| invalid_argument(name, expected, value))
        })
        .collect::<Result<Vec<String>, JsValue>>()?;
    ScopeSet::from_list(&list).map_err(|e| to_js_error(&e))
}

/// Reads a string or an array of strings (absent: empty).
#[cfg(feature = "verify")]
pub(crate) fn string_list(name: &str, value: &JsValue) -> Result<Vec<String>, JsValue> {
    if is_absent(value) {
        return Ok(Vec::new());
    }
    if let Some(one) = value.as_string() {
        return Ok(vec![one]);
    }
    let expected = "a string or an array of strings";
    let Some(items) = array_items(name, value, MAX_LIST_ITEMS)? else {
        return Err(invalid_argument(name, expected, value));
    };
    items.iter().map(|item| string_arg(name, item)).collect()
}

/// Reads an optional non-negative number of seconds (or of bytes, or items).
pub(crate) fn optional_seconds(name: &str, value: &JsValue) -> Result<Option<u64>, JsValue> {
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

/// [`optional_seconds`], or a duration as jose writes it: a non-negative number, an optional
/// space and a unit (`s`, `sec`, `secs`, `second`, `seconds`, `m`, `min`, `mins`, `minute`,
/// `minutes`, `h`, `hr`, `hrs`, `hour`, `hours`, `d`, `day`, `days`, `w`, `week`, `weeks`, `y`,
/// `yr`, `yrs`, `year`, `years`; any case; a year is 365.25 days), rounded to whole seconds as
/// jose does: `'30s'`, `'5 minutes'`, `'2h'`. Signs and `ago`/`from now` are refused: a
/// tolerance or an age cannot be negative.
#[cfg(feature = "verify")]
pub(crate) fn optional_duration(name: &str, value: &JsValue) -> Result<Option<u64>, JsValue> {
    match value.as_string() {
        Some(text) => duration_seconds(&text).map(Some).ok_or_else(|| {
            invalid_argument(
                name,
                "a non-negative number of seconds or a duration such as '30s', '5 minutes' or '2h'",
                value,
            )
        }),
        None => optional_seconds(name, value),
    }
}

#[cfg(feature = "verify")]
fn duration_seconds(text: &str) -> Option<u64> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit = unit.strip_prefix(' ').unwrap_or(unit).to_ascii_lowercase();
    // Digits, or digits '.' digits.
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let valid = match number.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(number),
    };
    if !valid {
        return None;
    }
    let seconds_per_unit = match unit.as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "week" | "weeks" => 604_800.0,
        "y" | "yr" | "yrs" | "year" | "years" => 31_557_600.0,
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    // Rounded half up, as `Math.round` (the value is not negative); `as` truncates.
    let seconds = value * seconds_per_unit + 0.5;
    (0.0..=9_007_199_254_740_991.0)
        .contains(&seconds)
        .then_some(seconds as u64)
}

/// The time of a `Date`, in milliseconds, read with `Date.prototype.getTime` (not the object's
/// own, possibly replaced, method; a proxy or another object is refused).
fn date_millis(name: &str, value: &JsValue) -> Result<f64, JsValue> {
    let prototype = Reflect::get(&js_sys::Date::new_0(), &JsValue::from_str("getTime"))
        .map_err(|e| thrown(name, e))?;
    let get_time: js_sys::Function = prototype.unchecked_into();
    Reflect::apply(&get_time, value, &js_sys::Array::new())
        .map_err(|_| invalid_argument(name, "a Date", value))?
        .as_f64()
        .ok_or_else(|| invalid_argument(name, "a Date", value))
}

/// Unix seconds from the `Date` argument `name`, or from the JavaScript clock when it is absent.
pub(crate) fn date_seconds(name: &str, value: &JsValue) -> Result<u64, JsValue> {
    let millis = if is_absent(value) {
        js_sys::Date::now()
    } else if value.is_instance_of::<js_sys::Date>() {
        date_millis(name, value)?
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

/// Unix seconds from `options.currentDate` (a `Date`) or, when absent, the JavaScript clock.
pub(crate) fn now_from(options: &JsValue) -> Result<u64, JsValue> {
    date_seconds("currentDate", &get(options, "currentDate")?)
}

/// Reads `{ maxSize, scopeClaim }` decode options.
pub(crate) fn decode_options(options: &JsValue) -> Result<DecodeOptions, JsValue> {
    let mut decode = DecodeOptions::default();
    if let Some(max) = optional_seconds("maxSize", &get(options, "maxSize")?)? {
        decode.max_size = usize::try_from(max).unwrap_or(usize::MAX);
    }
    decode.scope_claim = optional_string_arg("scopeClaim", &get(options, "scopeClaim")?)?;
    Ok(decode)
}

/// The bytes of a `Uint8Array` argument (anything else is refused).
#[cfg(feature = "verify")]
pub(crate) fn uint8_array_arg(name: &str, value: &JsValue) -> Result<Vec<u8>, JsValue> {
    if value.is_instance_of::<js_sys::Uint8Array>() {
        bytes_arg(name, value)
    } else {
        Err(invalid_argument(name, "a Uint8Array", value))
    }
}

/// A copy of a `Uint8Array` argument's bytes, made by the `Uint8Array` constructor (whose
/// exceptions, from a proxy or a detached buffer, are caught).
#[cfg(feature = "verify")]
pub(crate) fn bytes_arg(name: &str, value: &JsValue) -> Result<Vec<u8>, JsValue> {
    let constructor: js_sys::Function = js_sys::Uint8Array::new_with_length(0)
        .constructor()
        .unchecked_into();
    let copy = Reflect::construct(&constructor, &js_sys::Array::of1(value))
        .map_err(|e| thrown(name, e))?;
    Ok(js_sys::Uint8Array::from(copy).to_vec())
}
