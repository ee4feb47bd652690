//! Questions a UI asks of a policy: which rules a grant satisfies, which scopes would open an
//! endpoint, and where a token may travel.

use crate::prelude::*;

use super::bits::Bits;
use super::compile::method_problem;
use super::document::{Effect, RuleDefinition};
use super::grant::Grant;
use super::implies::Reach;
use super::path::normalize_path_with;
use super::Policy;
use crate::error::{Error, ErrorCode};
use crate::scope::ScopeSet;

/// The sets of `sets` (each sorted) that hold no other set of `sets`, in their order; repeats
/// are kept once. O(n log n) to sort, then for each set only the sets indexed under one of its
/// scopes are compared (each set is indexed under its scope held by the fewest sets).
fn minimal_sets(sets: Vec<Vec<u32>>, width: usize) -> Vec<Vec<u32>> {
    // Repeats: the first of each is kept.
    let mut order: Vec<usize> = (0..sets.len()).collect();
    order.sort_by(|&a, &b| sets.get(a).cmp(&sets.get(b)).then(a.cmp(&b)));
    let mut kept = vec![true; sets.len()];
    for pair in order.windows(2) {
        if let [a, b] = pair {
            if sets.get(*a) == sets.get(*b) {
                if let Some(k) = kept.get_mut(*b) {
                    *k = false;
                }
            }
        }
    }
    // The empty set (a rule needing no scope) is held by every other set.
    if let Some(empty) = sets.iter().zip(&kept).position(|(s, &k)| k && s.is_empty()) {
        return sets.into_iter().skip(empty).take(1).collect();
    }
    let mut held_by = vec![0u32; width];
    for (set, _) in sets.iter().zip(&kept).filter(|(_, &k)| k) {
        for &scope in set {
            if let Some(count) = held_by.get_mut(scope as usize) {
                *count += 1;
            }
        }
    }
    // Each set under its rarest scope, sorted by that scope for lookups.
    let mut index: Vec<(u32, usize)> = Vec::new();
    for (i, (set, _)) in sets.iter().zip(&kept).enumerate().filter(|(_, (_, &k))| k) {
        let rarest = set
            .iter()
            .copied()
            .min_by_key(|&s| (held_by.get(s as usize).copied().unwrap_or(0), s));
        if let Some(rarest) = rarest {
            index.push((rarest, i));
        }
    }
    index.sort_unstable();
    let is_subset = |small: &[u32], large: &[u32]| {
        let mut large = large.iter();
        small.iter().all(|s| large.any(|l| l == s))
    };
    let mut out = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        if !kept.get(i).copied().unwrap_or(false) {
            continue;
        }
        let holds_another = set.iter().any(|&scope| {
            let start = index.partition_point(|&(key, _)| key < scope);
            index
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&(key, _)| key == scope)
                .any(|&(_, j)| {
                    j != i
                        && sets
                            .get(j)
                            .is_some_and(|other| other.len() < set.len() && is_subset(other, set))
                })
        });
        if !holds_another {
            out.push(set.clone());
        }
    }
    out
}

impl Policy {
    /// Every `allow` rule whose scope condition the grant satisfies (for UIs listing what a user
    /// may do). A matching `deny` rule may still refuse a particular request.
    pub fn allowed_rules(&self, grant: &Grant) -> Vec<&RuleDefinition> {
        let mask = self.mask_of(grant);
        self.rules
            .iter()
            .zip(&self.document.rules)
            .filter(|(rule, _)| rule.effect == Effect::Allow && rule.satisfied_by(&mask))
            .map(|(_, definition)| definition)
            .collect()
    }

    /// The minimal scope sets that would allow `method path`, as the rules name them (a scope
    /// that implies one of them works too). Sets that would trigger a `deny` rule are left out.
    /// Empty when nothing can allow the endpoint; an invalid method or path is an error.
    /// O(n log n) in the sets the matching rules name, for any number of matching rules.
    ///
    /// ```
    /// use scopegate::Policy;
    /// let policy = Policy::from_json(include_str!("../../examples/policies/banking.json"))?;
    /// let sets: Vec<String> = policy.scopes_for("GET", "/wallets")?.iter().map(|s| s.to_string()).collect();
    /// assert_eq!(sets, ["read_only", "read_all"]);
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn scopes_for(&self, method: &str, path: &str) -> Result<Vec<ScopeSet>, Error> {
        if let Some(problem) = method_problem(method) {
            return Err(Error::new(
                ErrorCode::InvalidMethod,
                format!("{method:?} {problem}"),
            ));
        }
        let normalized = normalize_path_with(path, &self.matching)?;
        let candidates = normalized.with_segments(|segments| self.matching_rules(method, segments));
        let denies: Vec<usize> = candidates
            .ones()
            .filter(|&r| {
                self.rules
                    .get(r)
                    .is_some_and(|rule| rule.effect == Effect::Deny)
            })
            .collect();
        let mut sets: Vec<Vec<u32>> = Vec::new();
        let nothing = Bits::with_len(0);
        let mut reach = Reach::new(self.width());
        for r in candidates.ones() {
            let Some(rule) = self.rules.get(r) else {
                continue;
            };
            if rule.effect != Effect::Allow {
                continue;
            }
            let with_any = rule.any.iter().map(|&s| Some(s));
            let options: Vec<Option<u32>> = if rule.any.is_empty() {
                vec![None]
            } else {
                with_any.collect()
            };
            for any in options {
                let mut set = rule.all.to_vec();
                if let Some(s) = any {
                    if let Err(at) = set.binary_search(&s) {
                        set.insert(at, s);
                    }
                }
                if !denies.is_empty() {
                    reach.expand(&self.implies, &nothing, set.iter().map(|&s| s as usize));
                    let blocked = denies.iter().any(|&d| {
                        self.rules
                            .get(d)
                            .is_some_and(|deny| deny.satisfied_when(|s| reach.holds(s)))
                    });
                    if blocked {
                        continue;
                    }
                }
                sets.push(set);
            }
        }
        let names = |set: Vec<u32>| {
            let names = set
                .into_iter()
                .filter_map(|s| self.scopes.get(s as usize).cloned());
            ScopeSet::from_valid(names.collect())
        };
        Ok(minimal_sets(sets, self.width())
            .into_iter()
            .map(names)
            .collect())
    }

    /// The granted scopes marked `client_safe: false`: a token carrying any of them must never
    /// reach a browser.
    pub fn client_unsafe_scopes(&self, grant: &Grant) -> ScopeSet {
        self.names_of(&self.mask_of(grant).and(&self.client_unsafe))
    }

    /// Whether a token with this grant may travel in a URL query (`?access_token=`): every granted
    /// scope must be listed in the policy's `transport.query` (and the grant must not be empty).
    pub fn query_transport_allowed(&self, grant: &Grant) -> bool {
        let mask = self.mask_of(grant);
        !mask.is_empty() && mask.is_subset(&self.query_ok)
    }
}
