//! Prints the Wycheproof signature vectors (`tests/wycheproof_vectors/`) with the native answers,
//! as JSON, for `tests/js/wycheproof.mjs`: the npm package verifies the same vectors with the
//! platform's WebCrypto and must answer exactly as the native build does.
//!
//! Run: `cargo run --example wycheproof_json > vectors.json` (about 5 MB).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

#[path = "../tests/wycheproof_vectors/mod.rs"]
mod wycheproof_vectors;

fn main() {
    let mut groups = Vec::new();
    for group in wycheproof_vectors::groups() {
        let (loaded, verdicts) = wycheproof_vectors::answers(&group);
        let vectors: Vec<Value> = group
            .vectors
            .iter()
            .zip(verdicts)
            .map(|(v, verified)| {
                assert!(
                    wycheproof_vectors::as_expected(v.result, verified),
                    "{} #{}: the native answer is not the expected one",
                    group.set,
                    v.id
                );
                json!({
                    "id": v.id,
                    "msg": STANDARD.encode(&v.msg),
                    "sig": STANDARD.encode(&v.sig),
                    "verified": verified,
                })
            })
            .collect();
        groups.push(json!({
            "set": group.set,
            "alg": group.alg.as_str(),
            "pem": group.pem,
            "loaded": loaded,
            "vectors": vectors,
        }));
    }
    println!("{}", Value::Array(groups));
}
