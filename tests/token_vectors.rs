//! Standard vectors (RFC 7515 Appendix A, RFC 8037 Appendix A.4) and tokens minted by PyJWT
//! (`tests/fixtures/mint.py`), verified with a fixed clock.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::fixture;
use scopegate::{
    decode_unverified, Algorithm, ErrorCode, KeySet, ScopeSet, Verifier, VerifyOptions,
};
use serde_json::Value;

/// RFC 7515 A.1-A.3 payload: `{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}`.
const RFC7515_PAYLOAD: &str =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
const RFC7515_EXP: u64 = 1_300_819_380;

const A1_TOKEN: &str = concat!(
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.",
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
);
const A1_JWK: &str = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;

const A2_SIGNATURE: &str = concat!(
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7",
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4",
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K",
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv",
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB",
    "p0igcN_IoypGlUPQGe77Rw"
);
const A2_JWK: &str = concat!(
    r#"{"kty":"RSA","e":"AQAB","n":""#,
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx",
    "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs",
    "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH",
    "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV",
    "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8",
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
    r#""}"#
);

const A3_SIGNATURE: &str =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const A3_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;

/// RFC 8037 A.4: `{"alg":"EdDSA"}` over the plain (non-JSON) payload "Example of Ed25519 signing".
const RFC8037_TOKEN: &str = concat!(
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.",
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
);
const RFC8037_JWK: &str =
    r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

fn verifier(keys: KeySet, alg: Algorithm) -> Verifier {
    Verifier::new(keys, VerifyOptions::new([alg])).unwrap()
}

fn check_rfc7515(token: &str, jwk: &str, alg: Algorithm) {
    let v = verifier(KeySet::from_jwk(jwk).unwrap(), alg);
    let t = v.verify_at(token, RFC7515_EXP - 1).unwrap();
    assert_eq!(t.issuer(), Some("joe"));
    assert_eq!(t.expires_at(), Some(RFC7515_EXP));
    assert_eq!(
        t.claim("http://example.com/is_root"),
        Some(&Value::Bool(true))
    );
    assert!(t.scopes().is_empty());
    // exp == now is expired (jsonwebtoken alone would accept it).
    let err = v.verify_at(token, RFC7515_EXP).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExpired);
    assert_eq!(err.claim(), Some("exp"));
}

#[test]
fn rfc7515_a1_hs256() {
    check_rfc7515(A1_TOKEN, A1_JWK, Algorithm::HS256);
    assert_eq!(
        decode_unverified(A1_TOKEN).unwrap().token_type(),
        Some("JWT")
    );
}

#[test]
fn rfc7515_a2_rs256() {
    let token = format!("eyJhbGciOiJSUzI1NiJ9.{RFC7515_PAYLOAD}.{A2_SIGNATURE}");
    check_rfc7515(&token, A2_JWK, Algorithm::RS256);
}

#[test]
fn rfc7515_a3_es256() {
    let token = format!("eyJhbGciOiJFUzI1NiJ9.{RFC7515_PAYLOAD}.{A3_SIGNATURE}");
    check_rfc7515(&token, A3_JWK, Algorithm::ES256);
}

#[test]
fn rfc8037_a4_ed25519() {
    let v = verifier(KeySet::from_jwk(RFC8037_JWK).unwrap(), Algorithm::EdDSA);
    let jws = v.verify_jws(RFC8037_TOKEN).unwrap();
    assert_eq!(jws.payload, b"Example of Ed25519 signing");
    assert_eq!(jws.algorithm, Algorithm::EdDSA);
    // The payload is not a JWT claims object.
    let err = v.verify_at(RFC8037_TOKEN, 0).unwrap_err();
    assert_eq!(err.code(), ErrorCode::MalformedToken);
}

// ---- PyJWT fixtures --------------------------------------------------------------------------

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn b64u_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

/// Every way to load the key named `name` in keys.json.
fn key_sets(keys: &Value, name: &str) -> Vec<(String, KeySet)> {
    let jwk = |field: &str| KeySet::from_jwk(&keys[field].to_string()).unwrap();
    let pem = |field: &str| KeySet::from_pem(s(&keys[field])).unwrap();
    let jwks = KeySet::from_jwks(&keys["jwks"].to_string()).unwrap();
    match name {
        "hmac" => vec![
            (
                "secret".into(),
                KeySet::hmac_secret(&b64u_decode(s(&keys["hmac_secret_b64u"]))).unwrap(),
            ),
            ("jwk".into(), jwk("hmac_jwk")),
        ],
        "rsa" => vec![
            ("spki".into(), pem("rsa_spki_pem")),
            ("pkcs1".into(), pem("rsa_pkcs1_pem")),
            ("jwk".into(), jwk("rsa_jwk")),
            ("jwks".into(), jwks),
        ],
        "p256" => vec![
            ("spki".into(), pem("p256_spki_pem")),
            ("jwk".into(), jwk("p256_jwk")),
            ("jwks".into(), jwks),
        ],
        "p384" => vec![
            ("spki".into(), pem("p384_spki_pem")),
            ("jwk".into(), jwk("p384_jwk")),
            ("jwks".into(), jwks),
        ],
        "ed25519" => vec![
            ("spki".into(), pem("ed25519_spki_pem")),
            ("jwk".into(), jwk("ed25519_jwk")),
            ("jwks".into(), jwks),
        ],
        other => panic!("unknown key {other}"),
    }
}

#[test]
fn pyjwt_tokens_verify_with_every_key_form() {
    let keys = fixture("keys.json");
    let tokens = fixture("tokens.json");
    let now = tokens["now"].as_u64().unwrap();
    let mut checked = 0;
    for entry in tokens["tokens"].as_array().unwrap() {
        if entry.get("name").is_some() || s(&entry["key"]) == "rsa1024" {
            continue; // hostile fixtures, see hostile_tokens.rs
        }
        let alg = Algorithm::parse(s(&entry["alg"])).unwrap();
        for (form, keys) in key_sets(&keys, s(&entry["key"])) {
            let options = VerifyOptions {
                issuer: vec!["https://issuer.example".into()],
                audience: vec!["https://api.example".into()],
                token_type: Some("application/AT+JWT".into()),
                max_token_age: Some(3600),
                required_claims: vec!["exp".into(), "iat".into(), "sub".into()],
                ..VerifyOptions::new([alg])
            };
            let v = Verifier::new(keys, options).unwrap();
            let t = v
                .verify_at(s(&entry["token"]), now)
                .unwrap_or_else(|e| panic!("{} with {form}: {e}", entry["alg"]));
            assert_eq!(t.subject(), Some("user-123"));
            assert_eq!(t.client_id(), Some("client-abc"));
            assert_eq!(t.audience(), ["https://api.example", "other"]);
            assert_eq!(
                t.scopes(),
                &ScopeSet::parse("openid read:files write:files").unwrap()
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} checks");
}

#[test]
fn jwks_without_kid_in_token_uses_the_single_key() {
    let keys = fixture("keys.json");
    let one = serde_json::json!({ "keys": [keys["p256_jwk"]] }).to_string();
    let v = verifier(KeySet::from_jwks(&one).unwrap(), Algorithm::ES256);
    // RFC 7515 A.3 has no kid; re-use its key with a one-key JWKS.
    let a3 = serde_json::json!({ "keys": [serde_json::from_str::<Value>(A3_JWK).unwrap()] });
    let v3 = verifier(
        KeySet::from_jwks(&a3.to_string()).unwrap(),
        Algorithm::ES256,
    );
    let token = format!("eyJhbGciOiJFUzI1NiJ9.{RFC7515_PAYLOAD}.{A3_SIGNATURE}");
    assert!(v3.verify_at(&token, 0).is_ok());
    // A token without kid against the multi-key set: key_not_found.
    let all = verifier(
        KeySet::from_jwks(&keys["jwks"].to_string()).unwrap(),
        Algorithm::ES256,
    );
    assert_eq!(
        all.verify_at(&token, 0).unwrap_err().code(),
        ErrorCode::KeyNotFound
    );
    // With the wrong key, the signature fails.
    assert_eq!(
        v.verify_at(&token, 0).unwrap_err().code(),
        ErrorCode::InvalidSignature
    );
}

#[test]
fn token_serializes_to_json() {
    let t = decode_unverified(A1_TOKEN).unwrap();
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["issuer"], "joe");
    assert_eq!(json["expires_at"], RFC7515_EXP);
    assert_eq!(json["scopes"], serde_json::json!([]));
    assert_eq!(json["header"]["alg"], "HS256");
}

#[test]
fn verifier_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Verifier>();
    assert_send_sync::<KeySet>();
    assert_send_sync::<scopegate::Token>();
    let v = std::sync::Arc::new(verifier(
        KeySet::from_jwk(A1_JWK).unwrap(),
        Algorithm::HS256,
    ));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let v = v.clone();
            std::thread::spawn(move || v.verify_at(A1_TOKEN, RFC7515_EXP - 1).is_ok())
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap());
    }
}
