//! `scopegate openapi import|diff`: OpenAPI documents as policies, and drift between the two.

use std::path::Path;

use scopegate::tool::openapi::{self, ImportOptions};
use scopegate::Error;

use crate::report::{io_reason, load_policy, place, plural, problem_lines, read, Outcome};

fn options(base_path: Option<String>, scopes_any: bool) -> ImportOptions {
    ImportOptions {
        base_path,
        scopes_any,
    }
}

fn refused(spec: &Path, e: &Error) -> Outcome {
    eprintln!("error[{}]: {}: {}", e.code(), spec.display(), e.message());
    Outcome::Failure
}

pub fn import(
    spec: &Path,
    base_path: Option<String>,
    scopes_any: bool,
    output: Option<&Path>,
) -> Outcome {
    let Ok(text) = read(spec) else {
        return Outcome::Failure;
    };
    let imported = match openapi::import(&text, &options(base_path, scopes_any)) {
        Ok(imported) => imported,
        Err(e) => return refused(spec, &e),
    };
    let mut warnings = String::new();
    for warning in &imported.warnings {
        warnings.push_str(&problem_lines(
            "warning",
            "openapi",
            &warning.message,
            &place(spec, &text, Some(&warning.pointer)),
        ));
    }
    eprint!("{warnings}");
    let json = format!("{}\n", imported.document.to_json());
    match output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &json) {
                eprintln!("error: cannot write {}: {}", path.display(), io_reason(&e));
                return Outcome::Failure;
            }
        }
        None => print!("{json}"),
    }
    eprintln!(
        "imported {} and {} from {}{}",
        plural(imported.document.rules.len(), "rule"),
        plural(imported.document.scopes.len(), "scope"),
        spec.display(),
        if imported.warnings.is_empty() {
            String::new()
        } else {
            format!(" ({})", plural(imported.warnings.len(), "warning"))
        }
    );
    Outcome::Success
}

pub fn diff(
    spec: &Path,
    policy_path: &Path,
    base_path: Option<String>,
    scopes_any: bool,
) -> Outcome {
    let Ok(text) = read(spec) else {
        return Outcome::Failure;
    };
    let (_, policy) = match load_policy(policy_path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let drifts = match openapi::diff(&text, &policy, &options(base_path, scopes_any)) {
        Ok(drifts) => drifts,
        Err(e) => return refused(spec, &e),
    };
    let mut out = String::new();
    for drift in &drifts {
        out.push_str(&problem_lines(
            "drift",
            drift.kind.as_str(),
            &format!("{} {}: {}", drift.method, drift.path, drift.message),
            &place(spec, &text, Some(&drift.pointer)),
        ));
    }
    if drifts.is_empty() {
        out.push_str(&format!(
            "{}: no drift from {}\n",
            policy_path.display(),
            spec.display()
        ));
        print!("{out}");
        Outcome::Success
    } else {
        out.push_str(&format!(
            "{}: {} from {}\n",
            policy_path.display(),
            plural(drifts.len(), "drift"),
            spec.display()
        ));
        print!("{out}");
        Outcome::Failure
    }
}
