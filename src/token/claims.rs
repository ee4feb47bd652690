//! The registered claims of a token, typed (RFC 7519 §4.1, RFC 9068 §2.2), and its scopes
//! (`scope`, `scp` or a named claim).

use crate::prelude::*;

use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::json::type_name;
use crate::scope::ScopeSet;

/// The largest NumericDate accepted (2^53, the largest integer JavaScript numbers hold exactly).
const MAX_NUMERIC_DATE: u64 = 1 << 53;

fn claim_invalid(name: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::ClaimInvalid, message).for_claim(name)
}

/// A NumericDate claim (RFC 7519 §2): a non-negative finite number, integer or not, at most 2^53.
/// Fractions are rounded up, so "now >= exp" and "now < nbf" keep their meaning in whole seconds.
pub(crate) fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<u64>, Error> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    let bad = || {
        claim_invalid(
            name,
            format!(
                "claim `{name}` must be a NumericDate (non-negative number of seconds), got {}",
                match value {
                    Value::Number(n) if n.as_f64().is_some_and(|f| f < 0.0) => "a negative number",
                    Value::Number(_) => "a number above 2^53",
                    other => type_name(other),
                }
            ),
        )
    };
    let Value::Number(number) = value else {
        return Err(bad());
    };
    let seconds = if let Some(n) = number.as_u64() {
        n
    } else if let Some(f) = number.as_f64() {
        if !f.is_finite() || f < 0.0 || f > MAX_NUMERIC_DATE as f64 {
            return Err(bad());
        }
        // In range [0, 2^53] and finite: `as` keeps the whole part exactly; round up the rest.
        let whole = f as u64;
        if (whole as f64) < f {
            whole + 1
        } else {
            whole
        }
    } else {
        return Err(bad());
    };
    if seconds > MAX_NUMERIC_DATE {
        return Err(bad());
    }
    Ok(Some(seconds))
}

pub(crate) fn string_claim(
    claims: &Map<String, Value>,
    name: &str,
) -> Result<Option<String>, Error> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(claim_invalid(
            name,
            format!("claim `{name}` must be a string, got {}", type_name(other)),
        )),
    }
}

pub(crate) fn audience_claim(claims: &Map<String, Value>) -> Result<Vec<String>, Error> {
    match claims.get("aud") {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(claim_invalid(
                    "aud",
                    format!(
                        "claim `aud` must be a string or a list of strings, it holds {}",
                        type_name(other)
                    ),
                )),
            })
            .collect(),
        Some(other) => Err(claim_invalid(
            "aud",
            format!(
                "claim `aud` must be a string or a list of strings, got {}",
                type_name(other)
            ),
        )),
    }
}

/// Which shapes a scope claim may take.
#[derive(Clone, Copy)]
enum ScopeShape {
    /// Only a space-delimited string (`scope`, RFC 9068).
    String,
    /// A space-delimited string or a list of scope tokens (`scp`, custom claims).
    StringOrList,
}

fn scope_claim_value(value: &Value, name: &str, shape: ScopeShape) -> Result<ScopeSet, Error> {
    let scope_error = |e: Error| {
        Error::new(
            ErrorCode::InvalidScope,
            format!("claim `{name}`: {}", e.message()),
        )
        .for_claim(name)
    };
    match (value, shape) {
        (Value::String(s), _) => ScopeSet::parse(s).map_err(scope_error),
        (Value::Array(items), ScopeShape::StringOrList) => {
            let mut tokens = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => tokens.push(s.as_str()),
                    other => {
                        return Err(claim_invalid(
                            name,
                            format!(
                                "claim `{name}` must list scope strings, it holds {}",
                                type_name(other)
                            ),
                        ))
                    }
                }
            }
            ScopeSet::from_list(tokens).map_err(scope_error)
        }
        (other, ScopeShape::String) => Err(claim_invalid(
            name,
            format!(
                "claim `{name}` must be a space-delimited string, got {}",
                type_name(other)
            ),
        )),
        (other, ScopeShape::StringOrList) => Err(claim_invalid(
            name,
            format!(
                "claim `{name}` must be a scope string or a list of scopes, got {}",
                type_name(other)
            ),
        )),
    }
}

/// Reads the scopes: the configured claim, or `scope` (string) and `scp` (list or string).
/// When both `scope` and `scp` are present they must agree, or it is a `claim_invalid` error.
pub(crate) fn extract_scopes(
    claims: &Map<String, Value>,
    scope_claim: Option<&str>,
) -> Result<ScopeSet, Error> {
    if let Some(name) = scope_claim {
        return match claims.get(name) {
            None => Ok(ScopeSet::new()),
            Some(value) => scope_claim_value(value, name, ScopeShape::StringOrList),
        };
    }
    let scope = claims
        .get("scope")
        .map(|v| scope_claim_value(v, "scope", ScopeShape::String))
        .transpose()?;
    let scp = claims
        .get("scp")
        .map(|v| scope_claim_value(v, "scp", ScopeShape::StringOrList))
        .transpose()?;
    match (scope, scp) {
        (Some(a), Some(b)) if a != b => Err(claim_invalid(
            "scp",
            "claims `scope` and `scp` are both present and disagree",
        )),
        (Some(a), _) => Ok(a),
        (None, Some(b)) => Ok(b),
        (None, None) => Ok(ScopeSet::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_dates() {
        let claims = |v: Value| {
            let mut m = Map::new();
            m.insert("exp".into(), v);
            m
        };
        assert_eq!(numeric_date(&claims(10.into()), "exp").unwrap(), Some(10));
        assert_eq!(
            numeric_date(&claims(serde_json::json!(10.2)), "exp").unwrap(),
            Some(11)
        );
        for (bad, found) in [
            (serde_json::json!(-1), "a negative number"),
            (serde_json::json!(-0.5), "a negative number"),
            (serde_json::json!("10"), "a string"),
            (serde_json::json!(1e300), "a number above 2^53"),
            (
                serde_json::json!(9_007_199_254_740_993u64),
                "a number above 2^53",
            ),
            (serde_json::json!(null), "null"),
        ] {
            let err = numeric_date(&claims(bad), "exp").unwrap_err();
            assert_eq!(err.code(), ErrorCode::ClaimInvalid);
            assert_eq!(err.claim(), Some("exp"));
            assert!(err.message().ends_with(&format!("got {found}")), "{err}");
        }
    }
}
