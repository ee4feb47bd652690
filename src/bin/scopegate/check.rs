//! `scopegate check POLICY...`: validates policies and reports every problem.

use std::path::PathBuf;

use scopegate::tool::source::locate;
use scopegate::Policy;
use serde_json::{json, Value};

use crate::report::{place, plural, problem_lines, problems, read, Outcome};
use crate::Format;

pub fn run(paths: &[PathBuf], format: Format) -> Outcome {
    let mut failed = false;
    let mut files = Vec::new();
    let mut text_report = String::new();
    for path in paths {
        let text = match read(path) {
            Ok(text) => text,
            Err(_) => {
                failed = true;
                continue;
            }
        };
        match Policy::from_json(&text) {
            Ok(policy) => {
                let document = policy.document();
                text_report.push_str(&format!(
                    "{}: ok ({}, {}, {})\n",
                    path.display(),
                    plural(document.scopes.len(), "scope"),
                    plural(document.roles.len(), "role"),
                    plural(document.rules.len(), "rule"),
                ));
                files.push(
                    json!({ "file": path.display().to_string(), "ok": true, "problems": [] }),
                );
            }
            Err(error) => {
                failed = true;
                let list = problems(&error);
                let mut entries = Vec::new();
                for problem in &list {
                    text_report.push_str(&problem_lines(
                        "error",
                        problem.code().as_str(),
                        problem.message(),
                        &place(path, &text, problem.pointer()),
                    ));
                    let at = problem.pointer().and_then(|p| locate(&text, p));
                    entries.push(json!({
                        "code": problem.code().as_str(),
                        "message": problem.message(),
                        "pointer": problem.pointer(),
                        "line": at.map(|a| a.line),
                        "column": at.map(|a| a.column),
                    }));
                }
                text_report.push_str(&format!(
                    "{}: {}\n",
                    path.display(),
                    plural(list.len(), "problem")
                ));
                files.push(
                    json!({ "file": path.display().to_string(), "ok": false, "problems": entries }),
                );
            }
        }
    }
    match format {
        Format::Text => print!("{text_report}"),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&Value::Array(files)).unwrap_or_default()
        ),
    }
    if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}
