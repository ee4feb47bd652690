//! What the policy targets do with a policy that loaded: decisions (with `allows` agreeing and
//! `missing` really allowing), grants and reverse queries, none of which may panic.

use scopegate::{Policy, ScopeSet};

pub fn exercise(policy: &Policy) {
    let names: Vec<String> = policy.document().scopes.keys().take(4).cloned().collect();
    let held = ScopeSet::from_list(&names).unwrap_or_default();
    let grant = policy.expand(&held);
    let _ = policy.grant(None, &held);
    let _ = policy.grant(Some(&held), &ScopeSet::new());
    for rule in policy.document().rules.iter().take(8) {
        for pattern in rule.paths.iter().take(2) {
            // A pattern with its parameters filled in is a request path the rule may match.
            let path = pattern.replace(['{', '}'], "").replace("**", "x").replace('*', "y");
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
}
