//! The tooling behind the `scopegate` command (feature `tooling`), through its public API:
//! `Policy::explain` agrees with `decide` on every decision table, `PathPattern::covers`,
//! the lints, policy test files and the routes table. The command's output itself is held by the
//! snapshots of `tests/cli.rs`.
#![cfg(all(feature = "tooling", not(target_arch = "wasm32")))]

mod common;

use scopegate::tool::cases::{read_test_file, run_case, uncovered_rules};
use scopegate::tool::lint::{lint, LINTS};
use scopegate::tool::routes::routes;
use scopegate::tool::source::{locate, Location};
use scopegate::{DataRange, Effect, PathPattern, Policy, Reason, ScopeSet};

fn example(name: &str) -> Policy {
    Policy::from_json(&common::read(&format!("examples/policies/{name}.json"))).expect("example")
}

#[test]
fn explain_agrees_with_decide_on_every_decision_table() {
    let mut count = 0;
    for (name, table) in common::decision_tables() {
        let policy = Policy::from_json(&common::read(&table.policy)).expect("policy");
        for case in &table.cases {
            count += 1;
            let grant = policy.expand(&ScopeSet::parse(&case.scopes).expect("scopes"));
            let decision = policy.decide(&case.method, &case.path, &grant);
            let why = policy.explain(&case.method, &case.path, &grant);
            let at = format!(
                "{name}: {} {} with {:?}",
                case.method, case.path, case.scopes
            );
            assert_eq!(why.decision, decision, "{at}");
            let trace = |id: &str| why.rules.iter().find(|r| &*r.id == id);
            let applying: Vec<_> = why.rules.iter().filter(|r| r.applies()).collect();
            match decision.reason {
                Reason::Allowed => {
                    let rule = trace(decision.rule.as_deref().expect("rule")).expect("traced");
                    assert!(
                        rule.applies() && rule.satisfied && rule.effect == Effect::Allow,
                        "{at}"
                    );
                    assert!(
                        !applying
                            .iter()
                            .any(|r| r.effect == Effect::Deny && r.satisfied),
                        "{at}"
                    );
                }
                Reason::InsufficientScope => {
                    let rule = trace(decision.rule.as_deref().expect("rule")).expect("traced");
                    assert!(rule.applies() && !rule.satisfied, "{at}");
                    assert!(!applying.iter().any(|r| r.satisfied), "{at}");
                }
                Reason::DeniedByRule => {
                    assert!(applying.iter().any(|r| r.effect == Effect::Deny), "{at}");
                }
                Reason::NoMatchingRule => {
                    assert!(
                        !applying
                            .iter()
                            .any(|r| r.effect == Effect::Allow && r.satisfied),
                        "{at}"
                    );
                }
                Reason::InvalidPath => assert!(why.path.is_err() && why.rules.is_empty(), "{at}"),
                _ => assert!(why.rules.is_empty(), "{at}"),
            }
            if why.path.is_ok() && decision.reason != Reason::InvalidMethod {
                assert_eq!(why.rules.len(), policy.document().rules.len(), "{at}");
            }
        }
    }
    assert!(count >= 90, "only {count} cases");
}

#[test]
fn covers_agrees_with_matching() {
    let patterns = [
        "/",
        "/**",
        "/a",
        "/a/**",
        "/a/{id}",
        "/a/*",
        "/a/{id}/b",
        "/a/*/b",
        "/a/b",
        "/a/b/**",
        "/{x}/**",
        "/{x}",
        "/b/{id}",
    ];
    let paths = [
        "/", "/a", "/a/b", "/a/c", "/a/b/c", "/a/c/b", "/b", "/b/1", "/a/b/b/b",
    ];
    for a in patterns {
        let pa = PathPattern::parse(a).expect("pattern");
        for b in patterns {
            let pb = PathPattern::parse(b).expect("pattern");
            if pa.covers(&pb, false) {
                for path in paths {
                    if pb.captures(path).expect("path").is_some() {
                        assert!(
                            pa.captures(path).expect("path").is_some(),
                            "{a} covers {b} but misses {path}"
                        );
                    }
                }
            }
        }
    }
    let p = |s: &str| PathPattern::parse(s).expect("pattern");
    assert!(p("/a/**").covers(&p("/a"), false));
    assert!(p("/a/{id}").covers(&p("/a/*"), false));
    assert!(!p("/a/{id}").covers(&p("/a/**"), false));
    assert!(!p("/a/b").covers(&p("/a/{id}"), false));
    assert!(!p("/A").covers(&p("/a"), false));
    assert!(p("/A").covers(&p("/a"), true));
}

#[test]
fn every_lint_fires_on_its_fixture_and_points_at_its_place() {
    let text = common::read("tests/fixtures/cli/lints.json");
    let policy = Policy::from_json(&text).expect("valid");
    let found: Vec<(&str, String)> = lint(&policy)
        .into_iter()
        .map(|f| (f.code, f.pointer))
        .collect();
    for (code, _) in LINTS {
        assert!(
            found.iter().any(|(c, _)| c == code),
            "{code} did not fire: {found:?}"
        );
    }
    let expected = [
        ("allow_everything", "/rules/0"),
        ("shadowed_rule", "/rules/1"),
        ("unreachable_rule", "/rules/2"),
        ("unscoped_rule", "/rules/4"),
        ("shadowed_rule", "/rules/6"),
        ("unused_scope", "/scopes/orphan"),
        ("end_user_widened", "/scopes/profile/implies"),
        ("query_token_write", "/transport/query"),
        ("empty_role", "/roles/nobody"),
    ];
    for (code, pointer) in expected {
        assert!(
            found.contains(&(code, pointer.to_string())),
            "{code} at {pointer}: {found:?}"
        );
        assert!(locate(&text, pointer).is_some(), "{pointer} is in the file");
    }
    // The examples: only the deliberate client-safe writes.
    for name in ["banking", "partner"] {
        let codes: Vec<_> = lint(&example(name)).into_iter().map(|f| f.code).collect();
        assert!(
            codes.iter().all(|c| *c == "client_safe_write"),
            "{name}: {codes:?}"
        );
    }
}

#[test]
fn shadowing_needs_the_earlier_rule_to_win_the_data_range() {
    // An earlier end-user rule does not shadow a later machine rule: the later one gives `all`.
    let policy = Policy::from_json(
        r#"{"version": 1, "name": "x", "default_scopes": "all",
        "scopes": {"own": {"subject": "end_user"}, "all": {"subject": "machine"}},
        "rules": [
          {"id": "mine", "methods": ["GET"], "paths": ["/**"], "any_of": ["own", "all"]},
          {"id": "everything", "methods": ["GET"], "paths": ["/x"], "any_of": ["all"]}
        ]}"#,
    )
    .expect("valid");
    assert!(lint(&policy).iter().all(|f| f.code != "shadowed_rule"));
}

#[test]
fn the_shipped_test_files_pass_and_cover_every_rule() {
    for (policy, tests) in [
        ("banking", "examples/policy-tests/banking.yaml"),
        ("partner", "examples/policy-tests/partner.json"),
    ] {
        let policy = example(policy);
        let file = read_test_file(&common::read(tests)).expect("test file");
        let outcomes: Vec<_> = file
            .cases
            .iter()
            .map(|case| run_case(&policy, case).expect("runs"))
            .collect();
        for (case, outcome) in file.cases.iter().zip(&outcomes) {
            assert!(
                outcome.mismatches.is_empty(),
                "{tests}: {}: {:?}",
                case.name,
                outcome.mismatches
            );
        }
        assert_eq!(
            uncovered_rules(&policy, &outcomes),
            Vec::<&str>::new(),
            "{tests}"
        );
    }
}

#[test]
fn failing_cases_report_each_mismatch() {
    let policy = example("banking");
    let file =
        read_test_file(&common::read("tests/fixtures/cli/failing.tests.yaml")).expect("file");
    let first = run_case(&policy, &file.cases[0]).expect("runs");
    assert_eq!(
        first.mismatches,
        [("expect", "allow".into(), "deny".into())]
    );
    let second = run_case(&policy, &file.cases[1]).expect("runs");
    assert_eq!(
        second.mismatches,
        [
            ("rule", "read-own".into(), "read-all".into()),
            ("data", "own".into(), "all".into())
        ]
    );
    let both = run_case(&policy, &file.cases[3]).expect_err("scopes and claims");
    assert_eq!(both.code().as_str(), "invalid_test_file");
    let bad =
        read_test_file(&common::read("tests/fixtures/cli/not-tests.yaml")).expect_err("no method");
    assert_eq!(bad.code().as_str(), "invalid_test_file");
    assert!(bad.message().contains("method"), "{}", bad.message());
    assert!(read_test_file("cases: 3").is_err());
    assert!(read_test_file("{\"cases\": [], \"extra\": 1}").is_err());
}

#[test]
fn routes_list_who_is_granted_what() {
    let table = routes(&example("banking"));
    let read_own = table.iter().find(|r| r.rule == "read-own").expect("row");
    let granted: Vec<_> = read_own
        .granted_by
        .iter()
        .map(|g| (g.name.as_str(), g.role, g.data))
        .collect();
    assert_eq!(
        granted,
        [
            ("read_only", false, Some(DataRange::Own)),
            ("end_user", true, Some(DataRange::Own))
        ]
    );
    assert_eq!(table.len(), 7);
}

#[test]
fn locations_are_lines_and_columns_of_the_source() {
    let text = "{\n  \"a\": [1, {\"b~/c\": true}]\n}";
    assert_eq!(
        locate(text, "/a/1/b~0~1c"),
        Some(Location {
            line: 2,
            column: 13
        })
    );
    assert_eq!(locate(text, ""), Some(Location { line: 1, column: 1 }));
    assert_eq!(locate(text, "/a/7"), Some(Location { line: 2, column: 3 }));
    assert_eq!(locate("{ not json", "/a"), None);
}
