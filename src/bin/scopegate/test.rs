//! `scopegate test POLICY TESTS...`: runs policy test files, reporting like `cargo test`.

use std::path::{Path, PathBuf};

use scopegate::tool::cases::{read_test_file, run_case, uncovered_rules, CaseOutcome};

use crate::explain::render;
use crate::report::{load_policy, plural, read, Outcome};

pub fn run(path: &Path, tests: &[PathBuf], coverage: bool, min_coverage: Option<f64>) -> Outcome {
    if let Some(min) = min_coverage {
        if !(0.0..=100.0).contains(&min) {
            eprintln!("error: --min-coverage {min}: a percentage from 0 to 100");
            return Outcome::Failure;
        }
    }
    let (_, policy) = match load_policy(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let mut out = String::new();
    let mut failures = String::new();
    let (mut passed, mut failed, mut broken) = (0usize, 0usize, false);
    let mut outcomes: Vec<CaseOutcome> = Vec::new();
    for test_path in tests {
        let Ok(text) = read(test_path) else {
            broken = true;
            continue;
        };
        let file = match read_test_file(&text) {
            Ok(file) => file,
            Err(e) => {
                eprintln!(
                    "error[{}]: {}: {}",
                    e.code(),
                    test_path.display(),
                    e.message()
                );
                broken = true;
                continue;
            }
        };
        out.push_str(&format!(
            "\nrunning {} from {}\n",
            plural(file.cases.len(), "case"),
            test_path.display()
        ));
        for (index, case) in file.cases.iter().enumerate() {
            match run_case(&policy, case) {
                Ok(outcome) if outcome.mismatches.is_empty() => {
                    passed += 1;
                    out.push_str(&format!("case {} ... ok\n", case.name));
                    outcomes.push(outcome);
                }
                Ok(outcome) => {
                    failed += 1;
                    out.push_str(&format!("case {} ... FAILED\n", case.name));
                    failures.push_str(&format!(
                        "\n---- {} ({}, case {index}) ----\n",
                        case.name,
                        test_path.display()
                    ));
                    for (field, expected, actual) in &outcome.mismatches {
                        failures.push_str(&format!("{field}: expected {expected}, got {actual}\n"));
                    }
                    let grant = policy.expand(&outcome.scopes);
                    failures.push_str(&format!(
                        "request: {} {} with {}\n",
                        case.method,
                        case.path,
                        if outcome.scopes.is_empty() {
                            "no scope".to_string()
                        } else {
                            outcome.scopes.to_string()
                        }
                    ));
                    failures.push_str(&render(
                        &policy,
                        &policy.explain(&case.method, &case.path, &grant),
                    ));
                    outcomes.push(outcome);
                }
                Err(e) => {
                    failed += 1;
                    out.push_str(&format!("case {} ... ERROR\n", case.name));
                    failures.push_str(&format!(
                        "\n---- {} ({}, case {index}) ----\ncannot run: {} [{}]\n",
                        case.name,
                        test_path.display(),
                        e.message(),
                        e.code()
                    ));
                }
            }
        }
    }
    if !failures.is_empty() {
        out.push_str("\nfailures:\n");
        out.push_str(&failures);
    }
    let ok = failed == 0 && !broken;
    out.push_str(&format!(
        "\ntest result: {}. {passed} passed; {failed} failed\n",
        if ok { "ok" } else { "FAILED" }
    ));
    let mut coverage_ok = true;
    if coverage || min_coverage.is_some() {
        let total = policy.document().rules.len();
        let uncovered = uncovered_rules(&policy, &outcomes);
        let covered = total - uncovered.len();
        let percent = if total == 0 {
            100.0
        } else {
            covered as f64 * 100.0 / total as f64
        };
        out.push_str(&format!(
            "\ncoverage: {covered} of {} decided a case ({percent:.1}%)\n",
            plural(total, "rule")
        ));
        for id in &uncovered {
            out.push_str(&format!("  not covered: {id}\n"));
        }
        if let Some(min) = min_coverage {
            if percent < min {
                coverage_ok = false;
                out.push_str(&format!(
                    "coverage {percent:.1}% is below --min-coverage {min}%\n"
                ));
            }
        }
    }
    print!("{out}");
    if ok && coverage_ok {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}
