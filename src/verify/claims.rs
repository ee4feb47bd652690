//! The claim checks of a verified token: `exp`, `nbf`, `iat`, maximum age, `iss`, `aud`, `typ`
//! and the required claims, done by scopegate itself so the rules are exactly the documented ones.

use crate::prelude::*;

use serde_json::Value;

use super::Verifier;
use crate::error::{Error, ErrorCode};
use crate::token::Token;

impl Verifier {
    pub(crate) fn check_claims(&self, token: &Token, now: u64) -> Result<(), Error> {
        let options = &self.options;
        let leeway = options.clock_tolerance;
        for name in &options.required_claims {
            if !token.claims().contains_key(name) {
                return Err(missing(name));
            }
        }
        if let Some(exp) = token.expires_at() {
            if now >= exp.saturating_add(leeway) {
                return Err(Error::new(
                    ErrorCode::TokenExpired,
                    format!("the token expired at {exp} (now {now}, tolerance {leeway} s)"),
                )
                .for_claim("exp"));
            }
        }
        if let Some(nbf) = token.not_before() {
            if now.saturating_add(leeway) < nbf {
                return Err(Error::new(
                    ErrorCode::TokenNotYetValid,
                    format!(
                        "the token is not valid before {nbf} (now {now}, tolerance {leeway} s)"
                    ),
                )
                .for_claim("nbf"));
            }
        }
        if let Some(iat) = token.issued_at() {
            if iat > now.saturating_add(leeway) {
                return Err(Error::new(
                    ErrorCode::ClaimInvalid,
                    format!("the token is issued in the future ({iat}, now {now})"),
                )
                .for_claim("iat"));
            }
        }
        if let Some(max_age) = options.max_token_age {
            let iat = token.issued_at().ok_or_else(|| missing("iat"))?;
            if now.saturating_sub(iat) > max_age.saturating_add(leeway) {
                return Err(Error::new(
                    ErrorCode::TokenExpired,
                    format!("the token was issued at {iat}, more than {max_age} s ago (now {now})"),
                )
                .for_claim("iat"));
            }
        }
        if !options.issuer.is_empty() {
            let iss = token.issuer().ok_or_else(|| missing("iss"))?;
            if !options.issuer.iter().any(|i| i == iss) {
                return Err(Error::new(
                    ErrorCode::ClaimInvalid,
                    format!("issuer {iss:?} is not accepted"),
                )
                .for_claim("iss"));
            }
        }
        if !options.audience.is_empty() {
            if !token.claims().contains_key("aud") {
                return Err(missing("aud"));
            }
            if !token
                .audience()
                .iter()
                .any(|a| options.audience.iter().any(|want| want == a))
            {
                return Err(Error::new(
                    ErrorCode::ClaimInvalid,
                    "the token's audience does not include an accepted audience",
                )
                .for_claim("aud"));
            }
        }
        Ok(())
    }
}

fn missing(name: &str) -> Error {
    Error::new(
        ErrorCode::ClaimMissing,
        format!("the required claim `{name}` is missing"),
    )
    .for_claim(name)
}

/// Compares the header `typ` with the expected one: case-insensitive, `application/` optional.
pub(crate) fn check_typ(typ: Option<&Value>, expected: &str) -> Result<(), Error> {
    fn bare(s: &str) -> &str {
        match s.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => {
                s.get(12..).unwrap_or("")
            }
            _ => s,
        }
    }
    let bad = |message: String| Error::new(ErrorCode::ClaimInvalid, message).for_claim("typ");
    match typ {
        Some(Value::String(typ)) if bare(typ).eq_ignore_ascii_case(bare(expected)) => Ok(()),
        Some(Value::String(typ)) => Err(bad(format!(
            "the header typ is {typ:?}, expected {expected:?}"
        ))),
        Some(_) => Err(bad("the header typ is not a string".to_string())),
        None => Err(bad(format!("the header has no typ, expected {expected:?}"))),
    }
}
