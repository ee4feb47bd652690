//! Unverified decoding and scope claim extraction, table style.
#![cfg(not(target_arch = "wasm32"))]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use scopegate::{decode_unverified, decode_unverified_with, DecodeOptions, ErrorCode};
use serde_json::json;

fn token(header: &str, payload: &str) -> String {
    format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    )
}

fn claims(payload: serde_json::Value) -> String {
    token(r#"{"alg":"RS256"}"#, &payload.to_string())
}

#[test]
fn scopes_from_each_issuer_style() {
    let table = [
        (
            "RFC 9068 / Auth0 / Keycloak",
            json!({"scope": "openid read:a"}),
            "openid read:a",
        ),
        (
            "Okta / Hydra list",
            json!({"scp": ["read:a", "openid"]}),
            "openid read:a",
        ),
        (
            "Entra ID string",
            json!({"scp": "User.Read Mail.Send"}),
            "Mail.Send User.Read",
        ),
        (
            "both, agreeing",
            json!({"scope": "a b", "scp": ["b", "a"]}),
            "a b",
        ),
        ("none", json!({"sub": "x"}), ""),
        ("empty string", json!({"scope": ""}), ""),
        ("extra spaces", json!({"scope": "  a   b "}), "a b"),
    ];
    for (name, payload, expected) in table {
        let t = decode_unverified(&claims(payload)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(t.scopes().to_string(), expected, "{name}");
    }
}

#[test]
fn configured_scope_claim() {
    let options = DecodeOptions {
        scope_claim: Some("permissions".into()),
        ..DecodeOptions::default()
    };
    let t = decode_unverified_with(
        &claims(json!({"permissions": ["read:x", "write:x"], "scope": "ignored"})),
        &options,
    )
    .unwrap();
    assert_eq!(t.scopes().to_string(), "read:x write:x");
    let t = decode_unverified_with(&claims(json!({"permissions": "a b"})), &options).unwrap();
    assert_eq!(t.scopes().len(), 2);
    let err = decode_unverified_with(&claims(json!({"permissions": 3})), &options).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ClaimInvalid);
    assert_eq!(err.claim(), Some("permissions"));
}

#[test]
fn refused_claims() {
    let table = [
        (
            json!({"scope": ["a"]}),
            ErrorCode::ClaimInvalid,
            Some("scope"),
        ),
        (json!({"scope": 1}), ErrorCode::ClaimInvalid, Some("scope")),
        (
            json!({"scp": {"a": 1}}),
            ErrorCode::ClaimInvalid,
            Some("scp"),
        ),
        (
            json!({"scp": ["a b"]}),
            ErrorCode::InvalidScope,
            Some("scp"),
        ),
        (
            json!({"scope": "a\tb"}),
            ErrorCode::InvalidScope,
            Some("scope"),
        ),
        (
            json!({"scope": "a", "scp": ["b"]}),
            ErrorCode::ClaimInvalid,
            Some("scp"),
        ),
        (json!({"exp": "1"}), ErrorCode::ClaimInvalid, Some("exp")),
        (json!({"iat": null}), ErrorCode::ClaimInvalid, Some("iat")),
        (json!({"nbf": -1.5}), ErrorCode::ClaimInvalid, Some("nbf")),
        (
            json!({"exp": 9007199254740993u64}),
            ErrorCode::ClaimInvalid,
            Some("exp"),
        ),
        (json!({"sub": 1}), ErrorCode::ClaimInvalid, Some("sub")),
        (json!({"aud": [1]}), ErrorCode::ClaimInvalid, Some("aud")),
        (
            json!({"client_id": false}),
            ErrorCode::ClaimInvalid,
            Some("client_id"),
        ),
    ];
    for (payload, code, claim) in table {
        let err = decode_unverified(&claims(payload.clone())).unwrap_err();
        assert_eq!(err.code(), code, "{payload}: {err}");
        assert_eq!(err.claim(), claim, "{payload}");
    }
}

#[test]
fn refused_structures() {
    let big = "a".repeat(20_000);
    let table: Vec<(String, ErrorCode)> = vec![
        (String::new(), ErrorCode::MalformedToken),
        ("a.b".into(), ErrorCode::MalformedToken),
        ("a.b.c.d".into(), ErrorCode::MalformedToken),
        ("a.b.c.d.e".into(), ErrorCode::UnsupportedToken),
        (".e30.".into(), ErrorCode::MalformedToken),
        ("e30.e30.".into(), ErrorCode::MalformedToken), // header without alg
        (token(r#"{"alg":1}"#, "{}"), ErrorCode::MalformedToken),
        (
            token(r#"{"alg":"A","enc":"B"}"#, "{}"),
            ErrorCode::UnsupportedToken,
        ),
        (
            token(r#"{"alg":"HS256"}"#, "null"),
            ErrorCode::MalformedToken,
        ),
        (
            token(r#"{"alg":"HS256"}"#, r#"{"a":1,"a":1}"#),
            ErrorCode::MalformedToken,
        ),
        (token("[]", "{}"), ErrorCode::MalformedToken),
        (
            token(r#"{"alg":"HS256"}"#, r#"{"a":"\ud800"}"#),
            ErrorCode::MalformedToken,
        ),
        (big, ErrorCode::TokenTooLarge),
        (
            "eyJhbGciOiJIUzI1NiJ9=.e30.c2ln".into(),
            ErrorCode::MalformedToken,
        ),
        (
            "eyJhbGciOiJIUzI1NiJ9.e30+.c2ln".into(),
            ErrorCode::MalformedToken,
        ),
    ];
    for (t, code) in table {
        let err = decode_unverified(&t).unwrap_err();
        assert_eq!(err.code(), code, "{t:.60}: {err}");
    }
    // alg none is decodable (nothing is verified here).
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
    let small = DecodeOptions {
        max_size: 10,
        ..DecodeOptions::default()
    };
    assert_eq!(
        decode_unverified_with("aaaaaa.bbbbbb.cc", &small)
            .unwrap_err()
            .code(),
        ErrorCode::TokenTooLarge
    );
}
