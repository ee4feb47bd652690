//! An axum API behind scopegate's tower layer: every request is authorized with the banking
//! policy before a handler runs; handlers read the `Authorization` from the request extensions.
//!
//! Run: `cargo run --example axum --features tower`, then
//! `curl -i http://127.0.0.1:3000/accounts` (401) or with `-H "Authorization: Bearer <HS256 JWT
//! signed with the secret below>"`.

use std::sync::Arc;

use axum::extract::Extension;
use axum::routing::get;
use axum::{Json, Router};
use scopegate::{
    Algorithm, Authorization, AuthorizeLayer, KeySet, Policy, Verifier, VerifyOptions,
};

/// The routes, behind the layer (also used by `tests/tower.rs`).
pub fn app(policy: Policy, secret: &[u8]) -> Result<Router, scopegate::Error> {
    let verifier = Verifier::new(
        KeySet::hmac_secret(secret)?,
        VerifyOptions::new([Algorithm::HS256]),
    )?;
    let layer = AuthorizeLayer::new(Arc::new(policy), Arc::new(verifier)).realm("bank");
    Ok(Router::new()
        .route("/accounts", get(accounts))
        .route("/accounts/{id}", get(accounts))
        .layer(layer))
}

async fn accounts(Extension(authorization): Extension<Authorization>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "subject": authorization.token.subject(),
        "data": authorization.decision.data,
        "rule": authorization.decision.rule,
    }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let policy = Policy::from_json(&std::fs::read_to_string("examples/policies/banking.json")?)?;
    let app = app(policy, b"an example secret of at least 32 bytes!")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://127.0.0.1:3000");
    axum::serve(listener, app).await?;
    Ok(())
}
