//! The policy document: the JSON file (format version 1) that the backend, the browser and the
//! edge all load, as plain serde types, and its structural checks.
//!
//! The types here are data only; [`Policy`](crate::Policy) validates and compiles them. Loading from
//! JSON walks the document once and reports *every* structural problem (unknown field, wrong type,
//! missing field, bad enum value) with its JSON pointer before any semantic check runs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};

/// The policy format version this release reads and writes.
pub const POLICY_VERSION: u32 = 1;

/// A policy document, as written in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// Optional JSON Schema reference for editors (`policy.schema.json`).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Format version; must be `1`.
    pub version: u32,
    /// The API's name.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Every scope the API defines, by name.
    pub scopes: BTreeMap<String, ScopeDefinition>,
    /// Named sets of scopes (a role name may be requested or held like a scope).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, Vec<String>>,
    /// What a client gets when it requests no scope.
    pub default_scopes: DefaultScopes,
    /// What happens to requested scopes the policy does not define.
    #[serde(default)]
    pub unknown_scopes: UnknownScopes,
    /// Where tokens may travel.
    #[serde(default)]
    pub transport: Transport,
    /// The endpoint rules, in order.
    pub rules: Vec<RuleDefinition>,
}

/// The definition of one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeDefinition {
    /// What the scope grants, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Who the scope is meant for; drives the data range of decisions.
    #[serde(default)]
    pub subject: Subject,
    /// `false` when a token carrying this scope must never reach a browser.
    #[serde(default = "default_true")]
    pub client_safe: bool,
    /// Scopes that holding this one also grants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implies: Vec<String>,
}

fn default_true() -> bool {
    true
}

/// Who a scope is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// An end user: results are restricted to the caller's own resources (data range `own`).
    EndUser,
    /// A machine client: no restriction (data range `all`).
    Machine,
    /// Either; no restriction of its own (data range `all`).
    #[default]
    Any,
}

/// The scopes granted when a client requests none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultScopes {
    /// `"all"`: every scope the user holds (the banking API's rule).
    All,
    /// A list of scopes or roles, intersected with what the user holds (the partner API: `["base"]`).
    List(Vec<String>),
}

impl Serialize for DefaultScopes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            DefaultScopes::All => serializer.serialize_str("all"),
            DefaultScopes::List(list) => list.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for DefaultScopes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DefaultScopesVisitor;

        impl<'de> serde::de::Visitor<'de> for DefaultScopesVisitor {
            type Value = DefaultScopes;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"all\" or a list of scopes")
            }

            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<DefaultScopes, E> {
                if word == "all" {
                    Ok(DefaultScopes::All)
                } else {
                    Err(E::custom(format!(
                        "default_scopes must be \"all\" or a list, not {word:?}"
                    )))
                }
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<DefaultScopes, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    list.push(item);
                }
                Ok(DefaultScopes::List(list))
            }
        }

        deserializer.deserialize_any(DefaultScopesVisitor)
    }
}

/// What happens to requested scopes the policy does not define.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownScopes {
    /// Leave them out of the grant and report them as dropped.
    #[default]
    Drop,
    /// Refuse the whole request with `invalid_scope`.
    Reject,
}

/// Where tokens may travel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transport {
    /// Scopes whose tokens may travel in a URL query (`?access_token=`). A token may travel there
    /// only when *every* scope it carries is listed; all others go in the `Authorization` header.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<String>,
}

/// What a rule does when it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Allows the request when its scope condition is satisfied.
    #[default]
    Allow,
    /// Refuses the request when its scope condition is satisfied (an empty condition always is).
    Deny,
}

/// One endpoint rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDefinition {
    /// A unique id, reported in decisions.
    pub id: String,
    /// HTTP methods (case-sensitive), or `"*"` for any.
    pub methods: Vec<String>,
    /// Path patterns the rule covers.
    pub paths: Vec<String>,
    /// Path patterns excluded from `paths`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
    /// The grant must hold at least one of these scopes (when the list is not empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<String>,
    /// The grant must hold all of these scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_of: Vec<String>,
    /// `allow` (the default) or `deny`.
    #[serde(default)]
    pub effect: Effect,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A value that does not fit its field, located at the document root.
fn value_error(error: &serde_json::Error) -> Error {
    Error::new(ErrorCode::InvalidValue, error.to_string()).at("")
}

/// Escapes one reference token of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(crate) fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Walks a JSON value along the shape of [`PolicyDocument`], collecting every structural problem.
struct ShapeCheck {
    problems: Vec<Error>,
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl ShapeCheck {
    fn problem(&mut self, code: ErrorCode, pointer: &str, message: String) {
        self.problems.push(Error::new(code, message).at(pointer));
    }

    fn wrong_type(&mut self, pointer: &str, expected: &str, value: &Value) {
        let message = format!("expected {expected}, found {}", type_name(value));
        self.problem(ErrorCode::InvalidType, pointer, message);
    }

    /// Checks an object's fields; returns it when it is an object.
    fn object<'v>(
        &mut self,
        value: &'v Value,
        pointer: &str,
        known: &[&str],
        required: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = value else {
            self.wrong_type(pointer, "an object", value);
            return None;
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let message = format!(
                    "unknown field {key:?}; expected one of: {}",
                    known.join(", ")
                );
                let at = format!("{pointer}/{}", pointer_token(key));
                self.problem(ErrorCode::UnknownField, &at, message);
            }
        }
        for key in required {
            if !map.contains_key(*key) {
                self.problem(
                    ErrorCode::MissingField,
                    pointer,
                    format!("missing required field {key:?}"),
                );
            }
        }
        Some(map)
    }

    fn string(&mut self, value: &Value, pointer: &str) {
        if !value.is_string() {
            self.wrong_type(pointer, "a string", value);
        }
    }

    fn string_list(&mut self, value: &Value, pointer: &str) {
        let Value::Array(items) = value else {
            self.wrong_type(pointer, "an array of strings", value);
            return;
        };
        for (i, item) in items.iter().enumerate() {
            self.string(item, &format!("{pointer}/{i}"));
        }
    }

    fn one_of(&mut self, value: &Value, pointer: &str, allowed: &[&str]) {
        match value.as_str() {
            Some(s) if allowed.contains(&s) => {}
            Some(s) => {
                let message = format!("{s:?} is not one of: {}", allowed.join(", "));
                self.problem(ErrorCode::InvalidValue, pointer, message);
            }
            None => self.wrong_type(pointer, "a string", value),
        }
    }

    fn document(&mut self, value: &Value) {
        let Some(map) = self.object(
            value,
            "",
            &[
                "$schema",
                "version",
                "name",
                "description",
                "scopes",
                "roles",
                "default_scopes",
                "unknown_scopes",
                "transport",
                "rules",
            ],
            &["version", "name", "scopes", "default_scopes", "rules"],
        ) else {
            return;
        };
        for (key, field) in map {
            let at = format!("/{}", pointer_token(key));
            match key.as_str() {
                "$schema" | "name" | "description" => self.string(field, &at),
                "version" if !field.is_u64() => self.wrong_type(&at, "a positive integer", field),
                "scopes" => self.scopes(field, &at),
                "roles" => self.roles(field, &at),
                "default_scopes" => match field {
                    Value::String(_) => self.one_of(field, &at, &["all"]),
                    Value::Array(_) => self.string_list(field, &at),
                    other => self.wrong_type(&at, "\"all\" or an array of strings", other),
                },
                "unknown_scopes" => self.one_of(field, &at, &["drop", "reject"]),
                "transport" => {
                    if let Some(transport) = self.object(field, &at, &["query"], &[]) {
                        if let Some(query) = transport.get("query") {
                            self.string_list(query, &format!("{at}/query"));
                        }
                    }
                }
                "rules" => self.rules(field, &at),
                _ => {}
            }
        }
    }

    fn scopes(&mut self, value: &Value, pointer: &str) {
        let Value::Object(map) = value else {
            self.wrong_type(pointer, "an object of scope definitions", value);
            return;
        };
        for (name, definition) in map {
            let at = format!("{pointer}/{}", pointer_token(name));
            let known = ["description", "subject", "client_safe", "implies"];
            let Some(fields) = self.object(definition, &at, &known, &[]) else {
                continue;
            };
            for (key, field) in fields {
                let field_at = format!("{at}/{}", pointer_token(key));
                match key.as_str() {
                    "description" => self.string(field, &field_at),
                    "subject" => self.one_of(field, &field_at, &["end_user", "machine", "any"]),
                    "client_safe" if !field.is_boolean() => {
                        self.wrong_type(&field_at, "a boolean", field)
                    }
                    "implies" => self.string_list(field, &field_at),
                    _ => {}
                }
            }
        }
    }

    fn roles(&mut self, value: &Value, pointer: &str) {
        let Value::Object(map) = value else {
            self.wrong_type(pointer, "an object of scope lists", value);
            return;
        };
        for (name, members) in map {
            self.string_list(members, &format!("{pointer}/{}", pointer_token(name)));
        }
    }

    fn rules(&mut self, value: &Value, pointer: &str) {
        let Value::Array(rules) = value else {
            self.wrong_type(pointer, "an array of rules", value);
            return;
        };
        let known = [
            "id",
            "methods",
            "paths",
            "except",
            "any_of",
            "all_of",
            "effect",
            "description",
        ];
        for (i, rule) in rules.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            let Some(fields) = self.object(rule, &at, &known, &["id", "methods", "paths"]) else {
                continue;
            };
            for (key, field) in fields {
                let field_at = format!("{at}/{}", pointer_token(key));
                match key.as_str() {
                    "id" | "description" => self.string(field, &field_at),
                    "methods" | "paths" | "except" | "any_of" | "all_of" => {
                        self.string_list(field, &field_at)
                    }
                    "effect" => self.one_of(field, &field_at, &["allow", "deny"]),
                    _ => {}
                }
            }
        }
    }
}

impl PolicyDocument {
    /// Parses a policy document from JSON, reporting every structural problem at once as an
    /// [`ErrorCode::InvalidPolicy`] error (JSON syntax errors as [`ErrorCode::InvalidJson`]).
    /// Semantic checks (unknown scopes, cycles, patterns, ...) happen when a
    /// [`Policy`](crate::Policy) is built from the document.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        // The common case, a well-formed document, is read straight into the types; the walk that
        // names every problem runs only when that fails.
        match serde_json::from_str::<PolicyDocument>(json) {
            Ok(document) => Ok(document),
            Err(typed_error) => {
                let value = crate::token::parse_value(json, false).map_err(|e| {
                    Error::new(
                        ErrorCode::InvalidJson,
                        format!("policy is not valid JSON: {e}"),
                    )
                })?;
                Err(Self::shape_error(&value).unwrap_or_else(|| {
                    Error::invalid_policy(vec![Error::new(
                        ErrorCode::InvalidValue,
                        typed_error.to_string(),
                    )
                    .at("")])
                }))
            }
        }
    }

    /// Like [`from_json`](Self::from_json), from an already parsed JSON value.
    pub fn from_value(value: Value) -> Result<Self, Error> {
        if let Some(error) = Self::shape_error(&value) {
            return Err(error);
        }
        serde_json::from_value(value).map_err(|e| Error::invalid_policy(vec![value_error(&e)]))
    }

    /// The structural problems of a document, or the one error that reading a structurally sound
    /// document into the types can still meet (a `version` too large for `u32`), exactly as
    /// `serde_json::from_value` reports it.
    fn shape_error(value: &Value) -> Option<Error> {
        let mut check = ShapeCheck {
            problems: Vec::new(),
        };
        check.document(value);
        if !check.problems.is_empty() {
            return Some(Error::invalid_policy(check.problems));
        }
        // Every other field has been checked against its type; only the range of `version` is
        // left (`u32::deserialize` on the value is what `from_value` would run on it).
        match value.get("version").map(u32::deserialize) {
            Some(Err(e)) => Some(Error::invalid_policy(vec![value_error(&e)])),
            _ => None,
        }
    }

    /// The document as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
