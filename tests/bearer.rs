//! RFC 6750 token location, table style.
#![cfg(not(target_arch = "wasm32"))]

use scopegate::{bearer_token, ErrorCode, TokenSource};

/// (Authorization header, query, expected token and source).
type Case<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<(&'a str, TokenSource)>,
);

#[test]
fn found_tokens() {
    let table: &[Case] = &[
        (None, None, None),
        (
            Some("Bearer mF_9.B5f-4.1JqM"),
            None,
            Some(("mF_9.B5f-4.1JqM", TokenSource::Header)),
        ),
        (Some("bearer abc"), None, Some(("abc", TokenSource::Header))),
        (
            Some("BEARER abc=="),
            None,
            Some(("abc==", TokenSource::Header)),
        ),
        (
            Some("Bearer   a+b/c~d"),
            None,
            Some(("a+b/c~d", TokenSource::Header)),
        ),
        (
            Some(" Bearer abc "),
            None,
            Some(("abc", TokenSource::Header)),
        ),
        (Some("Basic YWxhZGRpbjpvcGVuc2VzYW1l"), None, None),
        (
            Some("Basic YWxh"),
            Some("access_token=abc"),
            Some(("abc", TokenSource::Query)),
        ),
        (
            None,
            Some("access_token=mF_9.B5f-4.1JqM"),
            Some(("mF_9.B5f-4.1JqM", TokenSource::Query)),
        ),
        (
            None,
            Some("?a=1&access_token=x.y.z&b"),
            Some(("x.y.z", TokenSource::Query)),
        ),
        (
            None,
            Some("access%5Ftoken=abc"),
            Some(("abc", TokenSource::Query)),
        ),
        (
            None,
            Some("access_token=a%2Bb%3D"),
            Some(("a+b=", TokenSource::Query)),
        ),
        (None, Some("access_tokens=abc&x=access_token"), None),
        (None, Some(""), None),
    ];
    for (header, query, expected) in table {
        let got =
            bearer_token(*header, *query).unwrap_or_else(|e| panic!("{header:?} {query:?}: {e}"));
        let got = got.as_ref().map(|t| (t.token(), t.source()));
        assert_eq!(got, *expected, "{header:?} {query:?}");
    }
}

#[test]
fn invalid_requests() {
    let table: &[(Option<&str>, Option<&str>)] = &[
        (Some("Bearer abc"), Some("access_token=def")),
        (None, Some("access_token=a&access_token=b")),
        (None, Some("access_token=a&access_token=a")),
        (Some(""), None),
        (Some("Bearer"), None),
        (Some("Bearer "), None),
        (Some("Bearer a b"), None),
        (Some("Bearer a\"b"), None),
        (Some("Bearer =abc"), None),
        (Some("Bearer a=b"), None),
        (None, Some("access_token=")),
        (None, Some("access_token")),
        (None, Some("access_token=a+b")),
        (None, Some("access_token=%zz")),
        (None, Some("access_token=%4")),
        (None, Some("access_token=%FF")),
    ];
    for (header, query) in table {
        let err = bearer_token(*header, *query).unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::InvalidRequest,
            "{header:?} {query:?}"
        );
    }
}
