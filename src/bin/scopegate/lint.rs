//! `scopegate lint POLICY`: warnings a reviewer of a scope policy would raise.

use std::path::Path;

use scopegate::tool::lint::{lint, LINTS};
use scopegate::tool::source::locate;
use serde_json::json;

use crate::report::{load_policy, place, plural, problem_lines, Outcome};
use crate::Format;

pub fn run(path: &Path, deny_warnings: bool, allow: &[String], format: Format) -> Outcome {
    if let Some(unknown) = allow
        .iter()
        .find(|a| !LINTS.iter().any(|(code, _)| code == a))
    {
        let known: Vec<&str> = LINTS.iter().map(|(code, _)| *code).collect();
        eprintln!(
            "error: --allow {unknown}: no such lint; the lints are: {}",
            known.join(", ")
        );
        return Outcome::Failure;
    }
    let (text, policy) = match load_policy(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let findings: Vec<_> = lint(&policy)
        .into_iter()
        .filter(|f| !allow.iter().any(|a| a == f.code))
        .collect();
    match format {
        Format::Text => {
            let mut out = String::new();
            for finding in &findings {
                out.push_str(&problem_lines(
                    "warning",
                    finding.code,
                    &finding.message,
                    &place(path, &text, Some(&finding.pointer)),
                ));
            }
            if findings.is_empty() {
                out.push_str(&format!("{}: no warnings\n", path.display()));
            } else {
                out.push_str(&format!(
                    "{}: {}\n",
                    path.display(),
                    plural(findings.len(), "warning")
                ));
            }
            print!("{out}");
        }
        Format::Json => {
            let entries: Vec<_> = findings
                .iter()
                .map(|f| {
                    let at = locate(&text, &f.pointer);
                    json!({
                        "code": f.code,
                        "message": f.message,
                        "pointer": f.pointer,
                        "line": at.map(|a| a.line),
                        "column": at.map(|a| a.column),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "file": path.display().to_string(),
                    "warnings": entries,
                }))
                .unwrap_or_default()
            );
        }
    }
    if deny_warnings && !findings.is_empty() {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}
