//! Authorizing whole requests: bearer token location (RFC 6750), verification, query transport
//! and the endpoint decision.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use scopegate::{
    Algorithm, ErrorCode, KeySet, Policy, Reason, RequestParts, TokenSource, Verifier,
    VerifyOptions,
};
use serde_json::json;

const SECRET: &[u8] = b"a-test-secret-of-at-least-32-bytes!!";
const NOW: u64 = 1_800_000_000;

fn verifier() -> Verifier {
    let mut options = VerifyOptions::new([Algorithm::HS256]);
    options.now = Some(NOW);
    options.issuer = vec!["https://auth.partner.example".into()];
    Verifier::new(KeySet::hmac_secret(SECRET).unwrap(), options).unwrap()
}

fn token(scope: &str, exp: u64) -> String {
    common::mint(
        SECRET,
        &json!({"alg": "HS256", "typ": "at+jwt"}),
        &json!({"iss": "https://auth.partner.example", "sub": "client-1", "scope": scope,
                "iat": NOW - 10, "exp": exp}),
    )
}

fn partner() -> Policy {
    Policy::from_json(&common::read("examples/policies/partner.json")).unwrap()
}

#[test]
fn a_header_token_is_verified_and_decided() {
    let policy = partner();
    let auth = format!("Bearer {}", token("base", NOW + 60));
    let request = RequestParts::new("GET", "/v1/projects/7").with_authorization(&auth);
    let result = policy.authorize(&request, &verifier()).unwrap();
    assert!(result.decision.allowed);
    assert_eq!(result.decision.rule.as_deref(), Some("resources"));
    assert_eq!(result.source, TokenSource::Header);
    assert_eq!(result.token.subject(), Some("client-1"));
    assert_eq!(result.grant.granted().to_string(), "base files");

    let upload = RequestParts::new("POST", "/v1/files").with_authorization(&auth);
    let refused = policy.authorize(&upload, &verifier()).unwrap();
    assert_eq!(refused.decision.reason, Reason::InsufficientScope);
    assert_eq!(refused.decision.missing.to_string(), "upload_files");
}

#[test]
fn a_files_token_may_travel_in_an_image_url() {
    let policy = partner();
    let target = format!(
        "/v1/img/cat.png?size=2&access_token={}",
        token("files", NOW + 60)
    );
    let result = policy
        .authorize(&RequestParts::new("GET", &target), &verifier())
        .unwrap();
    assert!(result.decision.allowed);
    assert_eq!(result.source, TokenSource::Query);
    assert_eq!(result.decision.params["image"], "cat.png");
}

#[test]
fn a_base_token_in_a_url_is_refused() {
    let policy = partner();
    let target = format!("/v1/img/cat.png?access_token={}", token("base", NOW + 60));
    let err = policy
        .authorize(&RequestParts::new("GET", &target), &verifier())
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenInQueryNotAllowed);
}

#[test]
fn token_problems_are_errors_with_codes() {
    let policy = partner();
    let v = verifier();
    let cases: Vec<(RequestParts<'_>, ErrorCode)> = vec![
        (
            RequestParts::new("GET", "/v1/projects"),
            ErrorCode::TokenMissing,
        ),
        (
            RequestParts::new("GET", "/v1/projects").with_authorization("Basic dXNlcjpwYXNz"),
            ErrorCode::TokenMissing,
        ),
        (
            RequestParts::new("GET", "/v1/projects").with_authorization("Bearer two words"),
            ErrorCode::InvalidRequest,
        ),
    ];
    for (request, code) in cases {
        assert_eq!(policy.authorize(&request, &v).unwrap_err().code(), code);
    }
    let expired = format!("Bearer {}", token("base", NOW));
    let request = RequestParts::new("GET", "/v1/projects").with_authorization(&expired);
    assert_eq!(
        policy.authorize(&request, &v).unwrap_err().code(),
        ErrorCode::TokenExpired
    );
    let mut forged = token("base", NOW + 60);
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let forged = format!("Bearer {forged}");
    let request = RequestParts::new("GET", "/v1/projects").with_authorization(&forged);
    assert_eq!(
        policy.authorize(&request, &v).unwrap_err().code(),
        ErrorCode::InvalidSignature
    );
    let header = format!("Bearer {}", token("files", NOW + 60));
    let target = format!("/v1/img/a.png?access_token={}", token("files", NOW + 60));
    let twice = RequestParts::new("GET", &target).with_authorization(&header);
    assert_eq!(
        policy.authorize(&twice, &v).unwrap_err().code(),
        ErrorCode::InvalidRequest
    );
}
