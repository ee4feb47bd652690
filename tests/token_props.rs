//! Property tests: decoding never panics; any single-byte mutation of a valid token fails to verify.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{fixture, fixture_token};
use proptest::prelude::*;
use scopegate::{decode_unverified, Algorithm, KeySet, Verifier, VerifyOptions};

/// (verifier, token, now) for the HS256, ES256 and EdDSA fixtures.
fn valid_tokens() -> Vec<(Verifier, String, u64)> {
    let keys = fixture("keys.json");
    let tokens = fixture("tokens.json");
    let now = tokens["now"].as_u64().unwrap();
    let jwks = || KeySet::from_jwks(&keys["jwks"].to_string()).unwrap();
    let secret = URL_SAFE_NO_PAD
        .decode(keys["hmac_secret_b64u"].as_str().unwrap())
        .unwrap();
    let find = |alg: &str| fixture_token(&tokens, alg);
    let all = || VerifyOptions::new(Algorithm::ALL);
    vec![
        (
            Verifier::new(KeySet::hmac_secret(&secret).unwrap(), all()).unwrap(),
            find("HS256"),
            now,
        ),
        (Verifier::new(jwks(), all()).unwrap(), find("ES256"), now),
        (Verifier::new(jwks(), all()).unwrap(), find("EdDSA"), now),
        (Verifier::new(jwks(), all()).unwrap(), find("RS256"), now),
    ]
}

fn token_like() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        "[A-Za-z0-9_-]{0,40}",
        any::<Vec<u8>>().prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
        "\\PC{0,30}".prop_map(|s| URL_SAFE_NO_PAD.encode(s)),
        prop::sample::select(vec![
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"none","crit":[]}"#,
            r#"{"exp":"x","scope":1,"scp":[null],"aud":{}}"#,
            r#"{"exp":1e999}"#,
            r#"{"a":{"a":1,"a":2}}"#,
        ])
        .prop_map(|s| URL_SAFE_NO_PAD.encode(s)),
    ];
    prop::collection::vec(part, 1..6).prop_map(|parts| parts.join("."))
}

proptest! {
    #[test]
    fn decode_never_panics_on_strings(s in "\\PC{0,200}") {
        let _ = decode_unverified(&s);
    }

    #[test]
    fn decode_never_panics_on_bytes(bytes in any::<Vec<u8>>()) {
        let _ = decode_unverified(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn decode_and_verify_never_panic_on_token_like_input(s in token_like()) {
        let _ = decode_unverified(&s);
        for (verifier, _, now) in valid_tokens().iter().take(1) {
            let _ = verifier.verify_at(&s, *now);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_mutation_of_a_valid_token_fails(
        which in 0usize..4,
        position in any::<prop::sample::Index>(),
        replacement in prop_oneof![
            prop::sample::select(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ".to_vec()
            ),
            any::<u8>().prop_filter("ASCII keeps the string valid", |b| b.is_ascii()),
        ],
    ) {
        let cases = valid_tokens();
        let (verifier, token, now) = &cases[which];
        prop_assert!(verifier.verify_at(token, *now).is_ok());
        let mut bytes = token.clone().into_bytes();
        let i = position.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        let mutated = String::from_utf8(bytes).unwrap();
        prop_assert!(verifier.verify_at(&mutated, *now).is_err(), "accepted {mutated}");
    }
}
