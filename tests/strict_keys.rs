//! Strict keys: weak Ed25519 keys refused at load, Ed25519 verified strictly (RFC 8032 §5.1.7,
//! canonical S), one key per `kid` and key type in a key set, detached signatures.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{b64, fixture};
use scopegate::{Algorithm, ErrorCode, KeySet, Verifier, VerifyOptions};
use serde_json::json;

/// Small-order Ed25519 points, as encoded public keys: the identity (`01 00…00`), the point of
/// order 4 with y = 0 (all zero), and the point of order 2 (y = -1, `ecff…7f`).
fn weak_points() -> Vec<(&'static str, [u8; 32])> {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut minus_one = [0xffu8; 32];
    minus_one[0] = 0xec;
    minus_one[31] = 0x7f;
    vec![
        ("identity", identity),
        ("all zero", [0; 32]),
        ("order 2", minus_one),
    ]
}

/// The SPKI PEM of a raw Ed25519 public key.
fn ed25519_pem(x: &[u8; 32]) -> String {
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(x);
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
}

#[test]
fn small_order_ed25519_keys_are_refused_at_load() {
    for (name, x) in weak_points() {
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&x)}).to_string();
        let err = KeySet::from_jwk(&jwk).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidKey, "{name}: {err}");
        assert!(err.message().contains("small order"), "{name}: {err}");
        let err = KeySet::from_pem(&ed25519_pem(&x)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidKey, "{name} (PEM): {err}");
        let jwks = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64(&x), "kid": "k"}]});
        assert_eq!(
            KeySet::from_jwks(&jwks.to_string()).unwrap_err().code(),
            ErrorCode::InvalidKey
        );
    }
}

#[test]
fn the_forged_token_of_the_finding_cannot_verify() {
    // R = 01 00…00 (the identity), S = 0: with the identity as key, [S]B = R + [k]A holds for
    // any message, so a lenient verifier accepted it. The key is refused now; with a real key the
    // same signature is refused by the strict checks.
    let keys = fixture("keys.json");
    let mut signature = [0u8; 64];
    signature[0] = 1;
    let header = b64(br#"{"alg":"EdDSA"}"#);
    let payload = b64(br#"{"sub":"admin","scope":"admin","exp":4000000000}"#);
    let forged = format!("{header}.{payload}.{}", b64(&signature));
    let real = KeySet::from_jwk(&keys["ed25519_jwk"].to_string()).unwrap();
    let verifier = Verifier::new(real, VerifyOptions::new([Algorithm::EdDSA])).unwrap();
    let err = verifier.verify_at(&forged, 1_800_000_000).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidSignature);
}

#[test]
fn a_non_canonical_s_is_refused() {
    // A valid EdDSA token, then S + L (the group order): the same point equation, another encoding.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let tokens = fixture("tokens.json");
    let keys = fixture("keys.json");
    let token = common::fixture_token(&tokens, "EdDSA");
    let now = tokens["now"].as_u64().unwrap();
    let verifier = Verifier::new(
        KeySet::from_jwk(&keys["ed25519_jwk"].to_string()).unwrap(),
        VerifyOptions::new([Algorithm::EdDSA]),
    )
    .unwrap();
    verifier
        .verify_at(&token, now)
        .expect("the fixture verifies");
    let (input, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let mut carry = 0u16;
    for (byte, l) in bytes[32..].iter_mut().zip(L) {
        let sum = u16::from(*byte) + u16::from(l) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    let malleated = format!("{input}.{}", b64(&bytes));
    let err = verifier.verify_at(&malleated, now).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidSignature);
}

#[test]
fn a_kid_names_one_key_of_a_type() {
    let keys = fixture("keys.json");
    let mut p256 = keys["p256_jwk"].clone();
    p256["kid"] = json!("k1");
    let mut rsa = keys["rsa_jwk"].clone();
    rsa["kid"] = json!("k1");
    let mut other_p256 = keys["p256_jwk"].clone();
    other_p256["kid"] = json!("k1");
    other_p256["alg"] = json!("ES256");
    // Two P-256 keys under k1: refused, naming the kid.
    let err = KeySet::from_jwks(&json!({"keys": [p256, rsa, other_p256]}).to_string()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidKey);
    assert!(err.message().contains("\"k1\""), "{err}");
    // One key of each type under k1: the token's alg tells them apart.
    let set = KeySet::from_jwks(&json!({"keys": [p256, rsa]}).to_string()).unwrap();
    assert_eq!(set.len(), 2);
}

#[test]
fn detached_signatures_verify_with_the_same_key_rules() {
    let keys = fixture("keys.json");
    let tokens = fixture("tokens.json");
    let set = KeySet::from_jwk(&keys["ed25519_jwk"].to_string()).unwrap();
    let token = common::fixture_token(&tokens, "EdDSA");
    let (input, signature) = token.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    set.verify_signature(Algorithm::EdDSA, None, input.as_bytes(), &signature)
        .unwrap();
    let err = set
        .verify_signature(Algorithm::EdDSA, None, b"other", &signature)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidSignature);
    let err = set
        .verify_signature(Algorithm::ES256, None, input.as_bytes(), &signature)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlgorithmNotAllowed);
    let err = set
        .verify_signature(Algorithm::EdDSA, None, input.as_bytes(), &signature[..63])
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidSignature);
}
