//! The core compiled to WebAssembly (not the JavaScript bindings, which tests/js/ tests through the
//! npm package), run by wasm-bindgen-test in Node and in headless Chromium
//! (`wasm-pack test --node`, `WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use scopegate::{Policy, ScopeSet};
use wasm_bindgen_test::wasm_bindgen_test;

const BANKING: &str = include_str!("../examples/policies/banking.json");
const PARTNER: &str = include_str!("../examples/policies/partner.json");

#[wasm_bindgen_test]
fn decisions_match_the_native_tables() {
    let policy = Policy::from_json(BANKING).unwrap();
    let user = policy.expand(&ScopeSet::parse("read_only").unwrap());
    let decision = policy.decide("GET", "/legal/kyc/42", &user);
    assert_eq!(decision.missing.to_string(), "read_all");
    assert!(policy.allows("GET", "/cards/1", &user));
    // Dot segments are refused, not resolved, in WebAssembly as natively.
    assert!(!policy.allows("GET", "/wallets/../cards/1", &user));
    assert_eq!(
        policy.decide("GET", "/wallets/../cards/1", &user).reason,
        scopegate::Reason::InvalidPath
    );
}

#[wasm_bindgen_test]
fn grants_use_each_api_default() {
    let partner = Policy::from_json(PARTNER).unwrap();
    let grant = partner
        .grant(None, &ScopeSet::parse("base upload_files").unwrap())
        .unwrap();
    assert_eq!(grant.granted().to_string(), "base files");
    assert!(!partner.query_transport_allowed(&grant));
}

#[wasm_bindgen_test]
fn decode_works_without_a_clock() {
    let token = scopegate::decode_unverified(concat!(
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.",
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.",
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    ))
    .unwrap();
    assert_eq!(token.expires_at(), Some(1_300_819_380));
}

#[cfg(feature = "verify")]
#[wasm_bindgen_test]
fn verification_runs_in_wasm_with_an_injected_clock() {
    use scopegate::{Algorithm, ErrorCode, KeySet, Verifier, VerifyOptions};
    let keys = KeySet::from_jwk(
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#,
    )
    .unwrap();
    let verifier = Verifier::new(keys, VerifyOptions::new([Algorithm::HS256])).unwrap();
    let jwt = concat!(
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.",
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.",
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    assert!(verifier.verify_at(jwt, 1_300_819_000).is_ok());
    // Without an injected time, wasm has no system clock: a clear error, not a panic.
    assert_eq!(
        verifier.verify(jwt).unwrap_err().code(),
        ErrorCode::ClockUnavailable
    );
}

#[wasm_bindgen_test]
fn sessions_refuse_client_unsafe_tokens_and_expire() {
    use scopegate::{ErrorCode, Reason, Session, SessionOptions};
    // {"alg":"none"} . {"scope":"base"} and {"scope":"files","exp":2000000000}
    let base = "eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImJhc2UifQ.";
    let files = "eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImZpbGVzIiwiZXhwIjoyMDAwMDAwMDAwfQ.";
    let partner = Policy::from_json(PARTNER).unwrap();
    let options = SessionOptions::default();
    let err = Session::from_jwt(&partner, base, &options).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ClientUnsafeToken);
    let session = Session::from_jwt(&partner, files, &options).unwrap();
    assert!(session.can_at(&partner, "GET", "/v1/img/a.png", 1_999_999_999));
    let late = session.decide_at(&partner, "GET", "/v1/img/a.png", 2_000_000_000);
    assert_eq!(late.reason, Reason::TokenExpired);
    assert!(session
        .url_with_token(&partner, "/v1/img/a.png")
        .unwrap()
        .ends_with(
            "?access_token=eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImZpbGVzIiwiZXhwIjoyMDAwMDAwMDAwfQ."
        ));
}

/// A 100,000-scope `implies` chain (and the same closed into a cycle) in WebAssembly, whose stack
/// is 1 MiB: no walk recurses (it used to overflow at a few thousand scopes and kill the module).
#[wasm_bindgen_test]
fn long_implies_chains_do_not_overflow_the_stack() {
    use scopegate::{ErrorCode, Limits};
    let chain = |n: usize, cycle: bool| {
        let mut scopes = String::new();
        for i in 0..n {
            let next = if i + 1 < n {
                format!("\"s{}\"", i + 1)
            } else if cycle {
                "\"s0\"".to_string()
            } else {
                String::new()
            };
            scopes.push_str(&format!(
                "{}\"s{i}\": {{\"implies\": [{next}]}}",
                if i > 0 { "," } else { "" }
            ));
        }
        format!(
            r#"{{"version": 1, "name": "chain", "scopes": {{{scopes}}}, "default_scopes": "all",
            "rules": [{{"id": "r", "methods": ["GET"], "paths": ["/c"], "all_of": ["s{}"]}}]}}"#,
            n - 1
        )
    };
    let policy = Policy::from_json_with_limits(&chain(100_000, false), &Limits::NONE).unwrap();
    let head = policy.expand(&ScopeSet::parse("s0").unwrap());
    assert_eq!(head.granted().len(), 100_000);
    assert!(policy.allows("GET", "/c", &head));
    let err = Policy::from_json_with_limits(&chain(100_000, true), &Limits::NONE).unwrap_err();
    assert_eq!(err.problems()[0].code(), ErrorCode::ImpliesCycle);
}
