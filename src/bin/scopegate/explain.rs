//! `scopegate explain POLICY METHOD PATH --scopes "..."`: why a request is allowed or refused.

use std::path::Path;

use scopegate::{decode_unverified, Effect, Explanation, Policy, RuleTrace, ScopeSet};

use crate::report::{load_policy, Outcome};

pub fn run(
    path: &Path,
    method: &str,
    request_path: &str,
    scopes: Option<&str>,
    token: Option<&str>,
) -> Outcome {
    let (_, policy) = match load_policy(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let (scopes, source) = match (scopes, token) {
        (_, Some(jwt)) => match decode_unverified(jwt) {
            Ok(token) => (
                token.scopes().clone(),
                "from --token, decoded and NOT verified",
            ),
            Err(e) => {
                eprintln!("error[{}]: --token: {}", e.code(), e.message());
                return Outcome::Failure;
            }
        },
        (Some(text), None) => match ScopeSet::parse(text) {
            Ok(scopes) => (scopes, "--scopes"),
            Err(e) => {
                eprintln!("error[{}]: --scopes: {}", e.code(), e.message());
                return Outcome::Failure;
            }
        },
        (None, None) => (ScopeSet::new(), "none given"),
    };
    let grant = policy.expand(&scopes);
    let explanation = policy.explain(method, request_path, &grant);
    let mut out = format!("request: {method} {request_path}\n");
    out.push_str(&format!("scopes:  {} ({source})\n", or_none(&scopes)));
    out.push_str(&format!("granted: {}\n", or_none(grant.granted())));
    out.push_str(&render(&policy, &explanation));
    print!("{out}");
    Outcome::Success
}

fn or_none(scopes: &ScopeSet) -> String {
    if scopes.is_empty() {
        "(none)".into()
    } else {
        scopes.to_string()
    }
}

/// The explanation: the path, each rule, the decision.
pub fn render(policy: &Policy, explanation: &Explanation) -> String {
    let mut out = String::new();
    match &explanation.path {
        Ok(normalized) => out.push_str(&format!("path:    {normalized} (normalized)\n")),
        Err(e) => out.push_str(&format!("path:    refused: {}\n", e.message())),
    }
    if explanation.matched_method != explanation.method {
        out.push_str(&format!(
            "method:  {} is matched as {} (no rule names {})\n",
            explanation.method, explanation.matched_method, explanation.method
        ));
    }
    if !explanation.rules.is_empty() {
        out.push_str("rules:\n");
        let width = explanation
            .rules
            .iter()
            .map(|r| r.id.len())
            .max()
            .unwrap_or(0);
        for rule in &explanation.rules {
            out.push_str(&format!(
                "  {:width$}  {:5}  {}\n",
                rule.id,
                effect(rule.effect),
                why(policy, explanation, rule)
            ));
        }
    }
    let decision = &explanation.decision;
    out.push_str(&format!(
        "decision: {} ({})\n",
        if decision.allowed { "allow" } else { "deny" },
        decision.reason
    ));
    if let Some(rule) = &decision.rule {
        out.push_str(&format!("  rule:      {rule}\n"));
    }
    if !decision.missing.is_empty() {
        out.push_str(&format!("  missing:   {}\n", decision.missing));
    }
    if let Some(data) = decision.data {
        out.push_str(&format!("  data:      {}\n", data.as_str()));
    }
    if !decision.params.is_empty() {
        let params: Vec<String> = decision
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        out.push_str(&format!("  params:    {}\n", params.join(", ")));
    }
    if let Some(challenge) = &decision.challenge {
        out.push_str(&format!("  challenge: {challenge}\n"));
    }
    out
}

fn effect(effect: Effect) -> &'static str {
    match effect {
        Effect::Allow => "allow",
        Effect::Deny => "deny",
    }
}

/// Why a rule applies or not, and whether the grant satisfies it.
fn why(policy: &Policy, explanation: &Explanation, rule: &RuleTrace) -> String {
    if !rule.method_matches {
        return format!(
            "does not apply: method {} not named",
            explanation.matched_method
        );
    }
    let Some(pattern) = &rule.path_matched else {
        return "does not apply: no path pattern matches".into();
    };
    if let Some(except) = &rule.excluded_by {
        return format!("does not apply: path {pattern} matches but except {except} takes it out");
    }
    let condition = match policy.rule(&rule.id) {
        Some(def) if def.any_of.is_empty() && def.all_of.is_empty() => "no scope needed".into(),
        _ if rule.satisfied => "satisfied".into(),
        _ => {
            let mut lacking = Vec::new();
            if !rule.lacking_all_of.is_empty() {
                lacking.push(format!("all of {}", comma(&rule.lacking_all_of)));
            }
            if !rule.lacking_any_of.is_empty() {
                lacking.push(format!("one of {}", comma(&rule.lacking_any_of)));
            }
            format!("not satisfied: lacks {}", lacking.join(" and "))
        }
    };
    format!("applies ({pattern}); {condition}")
}

/// Scopes separated by commas (`a, b`).
fn comma(scopes: &ScopeSet) -> String {
    scopes.iter().collect::<Vec<_>>().join(", ")
}
