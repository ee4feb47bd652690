//! One vocabulary for Rust and JavaScript: the Rust enums, the TypeScript unions of the npm
//! package and the README's error table list the same error codes and reasons.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeSet;

use scopegate::{ErrorCode, Reason};

/// The string literals of `export type <name> = ... ;` in a .d.ts file.
fn ts_union(dts: &str, name: &str) -> BTreeSet<String> {
    let start = dts
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("no type {name}"));
    // Doc comments may hold any character: the union ends at the first `;` outside them.
    let mut body = String::new();
    let mut rest = &dts[start..];
    loop {
        let end = rest.find(';').expect("end of the union");
        match rest.find("/*").filter(|&c| c < end) {
            Some(comment) => {
                body.push_str(&rest[..comment]);
                let close = rest[comment..].find("*/").expect("end of a comment");
                rest = &rest[comment + close + 2..];
            }
            None => {
                body.push_str(&rest[..end]);
                break;
            }
        }
    }
    body.split('\'')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

/// Every `code` in backticks in the first column of the README's error table.
fn readme_error_codes(readme: &str) -> BTreeSet<String> {
    let section = &readme[readme.find("## Error codes").expect("an error table")..];
    let table: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .collect();
    let mut codes = BTreeSet::new();
    for row in table {
        let first = row.split('|').nth(1).unwrap_or_default();
        for code in first.split('`').skip(1).step_by(2) {
            codes.insert(code.to_string());
        }
    }
    codes
}

#[test]
fn error_codes_are_one_vocabulary() {
    let rust: BTreeSet<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    assert_eq!(rust.len(), ErrorCode::ALL.len(), "codes are distinct");
    let ts = ts_union(&common::read("pkg-template/types.d.ts"), "ErrorCode");
    assert_eq!(ts, rust, "TypeScript ErrorCode vs ErrorCode::ALL");
    let readme = readme_error_codes(&common::read("README.md"));
    assert_eq!(readme, rust, "README error table vs ErrorCode::ALL");
    // serde writes the same names.
    for code in ErrorCode::ALL {
        assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
    }
}

#[test]
fn reasons_are_one_vocabulary() {
    let rust: BTreeSet<String> = Reason::ALL.iter().map(|r| r.as_str().to_string()).collect();
    let ts = ts_union(&common::read("pkg-template/types.d.ts"), "Reason");
    assert_eq!(ts, rust, "TypeScript Reason vs Reason::ALL");
    for reason in Reason::ALL {
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
    }
}
