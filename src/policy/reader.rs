//! Reads a parsed JSON value into a [`PolicyDocument`] in one walk, collecting *every*
//! structural problem with its JSON pointer.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use serde_json::{Map, Value};

use super::document::{
    DefaultScopes, Effect, PolicyDocument, RuleDefinition, ScopeDefinition, Subject, Transport,
    UnknownScopes,
};
use super::path::PathMatching;
use crate::error::{Error, ErrorCode};
use crate::json::{type_name, At};

/// Reads `value` as a policy document: the document, or an [`ErrorCode::InvalidPolicy`] error
/// with every structural problem.
pub(crate) fn read_document(value: &mut Value) -> Result<PolicyDocument, Error> {
    let mut reader = DocumentReader {
        problems: Vec::new(),
    };
    match reader.document(value) {
        Some(document) if reader.problems.is_empty() => Ok(document),
        _ => Err(Error::invalid_policy(reader.problems)),
    }
}

/// Reads a JSON value along the shape of [`PolicyDocument`] in one walk: it builds the document
/// and collects *every* structural problem with its JSON pointer. It reads what the serde derive
/// of the types reads (a property test holds them together), except a struct written as an array
/// of its field values, which the JSON Schema refuses too. Reading here rather than through the
/// derive keeps one JSON parser (the one tokens use) in the WebAssembly builds.
struct DocumentReader {
    problems: Vec<Error>,
}

const DOCUMENT_FIELDS: &[&str] = &[
    "$schema",
    "version",
    "name",
    "description",
    "scopes",
    "roles",
    "default_scopes",
    "unknown_scopes",
    "path_matching",
    "transport",
    "rules",
];
const DOCUMENT_REQUIRED: &[&str] = &["version", "name", "scopes", "default_scopes", "rules"];
const SCOPE_FIELDS: &[&str] = &["description", "subject", "client_safe", "implies"];
const RULE_FIELDS: &[&str] = &[
    "id",
    "methods",
    "paths",
    "except",
    "any_of",
    "all_of",
    "effect",
    "description",
];
const RULE_REQUIRED: &[&str] = &["id", "methods", "paths"];
const PATH_MATCHING_FIELDS: &[&str] = &[
    "case_insensitive",
    "allow_semicolons",
    "ignore_trailing_slash",
];

impl DocumentReader {
    fn problem(&mut self, code: ErrorCode, at: &At, message: String) {
        self.problems
            .push(Error::new(code, message).at(at.pointer()));
    }

    fn wrong_type<T>(&mut self, at: &At, expected: &str, value: &Value) -> Option<T> {
        let message = format!("expected {expected}, found {}", type_name(value));
        self.problem(ErrorCode::InvalidType, at, message);
        None
    }

    /// Checks an object's field names; returns its fields when it is an object.
    fn object<'v>(
        &mut self,
        value: &'v mut Value,
        at: &At,
        known: &[&str],
        required: &[&str],
    ) -> Option<&'v mut Map<String, Value>> {
        let map = match value {
            Value::Object(map) => map,
            other => return self.wrong_type(at, "an object", other),
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let message = format!(
                    "unknown field {key:?}; expected one of: {}",
                    known.join(", ")
                );
                self.problem(ErrorCode::UnknownField, &At::Key(at, key), message);
            }
        }
        for key in required {
            if !map.contains_key(*key) {
                let message = format!("missing required field {key:?}");
                self.problem(ErrorCode::MissingField, at, message);
            }
        }
        Some(map)
    }

    fn string(&mut self, value: &mut Value, at: &At) -> Option<String> {
        match value {
            // Taken out of the parsed value, which is dropped after reading (no copy).
            Value::String(s) => Some(core::mem::take(s)),
            other => self.wrong_type(at, "a string", other),
        }
    }

    fn boolean(&mut self, value: &mut Value, at: &At) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => self.wrong_type(at, "a boolean", other),
        }
    }

    fn string_list(&mut self, value: &mut Value, at: &At) -> Option<Vec<String>> {
        self.array(value, at, "an array of strings", Self::string)
    }

    /// An array read item by item; `None` when it is not an array or an item could not be read
    /// (each problem is recorded).
    fn array<T>(
        &mut self,
        value: &mut Value,
        at: &At,
        expected: &str,
        read: fn(&mut Self, &mut Value, &At) -> Option<T>,
    ) -> Option<Vec<T>> {
        let items = match value {
            Value::Array(items) => items,
            other => return self.wrong_type(at, expected, other),
        };
        let mut list = Vec::with_capacity(items.len());
        for (i, item) in items.iter_mut().enumerate() {
            list.extend(read(self, item, &At::Index(at, i)));
        }
        (list.len() == items.len()).then_some(list)
    }

    /// An object of named entries read one by one, like [`array`](Self::array).
    fn named<T>(
        &mut self,
        value: &mut Value,
        at: &At,
        expected: &str,
        read: fn(&mut Self, &mut Value, &At) -> Option<T>,
    ) -> Option<BTreeMap<String, T>> {
        let map = match value {
            Value::Object(map) => map,
            other => return self.wrong_type(at, expected, other),
        };
        let mut entries = BTreeMap::new();
        for (name, entry) in map.iter_mut() {
            if let Some(read) = read(self, entry, &At::Key(at, name)) {
                entries.insert(name.clone(), read);
            }
        }
        (entries.len() == map.len()).then_some(entries)
    }

    /// A string that must be one of `names`; returns its index there.
    fn one_of(&mut self, value: &Value, at: &At, names: &[&str]) -> Option<usize> {
        let Value::String(s) = value else {
            return self.wrong_type(at, "a string", value);
        };
        let found = names.iter().position(|name| name == s);
        if found.is_none() {
            let message = format!("{s:?} is not one of: {}", names.join(", "));
            self.problem(ErrorCode::InvalidValue, at, message);
        }
        found
    }

    fn version(&mut self, value: &Value, at: &At) -> Option<u32> {
        let Some(number) = value.as_u64() else {
            return self.wrong_type(at, "a positive integer", value);
        };
        let version = u32::try_from(number).ok();
        if version.is_none() {
            let message = format!("{number} is too large for a format version");
            self.problem(ErrorCode::InvalidValue, at, message);
        }
        version
    }

    fn document(&mut self, value: &mut Value) -> Option<PolicyDocument> {
        let root = At::Root;
        let map = self.object(value, &root, DOCUMENT_FIELDS, DOCUMENT_REQUIRED)?;
        let (mut schema, mut version, mut name, mut description) = (None, None, None, None);
        let (mut scopes, mut roles, mut default_scopes) = (None, None, None);
        let (mut unknown_scopes, mut transport, mut rules) = (None, None, None);
        let mut path_matching = None;
        let mut complete = true;
        for (key, field) in map.iter_mut() {
            let at = At::Key(&root, key);
            complete &= match key.as_str() {
                "$schema" if field.is_null() => true,
                "$schema" => set(&mut schema, self.string(field, &at)),
                "version" => set(&mut version, self.version(field, &at)),
                "name" => set(&mut name, self.string(field, &at)),
                "description" => set(&mut description, self.string(field, &at)),
                "scopes" => set(&mut scopes, self.scopes(field, &at)),
                "roles" => set(&mut roles, self.roles(field, &at)),
                "default_scopes" => set(&mut default_scopes, self.default_scopes(field, &at)),
                "unknown_scopes" => {
                    let found = self.one_of(field, &at, &["drop", "reject"]);
                    let choices = [UnknownScopes::Drop, UnknownScopes::Reject];
                    set(
                        &mut unknown_scopes,
                        found.and_then(|i| choices.get(i).copied()),
                    )
                }
                "path_matching" => set(&mut path_matching, self.path_matching(field, &at)),
                "transport" => set(&mut transport, self.transport(field, &at)),
                "rules" => set(&mut rules, self.rules(field, &at)),
                _ => false,
            };
        }
        if !complete || !self.problems.is_empty() {
            return None;
        }
        Some(PolicyDocument {
            schema,
            version: version?,
            name: name?,
            description: description.unwrap_or_default(),
            scopes: scopes?,
            roles: roles.unwrap_or_default(),
            default_scopes: default_scopes?,
            unknown_scopes: unknown_scopes.unwrap_or_default(),
            path_matching: path_matching.unwrap_or_default(),
            transport: transport.unwrap_or_default(),
            rules: rules?,
        })
    }

    fn default_scopes(&mut self, value: &mut Value, at: &At) -> Option<DefaultScopes> {
        if value.is_string() {
            self.one_of(value, at, &["all"]).map(|_| DefaultScopes::All)
        } else if value.is_array() {
            self.string_list(value, at).map(DefaultScopes::List)
        } else {
            self.wrong_type(at, "\"all\" or an array of strings", value)
        }
    }

    fn path_matching(&mut self, value: &mut Value, at: &At) -> Option<PathMatching> {
        let fields = self.object(value, at, PATH_MATCHING_FIELDS, &[])?;
        let mut matching = PathMatching::default();
        let mut complete = true;
        for (key, field) in fields.iter_mut() {
            let at = At::Key(at, key);
            let slot = match key.as_str() {
                "case_insensitive" => &mut matching.case_insensitive,
                "allow_semicolons" => &mut matching.allow_semicolons,
                "ignore_trailing_slash" => &mut matching.ignore_trailing_slash,
                _ => {
                    complete = false;
                    continue;
                }
            };
            complete &= set_value(slot, self.boolean(field, &at));
        }
        complete.then_some(matching)
    }

    fn transport(&mut self, value: &mut Value, at: &At) -> Option<Transport> {
        let fields = self.object(value, at, &["query"], &[])?;
        let query = match fields.get_mut("query") {
            Some(query) => self.string_list(query, &At::Key(at, "query"))?,
            None => Vec::new(),
        };
        Some(Transport { query })
    }

    fn scopes(&mut self, value: &mut Value, at: &At) -> Option<BTreeMap<String, ScopeDefinition>> {
        self.named(value, at, "an object of scope definitions", Self::scope)
    }

    fn scope(&mut self, value: &mut Value, at: &At) -> Option<ScopeDefinition> {
        let fields = self.object(value, at, SCOPE_FIELDS, &[])?;
        let mut scope = ScopeDefinition {
            description: String::new(),
            subject: Subject::default(),
            client_safe: true,
            implies: Vec::new(),
        };
        let mut complete = true;
        for (key, field) in fields.iter_mut() {
            let at = At::Key(at, key);
            complete &= match key.as_str() {
                "description" => set_value(&mut scope.description, self.string(field, &at)),
                "subject" => {
                    let found = self.one_of(field, &at, &["end_user", "machine", "any"]);
                    let subjects = [Subject::EndUser, Subject::Machine, Subject::Any];
                    set_value(
                        &mut scope.subject,
                        found.and_then(|i| subjects.get(i).copied()),
                    )
                }
                "client_safe" => set_value(&mut scope.client_safe, self.boolean(field, &at)),
                "implies" => set_value(&mut scope.implies, self.string_list(field, &at)),
                _ => false,
            };
        }
        complete.then_some(scope)
    }

    fn roles(&mut self, value: &mut Value, at: &At) -> Option<BTreeMap<String, Vec<String>>> {
        self.named(value, at, "an object of scope lists", Self::string_list)
    }

    fn rules(&mut self, value: &mut Value, at: &At) -> Option<Vec<RuleDefinition>> {
        self.array(value, at, "an array of rules", Self::rule)
    }

    fn rule(&mut self, value: &mut Value, at: &At) -> Option<RuleDefinition> {
        let fields = self.object(value, at, RULE_FIELDS, RULE_REQUIRED)?;
        let mut rule = RuleDefinition {
            id: String::new(),
            methods: Vec::new(),
            paths: Vec::new(),
            except: Vec::new(),
            any_of: Vec::new(),
            all_of: Vec::new(),
            effect: Effect::default(),
            description: String::new(),
        };
        let mut complete = true;
        for (key, field) in fields.iter_mut() {
            let at = At::Key(at, key);
            complete &= match key.as_str() {
                "id" => set_value(&mut rule.id, self.string(field, &at)),
                "description" => set_value(&mut rule.description, self.string(field, &at)),
                "methods" => set_value(&mut rule.methods, self.string_list(field, &at)),
                "paths" => set_value(&mut rule.paths, self.string_list(field, &at)),
                "except" => set_value(&mut rule.except, self.string_list(field, &at)),
                "any_of" => set_value(&mut rule.any_of, self.string_list(field, &at)),
                "all_of" => set_value(&mut rule.all_of, self.string_list(field, &at)),
                "effect" => {
                    let found = self.one_of(field, &at, &["allow", "deny"]);
                    let effects = [Effect::Allow, Effect::Deny];
                    set_value(
                        &mut rule.effect,
                        found.and_then(|i| effects.get(i).copied()),
                    )
                }
                _ => false,
            };
        }
        complete.then_some(rule)
    }
}

/// Stores a field that was read; `false` when it could not be.
fn set<T>(slot: &mut Option<T>, read: Option<T>) -> bool {
    let ok = read.is_some();
    *slot = read;
    ok
}

/// Like [`set`], for a field with a default value.
fn set_value<T>(slot: &mut T, read: Option<T>) -> bool {
    match read {
        Some(value) => {
            *slot = value;
            true
        }
        None => false,
    }
}
