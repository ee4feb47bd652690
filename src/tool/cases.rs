//! `scopegate test`: policy test files, each case a request and the decision it must get.
//!
//! A test file (JSON or YAML) is `{ "cases": [ ... ] }`; a case is
//! `{ name, method, path, scopes | token_claims, expect: allow | deny, reason?, rule?, missing?,
//! data? }`. `scopes` (a space-separated string or a list) are what the token holds, roles and
//! `implies` expanded as [`Policy::expand`] does; `token_claims` are a decoded token's claims,
//! whose `scope`/`scp` claim gives the scopes. The optional fields must all match when given.

use crate::prelude::*;
use alloc::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode};
use crate::{Decision, Policy, ScopeSet};

/// A policy test file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The cases, in order.
    pub cases: Vec<Case>,
}

/// One test case: a request and what its decision must be.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case checks, for people.
    pub name: String,
    /// The HTTP method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// The scopes the token holds: a space-separated string or a list.
    #[serde(default)]
    pub scopes: Option<Scopes>,
    /// A token's claims; its `scope` (or `scp`) claim gives the scopes.
    #[serde(default)]
    pub token_claims: Option<Map<String, Value>>,
    /// `allow` or `deny`.
    pub expect: Expect,
    /// The decision's reason (`allowed`, `insufficient_scope`, ...).
    #[serde(default)]
    pub reason: Option<String>,
    /// The deciding rule's id.
    #[serde(default)]
    pub rule: Option<String>,
    /// The missing scopes (a string or a list; empty for none).
    #[serde(default)]
    pub missing: Option<Scopes>,
    /// The data range: `own` or `all`.
    #[serde(default)]
    pub data: Option<String>,
}

/// Scopes written as a space-separated string or as a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Scopes {
    /// `"read_only read_write"`.
    Text(String),
    /// `["read_only", "read_write"]`.
    List(Vec<String>),
}

impl Scopes {
    /// The scopes as a set (an `invalid_scope` error for a malformed scope).
    pub fn to_set(&self) -> Result<ScopeSet, Error> {
        match self {
            Scopes::Text(text) => ScopeSet::parse(text),
            Scopes::List(list) => ScopeSet::parse(&list.join(" ")),
        }
    }
}

/// The decision a case expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// The request must be allowed.
    Allow,
    /// The request must be refused.
    Deny,
}

/// Reads a test file from JSON or YAML text (`invalid_test_file` when it is not one).
///
/// ```
/// use scopegate::tool::cases::{read_test_file, run_case};
/// use scopegate::Policy;
/// let policy = Policy::from_json(include_str!("../../examples/policies/banking.json"))?;
/// let file = read_test_file("cases:\n  - name: own wallets\n    method: GET\n    path: /wallets\n    scopes: read_only\n    expect: allow\n    data: own\n")?;
/// let outcome = run_case(&policy, &file.cases[0])?;
/// assert!(outcome.mismatches.is_empty());
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn read_test_file(text: &str) -> Result<TestFile, Error> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        Error::new(
            ErrorCode::InvalidTestFile,
            format!("not a test file ({{ \"cases\": [ ... ] }}): {e}"),
        )
    })
}

/// What running one case gave.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// The scopes the case's token holds (before expansion).
    pub scopes: ScopeSet,
    /// The policy's decision.
    pub decision: Decision,
    /// Each expectation the decision does not meet: `(field, expected, actual)`.
    pub mismatches: Vec<(&'static str, String, String)>,
}

/// Decides a case and compares the decision with its expectations. An error is a case that
/// cannot run (`invalid_test_file`: both `scopes` and `token_claims`; `invalid_scope`,
/// `claim_invalid`: scopes that cannot be read).
pub fn run_case(policy: &Policy, case: &Case) -> Result<CaseOutcome, Error> {
    let scopes = match (&case.scopes, &case.token_claims) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                ErrorCode::InvalidTestFile,
                format!(
                    "case {:?} gives both `scopes` and `token_claims`; give one",
                    case.name
                ),
            ))
        }
        (Some(scopes), None) => scopes.to_set()?,
        (None, Some(claims)) => crate::token::claims::extract_scopes(claims, None)?,
        (None, None) => ScopeSet::new(),
    };
    let grant = policy.expand(&scopes);
    let decision = policy.decide(&case.method, &case.path, &grant);
    let mut mismatches = Vec::new();
    let word = |allowed: bool| if allowed { "allow" } else { "deny" };
    if decision.allowed != (case.expect == Expect::Allow) {
        mismatches.push((
            "expect",
            word(case.expect == Expect::Allow).into(),
            word(decision.allowed).into(),
        ));
    }
    if let Some(reason) = &case.reason {
        if reason != decision.reason.as_str() {
            mismatches.push(("reason", reason.clone(), decision.reason.as_str().into()));
        }
    }
    if let Some(rule) = &case.rule {
        let actual = decision.rule.as_deref().unwrap_or("(none)");
        if rule != actual {
            mismatches.push(("rule", rule.clone(), actual.into()));
        }
    }
    if let Some(missing) = &case.missing {
        let expected = missing.to_set()?;
        if expected != decision.missing {
            mismatches.push((
                "missing",
                expected.to_string(),
                decision.missing.to_string(),
            ));
        }
    }
    if let Some(data) = &case.data {
        let actual = decision.data.map_or("(none)", |d| d.as_str());
        if data != actual {
            mismatches.push(("data", data.clone(), actual.into()));
        }
    }
    Ok(CaseOutcome {
        scopes,
        decision,
        mismatches,
    })
}

/// The ids of the rules no outcome was decided by, in document order.
pub fn uncovered_rules<'p>(policy: &'p Policy, outcomes: &[CaseOutcome]) -> Vec<&'p str> {
    let decided: BTreeSet<&str> = outcomes
        .iter()
        .filter_map(|o| o.decision.rule.as_deref())
        .collect();
    policy
        .document()
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| !decided.contains(id))
        .collect()
}
