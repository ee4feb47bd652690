//! Helpers shared by the integration tests: paths and the decision-table format.
#![allow(dead_code)]

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

/// A path relative to the crate root.
pub fn root(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Reads a file relative to the crate root.
pub fn read(relative: &str) -> String {
    std::fs::read_to_string(root(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// One decision table: a policy file and its cases.
#[derive(Debug, Deserialize)]
pub struct DecisionTable {
    pub policy: String,
    pub cases: Vec<DecisionCase>,
}

/// One row: a request, the token's scopes, and the expected decision fields.
#[derive(Debug, Deserialize)]
pub struct DecisionCase {
    #[serde(default)]
    pub note: String,
    pub method: String,
    pub path: String,
    pub scopes: String,
    pub expect: serde_json::Map<String, Value>,
}

/// Every `tests/tables/*.decisions.json` file, by name.
pub fn decision_tables() -> Vec<(String, DecisionTable)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(root("tests/tables"))
        .expect("tests/tables")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".decisions.json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("table");
            let table: DecisionTable = serde_json::from_str(&text).expect("table format");
            (p.file_name().unwrap().to_string_lossy().into_owned(), table)
        })
        .collect()
}
