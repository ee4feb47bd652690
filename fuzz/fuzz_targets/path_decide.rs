//! Path reading and decisions on fixed policies: `decide` and `allows` agree, a normalized path
//! normalizes to itself, and nothing panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scopegate::{normalize_path_with, Grant, Policy, ScopeSet};

struct Fixture {
    policy: Policy,
    grants: Vec<Grant>,
}

fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        [
            (include_str!("../../examples/policies/banking.json"), ["", "read_only", "read_all admin"]),
            (include_str!("../../tests/policies/paths-lenient.json"), ["", "user", "admin"]),
        ]
        .into_iter()
        .map(|(json, scopes)| {
            let policy = Policy::from_json(json).expect("fixture policy");
            let grants = scopes
                .iter()
                .map(|s| policy.expand(&ScopeSet::parse(s).expect("scopes")))
                .collect();
            Fixture { policy, grants }
        })
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // "METHOD path" or a bare path (GET).
    let (method, path) = match text.split_once(' ') {
        Some((method, path)) if method.len() < 16 => (method, path),
        _ => ("GET", text),
    };
    for fixture in fixtures() {
        let matching = *fixture.policy.path_matching();
        if let Ok(normalized) = normalize_path_with(path, &matching) {
            let canonical = normalized.to_string();
            let again = normalize_path_with(&canonical, &matching).expect("a canonical path normalizes");
            assert_eq!(again.to_string(), canonical);
        }
        for grant in &fixture.grants {
            let decision = fixture.policy.decide(method, path, grant);
            assert_eq!(decision.allowed, fixture.policy.allows(method, path, grant), "{method} {path:?}");
        }
    }
});
