//! Hostile policies and inputs: no recursion an input controls (100,000-scope `implies` chains
//! on a 256 KiB thread), limits refused with a pointer, and thousands of matching rules answered
//! with a `missing` set that really allows the request.
#![cfg(not(target_arch = "wasm32"))]

use scopegate::{ErrorCode, Limits, Policy, Reason, ScopeSet};
use serde_json::{json, Value};

/// A policy whose scopes `s0 … s{n-1}` form one `implies` chain (`s0` implies `s1` ...), closed
/// into a cycle when `cycle`, with one rule per scope on `/c/{i}` needing it.
fn chain(n: usize, cycle: bool) -> String {
    let mut scopes = serde_json::Map::new();
    for i in 0..n {
        let next = if i + 1 < n {
            vec![format!("s{}", i + 1)]
        } else if cycle {
            vec!["s0".to_string()]
        } else {
            vec![]
        };
        scopes.insert(format!("s{i}"), json!({ "implies": next }));
    }
    let rules: Vec<Value> = [0, n / 2, n - 1]
        .iter()
        .map(|i| json!({"id": format!("r{i}"), "methods": ["GET"], "paths": [format!("/c/{i}")], "all_of": [format!("s{i}")]}))
        .collect();
    json!({"version": 1, "name": "chain", "scopes": scopes, "default_scopes": "all", "rules": rules})
        .to_string()
}

/// Runs `f` on a thread with a 256 KiB stack (tokio's default is 2 MiB).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no stack overflow")
}

#[test]
fn a_100k_implies_chain_loads_and_decides_on_a_256_kib_stack() {
    on_small_stack(|| {
        let n = 100_000;
        let policy = Policy::from_json_with_limits(&chain(n, false), &Limits::NONE).unwrap();
        // The head of the chain implies every scope: every rule allows it.
        let head = policy.expand(&ScopeSet::parse("s0").unwrap());
        assert_eq!(head.granted().len(), n);
        for i in [0, n / 2, n - 1] {
            assert!(policy.allows("GET", &format!("/c/{i}"), &head), "/c/{i}");
        }
        let tail = policy.expand(&ScopeSet::parse(&format!("s{}", n - 1)).unwrap());
        let decision = policy.decide("GET", "/c/0", &tail);
        assert_eq!(decision.reason, Reason::InsufficientScope);
        assert_eq!(decision.missing.to_string(), "s0");
        let sets = policy.scopes_for("GET", &format!("/c/{}", n / 2)).unwrap();
        assert_eq!(sets.len(), 1);
        let granted = policy
            .grant(
                Some(&ScopeSet::parse("s99998").unwrap()),
                &ScopeSet::parse("s0").unwrap(),
            )
            .unwrap();
        assert_eq!(granted.granted().len(), 2);
    });
}

#[test]
fn a_100k_implies_cycle_is_reported_on_a_256_kib_stack() {
    on_small_stack(|| {
        let err = Policy::from_json_with_limits(&chain(100_000, true), &Limits::NONE).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidPolicy);
        let problem = &err.problems()[0];
        assert_eq!(problem.code(), ErrorCode::ImpliesCycle);
        assert_eq!(problem.pointer(), Some("/scopes/s99999/implies"));
        // A long cycle is shown by its ends, not all 100,000 names.
        assert!(
            problem.message().contains("… 99989 more …"),
            "{}",
            problem.message()
        );
        assert!(problem.message().len() < 200);
    });
}

#[test]
fn deep_json_and_long_paths_do_not_recurse() {
    on_small_stack(|| {
        let policy = Policy::from_json(&chain(10, false)).unwrap();
        let grant = policy.expand(&ScopeSet::parse("s0").unwrap());
        let long = format!("/c{}", "/x".repeat(200_000));
        assert_eq!(
            policy.decide("GET", &long, &grant).reason,
            Reason::NoMatchingRule
        );
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            Policy::from_json(&deep).unwrap_err().code(),
            ErrorCode::InvalidJson
        );
        // A pattern as deep as a long request, with limits off: the trie walk keeps its own stack.
        let segments = "/a".repeat(10_000);
        let deep_rule = json!({"version": 1, "name": "deep", "scopes": {}, "default_scopes": "all",
            "rules": [{"id": "r", "methods": ["GET"], "paths": [format!("{segments}/**"), format!("{segments}/{{x}}")]}]});
        let policy = Policy::from_json_with_limits(&deep_rule.to_string(), &Limits::NONE).unwrap();
        let grant = policy.expand(&ScopeSet::new());
        assert!(policy.allows("GET", &format!("{segments}/z"), &grant));
    });
}

#[test]
fn each_limit_is_a_problem_at_its_pointer() {
    let base = |extra: Value| {
        let mut doc = json!({"version": 1, "name": "p", "scopes": {"a": {"implies": ["b"]}, "b": {}},
            "roles": {"r": ["a"]}, "default_scopes": "all",
            "rules": [{"id": "x", "methods": ["GET"], "paths": ["/a/b/c", "/d"], "except": ["/a/b/c/d"]}]});
        if let (Value::Object(doc), Value::Object(extra)) = (&mut doc, extra) {
            doc.extend(extra);
        }
        doc.to_string()
    };
    let text = base(json!({}));
    assert!(Policy::from_json(&text).is_ok());
    let cases = [
        (
            Limits {
                max_document_bytes: 100,
                ..Limits::default()
            },
            "",
        ),
        (
            Limits {
                max_scopes: 1,
                ..Limits::default()
            },
            "/scopes",
        ),
        (
            Limits {
                max_roles: 0,
                ..Limits::default()
            },
            "/roles",
        ),
        (
            Limits {
                max_implies: 0,
                ..Limits::default()
            },
            "/scopes/a/implies",
        ),
        (
            Limits {
                max_rules: 0,
                ..Limits::default()
            },
            "/rules",
        ),
        (
            Limits {
                max_patterns_per_rule: 2,
                ..Limits::default()
            },
            "/rules/0",
        ),
        (
            Limits {
                max_segments_per_pattern: 2,
                ..Limits::default()
            },
            "/rules/0/paths/0",
        ),
    ];
    for (limits, pointer) in cases {
        let err = Policy::from_json_with_limits(&text, &limits).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidPolicy, "{pointer}");
        let problem = &err.problems()[0];
        assert_eq!(
            problem.code(),
            ErrorCode::InvalidValue,
            "{pointer}: {problem}"
        );
        assert_eq!(problem.pointer(), Some(pointer));
        assert!(problem.message().contains("limit"), "{}", problem.message());
    }
    // The defaults, one past each count.
    let many_scopes: serde_json::Map<String, Value> =
        (0..10_001).map(|i| (format!("s{i}"), json!({}))).collect();
    let err = Policy::from_json(&base(json!({ "scopes": many_scopes }))).unwrap_err();
    assert_eq!(err.problems()[0].pointer(), Some("/scopes"));
    let deep_pattern = format!("/x{}", "/y".repeat(64));
    let err = Policy::from_json(&base(
        json!({"rules": [{"id": "x", "methods": ["GET"], "paths": [deep_pattern]}]}),
    ))
    .unwrap_err();
    assert_eq!(err.problems()[0].pointer(), Some("/rules/0/paths/0"));
}

#[test]
fn long_scope_strings_are_refused_and_big_ones_parse_fast() {
    let err = ScopeSet::parse(&"a ".repeat(40_000)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidScope);
    assert!(err.message().contains("limit"));
    // Within a raised limit, 100,000 distinct scopes parse (in n log n) and dedupe.
    let text: String = (0..100_000).rev().map(|i| format!("s{i} s{i} ")).collect();
    let set = ScopeSet::parse_with_max_len(&text, usize::MAX).unwrap();
    assert_eq!(set.len(), 100_000);
    assert!(set.iter().zip(set.iter().skip(1)).all(|(a, b)| a < b));
}

/// 3,000 rules matching `/api/x`, each needing its own pair of scopes, plus deny rules: an empty
/// grant gets a `missing` set that allows the request and from which nothing can be left out.
#[test]
fn thousands_of_matching_rules_give_a_missing_set_that_allows() {
    let n = 3_000;
    let mut scopes = serde_json::Map::new();
    scopes.insert("common".into(), json!({}));
    scopes.insert("banned".into(), json!({}));
    let mut rules = vec![
        json!({"id": "deny-banned", "effect": "deny", "methods": ["GET"], "paths": ["/api/**"], "any_of": ["banned"]}),
    ];
    for i in 0..n {
        scopes.insert(
            format!("a{i}"),
            json!({ "implies": if i % 7 == 0 { vec!["common".to_string()] } else { vec![] } }),
        );
        scopes.insert(format!("b{i}"), json!({}));
        rules.push(
            json!({"id": format!("r{i}"), "methods": ["GET"], "paths": ["/api/**"],
            "all_of": ["common", format!("b{i}")], "any_of": [format!("a{i}"), "banned"]}),
        );
    }
    let doc = json!({"version": 1, "name": "wide", "scopes": scopes, "default_scopes": "all", "rules": rules});
    let policy = Policy::from_json(&doc.to_string()).unwrap();
    let empty = policy.expand(&ScopeSet::new());
    let decision = policy.decide("GET", "/api/x", &empty);
    assert_eq!(decision.reason, Reason::InsufficientScope);
    let with_missing = policy.expand(&decision.missing);
    assert!(
        policy.allows("GET", "/api/x", &with_missing),
        "missing {} allows",
        decision.missing
    );
    for leave_out in decision.missing.iter() {
        let mut fewer = decision.missing.clone();
        fewer.remove(leave_out);
        assert!(
            !policy.allows("GET", "/api/x", &policy.expand(&fewer)),
            "{leave_out} is needed"
        );
    }
    // a0 implies common: {a0, b0} is enough, found by leaving common out.
    assert_eq!(decision.missing.to_string(), "a0 b0");
    let sets = policy.scopes_for("GET", "/api/x").unwrap();
    assert_eq!(
        sets.len(),
        n,
        "one set per rule; the ones with `banned` trigger the deny rule"
    );
    assert!(sets.iter().all(|s| s.len() == 3 && s.contains("common")));
}
