//! The `Session` JavaScript class: a frontend's token and what it may call. Conversion only; the
//! logic is [`crate::Session`].

use crate::prelude::*;
use alloc::rc::Rc;

use wasm_bindgen::prelude::*;

use super::args::{
    date_seconds, decode_options, flag_arg, get, is_absent, json_text_arg, now_from, scopes_arg,
    string_arg,
};
use super::policy::{JsGrant, JsPolicy};
use super::{conversion_error, exchange, nullable_string, to_js_error};
use crate::{Policy, Session, SessionOptions, TokenResponse};

/// A signed-in user's token under a policy (JavaScript class `Session`).
#[wasm_bindgen(js_name = Session)]
pub struct JsSession {
    policy: Rc<Policy>,
    inner: Session,
}

/// Reads `{ allowClientUnsafe, maxSize, scopeClaim }`.
fn session_options(options: &JsValue) -> Result<SessionOptions, JsValue> {
    let allow_client_unsafe = flag_arg("allowClientUnsafe", &get(options, "allowClientUnsafe")?)?;
    Ok(SessionOptions {
        allow_client_unsafe,
        decode: decode_options(options)?,
    })
}

/// Reads the `method`, `path` and clock (`options.currentDate`) of a check.
fn request_args(
    method: &JsValue,
    path: &JsValue,
    options: &JsValue,
) -> Result<(String, String, u64), JsValue> {
    Ok((
        string_arg("method", method)?,
        string_arg("path", path)?,
        now_from(options)?,
    ))
}

#[wasm_bindgen(js_class = Session)]
impl JsSession {
    /// A session from a JWT access token, decoded **without verification** (a UI aid, not a
    /// security check). Throws `client_unsafe_token` for a token carrying a `client_safe: false`
    /// scope unless `options.allowClientUnsafe` is true.
    #[wasm_bindgen(js_name = fromJwt)]
    pub fn from_jwt(
        policy: &JsPolicy,
        token: JsValue,
        options: JsValue,
    ) -> Result<JsSession, JsValue> {
        let token = string_arg("token", &token)?;
        let inner = Session::from_jwt(&policy.inner, &token, &session_options(&options)?)
            .map_err(|e| to_js_error(&e))?;
        Ok(JsSession {
            policy: Rc::clone(&policy.inner),
            inner,
        })
    }

    /// A session from an OAuth2 token response (JSON text or object), for opaque tokens.
    /// `options.requested` gives the scopes asked for (used when the response has no `scope`),
    /// `options.receivedAt` (a `Date`, default now) anchors `expires_in`.
    #[wasm_bindgen(js_name = fromTokenResponse)]
    pub fn from_token_response(
        policy: &JsPolicy,
        body: JsValue,
        options: JsValue,
    ) -> Result<JsSession, JsValue> {
        let body = json_text_arg("body", &body)?;
        let response = TokenResponse::from_json(&body).map_err(|e| to_js_error(&e))?;
        let requested = get(&options, "requested")?;
        let requested = if is_absent(&requested) {
            None
        } else {
            Some(scopes_arg("requested", &requested)?)
        };
        let received_at = date_seconds("receivedAt", &get(&options, "receivedAt")?)?;
        let inner = Session::from_token_response(
            &policy.inner,
            &response,
            requested.as_ref(),
            received_at,
            &session_options(&options)?,
        )
        .map_err(|e| to_js_error(&e))?;
        Ok(JsSession {
            policy: Rc::clone(&policy.inner),
            inner,
        })
    }

    /// The access token (for an `Authorization: Bearer` header).
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> String {
        self.inner.access_token().to_string()
    }

    /// The refresh token of a token response, if any.
    #[wasm_bindgen(getter, js_name = refreshToken)]
    pub fn refresh_token(&self) -> JsValue {
        nullable_string(self.inner.refresh_token())
    }

    /// The granted scopes, sorted.
    #[wasm_bindgen(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.inner.scopes().to_vec()
    }

    /// The grant (roles and dropped names included).
    #[wasm_bindgen(getter)]
    pub fn grant(&self) -> JsGrant {
        JsGrant::from_core(self.inner.grant().clone())
    }

    /// The token's `sub`, for a JWT.
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> JsValue {
        nullable_string(self.inner.subject())
    }

    /// Expiry in unix seconds, if known.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> JsValue {
        self.inner
            .expires_at()
            .map_or(JsValue::NULL, |exp| JsValue::from_f64(exp as f64))
    }

    /// The JWT's claims (unverified), or `null` for an opaque token: `JSON.parse` of the payload
    /// as the token carries it (checked when the session was made), as `decodeUnverified` gives
    /// them.
    #[wasm_bindgen(getter)]
    pub fn claims(&self) -> Result<JsValue, JsValue> {
        if self.inner.token().is_none() {
            return Ok(JsValue::NULL);
        }
        let payload =
            crate::token::payload_text(self.inner.access_token()).map_err(|e| to_js_error(&e))?;
        js_sys::JSON::parse(&payload).map_err(|_| conversion_error())
    }

    /// Whether the token has expired (`options.currentDate` fixes the clock).
    #[wasm_bindgen(js_name = isExpired)]
    pub fn is_expired(&self, options: JsValue) -> Result<bool, JsValue> {
        Ok(self.inner.is_expired_at(now_from(&options)?))
    }

    /// Whether the session may call the method and path written into the input buffer at `now`
    /// (unix seconds, read by the package from `options.currentDate` or the clock; false once
    /// expired); the package's `can(method, path, options)` and `cannot`. 1 or 0; on failure
    /// `FAILED`, the error waiting in `takeFailure()`.
    #[wasm_bindgen(js_name = canInput)]
    pub fn can_input(&self, method_len: usize, path_len: usize, now: f64) -> u32 {
        let now = exchange::seconds(now);
        exchange::answer_or_failed(exchange::with_input(
            method_len,
            path_len,
            |method, path| u32::from(self.inner.can_at(&self.policy, method, path, now)),
        ))
    }

    /// The full decision (reason `token_expired` once expired) for the method and path written
    /// into the input buffer, at `now` (as for `canInput`), written into the output buffer (see
    /// [`super::exchange`]); the package's `decide(method, path, options)`. Returns its
    /// address, or `FAILED` with the error waiting in `takeFailure()`.
    #[wasm_bindgen(js_name = decideInput)]
    pub fn decide_input(&self, method_len: usize, path_len: usize, now: f64) -> u32 {
        let now = exchange::seconds(now);
        let decided = exchange::with_input(method_len, path_len, |method, path| {
            let mut address = Ok(0);
            self.inner
                .decide_parts_at(&self.policy, method, path, now, &mut |parts| {
                    address = exchange::write_decision(parts);
                });
            address
        });
        exchange::address_answer(decided.and_then(|address| address))
    }

    /// The scopes the session lacks for `method path`: empty when allowed, `null` when no scope
    /// would help (expired, no rule, a deny rule; see `Decision::scopes_to_allow`).
    pub fn missing(
        &self,
        method: JsValue,
        path: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (method, path, now) = request_args(&method, &path, &options)?;
        let mut scopes = None;
        self.inner
            .decide_parts_at(&self.policy, &method, &path, now, &mut |parts| {
                scopes = parts.scopes_to_allow(&self.policy);
            });
        Ok(scopes.map_or(JsValue::NULL, |scopes| {
            let names = js_sys::Array::new();
            for name in &scopes {
                names.push(&JsValue::from_str(name));
            }
            names.into()
        }))
    }

    /// `url` with `access_token=` added, only when the policy's `transport.query` allows this
    /// token's scopes (throws `token_in_query_not_allowed` otherwise).
    #[wasm_bindgen(js_name = urlWithToken)]
    pub fn url_with_token(&self, url: JsValue) -> Result<String, JsValue> {
        let url = string_arg("url", &url)?;
        self.inner
            .url_with_token(&self.policy, &url)
            .map_err(|e| to_js_error(&e))
    }
}
