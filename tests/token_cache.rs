//! The verified-token cache: hits, bounds, expiry and verifier isolation.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use scopegate::{
    Algorithm, ErrorCode, KeySet, Policy, RequestParts, TokenCache, Verifier, VerifyOptions,
};
use serde_json::json;

const SECRET: &[u8] = b"a-test-secret-of-at-least-32-bytes!!";
const OTHER: &[u8] = b"another-secret-of-at-least-32-bytes!";
const NOW: u64 = 1_800_000_000;

fn verifier(secret: &[u8], max_age: Option<u64>) -> Verifier {
    let mut options = VerifyOptions::new([Algorithm::HS256]);
    options.max_token_age = max_age;
    Verifier::new(KeySet::hmac_secret(secret).unwrap(), options).unwrap()
}

fn token(n: u64, exp: Option<u64>) -> String {
    let mut claims = json!({"sub": format!("u-{n}"), "scope": "read_only", "iat": NOW - 10});
    if let Some(exp) = exp {
        claims["exp"] = json!(exp);
    }
    common::mint(SECRET, &json!({"alg": "HS256"}), &claims)
}

#[test]
fn cached_answers_equal_fresh_ones_and_stop_at_exp() {
    let verifier = verifier(SECRET, None);
    let mut cache = TokenCache::new(8);
    let jwt = token(1, Some(NOW + 100));
    let fresh = verifier.verify_at(&jwt, NOW).unwrap();
    assert_eq!(cache.verify_at(&verifier, &jwt, NOW).unwrap(), fresh);
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.verify_at(&verifier, &jwt, NOW + 99).unwrap(), fresh);
    let err = cache.verify_at(&verifier, &jwt, NOW + 100).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExpired);
    assert!(cache.is_empty());
}

#[test]
fn the_cache_is_bounded_and_evicts_the_least_recently_used() {
    let verifier = verifier(SECRET, None);
    let mut cache = TokenCache::new(3);
    assert_eq!(cache.capacity(), 3);
    let tokens: Vec<String> = (0..5).map(|n| token(n, Some(NOW + 100))).collect();
    for jwt in &tokens {
        cache.verify_at(&verifier, jwt, NOW).unwrap();
        assert!(cache.len() <= 3);
    }
    assert_eq!(cache.len(), 3);
    cache.clear();
    assert!(cache.is_empty());
    assert_eq!(TokenCache::new(0).capacity(), 1);
}

#[test]
fn no_exp_no_caching_and_failures_are_not_cached() {
    let mut options = VerifyOptions::new([Algorithm::HS256]);
    options.required_claims = Vec::new();
    let verifier = Verifier::new(KeySet::hmac_secret(SECRET).unwrap(), options).unwrap();
    let mut cache = TokenCache::new(8);
    cache.verify_at(&verifier, &token(1, None), NOW).unwrap();
    assert!(cache.is_empty());
    let forged = common::mint(OTHER, &json!({"alg": "HS256"}), &json!({"exp": NOW + 100}));
    let err = cache.verify_at(&verifier, &forged, NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidSignature);
    assert!(cache.is_empty());
}

#[test]
fn an_entry_answers_only_its_verifier_and_honours_max_age() {
    let ours = verifier(SECRET, None);
    let theirs = verifier(OTHER, None);
    let mut cache = TokenCache::new(8);
    let jwt = token(1, Some(NOW + 1000));
    cache.verify_at(&ours, &jwt, NOW).unwrap();
    // Another verifier (other keys) must not get our verdict from the cache.
    let err = cache.verify_at(&theirs, &jwt, NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidSignature);

    let aged = verifier(SECRET, Some(60)); // iat NOW-10: valid until NOW+50
    let mut cache = TokenCache::new(8);
    cache.verify_at(&aged, &jwt, NOW).unwrap();
    assert_eq!(cache.len(), 1);
    let err = cache.verify_at(&aged, &jwt, NOW + 51).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExpired);
}

#[test]
fn authorize_through_the_cache_matches_authorize() {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let verifier = verifier(SECRET, None);
    let mut cache = TokenCache::new(8);
    let header = format!("Bearer {}", token(1, Some(NOW + 100)));
    let request = RequestParts::new("GET", "/accounts/1").with_authorization(&header);
    let plain = policy.authorize_at(&request, &verifier, NOW).unwrap();
    for _ in 0..3 {
        let cached = policy
            .authorize_cached_at(&request, &verifier, &mut cache, NOW)
            .unwrap();
        assert_eq!(cached.decision, plain.decision);
        assert_eq!(cached.token, plain.token);
    }
    assert_eq!(cache.len(), 1);
}

#[test]
fn a_hit_answers_as_a_fresh_verification_when_the_clock_goes_back() {
    let verifier = verifier(SECRET, None);
    let mut cache = TokenCache::new(8);
    let claims = json!({"sub": "u", "nbf": NOW, "iat": NOW, "exp": NOW + 100});
    let jwt = common::mint(SECRET, &json!({"alg": "HS256"}), &claims);
    cache.verify_at(&verifier, &jwt, NOW + 10).unwrap();
    assert_eq!(cache.len(), 1);
    // The clock goes back before nbf: a fresh verification refuses, and so does the cache.
    for at in [NOW - 1, NOW - 1000] {
        let fresh = verifier.verify_at(&jwt, at).unwrap_err();
        let cached = cache.verify_at(&verifier, &jwt, at).unwrap_err();
        assert_eq!(cached, fresh, "at {at}");
        assert_eq!(cached.code(), ErrorCode::TokenNotYetValid);
    }
    // And forward again: still cached, still valid.
    assert!(cache.verify_at(&verifier, &jwt, NOW + 20).is_ok());
    assert_eq!(cache.len(), 1);
}

#[test]
fn every_hit_answers_as_a_fresh_verification_around_nbf_iat_and_the_tolerance() {
    // Tokens with nbf and iat before, at or after each other; verifiers with and without a clock
    // tolerance and a maximum age; each token cached once, then asked at every second around
    // its window: the cache answers as a fresh verification would.
    let times = [None, Some(NOW - 5), Some(NOW), Some(NOW + 7)];
    for leeway in [0, 3, 30] {
        for max_age in [None, Some(40)] {
            let mut options = VerifyOptions::new([Algorithm::HS256]);
            options.clock_tolerance = leeway;
            options.max_token_age = max_age;
            let verifier = Verifier::new(KeySet::hmac_secret(SECRET).unwrap(), options).unwrap();
            for nbf in times {
                for iat in times {
                    let mut claims = json!({"sub": "u", "exp": NOW + 60});
                    if let Some(nbf) = nbf {
                        claims["nbf"] = json!(nbf);
                    }
                    match iat {
                        Some(iat) => claims["iat"] = json!(iat),
                        None if max_age.is_some() => continue, // refused at every time
                        None => {}
                    }
                    let jwt = common::mint(SECRET, &json!({"alg": "HS256"}), &claims);
                    let mut cache = TokenCache::new(4);
                    // Cached at the first second it is valid: every earlier second is a hit
                    // before the window, which must be refused as a fresh verification is.
                    let first = (NOW - 60..NOW + 60)
                        .find(|&at| cache.verify_at(&verifier, &jwt, at).is_ok())
                        .expect("the token is valid at some time");
                    assert_eq!(cache.len(), 1);
                    for at in NOW - 60..NOW + 60 {
                        let fresh = verifier.verify_at(&jwt, at);
                        let cached = cache.verify_at(&verifier, &jwt, at);
                        assert_eq!(
                            cached.as_ref().map_err(|e| e.code()),
                            fresh.as_ref().map_err(|e| e.code()),
                            "nbf {nbf:?} iat {iat:?} leeway {leeway} max_age {max_age:?} at {at} (cached at {first})"
                        );
                        if let (Ok(cached), Ok(fresh)) = (cached, fresh) {
                            assert_eq!(cached, fresh);
                        }
                    }
                }
            }
        }
    }
}
