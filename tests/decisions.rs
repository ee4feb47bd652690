//! Runs the decision tables in `tests/tables/*.decisions.json` against the compiled policies.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use scopegate::{Policy, ScopeSet};
use serde_json::Value;

#[test]
fn decision_tables_hold() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, table) in common::decision_tables() {
        let policy = Policy::from_json(&common::read(&table.policy))
            .unwrap_or_else(|e| panic!("{name}: policy {} does not load: {e}", table.policy));
        for (i, case) in table.cases.iter().enumerate() {
            count += 1;
            let grant = policy.expand(&ScopeSet::parse(&case.scopes).expect("case scopes"));
            let decision = policy.decide(&case.method, &case.path, &grant);
            let actual = serde_json::to_value(&decision).expect("serialize");
            for (field, expected) in &case.expect {
                let got = actual.get(field).unwrap_or(&Value::Null);
                if got != expected {
                    failures.push(format!(
                        "{name} case {i} ({} {} with {:?}; {}): {field} is {got}, expected {expected}",
                        case.method, case.path, case.scopes, case.note
                    ));
                }
            }
            if policy.allows(&case.method, &case.path, &grant) != decision.allowed {
                failures.push(format!("{name} case {i}: allows() disagrees with decide()"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count >= 90, "only {count} cases ran");
}

#[test]
fn example_tables_have_at_least_thirty_cases_each() {
    for (name, table) in common::decision_tables() {
        if table.policy.starts_with("examples/") {
            assert!(
                table.cases.len() >= 30,
                "{name} has {} cases",
                table.cases.len()
            );
        }
    }
}

#[test]
fn every_rule_of_the_examples_decides_some_case() {
    for (name, table) in common::decision_tables() {
        if !table.policy.starts_with("examples/") {
            continue;
        }
        let policy = Policy::from_json(&common::read(&table.policy)).expect("policy");
        for rule in &policy.document().rules {
            let used = table
                .cases
                .iter()
                .any(|c| c.expect.get("rule").and_then(Value::as_str) == Some(rule.id.as_str()));
            assert!(used, "{name}: no case is decided by rule {}", rule.id);
        }
    }
}

#[test]
fn batch_decisions_equal_single_decisions() {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let grant = policy.expand(&ScopeSet::parse("read_only legal").unwrap());
    let requests = [
        ("GET", "/wallets"),
        ("POST", "/wallets"),
        ("GET", "/legal/kyc/1"),
        ("GET", "/a%2Fb"),
    ];
    let batch = policy.decide_all(requests, &grant);
    assert_eq!(batch.len(), requests.len());
    for ((method, path), decision) in requests.iter().zip(&batch) {
        assert_eq!(decision, &policy.decide(method, path, &grant));
    }
}

#[test]
fn a_grant_from_another_policy_is_translated_by_name() {
    let json = common::read("examples/policies/banking.json");
    let first = Policy::from_json(&json).unwrap();
    let second = Policy::from_json(&json).unwrap();
    let grant = first.expand(&ScopeSet::parse("read_all").unwrap());
    let decision = second.decide("GET", "/admin/x", &grant);
    assert!(decision.allowed);
    assert_eq!(decision.rule.as_deref(), Some("read-all"));
}

/// `scopes_for` as canonical strings.
fn scope_sets(policy: &Policy, method: &str, path: &str) -> Vec<String> {
    let sets = policy.scopes_for(method, path).unwrap();
    sets.iter().map(ToString::to_string).collect()
}

#[test]
fn reverse_questions_for_uis() {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let grant = policy.expand(&ScopeSet::parse("read_only keys").unwrap());
    let ids: Vec<&str> = policy
        .allowed_rules(&grant)
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids, ["read-own", "keys"]);

    let sets = scope_sets(&policy, "DELETE", "/keys/k1");
    assert_eq!(sets, ["keys"]);
    assert!(policy.scopes_for("GET", "/a%2Fb").is_err());
    assert!(policy.scopes_for("PATCH", "/wallets").unwrap().is_empty());

    let edge = Policy::from_json(&common::read("tests/policies/edge-cases.json")).unwrap();
    let sets = scope_sets(&edge, "GET", "/items/export");
    assert_eq!(sets, ["a"], "b would be denied");
    let sets = scope_sets(&edge, "DELETE", "/items/9");
    assert_eq!(sets, ["a c"]);
}

#[test]
fn transport_and_client_safety() {
    let policy = Policy::from_json(&common::read("examples/policies/partner.json")).unwrap();
    let files = policy.expand(&ScopeSet::parse("files").unwrap());
    let base = policy.expand(&ScopeSet::parse("base").unwrap());
    let upload = policy.expand(&ScopeSet::parse("files upload_files").unwrap());
    assert!(policy.query_transport_allowed(&files));
    assert!(
        !policy.query_transport_allowed(&base),
        "base implies files but is not query-safe"
    );
    assert!(!policy.query_transport_allowed(&upload));
    assert!(!policy.query_transport_allowed(&policy.expand(&ScopeSet::new())));
    assert_eq!(policy.client_unsafe_scopes(&base).to_string(), "base");
    assert!(policy.client_unsafe_scopes(&files).is_empty());
}
