//! Token benchmarks: unverified decode + scopes, and verification per algorithm.

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion};
use scopegate::{decode_unverified, Algorithm, KeySet, Verifier, VerifyOptions};
use serde_json::Value;

#[path = "../tests/common/mod.rs"]
mod common;

use common::{fixture, fixture_token};

fn benches(c: &mut Criterion) {
    let keys = fixture("keys.json");
    let tokens = fixture("tokens.json");
    let now = tokens["now"].as_u64().unwrap();
    let token = |alg: &str| fixture_token(&tokens, alg);
    let options = |alg: Algorithm| VerifyOptions {
        issuer: vec!["https://issuer.example".into()],
        audience: vec!["https://api.example".into()],
        token_type: Some("at+jwt".into()),
        ..VerifyOptions::new([alg])
    };

    let hs256 = token("HS256");
    c.bench_function("decode_unverified + scopes (HS256 token)", |b| {
        b.iter(|| {
            let t = decode_unverified(black_box(&hs256)).unwrap();
            black_box(t.scopes().contains("read:files"))
        })
    });

    // Reference point for this machine: serde_json alone parsing the same payload into a Value.
    let payload = String::from_utf8(
        URL_SAFE_NO_PAD
            .decode(hs256.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    c.bench_function("baseline: serde_json::Value parse of the payload", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&payload)).unwrap())
    });

    let secret = URL_SAFE_NO_PAD
        .decode(keys["hmac_secret_b64u"].as_str().unwrap())
        .unwrap();
    let hs = Verifier::new(
        KeySet::hmac_secret(&secret).unwrap(),
        options(Algorithm::HS256),
    )
    .unwrap();
    c.bench_function("verify HS256", |b| {
        b.iter(|| hs.verify_at(black_box(&hs256), now).unwrap())
    });

    let jwks = KeySet::from_jwks(&keys["jwks"].to_string()).unwrap();
    for (alg, name) in [
        (Algorithm::RS256, "RS256"),
        (Algorithm::PS256, "PS256"),
        (Algorithm::ES256, "ES256"),
        (Algorithm::ES384, "ES384"),
        (Algorithm::EdDSA, "EdDSA"),
    ] {
        let v = Verifier::new(jwks.clone(), options(alg)).unwrap();
        let t = token(name);
        c.bench_function(&format!("verify {name} (JWKS)"), |b| {
            b.iter(|| v.verify_at(black_box(&t), now).unwrap())
        });
    }
}

criterion_group!(tokens, benches);
criterion_main!(tokens);
