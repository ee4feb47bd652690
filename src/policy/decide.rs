//! Endpoint decisions: which rules match a request, and what they answer.

use crate::prelude::*;
use alloc::sync::Arc;

use super::bits::{Bits, RuleSet};
use super::compile::method_problem;
use super::decision::{DataRange, Decision, Reason};
use super::document::Effect;
use super::grant::Grant;
use super::path::{normalize_path_with, split_plain};
use super::pattern::Hit;
use super::{CompiledRule, Policy};
use crate::scope::ScopeSet;

/// What evaluation found, before it is turned into a [`Decision`].
enum Outcome {
    InvalidMethod,
    InvalidPath,
    NoMatch,
    Allowed {
        rule: usize,
        data: DataRange,
    },
    Denied {
        rule: usize,
    },
    /// Allow rules match but none is satisfied; `needed` is what would satisfy `rule`.
    Insufficient {
        rule: usize,
        needed: Bits,
    },
    /// Allow rules match but none is satisfied (when the caller does not ask what is missing).
    NotAllowed,
}

impl Policy {
    /// The rules that apply to `method` on a normalized path, as a rule set (document order).
    pub(super) fn matching_rules(&self, method: &str, segments: &[&str]) -> RuleSet {
        let lookup = if method == "HEAD" && !self.head_named {
            "GET"
        } else {
            method
        };
        let method_id = self
            .methods
            .binary_search_by(|m| m.as_str().cmp(lookup))
            .ok()
            .and_then(|id| u32::try_from(id).ok());
        let mut matched = RuleSet::empty(self.rules.len());
        let mut excepted = RuleSet::empty(self.rules.len());
        let mut on_hit = |hit: Hit| {
            if hit.except {
                excepted.set(hit.rule as usize);
            } else {
                matched.set(hit.rule as usize);
            }
        };
        let upper = |s: &&str| s.bytes().any(|b| b.is_ascii_uppercase());
        if self.matching.case_insensitive && segments.iter().any(upper) {
            // The trie holds the literals in lower case.
            let lowered: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
            let lowered: Vec<&str> = lowered.iter().map(String::as_str).collect();
            self.trie.walk(&lowered, &mut on_hit);
        } else {
            self.trie.walk(segments, &mut on_hit);
        }
        matched.remove_all(&excepted);
        matched.retain(|r| {
            self.rules
                .get(r)
                .is_some_and(|rule| rule.names_method(method_id))
        });
        matched
    }

    pub(super) fn data_range(&self, rule: &CompiledRule, mask: &Bits) -> DataRange {
        let mut held = false;
        for scope in rule.named() {
            if mask.get(scope) {
                if !self.end_user.get(scope) {
                    return DataRange::All;
                }
                held = true;
            }
        }
        if held {
            DataRange::Own
        } else {
            DataRange::All
        }
    }

    /// The first matching deny rule that `mask` satisfies.
    pub(super) fn first_deny(&self, candidates: &RuleSet, mask: &Bits) -> Option<usize> {
        candidates.ones().find(|&r| {
            self.rules
                .get(r)
                .is_some_and(|rule| rule.effect == Effect::Deny && rule.satisfied_by(mask))
        })
    }

    /// Evaluates a request whose method is valid, on its normalized segments.
    fn evaluate(
        &self,
        method: &str,
        segments: &[&str],
        mask: &Bits,
        want_missing: bool,
    ) -> Outcome {
        let candidates = self.matching_rules(method, segments);
        if let Some(rule) = self.first_deny(&candidates, mask) {
            return Outcome::Denied { rule };
        }
        let mut first_own: Option<usize> = None;
        let mut any_allow = false;
        for r in candidates.ones() {
            let Some(rule) = self.rules.get(r) else {
                continue;
            };
            if rule.effect != Effect::Allow {
                continue;
            }
            any_allow = true;
            if rule.satisfied_by(mask) {
                match self.data_range(rule, mask) {
                    DataRange::All => {
                        return Outcome::Allowed {
                            rule: r,
                            data: DataRange::All,
                        }
                    }
                    DataRange::Own => {
                        first_own.get_or_insert(r);
                    }
                }
            }
        }
        if let Some(rule) = first_own {
            return Outcome::Allowed {
                rule,
                data: DataRange::Own,
            };
        }
        if !any_allow {
            return Outcome::NoMatch;
        }
        if !want_missing {
            // Callers that only need a yes/no do not pay for the search.
            return Outcome::NotAllowed;
        }
        match self.smallest_addition(&candidates, mask) {
            Ok((rule, needed)) => Outcome::Insufficient { rule, needed },
            Err(Some(rule)) => Outcome::Denied { rule },
            Err(None) => Outcome::NoMatch,
        }
    }

    /// Validates the method, normalizes the path and evaluates; `finish` sees the outcome and the
    /// segments (empty when the request could not be evaluated).
    fn with_outcome<R>(
        &self,
        method: &str,
        path: &str,
        mask: &Bits,
        want_missing: bool,
        finish: impl FnOnce(Outcome, &[&str]) -> R,
    ) -> R {
        if method_problem(method).is_some() {
            return finish(Outcome::InvalidMethod, &[]);
        }
        let mut plain = [""; 16];
        if let Some(count) = split_plain(path, &mut plain) {
            let segments = plain.get(..count).unwrap_or_default();
            return finish(
                self.evaluate(method, segments, mask, want_missing),
                segments,
            );
        }
        match normalize_path_with(path, &self.matching) {
            Ok(normalized) => normalized.with_segments(|segments| {
                finish(
                    self.evaluate(method, segments, mask, want_missing),
                    segments,
                )
            }),
            Err(_) => finish(Outcome::InvalidPath, &[]),
        }
    }

    /// Whether `grant` may call `method path`: the fast path of [`decide`](Self::decide), with the
    /// same answer and no explanation.
    pub fn allows(&self, method: &str, path: &str, grant: &Grant) -> bool {
        let mask = self.mask_of(grant);
        self.with_outcome(method, path, &mask, false, |outcome, _| {
            matches!(outcome, Outcome::Allowed { .. })
        })
    }

    /// Decides whether `grant` may call `method path`, and explains why.
    ///
    /// # Semantics
    ///
    /// For a request `method path` and a grant (a set of scopes, roles and `implies` expanded):
    ///
    /// 1. The method must be an RFC 9110 token in upper case and the path must
    ///    [normalize](crate::normalize_path_with) under the policy's
    ///    [`path_matching`](crate::PathMatching); otherwise the decision is `invalid_method` /
    ///    `invalid_path`.
    /// 2. A rule *matches* when its `methods` contain the method (or `"*"`), one of its `paths`
    ///    matches the normalized path, and none of its `except` patterns does. `HEAD` is matched by
    ///    `GET` rules unless some rule of the policy names `HEAD`.
    /// 3. A rule's scope condition is *satisfied* when the grant holds every scope of `all_of` and,
    ///    if `any_of` is not empty, at least one scope of `any_of`. An empty condition is always
    ///    satisfied.
    /// 4. If a matching `deny` rule is satisfied, the request is refused: `denied_by_rule`.
    /// 5. Otherwise, if a matching `allow` rule is satisfied, the request is `allowed`. When
    ///    several are, the first (in document order) that gives data range `all` wins, else the
    ///    first one.
    /// 6. Otherwise, if `allow` rules match, the answer is `insufficient_scope` with `missing`. For
    ///    each matching `allow` rule, a candidate is its `all_of` scopes not held plus, when none
    ///    of its `any_of` is held, one `any_of` scope. Candidates whose addition would trigger a
    ///    `deny` rule are skipped; if every one does, the answer is `denied_by_rule`. When the
    ///    matching `allow` rules offer at most 64 candidates, scopes that the rest of each
    ///    candidate brings through `implies` are left out, and the smallest remaining one is
    ///    `missing` (ties: the earlier rule, then the earlier scope in `any_of`). Beyond 64
    ///    candidates (a policy where thousands of rules match one request), the smallest
    ///    candidate is taken first and then has its implied scopes left out, which bounds the
    ///    search to O(candidates × matching rules) instead of growing with their square. Either
    ///    way `missing` would allow the request and no scope of it can be left out, and without
    ///    `implies` no smaller set exists.
    /// 7. Otherwise nothing covers the endpoint: `no_matching_rule` (deny by default).
    ///
    /// The data range of an allowed request is `own` when every scope of the grant that appears in
    /// the deciding rule's `any_of`/`all_of` has subject `end_user`; otherwise (a `machine` or
    /// `any` scope, or a rule that needs no scope) it is `all`.
    ///
    /// # Paths
    ///
    /// The rule a path is read by is written once, on [`normalize_path_with`](crate::normalize_path_with):
    /// a path is decided only when every mainstream reading of it names the same endpoint, and
    /// refused with `invalid_path` otherwise.
    pub fn decide(&self, method: &str, path: &str, grant: &Grant) -> Decision {
        self.decide_indexed(method, path, grant).0
    }

    /// [`decide`](Self::decide), with the index of the deciding rule (for the WebAssembly
    /// bindings, which name rules by index).
    pub(crate) fn decide_indexed(
        &self,
        method: &str,
        path: &str,
        grant: &Grant,
    ) -> (Decision, Option<usize>) {
        self.decide_mask_indexed(method, path, &self.mask_of(grant))
    }

    /// [`decide_indexed`](Self::decide_indexed) for a grant given by its mask under this policy.
    pub(crate) fn decide_mask_indexed(
        &self,
        method: &str,
        path: &str,
        mask: &Bits,
    ) -> (Decision, Option<usize>) {
        self.with_outcome(method, path, mask, true, |outcome, segments| {
            let rule = match &outcome {
                Outcome::Allowed { rule, .. }
                | Outcome::Denied { rule }
                | Outcome::Insufficient { rule, .. } => Some(*rule),
                _ => None,
            };
            (self.to_decision(outcome, segments), rule)
        })
    }

    /// Turns an outcome into a [`Decision`].
    fn to_decision(&self, outcome: Outcome, segments: &[&str]) -> Decision {
        let params = |rule: usize| {
            self.rules
                .get(rule)
                .and_then(|r| {
                    let fold_case = self.matching.case_insensitive;
                    r.paths
                        .iter()
                        .find_map(|p| p.match_segments(segments, fold_case))
                })
                .unwrap_or_default()
        };
        let rule_id = |rule: usize| self.rules.get(rule).map(|r| Arc::clone(&r.id));
        match outcome {
            Outcome::InvalidMethod => Decision::refused(
                Reason::InvalidMethod,
                r#"Bearer error="invalid_request", error_description="invalid HTTP method""#.into(),
            ),
            Outcome::InvalidPath => Decision::refused(
                Reason::InvalidPath,
                r#"Bearer error="invalid_request", error_description="invalid request path""#
                    .into(),
            ),
            Outcome::NoMatch | Outcome::NotAllowed => Decision::no_matching_rule(),
            Outcome::Allowed { rule, data } => Decision {
                allowed: true,
                reason: Reason::Allowed,
                rule: rule_id(rule),
                missing: ScopeSet::new(),
                data: Some(data),
                params: params(rule),
                challenge: None,
            },
            Outcome::Denied { rule } => Decision {
                rule: rule_id(rule),
                params: params(rule),
                ..Decision::refused(
                    Reason::DeniedByRule,
                    r#"Bearer error="insufficient_scope""#.into(),
                )
            },
            Outcome::Insufficient { rule, needed } => {
                let mut required = needed.clone();
                if let Some(r) = self.rules.get(rule) {
                    for &scope in r.all.iter() {
                        required.set(scope as usize);
                    }
                }
                let challenge = format!(
                    r#"Bearer error="insufficient_scope", scope="{}""#,
                    self.names_of(&required)
                );
                Decision {
                    rule: rule_id(rule),
                    missing: self.names_of(&needed),
                    params: params(rule),
                    ..Decision::refused(Reason::InsufficientScope, challenge)
                }
            }
        }
    }

    /// Decides many requests for one grant in one call, in order.
    pub fn decide_all<I, M, P>(&self, requests: I, grant: &Grant) -> Vec<Decision>
    where
        I: IntoIterator<Item = (M, P)>,
        M: AsRef<str>,
        P: AsRef<str>,
    {
        requests
            .into_iter()
            .map(|(m, p)| self.decide(m.as_ref(), p.as_ref(), grant))
            .collect()
    }
}
