//! Tokens in JavaScript: unverified decoding, OAuth2 token responses and bearer tokens.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::args::{decode_options, is_absent, json_text_arg, optional_string_arg, scopes_arg};
use super::{exchange, to_js_error, to_plain};
use crate::ScopeSet;

/// Decodes the JWT written into the input buffer (`len` bytes) **without verifying anything**
/// (the package's `decodeUnverified(token, options)`): the token goes to the output buffer, its
/// header and claims as the JSON texts the token carries (the package reads them with
/// `JSON.parse`); returns the address of its first word, or `FAILED` (u32::MAX) with the error
/// waiting in `takeFailure()`.
#[wasm_bindgen(js_name = decodeInput)]
pub fn decode_input(len: usize, options: JsValue) -> u32 {
    exchange::address_answer(decoded_address(len, &options))
}

fn decoded_address(len: usize, options: &JsValue) -> Result<usize, JsValue> {
    let options = decode_options(options)?;
    let decoded = exchange::with_input(len, 0, |token, _| {
        crate::token::decode_with_texts(token, &options)
    })?
    .map_err(|e| to_js_error(&e))?;
    exchange::write_token(&decoded.token, &decoded.header, &decoded.payload)
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
        expires_in: Option<u64>,
        refresh_token: Option<&'a str>,
        scopes: ScopeSet,
        scope_in_response: bool,
    }
    to_plain(&JsTokenResponse {
        access_token: response.access_token(),
        token_type: response.token_type(),
        // Written as the integer it is: `JSON.parse` reads it as it reads the response's own
        // `expires_in` (rounded above 2^53), and no floating-point writer is linked.
        expires_in: response.expires_in(),
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
