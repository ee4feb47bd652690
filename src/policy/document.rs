//! The policy document: the JSON file (format version 1) that the backend, the browser and the
//! edge all load, as plain serde types.
//!
//! The types here are data only; [`Policy`](crate::Policy) validates and compiles them. Reading
//! from JSON ([`reader`](super::reader)) reports *every* structural problem (unknown field, wrong
//! type, missing field, bad enum value) with its JSON pointer before any semantic check runs.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::path::PathMatching;
use super::reader::read_document;
use crate::error::{Error, ErrorCode};
use crate::json::parse_value;

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
    /// How request paths are read and matched (all options off by default: the strictest).
    #[serde(default, skip_serializing_if = "is_default")]
    pub path_matching: PathMatching,
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

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
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

            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
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

impl PolicyDocument {
    /// Parses a policy document from JSON, reporting every structural problem at once as an
    /// [`ErrorCode::InvalidPolicy`] error (JSON syntax errors as [`ErrorCode::InvalidJson`]).
    /// Semantic checks (unknown scopes, cycles, patterns, ...) happen when a
    /// [`Policy`](crate::Policy) is built from the document.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let value = parse_value(json).map_err(|e| match e.duplicate {
            // Read as its last value by some parsers and its first by others: refused.
            Some((pointer, key)) => Error::invalid_policy(vec![Error::new(
                ErrorCode::DuplicateKey,
                format!("the key {key:?} appears twice in this object ({})", e.error),
            )
            .at(pointer)]),
            None => Error::new(
                ErrorCode::InvalidJson,
                format!("policy is not valid JSON: {e}"),
            ),
        })?;
        Self::from_value(value)
    }

    /// Like [`from_json`](Self::from_json), from an already parsed JSON value.
    pub fn from_value(mut value: Value) -> Result<Self, Error> {
        read_document(&mut value)
    }

    /// The document as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
