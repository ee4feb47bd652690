//! The path rule: a raw request path is decided only if every mainstream reading of it names the
//! same endpoint, otherwise it is refused with `invalid_path` (issue: one safe reading of a path).
//!
//! The readings, as small reference functions (the WHATWG one is the `url` crate):
//! - WHATWG URL (browsers, Node's `URL`, Deno, workerd): the request target resolved against
//!   `http://h/`; dot segments (also `%2e`) resolved, `\` read as `/`, a leading `//` read as a host;
//! - RFC 3986 §5.2.4 `remove_dot_segments` on the raw path;
//! - nginx and Go's `path.Clean`: percent-decode, merge slashes, then remove dot segments;
//! - no normalization at all (Express, axum, hyper route the raw path and decode parameters).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use proptest::prelude::*;
use scopegate::{normalize_path, normalize_path_with, ErrorCode, PathMatching, Policy, ScopeSet};
use url::Url;

/// The hostile segments of the issue, plus plain ones in several cases.
const SEGMENTS: &[&str] = &[
    "",
    ".",
    "..",
    "%2e",
    "%2E%2e",
    ".%2e",
    ";x",
    "..;",
    "%2F",
    "%5C",
    "\\",
    " ",
    "%20",
    "%ef%bc%8e",
    "admin",
    "ADMIN",
    "Admin",
    "%61dmin",
    "public",
    "x",
    "X",
    "config",
    "a;b",
    "42 ",
    "%252e",
    "caf%C3%A9",
];

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi * 16 + lo);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The decoded segments of an absolute path (`/a/b/` → `["a", "b", ""]`), each decoded after
/// splitting, as a router does with its parameters.
fn split_decode(path: &str) -> Vec<Vec<u8>> {
    match path.strip_prefix('/') {
        Some("") => Vec::new(),
        Some(rest) => rest.split('/').map(percent_decode).collect(),
        None => vec![path.as_bytes().to_vec()],
    }
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path.to_string();
    let mut output = String::new();
    while !input.is_empty() {
        if let Some(rest) = input
            .strip_prefix("../")
            .or_else(|| input.strip_prefix("./"))
        {
            input = rest.to_string();
        } else if input.starts_with("/./") {
            input = input[2..].to_string();
        } else if input == "/." {
            input = "/".into();
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." {
                "/".into()
            } else {
                input[3..].to_string()
            };
            if let Some(cut) = output.rfind('/') {
                output.truncate(cut);
            } else {
                output.clear();
            }
        } else if input == "." || input == ".." {
            input.clear();
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            output.push_str(&input[..end]);
            input = input[end..].to_string();
        }
    }
    output
}

/// What the path part of a request target is (query and fragment cut).
fn path_part(target: &str) -> &str {
    &target[..target.find(['?', '#']).unwrap_or(target.len())]
}

/// Each reading's decoded segments, or `None` when it reads the target as another host.
fn readings(target: &str) -> Vec<(&'static str, Option<Vec<Vec<u8>>>)> {
    let path = path_part(target);
    let whatwg = Url::parse("http://h/")
        .unwrap()
        .join(target)
        .ok()
        .filter(|u| u.host_str() == Some("h"))
        .map(|u| split_decode(u.path()));
    let rfc3986 = Some(split_decode(&remove_dot_segments(path)));
    let merged = {
        let decoded = String::from_utf8_lossy(&percent_decode(path)).into_owned();
        let mut merged = String::new();
        for c in decoded.chars() {
            if !(c == '/' && merged.ends_with('/')) {
                merged.push(c);
            }
        }
        // Decoded text is matched as is: a decoded '%' stays data.
        let cleaned = remove_dot_segments(&merged);
        Some(match cleaned.strip_prefix('/') {
            Some("") => Vec::new(),
            Some(rest) => rest.split('/').map(|s| s.as_bytes().to_vec()).collect(),
            None => vec![cleaned.into_bytes()],
        })
    };
    let raw = Some(split_decode(path));
    vec![
        ("WHATWG URL", whatwg),
        ("RFC 3986", rfc3986),
        ("nginx / Go path.Clean", merged),
        ("raw (Express, axum)", raw),
    ]
}

/// A canonical request path for decoded segments (every byte outside the unreserved and
/// sub-delimiter characters percent-encoded), to decide a reading with the public API.
fn canonical(segments: &[Vec<u8>]) -> String {
    if segments.is_empty() {
        return "/".into();
    }
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        for &b in segment {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,=:@;".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn policies() -> Vec<Policy> {
    [
        "tests/policies/paths.json",
        "tests/policies/paths-lenient.json",
    ]
    .iter()
    .map(|p| Policy::from_json(&common::read(p)).unwrap())
    .collect()
}

fn matching_of(policy: &Policy) -> PathMatching {
    policy.document().path_matching
}

/// Checks one target against every reading, for one policy and every grant.
fn check_target(policy: &Policy, target: &str) -> Result<(), TestCaseError> {
    let matching = matching_of(policy);
    let Ok(normalized) = normalize_path_with(target, &matching) else {
        for scopes in ["", "user", "admin"] {
            let grant = policy.expand(&ScopeSet::parse(scopes).unwrap());
            prop_assert_eq!(
                policy.decide("GET", target, &grant).reason,
                scopegate::Reason::InvalidPath
            );
        }
        return Ok(());
    };
    let ours: Vec<Vec<u8>> = normalized
        .segments()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    for (name, reading) in readings(target) {
        let Some(mut theirs) = reading else {
            return Err(TestCaseError::fail(format!(
                "{target:?}: accepted, but {name} reads another host"
            )));
        };
        if matching.ignore_trailing_slash && theirs.last().is_some_and(Vec::is_empty) {
            theirs.pop();
        }
        let fold = |segments: &[Vec<u8>]| -> Vec<Vec<u8>> {
            segments
                .iter()
                .map(|s| {
                    if matching.case_insensitive {
                        s.to_ascii_lowercase()
                    } else {
                        s.clone()
                    }
                })
                .collect()
        };
        prop_assert_eq!(
            fold(&theirs),
            fold(&ours),
            "{:?}: {} reads other segments",
            target,
            name
        );
        for scopes in ["", "user", "admin"] {
            let grant = policy.expand(&ScopeSet::parse(scopes).unwrap());
            let decided = serde_json::to_value(policy.decide("GET", target, &grant)).unwrap();
            let as_read =
                serde_json::to_value(policy.decide("GET", &canonical(&theirs), &grant)).unwrap();
            prop_assert_eq!(
                &decided,
                &as_read,
                "{:?} with {:?}: {} decides otherwise",
                target,
                scopes,
                name
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Paths built from hostile segments are refused or read alike by every reading.
    #[test]
    fn a_path_is_decided_as_every_reading_reads_it_or_refused(
        leading_double in proptest::bool::weighted(0.1),
        segments in proptest::collection::vec(proptest::sample::select(SEGMENTS), 0..6),
        trailing in proptest::bool::weighted(0.2),
        query in proptest::sample::select(&["", "?a=1", "?x=/../admin", "#f"][..]),
    ) {
        let mut target = String::from(if leading_double { "//" } else { "/" });
        target.push_str(&segments.join("/"));
        if trailing && !segments.is_empty() {
            target.push('/');
        }
        target.push_str(query);
        for policy in policies() {
            check_target(&policy, &target)?;
        }
    }

    /// `normalize_path` gives a path that normalizes to itself (same segments, same text).
    #[test]
    fn the_normalized_path_normalizes_to_itself(
        segments in proptest::collection::vec(proptest::sample::select(SEGMENTS), 0..6),
        lenient in any::<bool>(),
    ) {
        let target = format!("/{}", segments.join("/"));
        let matching = if lenient {
            PathMatching { case_insensitive: true, allow_semicolons: true, ignore_trailing_slash: true }
        } else {
            PathMatching::default()
        };
        if let Ok(first) = normalize_path_with(&target, &matching) {
            let text = first.to_string();
            let again = normalize_path_with(&text, &matching).unwrap();
            prop_assert_eq!(&again, &first);
            prop_assert_eq!(again.to_string(), text);
        }
    }
}

#[test]
fn the_findings_of_the_issue_are_refused() {
    let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
    let read_only = policy.expand(&ScopeSet::parse("read_only").unwrap());
    for target in [
        "/admin//../config", // '..' after '//': another segment than the URL parser climbs
        "//evil/admin/config", // a host to the URL parser
        "/admin/../config",  // Express routes it under /admin
        "/admin/%2e%2e/config", // the same, encoded
        "/admin/%2E%2e/config",
        "/admin/.%2e/config",
        "/wallets/..;/admin/config", // Java reads '..;' as '..'
        "/wallets/1;jsessionid=x",
        "/wallets/42 ",                      // URL parsers trim it, routers keep it
        "/wallets/%ef%bc%8e%ef%bc%8e/admin", // fullwidth dots: '..' after NFKC
        "/%61dmin/config",                   // an encoded letter: not canonical
        "/wallets/%252e%252e",               // double encoding
        "/wallets/",
        "/wallets//1",
    ] {
        let decision = policy.decide("GET", target, &read_only);
        assert_eq!(decision.reason, scopegate::Reason::InvalidPath, "{target}");
        assert!(!policy.allows("GET", target, &read_only), "{target}");
    }
    // What stays: the plain forms, queries and fragments, and escapes of non-ASCII text.
    assert!(policy.allows("GET", "/wallets/42?x=/../admin#y", &read_only));
    // An encoded space is data to every reading (no parser trims it).
    assert!(policy.allows("GET", "/wallets/42%20", &read_only));
    assert_eq!(
        normalize_path("/a/caf%c3%a9").unwrap().to_string(),
        "/a/caf%C3%A9"
    );
}

#[test]
fn normalized_paths_are_paths() {
    // `/%3F` decodes to a segment holding '?': it is written back encoded, not cut as a query.
    let path = normalize_path("/%3F").unwrap();
    assert_eq!(path.segments().collect::<Vec<_>>(), ["?"]);
    assert_eq!(path.to_string(), "/%3F");
    assert_eq!(
        normalize_path("/a%25b/%23").unwrap().to_string(),
        "/a%25b/%23"
    );
    assert_eq!(normalize_path("/").unwrap().to_string(), "/");
}

#[test]
fn every_refusal_names_its_cause() {
    let cases = [
        ("wallets", "must start with '/'"),
        ("//x", "'//'"),
        ("/a b", "raw space"),
        ("/a\\b", "backslash"),
        ("/a%5Cb", "encoded backslash"),
        ("/a%2Fb", "encoded slash"),
        ("/a\u{e9}", "non-ASCII"),
        ("/a<b", "'<'"),
        ("/a/", "empty segments"),
        ("/a/./b", "dot segments"),
        ("/a;b", "';'"),
        ("/a%3Bb", "';'"),
        ("/a%00", "NUL"),
        ("/a%0a", "control"),
        ("/a%zz", "invalid percent-escape"),
        ("/a%41", "not canonical"),
        ("/a%25%34%31", "not canonical"),
        ("/a%2541", "double encoding"),
        ("/a%ff", "UTF-8"),
    ];
    for (path, cause) in cases {
        let error = normalize_path(path).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidPath, "{path}");
        assert!(
            error.message().contains(cause),
            "{path}: {}",
            error.message()
        );
    }
}

#[test]
fn options_are_off_by_default_and_each_does_one_thing() {
    let strict = Policy::from_json(&common::read("tests/policies/paths.json")).unwrap();
    let lenient = Policy::from_json(&common::read("tests/policies/paths-lenient.json")).unwrap();
    let user = |p: &Policy| p.expand(&ScopeSet::parse("user").unwrap());
    // Case: literals fold ASCII case, parameters keep theirs.
    assert!(!strict.allows("GET", "/PUBLIC/a", &user(&strict)));
    let decision = lenient.decide("GET", "/X/AbC", &user(&lenient));
    assert!(decision.allowed);
    assert_eq!(decision.params.get("id").map(String::as_str), Some("AbC"));
    // The deny rule matches however the backend's case-insensitive router spells it.
    assert_eq!(
        lenient
            .decide("GET", "/ADMIN/Config", &user(&lenient))
            .reason,
        scopegate::Reason::DeniedByRule
    );
    // Semicolons: refused by default, ordinary data when allowed (never a segment cut).
    assert_eq!(
        strict.decide("GET", "/x/a;b", &user(&strict)).reason,
        scopegate::Reason::InvalidPath
    );
    assert_eq!(
        lenient
            .decide("GET", "/x/a;b", &user(&lenient))
            .params
            .get("id")
            .map(String::as_str),
        Some("a;b")
    );
    assert_eq!(
        lenient.decide("GET", "/x/..;", &user(&lenient)).reason,
        scopegate::Reason::InvalidPath
    );
    // One trailing slash.
    assert!(lenient.allows("GET", "/x/1/", &user(&lenient)));
    assert!(!lenient.allows("GET", "/x/1//", &user(&lenient)));
    assert!(!strict.allows("GET", "/x/1/", &user(&strict)));
}

#[test]
fn patterns_with_semicolons_need_the_option() {
    let policy = |matching: &str| {
        format!(
            r#"{{"version": 1, "name": "p", "scopes": {{}}, "default_scopes": "all", {matching}
            "rules": [{{"id": "r", "methods": ["GET"], "paths": ["/a;b"]}}]}}"#
        )
    };
    let error = Policy::from_json(&policy("")).unwrap_err();
    assert_eq!(error.problems()[0].code(), ErrorCode::InvalidPattern);
    assert_eq!(error.problems()[0].pointer(), Some("/rules/0/paths/0"));
    let allowed =
        Policy::from_json(&policy(r#""path_matching": {"allow_semicolons": true},"#)).unwrap();
    assert!(allowed.allows("GET", "/a;b", &allowed.expand(&ScopeSet::new())));
}
