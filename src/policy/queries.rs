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

/// Sets of scope ids kept in one buffer (no allocation per set): set `i` is
/// `data[start..start + len]` for `spans[i] = (start, len)`, each sorted.
#[derive(Default)]
struct Sets {
    data: Vec<u32>,
    spans: Vec<(usize, usize)>,
}

impl Sets {
    fn len(&self) -> usize {
        self.spans.len()
    }

    fn get(&self, i: usize) -> &[u32] {
        self.spans
            .get(i)
            .and_then(|&(start, len)| self.data.get(start..start + len))
            .unwrap_or_default()
    }

    /// Adds the sorted set `all` plus `extra` (kept sorted); returns its index.
    fn push(&mut self, all: &[u32], extra: Option<u32>) -> usize {
        let start = self.data.len();
        self.data.extend_from_slice(all);
        if let Some(scope) = extra {
            if let Err(at) = all.binary_search(&scope) {
                self.data.insert(start + at, scope);
            }
        }
        self.spans.push((start, self.data.len() - start));
        self.spans.len() - 1
    }

    /// Forgets the last set.
    fn pop(&mut self) {
        if let Some((start, _)) = self.spans.pop() {
            self.data.truncate(start);
        }
    }
}

/// The indexes of the sets that hold no other set, in order; repeats are kept once (the first).
/// Each set is filed under its scope held by the fewest sets (a bucket per scope, filled in one
/// counting pass, no comparison sort); repeats share a bucket and are found by sorting the
/// buckets of more than one set; then for each set only the buckets of its own scopes are
/// searched for a smaller set it holds.
fn minimal_sets(sets: &Sets, width: usize) -> Vec<usize> {
    // The empty set (a rule needing no scope) is held by every other set.
    if let Some(empty) = (0..sets.len()).find(|&i| sets.get(i).is_empty()) {
        return vec![empty];
    }
    let mut held_by = vec![0u32; width];
    for i in 0..sets.len() {
        for &scope in sets.get(i) {
            if let Some(count) = held_by.get_mut(scope as usize) {
                *count = count.saturating_add(1);
            }
        }
    }
    let rarest: Vec<usize> = (0..sets.len())
        .map(|i| {
            let key = |s: &u32| (held_by.get(*s as usize).copied().unwrap_or(0), *s);
            sets.get(i)
                .iter()
                .copied()
                .min_by_key(key)
                .map_or(0, |s| s as usize)
        })
        .collect();
    // starts[s]..starts[s + 1]: the sets filed under scope s, in index order.
    let mut starts = vec![0usize; width + 1];
    for &scope in &rarest {
        if let Some(count) = starts.get_mut(scope + 1) {
            *count += 1;
        }
    }
    for s in 1..starts.len() {
        let before = starts.get(s - 1).copied().unwrap_or(0);
        if let Some(start) = starts.get_mut(s) {
            *start += before;
        }
    }
    let mut filed = vec![0usize; sets.len()];
    let mut next = starts.clone();
    for (i, &scope) in rarest.iter().enumerate() {
        if let Some(at) = next.get_mut(scope) {
            if let Some(slot) = filed.get_mut(*at) {
                *slot = i;
            }
            *at += 1;
        }
    }
    let bucket = |scope: usize| -> (usize, usize) {
        let start = starts.get(scope).copied().unwrap_or(0);
        (start, starts.get(scope + 1).copied().unwrap_or(start))
    };
    // Repeats: in a bucket sorted by content then index, a set equal to the one before it goes.
    let mut kept = vec![true; sets.len()];
    for scope in 0..width {
        let (start, end) = bucket(scope);
        if end - start < 2 {
            continue;
        }
        let members = filed.get(start..end).unwrap_or_default();
        let order = crate::order::sorted_indexes(members.len(), &|a, b| {
            let (a, b) = (
                members.get(a).copied().unwrap_or(0),
                members.get(b).copied().unwrap_or(0),
            );
            sets.get(a).cmp(sets.get(b)).then(a.cmp(&b))
        });
        for pair in order.windows(2) {
            if let [a, b] = pair {
                let (a, b) = (
                    members.get(*a).copied().unwrap_or(0),
                    members.get(*b).copied().unwrap_or(0),
                );
                if sets.get(a) == sets.get(b) {
                    if let Some(k) = kept.get_mut(b) {
                        *k = false;
                    }
                }
            }
        }
    }
    let is_subset = |small: &[u32], large: &[u32]| {
        let mut large = large.iter();
        small.iter().all(|s| large.any(|l| l == s))
    };
    let kept_at = |i: usize| kept.get(i) == Some(&true);
    (0..sets.len())
        .filter(|&i| {
            if !kept_at(i) {
                return false;
            }
            let set = sets.get(i);
            !set.iter().any(|&scope| {
                let (start, end) = bucket(scope as usize);
                filed.get(start..end).unwrap_or_default().iter().any(|&j| {
                    let other = sets.get(j);
                    kept_at(j) && other.len() < set.len() && is_subset(other, set)
                })
            })
        })
        .collect()
}

impl Policy {
    /// Every `allow` rule whose scope condition the grant satisfies (for UIs listing what a user
    /// may do). A matching `deny` rule may still refuse a particular request.
    pub fn allowed_rules(&self, grant: &Grant) -> Vec<&RuleDefinition> {
        let mask = self.mask_of(grant);
        self.rules
            .iter()
            .zip(&self.document().rules)
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
        let (ids, lengths) = self.scopes_for_ids(method, path)?;
        let mut ids = ids.into_iter();
        Ok(lengths
            .into_iter()
            .map(|len| {
                let names = ids
                    .by_ref()
                    .take(len as usize)
                    .filter_map(|s| self.scopes.get(s as usize).cloned());
                ScopeSet::from_valid(names.collect())
            })
            .collect())
    }

    /// [`scopes_for`](Self::scopes_for) as scope ids (indexes in the sorted scope names): the
    /// sets one after the other, and each set's length.
    pub(crate) fn scopes_for_ids(
        &self,
        method: &str,
        path: &str,
    ) -> Result<(Vec<u32>, Vec<u32>), Error> {
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
        // A deny rule that names scopes blocks only a set that reaches one of them: most sets are
        // cleared by looking their reached scopes up here, without trying each deny rule.
        let mut deny_named = Bits::with_len(self.width());
        let mut unconditional = false;
        for deny in denies.iter().filter_map(|&d| self.rules.get(d)) {
            let mut named = deny.named().peekable();
            unconditional |= named.peek().is_none();
            named.for_each(|s| deny_named.set(s));
        }
        let mut sets = Sets::default();
        let nothing = Bits::with_len(0);
        let mut reach = Reach::new(self.width());
        for r in candidates.ones() {
            let Some(rule) = self.rules.get(r) else {
                continue;
            };
            if rule.effect != Effect::Allow {
                continue;
            }
            let no_choice = rule.any.is_empty().then_some(None);
            for extra in rule.any.iter().map(|&s| Some(s)).chain(no_choice) {
                let set = sets.push(&rule.all, extra);
                if denies.is_empty() {
                    continue;
                }
                let scopes = sets.get(set).iter().map(|&s| s as usize);
                reach.expand(&self.implies, &nothing, scopes);
                let exposed =
                    unconditional || reach.reached().iter().any(|&s| deny_named.get(s as usize));
                let blocked = exposed
                    && denies.iter().any(|&d| {
                        self.rules
                            .get(d)
                            .is_some_and(|deny| deny.satisfied_when(|s| reach.holds(s)))
                    });
                if blocked {
                    sets.pop();
                }
            }
        }
        let (mut ids, mut lengths) = (Vec::new(), Vec::new());
        for i in minimal_sets(&sets, self.width()) {
            let set = sets.get(i);
            ids.extend_from_slice(set);
            lengths.push(u32::try_from(set.len()).unwrap_or(u32::MAX));
        }
        Ok((ids, lengths))
    }

    /// The names of the scopes the policy declares, sorted.
    ///
    /// ```
    /// let policy = scopegate::Policy::from_json(include_str!("../../examples/policies/partner.json"))?;
    /// assert_eq!(policy.scope_names(), ["base", "files", "upload_files"]);
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn scope_names(&self) -> &[String] {
        &self.scopes
    }

    /// The rules' ids, in document order (a rule's index is its position here).
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_os = "unknown")),
        allow(dead_code)
    )]
    pub(crate) fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|rule| &*rule.id)
    }

    /// The granted scopes marked `client_safe: false`: a token carrying any of them must never
    /// reach a browser.
    pub fn client_unsafe_scopes(&self, grant: &Grant) -> ScopeSet {
        self.names_of(&self.mask_of(grant).and(&self.client_unsafe))
    }

    /// Whether a token with this grant may travel in a URL query (`?access_token=`): every granted
    /// scope must be listed in the policy's `transport.query` (and the grant must not be empty).
    pub fn query_transport_allowed(&self, grant: &Grant) -> bool {
        self.query_transport_allowed_mask(&self.mask_of(grant))
    }

    /// [`query_transport_allowed`](Self::query_transport_allowed) for a grant given by its mask.
    pub(crate) fn query_transport_allowed_mask(&self, mask: &Bits) -> bool {
        !mask.is_empty() && mask.is_subset(&self.query_ok)
    }
}
