//! Prints the answers to every shared table of `tests/tables/` as one JSON document, so other
//! runtimes (the npm package in Node, Deno, Bun, workerd, browsers) can be checked to give
//! byte-identical answers: the decisions (`*.decisions.json`), the grants (`grants.json`), the
//! refusals of invalid policies (`invalid-policies.json`) and the decoded, verified or refused
//! tokens (`tokens.json`).
//!
//! Run: `cargo run --example tables_json [lite]` (`lite`: without the verified tokens and the
//! refused policies, for the npm lite build, which has no `Verifier` and reads bundles only).

use std::collections::BTreeMap;

use scopegate::{decode_unverified_with, DecodeOptions};
use scopegate::{Decision, Error, ErrorCode, Grant, Policy, ScopeSet, Token};
use serde::Serialize;
use serde_json::Value;

#[cfg(feature = "verify")]
#[path = "../tests/common/verifier_spec.rs"]
mod verifier_spec;

/// Every answer, fields in the order every runtime prints them.
#[derive(Serialize)]
struct Tables {
    decisions: BTreeMap<String, Vec<Row>>,
    grants: Vec<GrantRow>,
    /// Not in the lite build, which reads bundles only.
    #[serde(skip_serializing_if = "Option::is_none")]
    invalid_policies: Option<Vec<Refusal>>,
    tokens: Tokens,
    /// The HTTP answer to each refusal of `http-answers.json` (not in the lite build, which has no
    /// guard()).
    #[serde(skip_serializing_if = "Option::is_none")]
    http_answers: Option<Vec<Option<scopegate::Refusal>>>,
    /// The path under each base of `base-paths.json`: a string, `null` outside the base, or
    /// `{ "error": code }` (not in the lite build either).
    #[serde(skip_serializing_if = "Option::is_none")]
    base_paths: Option<Vec<Value>>,
}

/// The token tables: each token decoded without verification, and each verified.
#[derive(Serialize)]
struct Tokens {
    decode: Vec<TokenRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify: Option<Vec<TokenRow>>,
    /// Why each key set of `refused_keys` was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    refused_keys: Option<Vec<ErrorCode>>,
}

/// A token's subject and scopes, or why it was refused.
#[derive(Serialize)]
#[serde(untagged)]
enum TokenRow {
    Accepted {
        subject: Option<String>,
        scopes: ScopeSet,
    },
    Refused {
        error: ErrorCode,
        claim: Option<String>,
    },
}

impl From<Result<Token, Error>> for TokenRow {
    fn from(result: Result<Token, Error>) -> Self {
        match result {
            Ok(token) => TokenRow::Accepted {
                subject: token.subject().map(String::from),
                scopes: token.scopes().clone(),
            },
            Err(e) => TokenRow::Refused {
                error: e.code(),
                claim: e.claim().map(String::from),
            },
        }
    }
}

/// One decision.
#[derive(Serialize)]
struct Row {
    decision: Decision,
    allows: bool,
}

/// One grant, or why it was refused.
#[derive(Serialize)]
#[serde(untagged)]
enum GrantRow {
    Granted(Grant),
    Refused { error: ErrorCode },
}

/// Why a policy was refused: its code and each problem as `[code, pointer]`.
#[derive(Serialize)]
struct Refusal {
    code: ErrorCode,
    problems: Vec<(ErrorCode, Option<String>)>,
}

fn read(path: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(std::fs::read_to_string(path)?)
}

fn decisions() -> Result<BTreeMap<String, Vec<Row>>, Box<dyn std::error::Error>> {
    let mut names: Vec<_> = std::fs::read_dir("tests/tables")?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".decisions.json"))
        .collect();
    names.sort();
    let mut out = BTreeMap::new();
    for path in names {
        let table: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let policy_file = table["policy"].as_str().ok_or("table without policy")?;
        let policy = Policy::from_json(&read(policy_file)?)?;
        let mut rows = Vec::new();
        for case in table["cases"].as_array().ok_or("table without cases")? {
            let grant = policy.expand(&ScopeSet::parse(case["scopes"].as_str().unwrap_or(""))?);
            let method = case["method"].as_str().unwrap_or("");
            let target = case["path"].as_str().unwrap_or("");
            rows.push(Row {
                decision: policy.decide(method, target, &grant),
                allows: policy.allows(method, target, &grant),
            });
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        out.insert(name.unwrap_or_default(), rows);
    }
    Ok(out)
}

fn grants() -> Result<Vec<GrantRow>, Box<dyn std::error::Error>> {
    let table: Value = serde_json::from_str(&read("tests/tables/grants.json")?)?;
    let mut rows = Vec::new();
    for case in table["cases"].as_array().ok_or("no cases")? {
        let policy = Policy::from_json(&read(case["policy"].as_str().ok_or("no policy")?)?)?;
        let requested = case["requested"]
            .as_str()
            .map(ScopeSet::parse)
            .transpose()?;
        let allowed = ScopeSet::parse(case["allowed"].as_str().unwrap_or(""))?;
        rows.push(match policy.grant(requested.as_ref(), &allowed) {
            Ok(grant) => GrantRow::Granted(grant),
            Err(e) => GrantRow::Refused { error: e.code() },
        });
    }
    Ok(rows)
}

fn invalid_policies() -> Result<Vec<Refusal>, Box<dyn std::error::Error>> {
    let table: Value = serde_json::from_str(&read("tests/tables/invalid-policies.json")?)?;
    let mut rows = Vec::new();
    for case in table["cases"].as_array().ok_or("no cases")? {
        let text = match &case["document"] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let error = Policy::from_json(&text)
            .err()
            .ok_or("an invalid policy loaded")?;
        let problems = error
            .problems()
            .iter()
            .map(|p| (p.code(), p.pointer().map(String::from)))
            .collect();
        rows.push(Refusal {
            code: error.code(),
            problems,
        });
    }
    Ok(rows)
}

fn tokens(lite: bool) -> Result<Tokens, Box<dyn std::error::Error>> {
    let table: Value = serde_json::from_str(&read("tests/tables/tokens.json")?)?;
    let mut decode = Vec::new();
    for case in table["decode"].as_array().ok_or("no decode cases")? {
        let options = &case["options"];
        let mut decode_options = DecodeOptions::default();
        if let Some(max) = options["maxSize"].as_u64() {
            decode_options.max_size = usize::try_from(max)?;
        }
        decode_options.scope_claim = options["scopeClaim"].as_str().map(String::from);
        let token = case["token"].as_str().ok_or("no token")?;
        decode.push(decode_unverified_with(token, &decode_options).into());
    }
    let (verify, refused_keys) = if lite {
        (None, None)
    } else {
        (verified(&table)?, refused_keys(&table)?)
    };
    Ok(Tokens {
        decode,
        verify,
        refused_keys,
    })
}

#[cfg(feature = "verify")]
fn verified(table: &Value) -> Result<Option<Vec<TokenRow>>, Box<dyn std::error::Error>> {
    let mut rows = Vec::new();
    for case in table["verify"].as_array().ok_or("no verify cases")? {
        let name = case["verifier"].as_str().ok_or("no verifier")?;
        let verifier = verifier_spec::verifier_from_spec(&table["verifiers"][name]);
        let now = case["now"]
            .as_u64()
            .or(table["now"].as_u64())
            .ok_or("no now")?;
        let token = case["token"].as_str().ok_or("no token")?;
        rows.push(verifier.verify_at(token, now).into());
    }
    Ok(Some(rows))
}

#[cfg(not(feature = "verify"))]
fn verified(_: &Value) -> Result<Option<Vec<TokenRow>>, Box<dyn std::error::Error>> {
    Ok(None)
}

#[cfg(feature = "verify")]
fn refused_keys(table: &Value) -> Result<Option<Vec<ErrorCode>>, Box<dyn std::error::Error>> {
    let mut rows = Vec::new();
    for case in table["refused_keys"].as_array().ok_or("no refused keys")? {
        let spec = serde_json::json!({"keys": case["keys"], "options": case["options"]});
        match verifier_spec::try_verifier_from_spec(&spec) {
            Ok(_) => return Err(format!("a refused key loaded: {}", case["note"]).into()),
            Err(e) => rows.push(e.code()),
        }
    }
    Ok(Some(rows))
}

#[cfg(not(feature = "verify"))]
fn refused_keys(_: &Value) -> Result<Option<Vec<ErrorCode>>, Box<dyn std::error::Error>> {
    Ok(None)
}

fn http_answers() -> Result<Vec<Option<scopegate::Refusal>>, Box<dyn std::error::Error>> {
    use scopegate::{AnswerOptions, Refusal};
    let table: Value = serde_json::from_str(&read("tests/tables/http-answers.json")?)?;
    let options = |case: &Value| AnswerOptions {
        realm: case["realm"].as_str().map(String::from),
        detailed: case["detailed"].as_bool().unwrap_or(false),
    };
    let mut rows = Vec::new();
    for case in table["errors"].as_array().ok_or("no errors")? {
        let code = case["code"].as_str().unwrap_or("");
        let code = *ErrorCode::ALL
            .iter()
            .find(|c| c.as_str() == code)
            .ok_or("unknown code")?;
        let error = Error::new(code, case["message"].as_str().unwrap_or(""));
        rows.push(Some(Refusal::for_error(&error, &options(case))));
    }
    for case in table["decisions"].as_array().ok_or("no decisions")? {
        let policy = Policy::from_json(&read(case["policy"].as_str().ok_or("no policy")?)?)?;
        let grant = policy.expand(&ScopeSet::parse(case["scopes"].as_str().unwrap_or(""))?);
        let method = case["method"].as_str().unwrap_or("");
        let path = case["path"].as_str().unwrap_or("");
        let decision = policy.decide(method, path, &grant);
        rows.push(Refusal::for_decision(&decision, &options(case)));
    }
    Ok(rows)
}

fn base_paths() -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let table: Value = serde_json::from_str(&read("tests/tables/base-paths.json")?)?;
    let mut rows = Vec::new();
    for case in table["cases"].as_array().ok_or("no cases")? {
        let path = case["path"].as_str().unwrap_or("");
        let base = case["base"].as_str().unwrap_or("");
        rows.push(match scopegate::path_under_base(path, base) {
            Ok(under) => serde_json::json!(under),
            Err(error) => serde_json::json!({ "error": error.code() }),
        });
    }
    Ok(rows)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lite = std::env::args().nth(1).as_deref() == Some("lite");
    let out = Tables {
        decisions: decisions()?,
        grants: grants()?,
        invalid_policies: if lite {
            None
        } else {
            Some(invalid_policies()?)
        },
        tokens: tokens(lite)?,
        http_answers: if lite { None } else { Some(http_answers()?) },
        base_paths: if lite { None } else { Some(base_paths()?) },
    };
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
