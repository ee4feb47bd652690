//! Compiled policy bundles: every table decides the same from a bundle as from the JSON policy,
//! bundles round-trip byte for byte, signatures are enforced, and hostile bytes are refused with
//! `invalid_bundle` (never a panic).
#![cfg(not(target_arch = "wasm32"))]

mod common;

#[cfg(feature = "verify")]
use scopegate::KeySet;
use scopegate::{
    BundleInfo, BundleOptions, ErrorCode, Limits, Policy, ScopeSet, Session, SessionOptions,
    BUNDLE_FORMAT_VERSION,
};
use serde_json::{json, Value};

fn through_bundle(policy: &Policy) -> Policy {
    Policy::from_bundle(&policy.to_bundle()).expect("the bundle loads")
}

fn policy_files() -> Vec<String> {
    let mut files: Vec<String> = common::decision_tables()
        .into_iter()
        .map(|(_, table)| table.policy)
        .collect();
    files.sort();
    files.dedup();
    files
}

#[test]
fn every_decision_table_decides_the_same_from_the_bundle() {
    let mut count = 0;
    for (name, table) in common::decision_tables() {
        let policy = Policy::from_json(&common::read(&table.policy)).expect("policy");
        let loaded = through_bundle(&policy);
        for case in &table.cases {
            let scopes = ScopeSet::parse(&case.scopes).expect("scopes");
            let (a, b) = (policy.expand(&scopes), loaded.expand(&scopes));
            assert_eq!(
                serde_json::to_value(&a).unwrap(),
                serde_json::to_value(&b).unwrap()
            );
            let expected =
                serde_json::to_value(policy.decide(&case.method, &case.path, &a)).unwrap();
            let actual = serde_json::to_value(loaded.decide(&case.method, &case.path, &b)).unwrap();
            assert_eq!(expected, actual, "{name}: {} {}", case.method, case.path);
            assert_eq!(
                policy.allows(&case.method, &case.path, &a),
                loaded.allows(&case.method, &case.path, &b)
            );
            let sets = |p: &Policy| {
                p.scopes_for(&case.method, &case.path)
                    .map(|sets| sets.iter().map(ToString::to_string).collect::<Vec<_>>())
                    .map_err(|e| e.code())
            };
            assert_eq!(sets(&policy), sets(&loaded));
            let rules = |p: &Policy, g| {
                p.allowed_rules(g)
                    .iter()
                    .map(|r| r.id.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(rules(&policy, &a), rules(&loaded, &b));
            count += 1;
        }
    }
    assert!(count >= 90, "only {count} cases");
}

#[test]
fn the_grant_table_grants_the_same_from_the_bundle() {
    let table: Value = serde_json::from_str(&common::read("tests/tables/grants.json")).unwrap();
    for case in table["cases"].as_array().unwrap() {
        let policy = Policy::from_json(&common::read(case["policy"].as_str().unwrap())).unwrap();
        let loaded = through_bundle(&policy);
        let requested = case["requested"]
            .as_str()
            .map(|s| ScopeSet::parse(s).unwrap());
        let allowed = ScopeSet::parse(case["allowed"].as_str().unwrap_or("")).unwrap();
        let answer = |p: &Policy| match p.grant(requested.as_ref(), &allowed) {
            Ok(grant) => serde_json::to_value(grant).unwrap(),
            Err(e) => json!({ "error": e.code() }),
        };
        assert_eq!(answer(&policy), answer(&loaded), "{}", case["note"]);
    }
}

#[test]
fn sessions_answer_the_same_from_the_bundle() {
    let policy = Policy::from_json(&common::read("examples/policies/partner.json")).unwrap();
    let loaded = through_bundle(&policy);
    let body = json!({"access_token": "opaque", "token_type": "Bearer", "expires_in": 60});
    let response = scopegate::TokenResponse::from_json(&body.to_string()).unwrap();
    let options = SessionOptions::default();
    for p in [&policy, &loaded] {
        let session = Session::from_token_response(p, &response, None, 1000, &options);
        // The partner API's default is `base`, which must never reach a browser.
        assert_eq!(session.unwrap_err().code(), ErrorCode::ClientUnsafeToken);
        let requested = ScopeSet::parse("files").unwrap();
        let session =
            Session::from_token_response(p, &response, Some(&requested), 1000, &options).unwrap();
        assert!(session.can_at(p, "GET", "/v1/files/1", 1001));
        assert!(!session.can_at(p, "POST", "/v1/files", 1001));
    }
}

#[test]
fn a_bundle_round_trips_byte_for_byte_and_keeps_the_document() {
    for file in policy_files() {
        let text = common::read(&file);
        let policy = Policy::from_json(&text).unwrap();
        let bytes = policy.to_bundle();
        let loaded = Policy::from_bundle(&bytes).unwrap();
        assert_eq!(loaded.to_bundle(), bytes, "{file}");
        assert_eq!(loaded.name(), policy.name());
        assert_eq!(loaded.source_sha256(), policy.source_sha256());
        // The rebuilt document compiles to the same policy.
        let again = Policy::from_document(loaded.document().clone()).unwrap();
        let rebuilt = Policy::from_bundle(&again.to_bundle()).unwrap();
        assert_eq!(
            serde_json::to_value(rebuilt.document()).unwrap(),
            serde_json::to_value(loaded.document()).unwrap()
        );
        for (name, scope) in &policy.document().scopes {
            assert_eq!(loaded.scope(name).unwrap().description, scope.description);
        }
        // The document is built once, on the first request, and kept; a clone keeps it too.
        assert!(std::ptr::eq(loaded.document(), loaded.document()));
        let copy = loaded.clone();
        assert_eq!(copy.document(), loaded.document());
        // The bundle is smaller than the JSON it came from.
        assert!(
            bytes.len() < text.len(),
            "{file}: {} >= {}",
            bytes.len(),
            text.len()
        );
    }
}

#[test]
fn the_header_names_the_writer_and_the_source_hash() {
    let text = common::read("examples/policies/banking.json");
    let policy = Policy::from_json(&text).unwrap();
    let info = BundleInfo::read(&policy.to_bundle()).unwrap();
    assert_eq!(info.format_version, BUNDLE_FORMAT_VERSION);
    assert_eq!(info.engine_version, env!("CARGO_PKG_VERSION"));
    use sha2::Digest;
    let expected: [u8; 32] = sha2::Sha256::digest(text.as_bytes()).into();
    assert_eq!(info.source_sha256, expected);
    assert_eq!(info.source_sha256_hex().len(), 64);
}

#[test]
fn stripping_descriptions_changes_no_answer() {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let options = BundleOptions {
        strip_descriptions: true,
        ..Default::default()
    };
    let stripped = Policy::from_bundle(&policy.to_bundle_with(&options).unwrap()).unwrap();
    assert!(stripped
        .document()
        .scopes
        .values()
        .all(|s| s.description.is_empty()));
    assert!(stripped
        .document()
        .rules
        .iter()
        .all(|r| r.description.is_empty()));
    let grant = stripped.expand(&ScopeSet::parse("read_only").unwrap());
    assert_eq!(
        stripped.decide("GET", "/cards/1", &grant).rule.as_deref(),
        Some("read-own")
    );
}

#[cfg(feature = "verify")]
fn signing_key(name: &str) -> String {
    common::read(&format!("tests/fixtures/bundle/{name}.pem"))
}

#[cfg(feature = "verify")]
#[test]
fn signed_bundles_verify_and_everything_else_is_refused() {
    let policy = Policy::from_json(&common::read("examples/policies/partner.json")).unwrap();
    let options = BundleOptions {
        signing_key_pem: Some(signing_key("signing-key")),
        ..Default::default()
    };
    let signed = policy.to_bundle_with(&options).unwrap();
    let key = KeySet::from_pem(&signing_key("verify-key")).unwrap();
    let other = KeySet::from_pem(&signing_key("other-verify-key")).unwrap();
    assert!(BundleInfo::read(&signed).unwrap().signature.is_some());
    let loaded = Policy::from_signed_bundle(&signed, &key).unwrap();
    assert_eq!(loaded.name(), policy.name());
    // A signed bundle also loads where no key is asked for.
    assert!(Policy::from_bundle(&signed).is_ok());

    let refused =
        |bytes: &[u8], key: &KeySet| Policy::from_signed_bundle(bytes, key).unwrap_err().code();
    assert_eq!(refused(&signed, &other), ErrorCode::InvalidBundleSignature);
    assert_eq!(
        refused(&policy.to_bundle(), &key),
        ErrorCode::InvalidBundleSignature
    );
    // Any flipped byte of the signed part or of the signature is refused.
    for position in [
        0,
        5,
        12,
        signed.len() / 2,
        signed.len() - 70,
        signed.len() - 1,
    ] {
        let mut tampered = signed.clone();
        tampered[position] ^= 0x20;
        let code = refused(&tampered, &key);
        assert!(
            code == ErrorCode::InvalidBundleSignature || code == ErrorCode::InvalidBundle,
            "byte {position}: {code}"
        );
    }
    // A JWK works as the key too.
    let jwk = json!({"kty": "OKP", "crv": "Ed25519",
        "x": "mjJ-HzGbRDM_qqtkUAqrRCFiUqLNikqE8Kpt0yystBE"});
    let jwk = KeySet::from_jwk(&jwk.to_string()).unwrap();
    assert!(Policy::from_signed_bundle(&signed, &jwk).is_ok());
    // An RSA key cannot check an Ed25519 signature.
    let keys = common::fixture("keys.json");
    let rsa = KeySet::from_pem(keys["rsa_spki_pem"].as_str().unwrap()).unwrap();
    assert_eq!(refused(&signed, &rsa), ErrorCode::InvalidBundleSignature);
    // Signing twice, or with a key that is not Ed25519 PKCS#8, is an error.
    let bad = BundleOptions {
        signing_key_pem: Some(signing_key("verify-key")),
        ..Default::default()
    };
    assert_eq!(
        policy.to_bundle_with(&bad).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
}

#[test]
fn another_format_version_is_refused_naming_both() {
    let policy = Policy::from_json(&common::read("examples/policies/partner.json")).unwrap();
    let mut bytes = policy.to_bundle();
    bytes[4] = 7;
    let err = Policy::from_bundle(&bytes).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidBundle);
    assert!(
        err.message().contains("format version 7"),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("reads version 1"),
        "{}",
        err.message()
    );
    let err = Policy::from_bundle(br#"{"version": 1}"#).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidBundle);
}

#[test]
fn truncated_extended_and_flipped_bundles_never_panic() {
    for file in policy_files() {
        let policy = Policy::from_json(&common::read(&file)).unwrap();
        let bytes = policy.to_bundle();
        for end in 0..bytes.len() {
            let err = Policy::from_bundle(&bytes[..end]).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidBundle, "{file} cut at {end}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            Policy::from_bundle(&longer).unwrap_err().code(),
            ErrorCode::InvalidBundle
        );
        let grant = ScopeSet::parse("read_only files base admin").unwrap();
        for position in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut changed = bytes.clone();
                changed[position] ^= flip;
                match Policy::from_bundle(&changed) {
                    // A bundle that still reads is another valid policy: it must decide.
                    Ok(other) => {
                        let grant = other.expand(&grant);
                        let _ = other.decide("GET", "/v1/wallets/1/cards", &grant);
                        let _ = other.scopes_for("GET", "/a/b/c");
                    }
                    Err(e) => assert_eq!(e.code(), ErrorCode::InvalidBundle),
                }
            }
        }
    }
}

#[test]
fn limits_apply_to_bundles() {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let bytes = policy.to_bundle();
    let tight = Limits {
        max_rules: 2,
        ..Limits::DEFAULT
    };
    let err = Policy::from_bundle_with_limits(&bytes, &tight).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidBundle);
    assert!(err.message().contains("max_rules"), "{}", err.message());
    let small = Limits {
        max_document_bytes: 16,
        ..Limits::DEFAULT
    };
    let err = Policy::from_bundle_with_limits(&bytes, &small).unwrap_err();
    assert!(err.message().contains("max_document_bytes"));
}
