//! Bundle loading: any bytes are refused with `invalid_bundle` or load into a policy that then
//! answers decisions, grants and reverse queries without panicking or stalling, and writes itself
//! back byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopegate::{ErrorCode, Policy, ScopeSet};

fuzz_target!(|data: &[u8]| {
    let policy = match Policy::from_bundle(data) {
        Ok(policy) => policy,
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidBundle, "{e}");
            return;
        }
    };
    let again = Policy::from_bundle(&policy.to_bundle()).expect("a loaded bundle reloads");
    assert_eq!(again.to_bundle(), policy.to_bundle());
    let names: Vec<String> = policy.document().scopes.keys().take(4).cloned().collect();
    let held = ScopeSet::from_list(&names).unwrap_or_default();
    let grant = policy.expand(&held);
    let _ = policy.grant(None, &held);
    let _ = policy.grant(Some(&held), &ScopeSet::new());
    for rule in policy.document().rules.iter().take(8) {
        for pattern in rule.paths.iter().take(2) {
            let path = pattern.replace(['{', '}'], "").replace("**", "x").replace('*', "y");
            for method in rule.methods.iter().take(2) {
                let method = if method == "*" { "GET" } else { method.as_str() };
                let decision = policy.decide(method, &path, &grant);
                assert_eq!(decision.allowed, policy.allows(method, &path, &grant));
                let _ = policy.scopes_for(method, &path);
            }
        }
    }
    let _ = policy.allowed_rules(&grant);
});
