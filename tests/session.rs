//! Frontend sessions: built from a JWT (unverified) or a token response, client safety, expiry,
//! and tokens in URLs.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use scopegate::{
    DataRange, ErrorCode, Policy, Reason, ScopeSet, Session, SessionOptions, TokenResponse,
};
use serde_json::json;

const NOW: u64 = 1_800_000_000;

fn banking() -> Policy {
    Policy::from_json(&common::read("examples/policies/banking.json")).unwrap()
}

fn partner() -> Policy {
    Policy::from_json(&common::read("examples/policies/partner.json")).unwrap()
}

fn jwt(claims: serde_json::Value) -> String {
    common::mint(
        b"unused: sessions do not verify",
        &json!({"alg": "HS256"}),
        &claims,
    )
}

fn response(body: serde_json::Value) -> TokenResponse {
    TokenResponse::from_json(&body.to_string()).unwrap()
}

#[test]
fn jwt_session_answers_like_the_policy_until_exp() {
    let policy = banking();
    let token = jwt(json!({"sub": "u-1", "scope": "end_user", "exp": NOW + 60}));
    let session = Session::from_jwt(&policy, &token, &SessionOptions::default()).unwrap();
    assert_eq!(session.subject(), Some("u-1"));
    assert_eq!(session.scopes().to_string(), "read_only read_write");
    assert_eq!(session.expires_at(), Some(NOW + 60));
    assert_eq!(session.access_token(), token);

    let ok = session.decide_at(&policy, "GET", "/accounts/7", NOW);
    assert!(ok.allowed && session.can_at(&policy, "GET", "/accounts/7", NOW));
    assert_eq!(ok, policy.decide("GET", "/accounts/7", session.grant()));
    assert_eq!(ok.data, Some(DataRange::Own));
    let admin = session.decide_at(&policy, "DELETE", "/admin/users/1", NOW);
    assert_eq!(admin.reason, Reason::InsufficientScope);
    assert_eq!(admin.missing.to_string(), "admin");

    for now in [NOW + 60, NOW + 61, u64::MAX] {
        assert!(session.is_expired_at(now));
        assert!(!session.can_at(&policy, "GET", "/accounts/7", now));
        let expired = session.decide_at(&policy, "GET", "/accounts/7", now);
        assert_eq!(expired.reason, Reason::TokenExpired);
        assert!(!expired.allowed);
        assert!(expired
            .challenge
            .as_deref()
            .unwrap()
            .contains(r#"error="invalid_token""#));
    }
}

#[test]
fn session_without_exp_never_expires_and_bad_jwt_is_refused() {
    let policy = banking();
    let session = Session::from_jwt(
        &policy,
        &jwt(json!({"scp": ["read_all"]})),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(session.expires_at(), None);
    assert!(session.can_at(&policy, "GET", "/users", u64::MAX));
    assert!(session.token().is_some());

    let err = Session::from_jwt(&policy, "not.a.jwt", &Default::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::MalformedToken);
    let mut tiny = SessionOptions::default();
    tiny.decode.max_size = 10;
    let err = Session::from_jwt(&policy, &jwt(json!({})), &tiny).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenTooLarge);
}

#[test]
fn client_unsafe_scopes_are_refused_unless_allowed() {
    let policy = partner();
    let base = jwt(json!({"scope": "base", "exp": NOW + 60}));
    let err = Session::from_jwt(&policy, &base, &SessionOptions::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ClientUnsafeToken);
    assert!(err.message().contains("\"base\""), "{}", err.message());
    assert!(err.message().contains("client_safe: false"));

    let server = SessionOptions {
        allow_client_unsafe: true,
        ..Default::default()
    };
    assert!(Session::from_jwt(&policy, &base, &server).is_ok());
    let files = jwt(json!({"scope": "files"}));
    assert!(Session::from_jwt(&policy, &files, &SessionOptions::default()).is_ok());
}

#[test]
fn token_response_scopes_follow_rfc_6749_and_the_policy_default() {
    let policy = partner();
    let options = SessionOptions::default();
    let with_scope = response(json!({"access_token": "opaque-1", "token_type": "Bearer",
        "expires_in": 3600, "scope": "files", "refresh_token": "r-1"}));
    let session = Session::from_token_response(&policy, &with_scope, None, NOW, &options).unwrap();
    assert_eq!(session.scopes().to_string(), "files");
    assert_eq!(session.expires_at(), Some(NOW + 3600));
    assert_eq!(session.refresh_token(), Some("r-1"));
    assert!(session.token().is_none() && session.subject().is_none());
    assert!(session.can_at(&policy, "GET", "/v1/img/cat.png", NOW));
    assert!(!session.can_at(&policy, "GET", "/v1/img/cat.png", NOW + 3600));

    // No scope in the response: as requested (§5.1).
    let bare = response(json!({"access_token": "opaque-2", "token_type": "bearer"}));
    let requested = ScopeSet::parse("files upload_files").unwrap();
    let session =
        Session::from_token_response(&policy, &bare, Some(&requested), NOW, &options).unwrap();
    assert_eq!(session.scopes().to_string(), "files upload_files");
    assert_eq!(session.expires_at(), None);

    // Nothing requested either: the partner API's default is base, which a browser must refuse.
    let err = Session::from_token_response(&policy, &bare, None, NOW, &options).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ClientUnsafeToken);

    // The banking default is "all" of the user's scopes, unknown to a frontend: an empty grant.
    let session = Session::from_token_response(&banking(), &bare, None, NOW, &options).unwrap();
    assert!(session.scopes().is_empty());
    assert!(!session.can_at(&banking(), "GET", "/accounts", NOW));
}

#[test]
fn urls_carry_only_tokens_the_transport_allows() {
    let policy = partner();
    let files = Session::from_token_response(
        &policy,
        &response(json!({"access_token": "a b+c/=", "token_type": "Bearer", "scope": "files"})),
        None,
        NOW,
        &SessionOptions::default(),
    )
    .unwrap();
    let cases = [
        (
            "/v1/img/a.png",
            "/v1/img/a.png?access_token=a%20b%2Bc%2F%3D",
        ),
        (
            "/v1/img/a.png?size=2",
            "/v1/img/a.png?size=2&access_token=a%20b%2Bc%2F%3D",
        ),
        (
            "/v1/img/a.png?",
            "/v1/img/a.png?access_token=a%20b%2Bc%2F%3D",
        ),
        (
            "/v1/img/a.png?x=1&",
            "/v1/img/a.png?x=1&access_token=a%20b%2Bc%2F%3D",
        ),
    ];
    for (url, expected) in cases {
        assert_eq!(files.url_with_token(&policy, url).unwrap(), expected);
    }
    for bad in [
        "/v1/img/a.png#top",
        "/v1/img/a.png?access_token=x",
        // Form-decoded as the API reads it, this is an access_token too.
        "/v1/img/a.png?access%5Ftoken=x",
        "/v1/img/a.png?%zz=1",
    ] {
        let err = files.url_with_token(&policy, bad).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument, "{bad}");
    }

    let both = Session::from_jwt(
        &policy,
        &jwt(json!({"scope": "files upload_files"})),
        &SessionOptions::default(),
    )
    .unwrap();
    let err = both.url_with_token(&policy, "/v1/img/a.png").unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenInQueryNotAllowed);
    assert!(err.message().contains("files upload_files"));
}
