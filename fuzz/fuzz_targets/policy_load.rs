//! Policy loading: any bytes are refused with an error or compile into a policy that then
//! answers decisions, grants and reverse queries without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopegate::{Policy, ScopeSet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = Policy::from_json(text) else {
        return;
    };
    let names: Vec<String> = policy.document().scopes.keys().take(4).cloned().collect();
    let held = ScopeSet::from_list(&names).unwrap_or_default();
    let grant = policy.expand(&held);
    let _ = policy.grant(None, &held);
    let _ = policy.grant(Some(&held), &ScopeSet::new());
    for rule in policy.document().rules.iter().take(8) {
        for pattern in rule.paths.iter().take(2) {
            // A pattern with its parameters filled in is a request path the rule may match.
            let path = pattern.replace("{", "").replace("}", "").replace("**", "x").replace('*', "y");
            for method in rule.methods.iter().take(2) {
                let method = if method == "*" { "GET" } else { method.as_str() };
                let decision = policy.decide(method, &path, &grant);
                assert_eq!(decision.allowed, policy.allows(method, &path, &grant));
                let empty = policy.expand(&ScopeSet::new());
                let refused = policy.decide(method, &path, &empty);
                if refused.reason == scopegate::Reason::InsufficientScope {
                    // `missing` really allows the request.
                    let fixed = policy.expand(&refused.missing);
                    assert!(policy.allows(method, &path, &fixed), "{method} {path}: missing {}", refused.missing);
                }
                let _ = policy.scopes_for(method, &path);
            }
        }
    }
    let _ = policy.allowed_rules(&grant);
});
