//! The HTTP answers to refusals (`tests/tables/http-answers.json`): each case's status and
//! challenge, natively (the JavaScript runtimes print the same answers through `tables_json`); and
//! the paths a service mounted under a base path decides (`tests/tables/base-paths.json`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use scopegate::{
    path_under_base, AnswerOptions, Decision, Error, ErrorCode, Policy, Refusal, ScopeSet,
};
use serde_json::Value;

fn options(case: &Value) -> AnswerOptions {
    AnswerOptions {
        realm: case["realm"].as_str().map(String::from),
        detailed: case["detailed"].as_bool().unwrap_or(false),
    }
}

fn check(answer: Option<Refusal>, expect: &Value, label: &str) {
    let actual = serde_json::to_value(&answer).unwrap();
    if expect.is_null() {
        assert!(answer.is_none(), "{label}: {actual}");
        return;
    }
    for (field, expected) in expect.as_object().unwrap() {
        assert_eq!(&actual[field], expected, "{label}: {field} in {actual}");
    }
    let answer = answer.unwrap();
    // Every challenge is a valid RFC 6750 header value, and the body names the same error.
    if let Some(challenge) = &answer.challenge {
        assert!(challenge.starts_with("Bearer"), "{challenge}");
        assert!(
            challenge.bytes().all(|b| (0x20..0x7f).contains(&b)),
            "{challenge}"
        );
        if answer.status != 401 || challenge.contains("error=") {
            assert!(
                challenge.contains(&format!("error=\"{}\"", answer.body.error)),
                "{challenge}"
            );
        }
    }
}

#[test]
fn every_refusal_answers_as_the_table_says() {
    let table: Value =
        serde_json::from_str(&common::read("tests/tables/http-answers.json")).unwrap();
    for case in table["errors"].as_array().unwrap() {
        let code = case["code"].as_str().unwrap();
        let code = *ErrorCode::ALL.iter().find(|c| c.as_str() == code).unwrap();
        let error = Error::new(code, case["message"].as_str().unwrap());
        let answer = Refusal::for_error(&error, &options(case));
        assert_eq!(answer.body.code, code.as_str());
        if !case["detailed"].as_bool().unwrap_or(false) {
            // The detailed message never reaches the client unless asked for.
            assert!(!answer.body.message.contains(error.message()) || error.message().is_empty());
        }
        check(Some(answer), &case["expect"], code.as_str());
    }
    for case in table["decisions"].as_array().unwrap() {
        let policy = Policy::from_json(&common::read(case["policy"].as_str().unwrap())).unwrap();
        let grant = policy.expand(&ScopeSet::parse(case["scopes"].as_str().unwrap()).unwrap());
        let (method, path) = (
            case["method"].as_str().unwrap(),
            case["path"].as_str().unwrap(),
        );
        let decision = policy.decide(method, path, &grant);
        check(
            Refusal::for_decision(&decision, &options(case)),
            &case["expect"],
            path,
        );
    }
}

#[test]
fn every_base_path_as_the_table_says() {
    let table: Value = serde_json::from_str(&common::read("tests/tables/base-paths.json")).unwrap();
    for case in table["cases"].as_array().unwrap() {
        let (path, base) = (
            case["path"].as_str().unwrap(),
            case["base"].as_str().unwrap(),
        );
        let expect = &case["expect"];
        match path_under_base(path, base) {
            Ok(under) => {
                assert_eq!(under, expect.as_str(), "{path:?} under {base:?}");
                // What is kept is the path after the base, never a rewritten one.
                if let Some(rest) = under {
                    let trimmed = base.strip_suffix('/').unwrap_or(base);
                    assert!(
                        path == format!("{trimmed}{rest}") || (rest == "/" && path == trimmed),
                        "{path:?} under {base:?} gave {rest:?}"
                    );
                }
            }
            Err(error) => assert_eq!(
                Some(error.code().as_str()),
                expect["error"].as_str(),
                "{path:?} under {base:?}: {error}"
            ),
        }
    }
}

#[test]
fn a_path_outside_the_base_is_refused_as_no_rule_covers_it() {
    let policy = Policy::from_json(&common::read("examples/policies/partner.json")).unwrap();
    let grant = policy.expand(&ScopeSet::parse("base files upload_files").unwrap());
    assert_eq!(
        policy.decide("GET", "/no/such/endpoint", &grant),
        Decision::no_matching_rule()
    );
    let answer = Refusal::for_decision(&Decision::no_matching_rule(), &AnswerOptions::default());
    check(
        answer,
        &serde_json::json!({ "status": 403, "challenge": "Bearer error=\"insufficient_scope\"" }),
        "outside",
    );
}
