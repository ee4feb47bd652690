//! Evaluates the banking policy for a few personas on a table of endpoints and prints it.
//!
//! Run: `cargo run --example decision_table [policy.json]`.

use scopegate::{Policy, Reason, ScopeSet};

const PERSONAS: [(&str, &str); 5] = [
    ("end user", "read_only read_write"),
    ("read-only user", "read_only"),
    ("machine", "read_all"),
    ("support agent", "support_agent"),
    ("administrator", "administrator"),
];

const ENDPOINTS: [(&str, &str); 10] = [
    ("GET", "/wallets"),
    ("GET", "/cards/123"),
    ("POST", "/transfers"),
    ("DELETE", "/cards/123"),
    ("GET", "/legal/kyc/42"),
    ("PUT", "/legal/documents/d-9"),
    ("GET", "/admin/settings"),
    ("PUT", "/admin/settings"),
    ("DELETE", "/keys/k-1"),
    ("POST", "/support-users"),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/policies/banking.json".to_string());
    let policy = Policy::from_json(&std::fs::read_to_string(&path)?)?;
    println!("policy {:?} ({path})\n", policy.name());

    print!("{:<28}", "endpoint");
    for (persona, _) in PERSONAS {
        print!("{persona:<22}");
    }
    println!();
    let grants = PERSONAS
        .iter()
        .map(|(_, scopes)| Ok(policy.expand(&ScopeSet::parse(scopes)?)))
        .collect::<Result<Vec<_>, scopegate::Error>>()?;
    for (method, path) in ENDPOINTS {
        print!("{:<28}", format!("{method} {path}"));
        for grant in &grants {
            let decision = policy.decide(method, path, grant);
            let cell = match (decision.reason, decision.data) {
                (Reason::Allowed, Some(data)) => format!("✓ {}", data.as_str()),
                (Reason::InsufficientScope, _) => format!("✗ needs {}", decision.missing),
                (reason, _) => format!("✗ {reason}"),
            };
            print!("{cell:<22}");
        }
        println!();
    }
    println!("\n✓ own: the caller's own resources only; ✓ all: everything.");
    Ok(())
}
