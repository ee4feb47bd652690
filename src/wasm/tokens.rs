//! Tokens in JavaScript: unverified decoding, OAuth2 token responses and bearer tokens.

use crate::prelude::*;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::args::{
    decode_options, is_absent, json_text_arg, optional_string_arg, scopes_arg, string_arg,
};
use super::{to_js_error, to_plain, JsNumbers};
use crate::ScopeSet;

/// A token as JavaScript sees it (camelCase, unix seconds).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsToken<'a> {
    header: JsNumbers<'a, serde_json::Map<String, serde_json::Value>>,
    claims: JsNumbers<'a, serde_json::Map<String, serde_json::Value>>,
    scopes: &'a ScopeSet,
    subject: Option<&'a str>,
    issuer: Option<&'a str>,
    audience: &'a [String],
    client_id: Option<&'a str>,
    jwt_id: Option<&'a str>,
    expires_at: Option<u64>,
    issued_at: Option<u64>,
    not_before: Option<u64>,
}

pub(crate) fn token_to_js(token: &crate::Token) -> Result<JsValue, JsValue> {
    to_plain(&JsToken {
        header: JsNumbers(token.header()),
        claims: JsNumbers(token.claims()),
        scopes: token.scopes(),
        subject: token.subject(),
        issuer: token.issuer(),
        audience: token.audience(),
        client_id: token.client_id(),
        jwt_id: token.jwt_id(),
        expires_at: token.expires_at(),
        issued_at: token.issued_at(),
        not_before: token.not_before(),
    })
}

/// Decodes a JWT **without verifying anything** (for UIs that only display or gate on it).
#[wasm_bindgen(js_name = decodeUnverified)]
pub fn decode_unverified(token: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let token = string_arg("token", &token)?;
    let options = decode_options(&options)?;
    let decoded = crate::decode_unverified_with(&token, &options).map_err(|e| to_js_error(&e))?;
    token_to_js(&decoded)
}

/// Parses an OAuth2 token endpoint response (RFC 6749 §5.1; §5.2 errors are thrown). `requested`
/// gives the granted scopes when the response has no `scope`.
#[wasm_bindgen(js_name = parseTokenResponse)]
pub fn parse_token_response(body: JsValue, requested: JsValue) -> Result<JsValue, JsValue> {
    let body = json_text_arg("body", &body)?;
    let requested = if is_absent(&requested) {
        None
    } else {
        Some(scopes_arg("requested", &requested)?)
    };
    let response = crate::TokenResponse::from_json(&body).map_err(|e| to_js_error(&e))?;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct JsTokenResponse<'a> {
        access_token: &'a str,
        token_type: &'a str,
        expires_in: Option<f64>,
        refresh_token: Option<&'a str>,
        scopes: ScopeSet,
        scope_in_response: bool,
    }
    to_plain(&JsTokenResponse {
        access_token: response.access_token(),
        token_type: response.token_type(),
        // A JavaScript number, like `expires_in` in the response (which may exceed 2^53).
        expires_in: response.expires_in().map(|seconds| seconds as f64),
        refresh_token: response.refresh_token(),
        scopes: response.scopes(requested.as_ref()),
        scope_in_response: response.scope().is_some(),
    })
}

/// Finds the bearer token of a request (RFC 6750): `{ token, source: "header" | "query" }`, or
/// `null` when there is none.
#[wasm_bindgen(js_name = bearerToken)]
pub fn bearer_token(authorization: JsValue, query: JsValue) -> Result<JsValue, JsValue> {
    let authorization = optional_string_arg("authorization", &authorization)?;
    let query = optional_string_arg("query", &query)?;
    let found = crate::bearer_token(authorization.as_deref(), query.as_deref())
        .map_err(|e| to_js_error(&e))?;
    match found {
        Some(found) => to_plain(&found),
        None => Ok(JsValue::NULL),
    }
}
