//! RFC 6749 §5.1 / §5.2 token responses, table style.
#![cfg(not(target_arch = "wasm32"))]

use scopegate::{ErrorCode, OAuthError, ScopeSet, TokenResponse};

/// (body, token type is bearer, expires_in, refresh_token, scope).
type Case<'a> = (&'a str, bool, Option<u64>, Option<&'a str>, Option<&'a str>);

#[test]
fn valid_responses() {
    let table: &[Case] = &[
        (
            r#"{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"example","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","example_parameter":"example_value"}"#,
            false,
            Some(3600),
            Some("tGzv3JOkF0XG5Qx2TlKWIA"),
            None,
        ),
        (
            r#"{"access_token":"a","token_type":"Bearer"}"#,
            true,
            None,
            None,
            None,
        ),
        (
            r#"{"access_token":"a","token_type":"bearer","expires_in":0}"#,
            true,
            Some(0),
            None,
            None,
        ),
        (
            r#"{"access_token":"a","token_type":"BEARER","scope":"read write"}"#,
            true,
            None,
            None,
            Some("read write"),
        ),
        (
            r#"{"access_token":"a","token_type":"DPoP","refresh_token":null,"scope":null}"#,
            false,
            None,
            None,
            None,
        ),
        (
            r#"{"access_token":"a","token_type":"Bearer","scope":""}"#,
            true,
            None,
            None,
            Some(""),
        ),
    ];
    for (body, bearer, expires_in, refresh, scope) in table {
        let r = TokenResponse::from_json(body).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(r.is_bearer(), *bearer, "{body}");
        assert_eq!(r.expires_in(), *expires_in, "{body}");
        assert_eq!(r.refresh_token(), *refresh, "{body}");
        assert_eq!(
            r.scope().map(|s| s.to_string()).as_deref(),
            *scope,
            "{body}"
        );
    }
    let example = TokenResponse::from_json(table[0].0).unwrap();
    assert_eq!(example.access_token(), "2YotnFZFEjr1zCsicMWpAA");
    assert_eq!(example.token_type(), "example");
    assert_eq!(example.extra()["example_parameter"], "example_value");
    assert_eq!(example.expires_at(100), Some(3700));
}

#[test]
fn granted_scopes_default_to_the_requested_ones() {
    let requested = ScopeSet::parse("read write").unwrap();
    let omitted =
        TokenResponse::from_json(r#"{"access_token":"a","token_type":"Bearer"}"#).unwrap();
    assert_eq!(omitted.scopes(Some(&requested)), requested);
    assert!(omitted.scopes(None).is_empty());
    let narrowed =
        TokenResponse::from_json(r#"{"access_token":"a","token_type":"Bearer","scope":"read"}"#)
            .unwrap();
    assert_eq!(narrowed.scopes(Some(&requested)).to_string(), "read");
    assert_eq!(omitted.expires_at(5), None);
}

#[test]
fn error_responses() {
    let table = [
        (r#"{"error":"invalid_scope"}"#, "invalid_scope", None),
        (
            r#"{"error":"invalid_grant","error_description":"code expired","error_uri":"https://as.example/e"}"#,
            "invalid_grant",
            Some("code expired"),
        ),
        (
            r#"{"error":"slow_down","error_description":null}"#,
            "slow_down",
            None,
        ),
    ];
    for (body, code, description) in table {
        let err = TokenResponse::from_json(body).unwrap_err();
        assert_eq!(err.code(), ErrorCode::TokenResponseError, "{body}");
        assert!(err.message().starts_with(code), "{body}: {}", err.message());
        let parsed = OAuthError::from_json(body).unwrap().unwrap();
        assert_eq!(parsed.error, code);
        assert_eq!(parsed.error_description.as_deref(), description);
    }
    let ok = r#"{"access_token":"a","token_type":"Bearer"}"#;
    assert_eq!(OAuthError::from_json(ok).unwrap(), None);
}

#[test]
fn malformed_responses() {
    let table = [
        "",
        "[]",
        "not json",
        r#"{"token_type":"Bearer"}"#,
        r#"{"access_token":"a"}"#,
        r#"{"access_token":"","token_type":"Bearer"}"#,
        r#"{"access_token":1,"token_type":"Bearer"}"#,
        r#"{"access_token":"a","token_type":"Bearer","expires_in":-1}"#,
        r#"{"access_token":"a","token_type":"Bearer","expires_in":1.5}"#,
        r#"{"access_token":"a","token_type":"Bearer","expires_in":"3600"}"#,
        r#"{"access_token":"a","token_type":"Bearer","scope":["read"]}"#,
        r#"{"access_token":"a","token_type":"Bearer","scope":"bad\"scope"}"#,
        r#"{"access_token":"a","token_type":"Bearer","refresh_token":7}"#,
        r#"{"access_token":"a","access_token":"b","token_type":"Bearer"}"#,
        r#"{"error":""}"#,
        r#"{"error":42}"#,
        r#"{"error":"bad\"code"}"#,
        r#"{"error":"x","error_description":5}"#,
    ];
    for body in table {
        let err = TokenResponse::from_json(body).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidTokenResponse, "{body}: {err}");
    }
}

#[test]
fn a_bad_expires_in_is_named_by_its_kind() {
    for (value, found) in [
        ("-1", "a negative number"),
        ("1.5", "a fractional number"),
        ("18446744073709551616", "a number above 2^64"),
        ("1e30", "a number above 2^64"),
        ("3600.0", "a number with a decimal point or an exponent"),
        ("36e2", "a number with a decimal point or an exponent"),
        ("\"3600\"", "a string"),
    ] {
        let body = format!(r#"{{"access_token":"a","token_type":"Bearer","expires_in":{value}}}"#);
        let err = TokenResponse::from_json(&body).unwrap_err();
        assert!(
            err.message().ends_with(&format!("got {found}")),
            "{body}: {err}"
        );
    }
}
