//! Unverified decoding and scope claim extraction: the "decode" cases of
//! `tests/tables/tokens.json`, which the JavaScript runtimes read too.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{expected_outcome, nullable_string, read, string_list};
use scopegate::{decode_unverified, decode_unverified_with, DecodeOptions};
use serde_json::Value;

/// `DecodeOptions` from a case's `options`, under the npm package's names.
fn decode_options(options: Option<&Value>) -> DecodeOptions {
    let mut decode = DecodeOptions::default();
    let Some(options) = options else {
        return decode;
    };
    for (name, value) in options.as_object().expect("`options` is an object") {
        match name.as_str() {
            "maxSize" => {
                decode.max_size = value
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .expect("`maxSize` is a whole number");
            }
            "scopeClaim" => {
                decode.scope_claim = Some(value.as_str().expect("`scopeClaim`").to_string());
            }
            other => panic!("unknown decode option `{other}`"),
        }
    }
    decode
}

/// Each "decode" case: refused with its code and claim, or decoded with its subject and scopes.
#[test]
fn token_table_decode_cases() {
    let table: Value = serde_json::from_str(&read("tests/tables/tokens.json")).unwrap();
    let mut notes = BTreeSet::new();
    let (mut refused, mut decoded) = (0, 0);
    for case in table["decode"].as_array().expect("decode") {
        let note = case["note"].as_str().expect("note");
        assert!(
            !note.is_empty() && notes.insert(note),
            "{note}: notes are unique"
        );
        let token = case["token"].as_str().expect("token");
        let options = case.get("options");
        let result = decode_unverified_with(token, &decode_options(options));
        if options.is_none() {
            assert_eq!(decode_unverified(token), result, "{note}: default options");
        }
        let expect = &case["expect"];
        if let Some(token) = expected_outcome(expect, result, note) {
            assert_eq!(
                token.subject(),
                nullable_string(expect, "subject"),
                "{note}"
            );
            assert_eq!(
                token.scopes().to_vec(),
                string_list(expect, "scopes"),
                "{note}"
            );
            decoded += 1;
        } else {
            refused += 1;
        }
    }
    // As converted from the tuple tables: 30 refused tokens, 10 decoded.
    assert!(refused >= 30, "{refused} refused cases");
    assert!(decoded >= 10, "{decoded} decoded cases");
}

/// What the table's expectations do not hold: the algorithm, and a fractional `exp` rounded up.
#[test]
fn alg_none_is_decodable() {
    let t = decode_unverified(&format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(r#"{"sub":"x","exp":1.5}"#)
    ))
    .unwrap();
    assert_eq!(
        (t.algorithm(), t.subject(), t.expires_at()),
        (Some("none"), Some("x"), Some(2))
    );
}
