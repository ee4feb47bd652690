//! Endpoint decisions: which rules match a request, and what they answer.

use crate::prelude::*;
use alloc::sync::Arc;

use super::bits::{Bits, RuleSet};
use super::compile::method_problem;
use super::decision::{DataRange, Decision, Reason, INSUFFICIENT_SCOPE};
use super::document::Effect;
use super::grant::Grant;
use super::path::{normalize_path_with, split_plain};
use super::pattern::Hit;
use super::{CompiledRule, Policy};
use crate::error::ErrorCode;
use crate::http::answer::invalid_token_challenge;
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
        let mut decision = Decision::no_matching_rule();
        self.decide_parts(method, path, &self.mask_of(grant), &mut |parts| {
            decision = parts.to_decision(self);
        });
        decision
    }

    /// Decides `method path` for the grant given by its mask under this policy, and hands the
    /// decision to `finish` as its parts, borrowed from the policy and the request (the
    /// WebAssembly bindings write them out without building a [`Decision`]). One instance for
    /// every caller (`dyn`), so the decision code is linked once.
    pub(crate) fn decide_parts(
        &self,
        method: &str,
        path: &str,
        mask: &Bits,
        finish: &mut dyn FnMut(&DecisionParts<'_, '_>),
    ) {
        self.with_outcome(method, path, mask, true, |outcome, segments| {
            finish(&self.parts(outcome, segments));
        });
    }

    /// The parts of the decision for `outcome` on the path's `segments`.
    fn parts<'a, 's>(&'a self, outcome: Outcome, segments: &'a [&'s str]) -> DecisionParts<'a, 's> {
        let refused = |reason, challenge| DecisionParts {
            allowed: false,
            reason,
            rule: None,
            data: None,
            missing: None,
            challenge,
            params: None,
        };
        let with_rule = |parts: DecisionParts<'a, 's>, rule: usize| {
            let fold_case = self.matching.case_insensitive;
            let pattern = self.rules.get(rule).and_then(|r| {
                r.paths
                    .iter()
                    .find(|p| p.matches_segments(segments, fold_case))
            });
            DecisionParts {
                rule: Some(rule),
                params: pattern.map(|p| (p, segments)),
                ..parts
            }
        };
        match outcome {
            Outcome::InvalidMethod => refused(Reason::InvalidMethod, Challenge::InvalidMethod),
            Outcome::InvalidPath => refused(Reason::InvalidPath, Challenge::InvalidPath),
            Outcome::NoMatch | Outcome::NotAllowed => {
                refused(Reason::NoMatchingRule, Challenge::InsufficientScope)
            }
            Outcome::Allowed { rule, data } => with_rule(
                DecisionParts {
                    allowed: true,
                    data: Some(data),
                    ..refused(Reason::Allowed, Challenge::None)
                },
                rule,
            ),
            Outcome::Denied { rule } => with_rule(
                refused(Reason::DeniedByRule, Challenge::InsufficientScope),
                rule,
            ),
            Outcome::Insufficient { rule, needed } => {
                let mut required = needed.clone();
                if let Some(r) = self.rules.get(rule) {
                    for &scope in r.all.iter() {
                        required.set(scope as usize);
                    }
                }
                with_rule(
                    DecisionParts {
                        missing: Some(needed),
                        ..refused(
                            Reason::InsufficientScope,
                            Challenge::ScopesRequired(required),
                        )
                    },
                    rule,
                )
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

/// A decision as parts of the policy and the request: rule and scopes by index, parameters as
/// the request's own segments. [`DecisionParts::to_decision`] makes the [`Decision`]; the
/// WebAssembly bindings write the parts out directly (the same answer, fewer allocations).
pub(crate) struct DecisionParts<'a, 's> {
    pub(crate) allowed: bool,
    pub(crate) reason: Reason,
    /// The deciding rule's index.
    pub(crate) rule: Option<usize>,
    pub(crate) data: Option<DataRange>,
    /// The missing scopes, as a mask (for [`Reason::InsufficientScope`]).
    pub(crate) missing: Option<Bits>,
    pub(crate) challenge: Challenge,
    /// The deciding rule's matching path pattern and the request's segments.
    params: Option<(&'a super::pattern::PathPattern, &'a [&'s str])>,
}

/// The `WWW-Authenticate` challenge of a refusal.
pub(crate) enum Challenge {
    /// None (an allowed request).
    None,
    /// `Bearer error="invalid_request"` for a method that is not a token.
    InvalidMethod,
    /// `Bearer error="invalid_request"` for a path that cannot be evaluated.
    InvalidPath,
    /// `Bearer error="insufficient_scope"`, naming no scope.
    InsufficientScope,
    /// `Bearer error="insufficient_scope"` naming the scopes of this mask.
    ScopesRequired(Bits),
    /// `Bearer error="invalid_token"` for an expired token (a session's).
    TokenExpired,
}

/// A challenge as the WebAssembly output carries it (see [`DecisionParts::challenge_form`]).
#[cfg_attr(
    not(all(target_arch = "wasm32", target_os = "unknown")),
    allow(dead_code)
)]
pub(crate) enum ChallengeForm<'a> {
    None,
    /// The index of its text in [`Challenge::FIXED`].
    Fixed(usize),
    /// The scopes it names.
    Scopes(&'a Bits),
}

impl Challenge {
    /// The challenges whose text does not depend on the request.
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) const FIXED: [Challenge; 4] = [
        Challenge::InvalidMethod,
        Challenge::InvalidPath,
        Challenge::InsufficientScope,
        Challenge::TokenExpired,
    ];

    /// The text of a challenge that names scopes, after [`INSUFFICIENT_SCOPE`]: the piece
    /// before the names, the separator between two, the piece after the last.
    pub(crate) const SCOPES: [&'static str; 3] = [", scope=\"", " ", "\""];

    /// The pieces of a challenge that names scopes, whole: what comes before the names (with
    /// [`INSUFFICIENT_SCOPE`]), between two, after the last (the WebAssembly vocabulary).
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn scope_pieces() -> [String; 3] {
        let [open, separator, close] = Challenge::SCOPES;
        [
            format!("{INSUFFICIENT_SCOPE}{open}"),
            separator.to_string(),
            close.to_string(),
        ]
    }

    /// Writes the challenge piece by piece to `out`, naming scope `id` `name_of(id)`; false
    /// for none.
    pub(crate) fn write<'n>(
        &self,
        name_of: &dyn Fn(usize) -> &'n str,
        out: &mut dyn FnMut(&str),
    ) -> bool {
        let [open, separator, close] = Challenge::SCOPES;
        match self {
            Challenge::None => return false,
            Challenge::InvalidMethod => {
                out(r#"Bearer error="invalid_request", error_description="invalid HTTP method""#)
            }
            Challenge::InvalidPath => {
                out(r#"Bearer error="invalid_request", error_description="invalid request path""#)
            }
            Challenge::InsufficientScope => out(INSUFFICIENT_SCOPE),
            Challenge::ScopesRequired(required) => {
                out(INSUFFICIENT_SCOPE);
                out(open);
                for (i, id) in required.ones().enumerate() {
                    if i > 0 {
                        out(separator);
                    }
                    out(name_of(id));
                }
                out(close);
            }
            Challenge::TokenExpired => out(&invalid_token_challenge(ErrorCode::TokenExpired)),
        }
        true
    }
}

impl DecisionParts<'static, 'static> {
    /// The refusal of a request made with an expired token ([`Reason::TokenExpired`]: a
    /// session's, once its token has expired).
    pub(crate) fn token_expired() -> Self {
        DecisionParts {
            allowed: false,
            reason: Reason::TokenExpired,
            rule: None,
            data: None,
            missing: None,
            challenge: Challenge::TokenExpired,
            params: None,
        }
    }
}

impl DecisionParts<'_, '_> {
    /// The scopes that would allow the request (names from `policy`), as
    /// [`Decision::scopes_to_allow`](crate::Decision::scopes_to_allow) gives them: empty when
    /// allowed, `None` when no scope would help.
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn scopes_to_allow(&self, policy: &Policy) -> Option<ScopeSet> {
        match self.reason {
            Reason::Allowed | Reason::InsufficientScope => Some(self.missing_names(policy)),
            _ => None,
        }
    }

    /// The missing scopes, named by `policy` (sorted).
    fn missing_names(&self, policy: &Policy) -> ScopeSet {
        self.missing
            .as_ref()
            .map_or_else(ScopeSet::new, |m| policy.names_of(m))
    }

    /// The captured path parameters, ordered by name.
    pub(crate) fn params(&self) -> impl Iterator<Item = (&Arc<str>, &str)> {
        self.params
            .into_iter()
            .flat_map(|(pattern, segments)| pattern.params_in(segments))
    }

    /// Writes the challenge (scopes named by `policy`) piece by piece to `out`; false for none.
    pub(crate) fn write_challenge(&self, policy: &Policy, out: &mut dyn FnMut(&str)) -> bool {
        self.challenge
            .write(&|id| policy.scopes.get(id).map_or("", String::as_str), out)
    }

    /// The challenge in the form the WebAssembly output carries it: none, one of the fixed
    /// texts ([`Challenge::FIXED`]), or the scopes of an `insufficient_scope` challenge that
    /// names them (the text is [`Challenge::SCOPES`] around their names).
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn challenge_form(&self) -> ChallengeForm<'_> {
        match &self.challenge {
            Challenge::None => ChallengeForm::None,
            Challenge::ScopesRequired(required) => ChallengeForm::Scopes(required),
            // Where it sits in `Challenge::FIXED` (every other challenge is there).
            fixed => Challenge::FIXED
                .iter()
                .position(|f| core::mem::discriminant(f) == core::mem::discriminant(fixed))
                .map_or(ChallengeForm::None, ChallengeForm::Fixed),
        }
    }

    /// The [`Decision`] (names from `policy`).
    pub(crate) fn to_decision(&self, policy: &Policy) -> Decision {
        let mut challenge = String::new();
        let has_challenge = self.write_challenge(policy, &mut |piece| challenge.push_str(piece));
        Decision {
            allowed: self.allowed,
            reason: self.reason,
            rule: self
                .rule
                .and_then(|r| policy.rules.get(r))
                .map(|r| Arc::clone(&r.id)),
            missing: self.missing_names(policy),
            data: self.data,
            params: super::pattern::params_map(self.params()),
            challenge: has_challenge.then_some(challenge),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(challenge: &Challenge, names: &[&str]) -> Option<String> {
        let mut out = String::new();
        let name_of = |id: usize| names.get(id).copied().unwrap_or("");
        challenge
            .write(&name_of, &mut |piece| out.push_str(piece))
            .then_some(out)
    }

    #[test]
    fn challenges_in_their_output_form_give_their_text() {
        // The fixed ones: each found at its own index.
        for (index, fixed) in Challenge::FIXED.iter().enumerate() {
            let challenge = match fixed {
                Challenge::InvalidMethod => Challenge::InvalidMethod,
                Challenge::InvalidPath => Challenge::InvalidPath,
                Challenge::InsufficientScope => Challenge::InsufficientScope,
                _ => Challenge::TokenExpired,
            };
            let parts = DecisionParts {
                challenge,
                ..DecisionParts::token_expired()
            };
            assert!(matches!(parts.challenge_form(), ChallengeForm::Fixed(i) if i == index));
            assert!(text(fixed, &[]).is_some_and(|t| t.starts_with("Bearer error=")));
        }
        // One naming scopes: the names between the vocabulary's pieces (what the JavaScript
        // composes).
        let names = ["a", "b:c", "d"];
        let [prefix, separator, close] = Challenge::scope_pieces();
        assert!(prefix.starts_with(INSUFFICIENT_SCOPE));
        for ids in [vec![], vec![1], vec![0, 2], vec![0, 1, 2]] {
            let mut mask = Bits::with_len(3);
            let mut composed = prefix.clone();
            for (k, &id) in ids.iter().enumerate() {
                mask.set(id);
                if k > 0 {
                    composed.push_str(&separator);
                }
                composed.push_str(names[id]);
            }
            composed.push_str(&close);
            let challenge = Challenge::ScopesRequired(mask);
            assert_eq!(text(&challenge, &names), Some(composed), "{ids:?}");
        }
        assert_eq!(text(&Challenge::None, &names), None);
    }
}
