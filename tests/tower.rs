//! The tower layer, in front of an axum router (`examples/axum.rs`): refusals with the same
//! status, challenge and body as `guard()` (the HTTP answer table), the `Authorization` in the
//! request extensions of an allowed request.
#![cfg(not(target_arch = "wasm32"))]

mod common;
#[path = "../examples/axum.rs"]
#[allow(dead_code)]
mod example;

use axum::body::{to_bytes, Body};
use http::{Request, StatusCode};
use scopegate::Policy;
use serde_json::{json, Value};
use tower::ServiceExt;

const SECRET: &[u8] = b"an example secret of at least 32 bytes!";

fn token(claims: Value) -> String {
    common::mint(SECRET, &json!({"alg": "HS256"}), &claims)
}

async fn send(uri: &str, authorization: Option<&str>) -> (StatusCode, Option<String>, Value) {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let app = example::app(policy, SECRET).unwrap();
    let mut request = Request::builder().uri(uri);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = app
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string());
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (
        status,
        challenge,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn allowed_requests_reach_the_handler_with_their_authorization() {
    let user = token(json!({"sub": "u-1", "scope": "read_only", "exp": 4_102_444_800u64}));
    let (status, _, body) = send("/accounts/1", Some(&format!("Bearer {user}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"subject": "u-1", "data": "own", "rule": "read-own"})
    );
}

#[tokio::test]
async fn refusals_answer_as_guard_does() {
    let (status, challenge, body) = send("/accounts", None).await;
    assert_eq!(
        (status, challenge.as_deref()),
        (StatusCode::UNAUTHORIZED, Some(r#"Bearer realm="bank""#))
    );
    assert_eq!(body["code"], "token_missing");

    let (status, challenge, body) = send("/accounts", Some("Bearer a.b.c")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge.as_deref(),
        Some(
            r#"Bearer realm="bank", error="invalid_token", error_description="The access token is invalid""#
        )
    );
    assert_eq!(body["message"], "The access token is invalid");

    let expired = token(json!({"scope": "read_only", "exp": 1}));
    let (status, _, body) = send("/accounts", Some(&format!("Bearer {expired}"))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_expired"))
    );

    // A valid token without the scope: 403 with the scope that would allow it.
    let user = token(json!({"sub": "u-1", "scope": "read_only", "exp": 4_102_444_800u64}));
    let (status, challenge, body) = send("/legal/kyc/1", Some(&format!("Bearer {user}"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        challenge.as_deref(),
        Some(r#"Bearer realm="bank", error="insufficient_scope", scope="read_all""#)
    );
    assert_eq!(body["missing"], json!(["read_all"]));

    // A path that cannot be read safely: 400, before any handler.
    let (status, _, body) = send("/accounts/a%2Fb", Some(&format!("Bearer {user}"))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_path"))
    );
}

#[tokio::test]
async fn a_base_path_is_stripped_exactly_and_a_path_outside_it_is_refused() {
    use std::sync::Arc;

    use axum::routing::get;
    use axum::Router;
    use scopegate::{Algorithm, AuthorizeLayer, ErrorCode, KeySet, Verifier, VerifyOptions};

    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let verifier = Verifier::new(
        KeySet::hmac_secret(SECRET).unwrap(),
        VerifyOptions::new([Algorithm::HS256]),
    )
    .unwrap();
    let layer = AuthorizeLayer::new(Arc::new(policy), Arc::new(verifier));
    let refused = layer.clone().base_path("api").err().map(|e| e.code());
    assert_eq!(refused, Some(ErrorCode::InvalidArgument));
    let layer = layer.base_path("/api/").unwrap();
    // The layer in front of the whole router: routes keep their /api prefix, the policy does not.
    let app = Router::new()
        .fallback(get(|| async { "reached" }))
        .layer(layer);
    let user = token(json!({"sub": "u-1", "scope": "read_only", "exp": 4_102_444_800u64}));
    let bearer = format!("Bearer {user}");
    let status = |uri: &'static str| {
        let app = app.clone();
        let bearer = bearer.clone();
        async move {
            let request = Request::builder()
                .uri(uri)
                .header("authorization", bearer)
                .body(Body::empty())
                .unwrap();
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
            let code = serde_json::from_slice::<Value>(&body)
                .map(|v| v["code"].as_str().unwrap_or_default().to_string())
                .unwrap_or_default();
            (status, code)
        }
    };
    assert_eq!(status("/api/accounts/1").await.0, StatusCode::OK);
    assert_eq!(status("/api/accounts/1?page=2").await.0, StatusCode::OK);
    for outside in [
        "/accounts/1",
        "/API/accounts/1",
        "/%61pi/accounts/1",
        "/apiary/accounts/1",
    ] {
        assert_eq!(
            status(outside).await,
            (StatusCode::FORBIDDEN, "no_matching_rule".to_string()),
            "{outside}"
        );
    }
    // Inside the base, the policy decides the rest as any path.
    assert_eq!(
        status("/api/legal/kyc/1").await,
        (StatusCode::FORBIDDEN, "insufficient_scope".to_string())
    );
}
