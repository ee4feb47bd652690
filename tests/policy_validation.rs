//! Policy loading: every problem reported with a code and a JSON pointer
//! (`tests/tables/invalid-policies.json`), and the shipped JSON Schema agreeing with the loader.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use scopegate::{ErrorCode, Policy, PolicyDocument};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct InvalidCase {
    note: String,
    /// A JSON document, or a string holding text that is not JSON.
    document: Value,
    /// The expected problems as `[code, pointer]`, in order.
    problems: Vec<(String, Option<String>)>,
    /// Whether the JSON Schema alone rejects the document (semantic problems it cannot see).
    schema_rejects: bool,
}

#[derive(Deserialize)]
struct InvalidTable {
    cases: Vec<InvalidCase>,
}

fn table() -> InvalidTable {
    serde_json::from_str(&common::read("tests/tables/invalid-policies.json")).unwrap()
}

fn text_of(document: &Value) -> String {
    match document {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&common::read("policy.schema.json")).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

#[test]
fn every_problem_is_reported_with_code_and_pointer() {
    for case in table().cases {
        let err = Policy::from_json(&text_of(&case.document))
            .expect_err(&format!("{} must be refused", case.note));
        let found: Vec<(String, Option<String>)> = if err.code() == ErrorCode::InvalidPolicy {
            err.problems()
                .iter()
                .map(|p| (p.code().as_str().to_string(), p.pointer().map(String::from)))
                .collect()
        } else {
            vec![(
                err.code().as_str().to_string(),
                err.pointer().map(String::from),
            )]
        };
        assert_eq!(found, case.problems, "{}: {err}", case.note);
        for problem in err.problems() {
            assert!(!problem.message().is_empty());
        }
    }
}

#[test]
fn the_schema_accepts_the_example_policies() {
    let validator = schema();
    for file in [
        "examples/policies/banking.json",
        "examples/policies/partner.json",
        "tests/policies/edge-cases.json",
        "tests/policies/head.json",
    ] {
        let doc: Value = serde_json::from_str(&common::read(file)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
        Policy::from_json(&common::read(file)).unwrap();
    }
}

#[test]
fn the_schema_rejects_what_it_can_see() {
    let validator = schema();
    for case in table().cases {
        let Ok(doc) = serde_json::from_str::<Value>(&text_of(&case.document)) else {
            continue;
        };
        assert_eq!(
            !validator.is_valid(&doc),
            case.schema_rejects,
            "{}: schema verdict differs",
            case.note
        );
    }
}

/// The schema and the Rust types name the same fields: a document with every optional field set,
/// built from the Rust types, validates, and each schema object lists exactly those fields.
#[test]
fn the_schema_matches_the_rust_types() {
    let full = json!({
        "$schema": "policy.schema.json",
        "version": 1,
        "name": "full",
        "description": "every field",
        "scopes": {"a": {"description": "d", "subject": "end_user", "client_safe": false, "implies": ["b"]}, "b": {"subject": "any", "client_safe": true}},
        "roles": {"r": ["a"]},
        "default_scopes": ["r"],
        "unknown_scopes": "reject",
        "transport": {"query": ["b"]},
        "rules": [{"id": "x", "methods": ["GET"], "paths": ["/x/{id}/**"], "except": ["/x/*/y"],
                   "any_of": ["a"], "all_of": ["b"], "effect": "deny", "description": "d"}]
    });
    let document = PolicyDocument::from_value(full.clone()).unwrap();
    let round_trip = serde_json::to_value(&document).unwrap();
    assert_eq!(round_trip, full, "the Rust types keep every field");
    assert!(schema().is_valid(&round_trip));
    Policy::from_document(document).unwrap();

    let schema: Value = serde_json::from_str(&common::read("policy.schema.json")).unwrap();
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    let sorted = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&schema), sorted(&full));
    assert_eq!(
        keys(&schema["$defs"]["scope"]),
        sorted(&full["scopes"]["a"])
    );
    assert_eq!(keys(&schema["$defs"]["rule"]), sorted(&full["rules"][0]));
}

#[test]
fn documents_round_trip_through_json() {
    for file in [
        "examples/policies/banking.json",
        "examples/policies/partner.json",
    ] {
        let document = PolicyDocument::from_json(&common::read(file)).unwrap();
        let again = PolicyDocument::from_json(&document.to_json()).unwrap();
        assert_eq!(document, again);
    }
}
