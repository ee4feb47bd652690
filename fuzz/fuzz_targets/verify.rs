//! Verification of any text with fixed keys of each kind (HMAC, RSA, EC P-256 and P-384,
//! Ed25519, a JWKS) and every algorithm allowed: a token or an error, never a panic; a token
//! that verifies still decodes the same without verification.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scopegate::{Algorithm, KeySet, Verifier, VerifyOptions};

fn verifiers() -> &'static [Verifier] {
    static VERIFIERS: OnceLock<Vec<Verifier>> = OnceLock::new();
    VERIFIERS.get_or_init(|| {
        let keys: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/keys.json")).expect("keys");
        let sets = [
            KeySet::from_jwk(&keys["hmac_jwk"].to_string()),
            KeySet::from_pem(keys["rsa_spki_pem"].as_str().unwrap_or_default()),
            KeySet::from_pem(keys["p256_spki_pem"].as_str().unwrap_or_default()),
            KeySet::from_pem(keys["p384_spki_pem"].as_str().unwrap_or_default()),
            KeySet::from_pem(keys["ed25519_spki_pem"].as_str().unwrap_or_default()),
            KeySet::from_jwks(&keys["jwks"].to_string()),
        ];
        sets.into_iter()
            .map(|set| {
                Verifier::new(set.expect("fixture key"), VerifyOptions::new(Algorithm::ALL))
                    .expect("verifier")
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for verifier in verifiers() {
        if let Ok(token) = verifier.verify_at(text, 1_800_000_000) {
            let decoded = scopegate::decode_unverified(text).expect("a verified token decodes");
            assert_eq!(decoded, token);
        }
    }
});
