//! Hostile tokens and keys: each is refused with its expected error code. The token cases are
//! the data table `tests/tables/tokens.json`, which the JavaScript runtimes read too.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{
    b64, expected_outcome, fixture, mint, nullable_string, read, string_list,
    try_verifier_from_spec, verifier_from_spec,
};
use scopegate::{Algorithm, ErrorCode, KeySet, Verifier, VerifyOptions};
use serde_json::{json, Value};

struct Setup {
    keys: Value,
    tokens: Value,
    secret: Vec<u8>,
    now: u64,
}

impl Setup {
    fn new() -> Setup {
        let keys = fixture("keys.json");
        let tokens = fixture("tokens.json");
        let secret = URL_SAFE_NO_PAD
            .decode(keys["hmac_secret_b64u"].as_str().unwrap())
            .unwrap();
        let now = tokens["now"].as_u64().unwrap();
        Setup {
            keys,
            tokens,
            secret,
            now,
        }
    }

    fn claims(&self) -> Value {
        self.tokens["claims"].clone()
    }

    fn with_claims(&self, f: impl Fn(&mut serde_json::Map<String, Value>)) -> Value {
        let mut claims = self.claims();
        f(claims.as_object_mut().unwrap());
        claims
    }

    fn pem(&self, name: &str) -> String {
        self.keys[name].as_str().unwrap().to_string()
    }

    fn hmac_verifier(&self, options: VerifyOptions) -> Verifier {
        Verifier::new(KeySet::hmac_secret(&self.secret).unwrap(), options).unwrap()
    }

    fn hs(&self) -> Verifier {
        self.hmac_verifier(VerifyOptions::new([Algorithm::HS256]))
    }
}

/// The verify cases of `tests/tables/tokens.json` (shared with the JavaScript runtimes): each
/// hostile token is refused with its code and claim, each good one verifies with its subject and
/// scopes.
#[test]
fn token_table_verify_cases() {
    let table: Value = serde_json::from_str(&read("tests/tables/tokens.json")).unwrap();
    let default_now = table["now"].as_u64().expect("now");
    let verifiers: BTreeMap<&str, Verifier> = table["verifiers"]
        .as_object()
        .expect("verifiers")
        .iter()
        .map(|(name, spec)| (name.as_str(), verifier_from_spec(spec)))
        .collect();
    let mut used = BTreeSet::new();
    let mut notes = BTreeSet::new();
    let (mut refused, mut verified) = (0, 0);
    for case in table["verify"].as_array().expect("verify") {
        let note = case["note"].as_str().expect("note");
        assert!(
            !note.is_empty() && notes.insert(note),
            "{note}: notes are unique"
        );
        let name = case["verifier"].as_str().expect("verifier");
        let verifier = verifiers
            .get(name)
            .unwrap_or_else(|| panic!("{note}: no verifier `{name}`"));
        used.insert(name);
        let token = case["token"].as_str().expect("token");
        let now = case
            .get("now")
            .map_or(default_now, |n| n.as_u64().expect("now"));
        let expect = &case["expect"];
        let result = verifier.verify_at(token, now);
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
            verified += 1;
        } else {
            refused += 1;
        }
    }
    assert_eq!(used.len(), verifiers.len(), "every verifier is used");
    // As converted from the tuple table: 53 hostile tokens and the baseline.
    assert!(refused >= 53, "{refused} refused cases");
    assert!(verified >= 1, "{verified} verified cases");
    // The minted fixtures: every algorithm from every key form, tampered and relabelled.
    for alg in [
        "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
        "ES384", "EdDSA", "Ed25519",
    ] {
        let prefix = format!("fixture: {alg} verifies");
        assert!(
            notes.iter().any(|n| n.starts_with(&prefix)),
            "no fixture case verifies {alg}"
        );
    }
}

/// The refused keys of `tests/tables/tokens.json` (points off their curve, ...): refused when
/// the key set is read, with the expected code.
#[test]
fn token_table_refused_keys() {
    let table: Value = serde_json::from_str(&read("tests/tables/tokens.json")).unwrap();
    let cases = table["refused_keys"].as_array().expect("refused_keys");
    assert!(cases.len() >= 5);
    for case in cases {
        let note = case["note"].as_str().expect("note");
        let err =
            try_verifier_from_spec(&json!({"keys": case["keys"], "options": case["options"]}))
                .err()
                .unwrap_or_else(|| panic!("{note}: accepted"));
        assert_eq!(
            err.code().as_str(),
            case["expect"]["error"].as_str().unwrap(),
            "{note}: {err}"
        );
    }
}

/// `KeySet::with_key_id` on a raw secret (the table names its key through a JWK `kid`).
#[test]
fn named_secret_refuses_another_kid() {
    let s = Setup::new();
    let named = Verifier::new(
        KeySet::hmac_secret(&s.secret)
            .unwrap()
            .with_key_id("hmac-1"),
        VerifyOptions::new([Algorithm::HS256]),
    )
    .unwrap();
    let token = |kid: &str| mint(&s.secret, &json!({"alg": "HS256", "kid": kid}), &s.claims());
    assert!(named.verify_at(&token("hmac-1"), s.now).is_ok());
    assert_eq!(
        named.verify_at(&token("hmac-2"), s.now).unwrap_err().code(),
        ErrorCode::KeyNotFound
    );
}

#[test]
fn hostile_keys_are_refused() {
    let s = Setup::new();
    let ed = s.keys["ed25519_jwk"].clone();
    let mut short_x = ed.clone();
    short_x["x"] = json!(b64(&[9; 31]));
    let mut long_x = ed.clone();
    long_x["x"] = json!(b64(&[9; 33]));
    let mut enc_use = s.keys["rsa_jwk"].clone();
    enc_use["use"] = json!("enc");
    let mut bad_ec = s.keys["p256_jwk"].clone();
    bad_ec["x"] = json!(b64(&[1; 31]));
    let mut off_curve = s.keys["p256_jwk"].clone();
    off_curve["y"] = json!(b64(&[1; 32]));
    let mut wrong_crv = s.keys["p256_jwk"].clone();
    wrong_crv["crv"] = json!("P-384");
    let mut alg_mismatch = s.keys["p256_jwk"].clone();
    alg_mismatch["alg"] = json!("RS256");
    let mut with_d = s.keys["p256_jwk"].clone();
    with_d["d"] = json!(b64(&[1; 32]));

    let jwk_table = [
        ("OKP x of 31 bytes", short_x.clone()),
        ("OKP x of 33 bytes", long_x),
        (
            "OKP X25519",
            json!({"kty": "OKP", "crv": "X25519", "x": b64(&[9; 32])}),
        ),
        ("RSA 1024 bits", s.keys["rsa1024_jwk"].clone()),
        ("use enc", enc_use),
        ("EC x of 31 bytes", bad_ec),
        ("EC point off the curve", off_curve),
        ("EC coordinates too short for the curve", wrong_crv),
        ("JWK alg does not fit kty", alg_mismatch),
        ("private JWK", with_d),
        (
            "oct secret of 16 bytes",
            json!({"kty": "oct", "k": b64(&[1; 16])}),
        ),
        (
            "ES512 key",
            json!({"kty": "EC", "crv": "P-521", "x": b64(&[1; 66]), "y": b64(&[1; 66])}),
        ),
        ("unknown kty", json!({"kty": "XYZ"})),
        ("no kty", json!({"k": "AAAA"})),
    ];
    for (name, jwk) in jwk_table {
        let err = KeySet::from_jwk(&jwk.to_string()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidKey, "{name}: {err}");
    }

    // A JWKS skips keys not meant for signatures, but a malformed key fails the set.
    let jwks = json!({"keys": [s.keys["p256_jwk"], short_x]});
    let err = KeySet::from_jwks(&jwks.to_string()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidKey);
    assert_eq!(err.pointer(), Some("/keys/1"));
    let jwks = json!({"keys": [s.keys["p256_jwk"], {"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}]});
    assert_eq!(KeySet::from_jwks(&jwks.to_string()).unwrap().len(), 1);
    let jwks = json!({"keys": [{"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}]});
    assert_eq!(
        KeySet::from_jwks(&jwks.to_string()).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
    assert_eq!(
        KeySet::from_jwks(r#"{"keys": {}}"#).unwrap_err().code(),
        ErrorCode::InvalidKey
    );

    let pem_table = [
        ("RSA 1024 bits", s.pem("rsa1024_spki_pem")),
        ("private key", s.pem("rsa_private_pkcs8_pem")),
        ("not PEM", "hello".to_string()),
        (
            "certificate label",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_string(),
        ),
        (
            "garbage body",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".to_string(),
        ),
    ];
    for (name, pem) in pem_table {
        let err = KeySet::from_pem(&pem).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidKey, "{name}: {err}");
    }
    assert_eq!(
        KeySet::hmac_secret(b"short").unwrap_err().code(),
        ErrorCode::InvalidKey
    );

    // A 1024-bit RSA key cannot be loaded, so its (PyJWT-minted) tokens cannot be verified.
    let small = s.tokens["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "rsa1024")
        .unwrap();
    assert!(small["token"].as_str().unwrap().starts_with("eyJ"));
}

#[test]
fn options_are_checked() {
    let s = Setup::new();
    let keys = || KeySet::hmac_secret(&s.secret).unwrap();
    let err = Verifier::new(keys(), VerifyOptions::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidOptions);
    let err = Verifier::new(keys(), VerifyOptions::new([Algorithm::RS256])).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidOptions);
    for name in ["none", "None", "NONE", "ES512", "HS1", ""] {
        assert_eq!(
            Algorithm::parse(name).unwrap_err().code(),
            ErrorCode::AlgorithmNotAllowed,
            "{name}"
        );
    }
    // An HS512 token needs a 64-byte secret.
    let short = Verifier::new(
        KeySet::hmac_secret(&[1; 32]).unwrap(),
        VerifyOptions::new([Algorithm::HS512]),
    )
    .unwrap();
    let token = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"HS512"}"#),
        b64(s.claims().to_string().as_bytes()),
        b64(&[0; 64])
    );
    assert_eq!(
        short.verify_at(&token, s.now).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
}

#[test]
fn leeway_applies() {
    let s = Setup::new();
    let claims = s.with_claims(|c| {
        c.insert("exp".into(), json!(s.now));
        c.insert("nbf".into(), json!(s.now + 5));
        c.insert("iat".into(), json!(s.now + 5));
    });
    let token = mint(&s.secret, &json!({"alg": "HS256"}), &claims);
    let strict = s.hs();
    assert!(strict.verify_at(&token, s.now).is_err());
    let lenient = s.hmac_verifier(VerifyOptions {
        clock_tolerance: 10,
        ..VerifyOptions::new([Algorithm::HS256])
    });
    assert!(lenient.verify_at(&token, s.now).is_ok());
    assert_eq!(
        lenient.verify_at(&token, s.now + 10).unwrap_err().code(),
        ErrorCode::TokenExpired
    );
    // A fractional exp is rounded up: exp 100.5 is valid at 100, expired at 101.
    let claims = json!({"exp": 100.5});
    let token = mint(&s.secret, &json!({"alg": "HS256"}), &claims);
    assert!(strict.verify_at(&token, 100).is_ok());
    assert_eq!(
        strict.verify_at(&token, 101).unwrap_err().code(),
        ErrorCode::TokenExpired
    );
    // The clock option.
    let fixed = s.hmac_verifier(VerifyOptions {
        now: Some(100),
        ..VerifyOptions::new([Algorithm::HS256])
    });
    assert!(fixed.verify(&token).is_ok());
}
