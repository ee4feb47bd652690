//! Prints every decision of the decision tables (`tests/tables/*.decisions.json`) as one JSON
//! document, so other runtimes (the npm package in Node, Deno, Bun, workerd, browsers) can be
//! checked to give byte-identical answers.
//!
//! Run: `cargo run --example decision_tables_json`.

use scopegate::{Decision, Policy, ScopeSet};
use serde::Serialize;
use serde_json::Value;

/// One row of the output, fields in the order every runtime prints them.
#[derive(Serialize)]
struct Row {
    decision: Decision,
    allows: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut names: Vec<_> = std::fs::read_dir("tests/tables")?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".decisions.json"))
        .collect();
    names.sort();
    let mut out: std::collections::BTreeMap<String, Vec<Row>> = Default::default();
    for path in names {
        let table: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let policy_file = table["policy"].as_str().ok_or("table without policy")?;
        let policy = Policy::from_json(&std::fs::read_to_string(policy_file)?)?;
        let mut decisions = Vec::new();
        for case in table["cases"].as_array().ok_or("table without cases")? {
            let scopes = ScopeSet::parse(case["scopes"].as_str().unwrap_or(""))?;
            let grant = policy.expand(&scopes);
            let method = case["method"].as_str().unwrap_or("");
            let target = case["path"].as_str().unwrap_or("");
            let decision = policy.decide(method, target, &grant);
            let allows = policy.allows(method, target, &grant);
            decisions.push(Row { decision, allows });
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        out.insert(name.unwrap_or_default(), decisions);
    }
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
