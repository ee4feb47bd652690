//! Hostile tokens and keys: each is refused with its expected error code.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{b64, fixture, mint, mint_raw};
use scopegate::{Algorithm, ErrorCode, KeySet, Verifier, VerifyOptions};
use serde_json::{json, Value};

/// Replaces the signature part of a token by `f(signature bytes)`.
fn resign(token: &str, f: impl Fn(&mut Vec<u8>)) -> String {
    let (input, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    f(&mut bytes);
    format!("{input}.{}", b64(&bytes))
}

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

    fn fixture_token(&self, alg: &str, key: &str) -> String {
        self.tokens["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["alg"] == alg && t["key"] == key && t.get("name").is_none())
            .unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn named_token(&self, name: &str) -> String {
        self.tokens["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t.get("name").and_then(Value::as_str) == Some(name))
            .unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
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

    fn jwks(&self, algorithms: &[Algorithm]) -> Verifier {
        Verifier::new(
            KeySet::from_jwks(&self.keys["jwks"].to_string()).unwrap(),
            VerifyOptions::new(algorithms.iter().copied()),
        )
        .unwrap()
    }
}

#[test]
fn hostile_tokens_are_refused() {
    let s = Setup::new();
    let secret = s.secret.as_slice();
    let hs_header = json!({"alg": "HS256", "typ": "at+jwt"});
    let good = mint(secret, &hs_header, &s.claims());
    assert!(
        s.hs().verify_at(&good, s.now).is_ok(),
        "the baseline must verify"
    );

    let rsa_pem = s.pem("rsa_spki_pem");
    let rsa_verifier = |algs: &[Algorithm]| {
        Verifier::new(
            KeySet::from_pem(&rsa_pem).unwrap(),
            VerifyOptions::new(algs.iter().copied()),
        )
        .unwrap()
    };
    let p256 = Verifier::new(
        KeySet::from_pem(&s.pem("p256_spki_pem")).unwrap(),
        VerifyOptions::new([Algorithm::ES256]),
    )
    .unwrap();
    let payload = b64(s.claims().to_string().as_bytes());
    let rs256 = s.fixture_token("RS256", "rsa");
    let hs256_fixture = s.fixture_token("HS256", "hmac");
    let es256 = s.fixture_token("ES256", "p256");
    let big = "x".repeat(17 * 1024);

    // (name, verifier, token, expected code, expected claim)
    let table: Vec<(&str, Verifier, String, ErrorCode, Option<&str>)> = vec![
        (
            "alg none",
            s.hs(),
            format!("{}.{payload}.", b64(br#"{"alg":"none"}"#)),
            ErrorCode::AlgorithmNotAllowed,
            None,
        ),
        (
            "alg None",
            s.hs(),
            format!("{}.{payload}.", b64(br#"{"alg":"None"}"#)),
            ErrorCode::AlgorithmNotAllowed,
            None,
        ),
        (
            "alg none with a signature",
            s.hs(),
            format!("{}.{payload}.c2ln", b64(br#"{"alg":"none"}"#)),
            ErrorCode::AlgorithmNotAllowed,
            None,
        ),
        (
            "HS256 with the RSA PEM as secret, RS256 verifier",
            rsa_verifier(&[Algorithm::RS256]),
            mint(rsa_pem.as_bytes(), &json!({"alg": "HS256"}), &s.claims()),
            ErrorCode::AlgorithmNotAllowed,
            None,
        ),
        (
            "HS256 with the RSA PEM as secret, verifier allowing HS256 too",
            rsa_verifier(&[Algorithm::RS256, Algorithm::HS256]),
            mint(rsa_pem.as_bytes(), &json!({"alg": "HS256"}), &s.claims()),
            ErrorCode::AlgorithmNotAllowed,
            None,
        ),
        (
            "RS256 token against an HMAC key",
            s.hmac_verifier(VerifyOptions::new([Algorithm::HS256, Algorithm::RS256])),
            rs256.clone(),
            ErrorCode::AlgorithmNotAllowed,
            None,
        ),
        (
            "ES512 is not supported",
            p256,
            format!(
                "{}.{payload}.{}",
                b64(br#"{"alg":"ES512"}"#),
                b64(&[1; 132])
            ),
            ErrorCode::AlgorithmNotAllowed,
            None,
        ),
        (
            "ECDSA r = s = 0 (CVE-2022-21449)",
            Verifier::new(
                KeySet::from_pem(&s.pem("p256_spki_pem")).unwrap(),
                VerifyOptions::new([Algorithm::ES256]),
            )
            .unwrap(),
            format!("{}.{payload}.{}", b64(br#"{"alg":"ES256"}"#), b64(&[0; 64])),
            ErrorCode::InvalidSignature,
            None,
        ),
        (
            "ES256 signature with the last byte dropped",
            s.jwks(&[Algorithm::ES256]),
            resign(&es256, |sig| {
                sig.pop();
            }),
            ErrorCode::InvalidSignature,
            None,
        ),
        (
            "RS256 signature truncated",
            rsa_verifier(&[Algorithm::RS256]),
            resign(&rs256, |sig| sig.truncate(128)),
            ErrorCode::InvalidSignature,
            None,
        ),
        (
            "RS256 signature extended",
            rsa_verifier(&[Algorithm::RS256]),
            resign(&rs256, |sig| sig.push(0)),
            ErrorCode::InvalidSignature,
            None,
        ),
        (
            "HS256 signature extended",
            s.hs(),
            resign(&hs256_fixture, |sig| sig.extend_from_slice(&[1, 2, 3])),
            ErrorCode::InvalidSignature,
            None,
        ),
        (
            "HS256 signature with a flipped bit",
            s.hs(),
            resign(&hs256_fixture, |sig| sig[5] ^= 1),
            ErrorCode::InvalidSignature,
            None,
        ),
        (
            "HS256 signed with another secret",
            s.hs(),
            mint(&[7; 64], &hs_header, &s.claims()),
            ErrorCode::InvalidSignature,
            None,
        ),
        (
            "empty signature",
            s.hs(),
            format!("{}.", good.rsplit_once('.').unwrap().0),
            ErrorCode::InvalidSignature,
            None,
        ),
        (
            "wrong kid, JWKS",
            s.jwks(&[Algorithm::ES256]),
            format!(
                "{}.{payload}.{}",
                b64(br#"{"alg":"ES256","kid":"nope"}"#),
                b64(&[1; 64])
            ),
            ErrorCode::KeyNotFound,
            None,
        ),
        (
            "wrong kid, single named key",
            Verifier::new(
                KeySet::hmac_secret(secret).unwrap().with_key_id("hmac-1"),
                VerifyOptions::new([Algorithm::HS256]),
            )
            .unwrap(),
            mint(
                secret,
                &json!({"alg": "HS256", "kid": "hmac-2"}),
                &s.claims(),
            ),
            ErrorCode::KeyNotFound,
            None,
        ),
        (
            "no kid, several keys",
            s.jwks(&[Algorithm::ES256]),
            format!("{}.{payload}.{}", b64(br#"{"alg":"ES256"}"#), b64(&[1; 64])),
            ErrorCode::KeyNotFound,
            None,
        ),
        (
            "kid is a number",
            s.hs(),
            mint(secret, &json!({"alg": "HS256", "kid": 1}), &s.claims()),
            ErrorCode::MalformedToken,
            None,
        ),
        (
            "expired by 1 s",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("exp".into(), json!(s.now - 1));
                }),
            ),
            ErrorCode::TokenExpired,
            Some("exp"),
        ),
        (
            "exp == now",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("exp".into(), json!(s.now));
                }),
            ),
            ErrorCode::TokenExpired,
            Some("exp"),
        ),
        (
            "nbf in the future",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("nbf".into(), json!(s.now + 1));
                }),
            ),
            ErrorCode::TokenNotYetValid,
            Some("nbf"),
        ),
        (
            "iat in the future",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("iat".into(), json!(s.now + 10));
                }),
            ),
            ErrorCode::ClaimInvalid,
            Some("iat"),
        ),
        (
            "exp as a string",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("exp".into(), json!("99999999999"));
                }),
            ),
            ErrorCode::ClaimInvalid,
            Some("exp"),
        ),
        (
            "exp negative",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("exp".into(), json!(-5));
                }),
            ),
            ErrorCode::ClaimInvalid,
            Some("exp"),
        ),
        (
            "exp missing (required by default)",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.remove("exp");
                }),
            ),
            ErrorCode::ClaimMissing,
            Some("exp"),
        ),
        (
            "nbf as a boolean",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("nbf".into(), json!(true));
                }),
            ),
            ErrorCode::ClaimInvalid,
            Some("nbf"),
        ),
        (
            "aud as a number",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("aud".into(), json!(42));
                }),
            ),
            ErrorCode::ClaimInvalid,
            Some("aud"),
        ),
        (
            "iss as a number",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("iss".into(), json!(42));
                }),
            ),
            ErrorCode::ClaimInvalid,
            Some("iss"),
        ),
        (
            "scope as a list",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("scope".into(), json!(["a"]));
                }),
            ),
            ErrorCode::ClaimInvalid,
            Some("scope"),
        ),
        (
            "scp holding a number",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.remove("scope");
                    c.insert("scp".into(), json!(["a", 1]));
                }),
            ),
            ErrorCode::ClaimInvalid,
            Some("scp"),
        ),
        (
            "scope with an invalid token",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("scope".into(), json!("read bad\\scope"));
                }),
            ),
            ErrorCode::InvalidScope,
            Some("scope"),
        ),
        (
            "duplicate key in the payload",
            s.hs(),
            mint_raw(
                secret,
                br#"{"alg":"HS256"}"#,
                format!(r#"{{"exp":{},"sub":"a","exp":1}}"#, s.now + 100).as_bytes(),
            ),
            ErrorCode::MalformedToken,
            None,
        ),
        (
            "duplicate key in the header",
            s.hs(),
            mint_raw(
                secret,
                br#"{"alg":"HS256","alg":"none"}"#,
                s.claims().to_string().as_bytes(),
            ),
            ErrorCode::MalformedToken,
            None,
        ),
        (
            "oversized token",
            s.hs(),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.insert("pad".into(), json!(big));
                }),
            ),
            ErrorCode::TokenTooLarge,
            None,
        ),
        (
            "non-UTF-8 payload",
            s.hs(),
            mint_raw(secret, br#"{"alg":"HS256"}"#, b"{\"sub\":\"\xff\xfe\"}"),
            ErrorCode::MalformedToken,
            None,
        ),
        (
            "payload is a JSON list",
            s.hs(),
            mint_raw(secret, br#"{"alg":"HS256"}"#, b"[1,2]"),
            ErrorCode::MalformedToken,
            None,
        ),
        (
            "crit with an unknown name",
            s.hs(),
            mint(
                secret,
                &json!({"alg": "HS256", "crit": ["urn:example:x"], "urn:example:x": 1}),
                &s.claims(),
            ),
            ErrorCode::UnsupportedToken,
            None,
        ),
        (
            "crit empty",
            s.hs(),
            mint(secret, &json!({"alg": "HS256", "crit": []}), &s.claims()),
            ErrorCode::MalformedToken,
            None,
        ),
        (
            "jku present (PyJWT RS256, validly signed)",
            rsa_verifier(&[Algorithm::RS256]),
            s.named_token("jku"),
            ErrorCode::UnsupportedToken,
            None,
        ),
        (
            "jku present",
            s.hs(),
            mint(
                secret,
                &json!({"alg": "HS256", "jku": "https://attacker.example/k"}),
                &s.claims(),
            ),
            ErrorCode::UnsupportedToken,
            None,
        ),
        (
            "x5u present",
            s.hs(),
            mint(
                secret,
                &json!({"alg": "HS256", "x5u": "https://attacker.example/c"}),
                &s.claims(),
            ),
            ErrorCode::UnsupportedToken,
            None,
        ),
        (
            "embedded jwk present",
            s.hs(),
            mint(
                secret,
                &json!({"alg": "HS256", "jwk": {"kty": "oct", "k": "AAAA"}}),
                &s.claims(),
            ),
            ErrorCode::UnsupportedToken,
            None,
        ),
        (
            "JWE (five parts)",
            s.hs(),
            "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d".to_string(),
            ErrorCode::UnsupportedToken,
            None,
        ),
        (
            "JWE-style header with enc",
            s.hs(),
            mint(
                secret,
                &json!({"alg": "HS256", "enc": "A256GCM"}),
                &s.claims(),
            ),
            ErrorCode::UnsupportedToken,
            None,
        ),
        (
            "two parts",
            s.hs(),
            good.rsplit_once('.').unwrap().0.to_string(),
            ErrorCode::MalformedToken,
            None,
        ),
        (
            "padded base64",
            s.hs(),
            good.replacen('.', "=.", 1),
            ErrorCode::MalformedToken,
            None,
        ),
        (
            "typ mismatch",
            s.hmac_verifier(VerifyOptions {
                token_type: Some("at+jwt".into()),
                ..VerifyOptions::new([Algorithm::HS256])
            }),
            mint(secret, &json!({"alg": "HS256", "typ": "JWT"}), &s.claims()),
            ErrorCode::ClaimInvalid,
            Some("typ"),
        ),
        (
            "issuer not accepted",
            s.hmac_verifier(VerifyOptions {
                issuer: vec!["https://other.example".into()],
                ..VerifyOptions::new([Algorithm::HS256])
            }),
            good.clone(),
            ErrorCode::ClaimInvalid,
            Some("iss"),
        ),
        (
            "audience not accepted",
            s.hmac_verifier(VerifyOptions {
                audience: vec!["https://elsewhere.example".into()],
                ..VerifyOptions::new([Algorithm::HS256])
            }),
            good.clone(),
            ErrorCode::ClaimInvalid,
            Some("aud"),
        ),
        (
            "audience missing",
            s.hmac_verifier(VerifyOptions {
                audience: vec!["https://api.example".into()],
                ..VerifyOptions::new([Algorithm::HS256])
            }),
            mint(
                secret,
                &hs_header,
                &s.with_claims(|c| {
                    c.remove("aud");
                }),
            ),
            ErrorCode::ClaimMissing,
            Some("aud"),
        ),
        (
            "older than max_token_age",
            s.hmac_verifier(VerifyOptions {
                max_token_age: Some(30),
                ..VerifyOptions::new([Algorithm::HS256])
            }),
            good.clone(),
            ErrorCode::TokenExpired,
            Some("iat"),
        ),
        (
            "JWK alg RS256, token PS256",
            Verifier::new(
                KeySet::from_jwk(&{
                    let mut jwk = s.keys["rsa_jwk"].clone();
                    jwk["alg"] = json!("RS256");
                    jwk.to_string()
                })
                .unwrap(),
                VerifyOptions::new([Algorithm::RS256, Algorithm::PS256]),
            )
            .unwrap(),
            s.fixture_token("PS256", "rsa"),
            ErrorCode::AlgorithmNotAllowed,
            None,
        ),
    ];

    let count = table.len();
    for (name, verifier, token, code, claim) in table {
        let err = match verifier.verify_at(&token, s.now) {
            Ok(_) => panic!("{name}: accepted"),
            Err(err) => err,
        };
        assert_eq!(err.code(), code, "{name}: {err}");
        if claim.is_some() {
            assert_eq!(err.claim(), claim, "{name}: {err}");
        }
    }
    assert!(count >= 50);
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
