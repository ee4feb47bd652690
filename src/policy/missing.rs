//! The scopes a refused caller lacks: the smallest addition to a grant that some matching allow
//! rule accepts without a matching deny rule refusing it (step 6 of
//! [`Policy::decide`](crate::Policy::decide)).

use crate::prelude::*;

use super::bits::{Bits, RuleSet};
use super::document::Effect;
use super::implies::Reach;
use super::{CompiledRule, Policy};

/// Up to this many candidate sets, each has its implied scopes left out before the smallest is
/// chosen (the exact search); beyond it, the smallest is chosen first (a bounded search).
const EXACT_SEARCH_CANDIDATES: usize = 64;

impl Policy {
    /// The smallest addition to `mask` that satisfies a matching allow rule without a deny:
    /// `Ok((rule, scopes))`, or `Err(the first deny rule that blocked a candidate)` (`Err(None)`
    /// when there was no candidate at all).
    pub(super) fn smallest_addition(
        &self,
        candidates: &RuleSet,
        mask: &Bits,
    ) -> Result<(usize, Bits), Option<usize>> {
        let (mut allows, mut denies) = (Vec::new(), Vec::new());
        for r in candidates.ones() {
            match self.rules.get(r).map(|rule| rule.effect) {
                Some(Effect::Allow) => allows.push(r),
                Some(Effect::Deny) => denies.push(r),
                None => {}
            }
        }
        let any_needed = |rule: &CompiledRule| {
            !rule.any.is_empty() && !rule.any.iter().any(|&s| mask.get(s as usize))
        };
        let count: usize = allows
            .iter()
            .filter_map(|&r| self.rules.get(r))
            .map(|rule| if any_needed(rule) { rule.any.len() } else { 1 })
            .sum();
        let exact = count <= EXACT_SEARCH_CANDIDATES;

        let mut reach = Reach::new(self.width());
        let mut best: Option<(usize, Vec<usize>)> = None;
        let mut blocking: Option<usize> = None;
        for &r in &allows {
            let Some(rule) = self.rules.get(r) else {
                continue;
            };
            // A candidate: the `all_of` scopes not held, plus one `any_of` scope when needed.
            let base: Vec<usize> = rule
                .all
                .iter()
                .map(|&s| s as usize)
                .filter(|&s| !mask.get(s))
                .collect();
            let choices: Vec<Option<u32>> = if any_needed(rule) {
                rule.any.iter().map(|&s| Some(s)).collect()
            } else {
                vec![None]
            };
            for choice in choices {
                let extra = choice.filter(|s| rule.all.binary_search(s).is_err());
                if !exact {
                    // The bounded search keeps the first smallest candidate: one no smaller than
                    // the best so far cannot win, so it is not even checked against deny rules.
                    let size = base.len() + usize::from(extra.is_some());
                    if best.as_ref().is_some_and(|(_, b)| size >= b.len()) {
                        continue;
                    }
                }
                let mut candidate = base.clone();
                if let Some(s) = extra {
                    let s = s as usize;
                    if let Err(at) = candidate.binary_search(&s) {
                        candidate.insert(at, s);
                    }
                }
                if let Some(deny) = self.blocking_deny(&denies, mask, &candidate, &mut reach) {
                    blocking.get_or_insert(deny);
                    continue;
                }
                let candidate = if exact {
                    self.leave_out_implied(&allows, mask, candidate, &mut reach)
                } else {
                    candidate
                };
                if best.as_ref().is_none_or(|(_, b)| candidate.len() < b.len()) {
                    best = Some((r, candidate));
                }
            }
        }
        match best {
            Some((rule, needed)) => {
                let needed = if exact {
                    needed
                } else {
                    self.leave_out_implied(&allows, mask, needed, &mut reach)
                };
                let mut bits = Bits::with_len(self.width());
                for scope in needed {
                    bits.set(scope);
                }
                Ok((rule, bits))
            }
            None => Err(blocking),
        }
    }

    /// The first of `denies` that a grant of `mask` plus `added` (and what it implies) satisfies.
    fn blocking_deny(
        &self,
        denies: &[usize],
        mask: &Bits,
        added: &[usize],
        reach: &mut Reach,
    ) -> Option<usize> {
        if denies.is_empty() {
            return None;
        }
        reach.expand(&self.implies, mask, added.iter().copied());
        denies.iter().copied().find(|&d| {
            self.rules
                .get(d)
                .is_some_and(|rule| rule.satisfied_when(|s| mask.get(s) || reach.holds(s)))
        })
    }

    /// `candidate` without the scopes the rest of it brings through `implies` (or that another
    /// matching allow rule does without), each left out in turn while some allow rule is still
    /// satisfied.
    fn leave_out_implied(
        &self,
        allows: &[usize],
        mask: &Bits,
        mut candidate: Vec<usize>,
        reach: &mut Reach,
    ) -> Vec<usize> {
        if candidate.len() < 2 {
            // A single scope cannot be left out: the grant alone satisfies no allow rule.
            return candidate;
        }
        for scope in candidate.clone() {
            let fewer: Vec<usize> = candidate.iter().copied().filter(|&s| s != scope).collect();
            reach.expand(&self.implies, mask, fewer.iter().copied());
            let satisfied = allows.iter().any(|&r| {
                self.rules
                    .get(r)
                    .is_some_and(|rule| rule.satisfied_when(|s| mask.get(s) || reach.holds(s)))
            });
            if satisfied {
                candidate = fewer;
            }
        }
        candidate
    }
}
