//! Helpers shared by the integration tests: paths, the decision-table format and the verifier
//! specs of `tests/tables/tokens.json`.
#![allow(dead_code)]

use std::path::PathBuf;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

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

/// A JSON fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> Value {
    serde_json::from_str(&read(&format!("tests/fixtures/{name}"))).unwrap()
}

/// The PyJWT-minted token for `alg` from `tests/fixtures/tokens.json`.
pub fn fixture_token(tokens: &Value, alg: &str) -> String {
    tokens["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["alg"] == alg)
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The HS256 signature of `signing_input`, base64url-encoded.
pub fn hs256(secret: &[u8], signing_input: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(signing_input.as_bytes());
    b64(&mac.finalize().into_bytes())
}

/// An HS256-signed token from raw header and payload bytes.
pub fn mint_raw(secret: &[u8], header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let signature = hs256(secret, &input);
    format!("{input}.{signature}")
}

/// An HS256-signed token from JSON header and payload.
pub fn mint(secret: &[u8], header: &Value, payload: &Value) -> String {
    mint_raw(
        secret,
        header.to_string().as_bytes(),
        payload.to_string().as_bytes(),
    )
}

#[cfg(feature = "verify")]
#[path = "verifier_spec.rs"]
mod verifier_spec;
#[cfg(feature = "verify")]
#[allow(unused_imports)] // used by the token tests, not by every test binary
pub use verifier_spec::{try_verifier_from_spec, verifier_from_spec};

/// A table field that must be present and hold a string or `null`.
pub fn nullable_string<'a>(object: &'a Value, field: &str) -> Option<&'a str> {
    match object.get(field) {
        Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        other => panic!("`{field}` must be a string or null, not {other:?}"),
    }
}

/// A table case's outcome: `None` when its `expect` names an `error` (checked against the
/// refusal's code and `claim`), else the accepted value.
pub fn expected_outcome<T>(
    expect: &Value,
    result: Result<T, scopegate::Error>,
    note: &str,
) -> Option<T> {
    let Some(code) = expect.get("error") else {
        return Some(result.unwrap_or_else(|e| panic!("{note}: refused: {e}")));
    };
    let err = match result {
        Ok(_) => panic!("{note}: accepted"),
        Err(err) => err,
    };
    assert_eq!(err.code().as_str(), code.as_str().unwrap(), "{note}: {err}");
    assert_eq!(
        err.claim(),
        nullable_string(expect, "claim"),
        "{note}: {err}"
    );
    None
}

/// A table field that must be present and hold a list of strings.
pub fn string_list(object: &Value, field: &str) -> Vec<String> {
    serde_json::from_value(object.get(field).cloned().unwrap_or(Value::Null))
        .unwrap_or_else(|e| panic!("`{field}` must be a list of strings: {e}"))
}
