//! Why a decision came out as it did: every rule of the policy traced against one request
//! ([`Policy::explain`]), for the `scopegate explain` command and for debugging a policy.

use crate::prelude::*;
use alloc::sync::Arc;

use super::bits::Bits;
use super::compile::method_problem;
use super::decision::{DataRange, Decision};
use super::document::Effect;
use super::grant::Grant;
use super::path::normalize_path_with;
use super::pattern::PathPattern;
use super::Policy;
use crate::error::Error;
use crate::scope::ScopeSet;

/// A request traced through every rule of a policy: what [`Policy::decide`] answered, and why.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The method as given.
    pub method: String,
    /// The method the rules were matched with: `GET` for a `HEAD` request when no rule of the
    /// policy names `HEAD`, else the method itself.
    pub matched_method: String,
    /// The canonical form of the path, or why it could not be read (`invalid_path`).
    pub path: Result<String, Error>,
    /// Every rule of the policy, in document order (empty when the method or path is invalid).
    pub rules: Vec<RuleTrace>,
    /// The decision, exactly as [`Policy::decide`] gives it.
    pub decision: Decision,
}

/// One rule traced against a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTrace {
    /// The rule's id.
    pub id: Arc<str>,
    /// `allow` or `deny`.
    pub effect: Effect,
    /// Whether the rule names the (matched) method, or `"*"`.
    pub method_matches: bool,
    /// The first of the rule's `paths` that matches the path, if any.
    pub path_matched: Option<String>,
    /// The first of the rule's `except` patterns that matches the path, if any (it takes the
    /// request out of the rule).
    pub excluded_by: Option<String>,
    /// Whether the grant satisfies the rule's scope condition.
    pub satisfied: bool,
    /// The `all_of` scopes the grant lacks.
    pub lacking_all_of: ScopeSet,
    /// The rule's `any_of` scopes when the grant holds none of them (empty otherwise).
    pub lacking_any_of: ScopeSet,
}

impl RuleTrace {
    /// Whether the rule applies to the request: the method, a path, and no `except` match.
    pub fn applies(&self) -> bool {
        self.method_matches && self.path_matched.is_some() && self.excluded_by.is_none()
    }
}

impl Policy {
    /// Whether `grant` satisfies the scope condition of the rule `rule_id` and, for an allow rule,
    /// the data range it would get there (as [`decide`](Self::decide) computes it): `None` for an
    /// unknown rule id, `Some((false, _))` when the condition is not satisfied.
    ///
    /// ```
    /// use scopegate::{DataRange, Policy, ScopeSet};
    /// let banking = Policy::from_json(include_str!("../../examples/policies/banking.json"))?;
    /// let end_user = banking.expand(&ScopeSet::parse("read_only")?);
    /// assert_eq!(banking.rule_condition("read-own", &end_user), Some((true, DataRange::Own)));
    /// assert_eq!(banking.rule_condition("read-all", &end_user).map(|c| c.0), Some(false));
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn rule_condition(&self, rule_id: &str, grant: &Grant) -> Option<(bool, DataRange)> {
        let rule = self.rules.iter().find(|r| &*r.id == rule_id)?;
        let mask = self.mask_of(grant);
        Some((rule.satisfied_by(&mask), self.data_range(rule, &mask)))
    }

    /// Traces `method path` through every rule for `grant`: which rules apply and why, which are
    /// satisfied, and the decision [`decide`](Self::decide) gives.
    ///
    /// ```
    /// use scopegate::{Policy, ScopeSet};
    /// let banking = Policy::from_json(include_str!("../../examples/policies/banking.json"))?;
    /// let user = banking.expand(&ScopeSet::parse("read_only")?);
    /// let why = banking.explain("GET", "/legal/kyc/42", &user);
    /// assert_eq!(why.path.as_deref().ok(), Some("/legal/kyc/42"));
    /// let applying: Vec<_> = why.rules.iter().filter(|r| r.applies()).map(|r| &*r.id).collect();
    /// assert_eq!(applying, ["read-all", "legal"]);
    /// assert_eq!(why.decision, banking.decide("GET", "/legal/kyc/42", &user));
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn explain(&self, method: &str, path: &str, grant: &Grant) -> Explanation {
        let decision = self.decide(method, path, grant);
        let matched_method = if method == "HEAD" && !self.head_named {
            "GET"
        } else {
            method
        };
        let mut explanation = Explanation {
            method: method.into(),
            matched_method: matched_method.into(),
            path: normalize_path_with(path, &self.matching).map(|p| p.to_string()),
            rules: Vec::new(),
            decision,
        };
        if method_problem(method).is_some() {
            return explanation;
        }
        let Ok(normalized) = normalize_path_with(path, &self.matching) else {
            return explanation;
        };
        let mask = self.mask_of(grant);
        let fold_case = self.matching.case_insensitive;
        let method_id = self
            .methods
            .binary_search_by(|m| m.as_str().cmp(matched_method))
            .ok()
            .and_then(|id| u32::try_from(id).ok());
        explanation.rules = normalized.with_segments(|segments| {
            let matches = |p: &PathPattern| p.match_segments(segments, fold_case).is_some();
            self.rules
                .iter()
                .zip(&self.document().rules)
                .map(|(rule, written)| {
                    // `except` patterns live in the trie only; they are read again from the
                    // document (they compiled, so they parse).
                    let excluded_by = written
                        .except
                        .iter()
                        .find(|p| PathPattern::parse(p).is_ok_and(|p| matches(&p)))
                        .cloned();
                    let mut lacking_all = Bits::with_len(self.width());
                    for &s in rule.all.iter().filter(|&&s| !mask.get(s as usize)) {
                        lacking_all.set(s as usize);
                    }
                    let mut lacking_any = Bits::with_len(self.width());
                    if !rule.any.iter().any(|&s| mask.get(s as usize)) {
                        for &s in rule.any.iter() {
                            lacking_any.set(s as usize);
                        }
                    }
                    RuleTrace {
                        id: Arc::clone(&rule.id),
                        effect: rule.effect,
                        method_matches: rule.names_method(method_id),
                        path_matched: rule
                            .paths
                            .iter()
                            .find(|p| matches(p))
                            .map(|p| String::from(p.as_str())),
                        excluded_by,
                        satisfied: rule.satisfied_by(&mask),
                        lacking_all_of: self.names_of(&lacking_all),
                        lacking_any_of: self.names_of(&lacking_any),
                    }
                })
                .collect()
        });
        explanation
    }
}
