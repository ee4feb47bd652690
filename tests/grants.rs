//! Grants (requested ∩ allowed, with each API's default rule), from `tests/tables/grants.json`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use scopegate::{Policy, ScopeSet};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct GrantCase {
    note: String,
    policy: String,
    requested: Option<String>,
    allowed: String,
    expect: Option<Value>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct GrantTable {
    cases: Vec<GrantCase>,
}

#[test]
fn grant_table_holds() {
    let table: GrantTable =
        serde_json::from_str(&common::read("tests/tables/grants.json")).unwrap();
    assert!(table.cases.len() >= 10);
    for (i, case) in table.cases.iter().enumerate() {
        let policy = Policy::from_json(&common::read(&case.policy)).unwrap();
        let requested = case
            .requested
            .as_deref()
            .map(|r| ScopeSet::parse(r).unwrap());
        let allowed = ScopeSet::parse(&case.allowed).unwrap();
        let result = policy.grant(requested.as_ref(), &allowed);
        match (&case.expect, &case.error, result) {
            (Some(expect), None, Ok(grant)) => {
                let actual = serde_json::to_value(&grant).unwrap();
                assert_eq!(&actual, expect, "case {i} ({})", case.note);
            }
            (None, Some(code), Err(e)) => {
                assert_eq!(e.code().as_str(), code, "case {i} ({})", case.note);
            }
            (_, _, other) => panic!("case {i} ({}): unexpected {other:?}", case.note),
        }
    }
}

#[test]
fn grants_decide_like_expanded_tokens() {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let user = ScopeSet::parse("end_user keys").unwrap();
    let grant = policy
        .grant(Some(&ScopeSet::parse("read_only").unwrap()), &user)
        .unwrap();
    assert!(policy.allows("GET", "/wallets", &grant));
    assert!(!policy.allows("POST", "/wallets", &grant));
    let token = policy.expand(grant.granted());
    assert_eq!(token.granted(), grant.granted());
}

#[test]
fn expand_reports_unknown_names_and_roles() {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let grant = policy.expand(&ScopeSet::parse("profile compliance_officer").unwrap());
    assert_eq!(grant.granted().to_string(), "legal read_all");
    assert_eq!(grant.dropped().to_string(), "profile");
    assert_eq!(
        grant.roles()["compliance_officer"].to_string(),
        "legal read_all"
    );
    assert!(!grant.defaulted());
    assert!(grant.has("legal"));
}
