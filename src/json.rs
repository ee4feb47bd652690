//! The one JSON reader of the crate: tokens, JWKs, token responses and policy documents are all
//! parsed here, so the WebAssembly modules carry a single JSON parser, and every input refuses a
//! repeated object key the same way.

use crate::prelude::*;
use core::cell::RefCell;
use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// Where a value sits in a JSON document; rendered as a JSON pointer (RFC 6901) only when needed.
#[derive(Clone, Copy)]
pub(crate) enum At<'a> {
    /// The whole document.
    Root,
    /// A member of an object.
    Key(&'a At<'a>, &'a str),
    /// An element of an array.
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    /// The JSON pointer: `""` for the root, `/rules/0/id` for a nested value.
    pub(crate) fn pointer(&self) -> String {
        match self {
            At::Root => String::new(),
            At::Key(parent, key) => format!("{}/{}", parent.pointer(), pointer_token(key)),
            At::Index(parent, index) => format!("{}/{index}", parent.pointer()),
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(crate) fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The kind of a JSON value, for messages ("expected a string, found an array").
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Why JSON text could not be parsed.
#[derive(Debug)]
pub(crate) struct JsonError {
    /// serde_json's description, with the line and column.
    pub(crate) error: serde_json::Error,
    /// For a repeated key: the JSON pointer of the object holding it, and the key.
    pub(crate) duplicate: Option<(String, String)>,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

/// Parses JSON text into a [`Value`], like `serde_json::from_str::<Value>`, except that an object
/// repeating a key is an error at any depth (serde_json would keep the last value; other parsers
/// keep the first), reported with where it is.
pub(crate) fn parse_value(text: &str) -> Result<Value, JsonError> {
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = JsonValue {
        at: &At::Root,
        duplicate: &duplicate,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|error| JsonError {
        error,
        duplicate: duplicate.into_inner(),
    })
}

/// Reads one JSON value at `at` (see [`parse_value`]).
#[derive(Clone, Copy)]
struct JsonValue<'a> {
    at: &'a At<'a>,
    duplicate: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for JsonValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let at = At::Index(self.at, items.len());
            let seed = JsonValue {
                at: &at,
                duplicate: self.duplicate,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let at = At::Key(self.at, &key);
            let value = access.next_value_seed(JsonValue {
                at: &at,
                duplicate: self.duplicate,
            })?;
            match map.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(slot) => {
                    let message = format!("duplicate key {:?}", slot.key());
                    *self.duplicate.borrow_mut() = Some((self.at.pointer(), slot.key().clone()));
                    return Err(de::Error::custom(message));
                }
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_any_depth_with_their_object() {
        let cases = [
            (r#"{"a":1,"a":2}"#, "", "a"),
            (r#"{"a":{"b":1,"b":1}}"#, "/a", "b"),
            (r#"{"a":[1,{"b/c":1,"b/c":1}]}"#, "/a/1", "b/c"),
        ];
        for (text, pointer, key) in cases {
            let error = parse_value(text).unwrap_err();
            assert_eq!(
                error.duplicate,
                Some((pointer.to_string(), key.to_string())),
                "{text}"
            );
        }
        assert!(parse_value(r#"{"a":1,"b":[{"a":2}]}"#).is_ok());
        assert!(parse_value("[1,").unwrap_err().duplicate.is_none());
    }
}
