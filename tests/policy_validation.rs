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
        "tests/policies/paths.json",
        "tests/policies/paths-lenient.json",
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
        "path_matching": {"case_insensitive": true, "allow_semicolons": true, "ignore_trailing_slash": true},
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
    assert_eq!(
        keys(&schema["$defs"]["pathMatching"]),
        sorted(&full["path_matching"])
    );
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

/// A JSON value of any kind, biased towards values that are valid somewhere in a policy.
fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0u64..3).prop_map(Value::from),
        Just(json!(4_294_967_296u64)),
        Just(json!(-1)),
        Just(json!(1.5)),
        proptest::sample::select(vec![
            "all", "drop", "reject", "allow", "deny", "end_user", "machine", "any", "x"
        ])
        .prop_map(Value::from),
        Just(json!(["a", "b"])),
        Just(json!(["a", 1])),
        Just(json!({})),
        Just(json!({"a": ["b"]})),
    ]
}

/// An object whose fields are each absent, well-typed or anything, plus maybe an unknown field.
fn object_of(
    fields: Vec<(&'static str, proptest::strategy::BoxedStrategy<Value>)>,
) -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let fields: Vec<_> = fields
        .into_iter()
        .map(|(name, good)| {
            prop_oneof![
                2 => Just(None),
                40 => good.prop_map(move |v| Some((name, v))),
                1 => any_json().prop_map(move |v| Some((name, v))),
            ]
        })
        .collect();
    (fields, proptest::option::weighted(0.02, any_json())).prop_map(|(fields, extra)| {
        let mut map: serde_json::Map<String, Value> = fields
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        if let Some(extra) = extra {
            map.insert("unexpected".into(), extra);
        }
        Value::Object(map)
    })
}

fn document_like() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let list = || Just(json!(["a", "b"])).boxed();
    let text = || Just(json!("t")).boxed();
    let scope = object_of(vec![
        ("description", text()),
        ("subject", Just(json!("end_user")).boxed()),
        ("client_safe", any::<bool>().prop_map(Value::from).boxed()),
        ("implies", list()),
    ]);
    let scopes = proptest::collection::btree_map("[ab]", scope, 0..3)
        .prop_map(|m| Value::Object(m.into_iter().collect()));
    let rule = object_of(vec![
        ("id", text()),
        ("methods", Just(json!(["GET"])).boxed()),
        ("paths", Just(json!(["/x"])).boxed()),
        ("except", list()),
        ("any_of", list()),
        ("all_of", list()),
        ("effect", Just(json!("deny")).boxed()),
        ("description", text()),
    ]);
    let rules = proptest::collection::vec(rule, 0..3).prop_map(Value::from);
    object_of(vec![
        ("$schema", text()),
        ("version", Just(json!(1)).boxed()),
        ("name", text()),
        ("description", text()),
        ("scopes", scopes.boxed()),
        ("roles", Just(json!({"r": ["a"]})).boxed()),
        ("default_scopes", list()),
        ("unknown_scopes", Just(json!("reject")).boxed()),
        ("transport", Just(json!({"query": ["a"]})).boxed()),
        ("rules", rules.boxed()),
    ])
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

    /// The loader's own walk (which reports every problem) reads exactly what the serde derive of
    /// the public types reads, and refuses what it refuses. It is stricter in one way, as the JSON
    /// Schema is: serde also reads a struct from an array of its field values, the loader does not.
    #[test]
    fn the_loader_reads_what_the_serde_types_read(value in document_like()) {
        let loaded = PolicyDocument::from_value(value.clone());
        let derived = serde_json::from_value::<PolicyDocument>(value.clone());
        match (&loaded, &derived) {
            (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, b),
            (Err(e), Err(_)) => proptest::prop_assert!(!e.problems().is_empty(), "{value}"),
            (Err(e), Ok(_)) => proptest::prop_assert!(
                e.problems().iter().all(|p| p.message() == "expected an object, found an array"),
                "{value}: {e:?}"
            ),
            (Ok(_), Err(e)) => proptest::prop_assert!(false, "{value}: serde refuses: {e}"),
        }
        let text = value.to_string();
        proptest::prop_assert_eq!(PolicyDocument::from_json(&text).ok(), loaded.ok());
    }
}

#[test]
fn a_repeated_rule_id_names_the_last_rule_that_used_it() {
    let rule = |id: &str| json!({"id": id, "methods": ["GET"], "paths": ["/x"]});
    let document = json!({"version": 1, "name": "t", "scopes": {}, "default_scopes": "all",
        "rules": [rule("a"), rule("b"), rule("a"), rule("a"), rule("b")]});
    let err = Policy::from_json(&document.to_string()).unwrap_err();
    let problems: Vec<(Option<&str>, &str)> = err
        .problems()
        .iter()
        .map(|p| (p.pointer(), p.message()))
        .collect();
    assert_eq!(
        problems,
        [
            (
                Some("/rules/2/id"),
                "rule id \"a\" is already used by /rules/0"
            ),
            (
                Some("/rules/3/id"),
                "rule id \"a\" is already used by /rules/2"
            ),
            (
                Some("/rules/4/id"),
                "rule id \"b\" is already used by /rules/1"
            ),
        ]
    );
    assert!(err
        .problems()
        .iter()
        .all(|p| p.code() == ErrorCode::DuplicateRuleId));
}
