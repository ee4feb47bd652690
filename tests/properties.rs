//! Property tests: scope-set laws, grants, path equivalence, no panics, and the compiled policy
//! agreeing with a naive reference evaluator written from the documented semantics.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use scopegate::{normalize_path, DataRange, Policy, Reason, ScopeSet};
use serde_json::{json, Value};

const NAMES: [&str; 6] = ["s0", "s1", "s2", "s3", "s4", "s5"];

fn scope_set() -> impl Strategy<Value = ScopeSet> {
    proptest::collection::vec(proptest::sample::select(&NAMES[..]), 0..6)
        .prop_map(|v| ScopeSet::from_list(v).unwrap())
}

proptest! {
    #[test]
    fn set_laws(a in scope_set(), b in scope_set()) {
        prop_assert_eq!(a.intersection(&b), b.intersection(&a));
        prop_assert_eq!(a.union(&b), b.union(&a));
        prop_assert!(a.intersection(&b).is_subset(&a));
        prop_assert!(a.is_subset(&a.union(&b)));
        prop_assert_eq!(a.union(&b).intersection(&a), a.clone());
        prop_assert!(a.difference(&b).is_disjoint(&b));
        prop_assert_eq!(a.intersection(&b).union(&a.difference(&b)), a.clone());
        prop_assert_eq!(a.is_subset(&b), b.is_superset(&a));
    }

    #[test]
    fn canonical_string_round_trips(tokens in proptest::collection::vec("[!#-\\[\\]-~]{1,8}", 0..8)) {
        let set = ScopeSet::from_list(&tokens).unwrap();
        let text = set.to_string();
        prop_assert_eq!(ScopeSet::parse(&text).unwrap(), set.clone());
        let mut shuffled = tokens.clone();
        shuffled.reverse();
        shuffled.extend(tokens.iter().cloned());
        prop_assert_eq!(ScopeSet::parse(&shuffled.join("  ")).unwrap().to_string(), text);
    }

    #[test]
    fn scope_parsing_never_panics(input in any::<String>()) {
        let _ = ScopeSet::parse(&input);
    }

    #[test]
    fn grant_never_exceeds_allowed(
        requested in proptest::option::of(proptest::collection::vec(proptest::sample::select(&BANKING_NAMES[..]), 0..5)),
        allowed in proptest::collection::vec(proptest::sample::select(&BANKING_NAMES[..]), 0..5),
    ) {
        let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
        let requested = requested.map(|r| ScopeSet::from_list(r).unwrap());
        let allowed = ScopeSet::from_list(allowed).unwrap();
        let grant = policy.grant(requested.as_ref(), &allowed).unwrap();
        let ceiling = policy.expand(&allowed);
        prop_assert!(grant.granted().is_subset(ceiling.granted()));
        if let Some(r) = requested.filter(|r| !r.is_empty()) {
            prop_assert!(grant.granted().is_subset(policy.expand(&r).granted()));
        }
    }

    #[test]
    fn other_spellings_of_a_path_are_refused(
        segments in proptest::collection::vec(proptest::sample::select(&["wallets", "cards", "legal", "kyc", "admin", "7", "keys"][..]), 0..5),
        noise in proptest::collection::vec(0u8..5, 0..5),
        method in proptest::sample::select(&["GET", "POST", "DELETE", "HEAD"][..]),
        scopes in proptest::collection::vec(proptest::sample::select(&BANKING_NAMES[..]), 0..3),
    ) {
        let policy = Policy::from_json(&common::read("examples/policies/banking.json")).unwrap();
        let grant = policy.expand(&ScopeSet::from_list(scopes).unwrap());
        let plain = format!("/{}", segments.join("/"));
        let mut spelled = String::new();
        for (i, segment) in segments.iter().enumerate() {
            match noise.get(i).copied().unwrap_or(0) {
                1 => spelled.push_str("/."),
                2 => spelled.push_str("/zzz/.."),
                3 => spelled.push('/'),
                _ => {}
            }
            spelled.push('/');
            if noise.get(i) == Some(&4) {
                // Percent-encode the first character.
                let mut chars = segment.chars();
                let first = chars.next().unwrap();
                spelled.push_str(&format!("%{:02X}{}", first as u32, chars.as_str()));
            } else {
                spelled.push_str(segment);
            }
        }
        if spelled.is_empty() {
            spelled.push('/');
        }
        // Another spelling (a dot segment, an empty segment, an encoded letter) is refused; the
        // plain one with a query is decided as without.
        let respelled = (0..segments.len()).any(|i| noise.get(i).is_some_and(|&n| n != 0));
        let decided = policy.decide(method, &format!("{spelled}?q=1"), &grant);
        if respelled {
            prop_assert_eq!(decided.reason, Reason::InvalidPath, "{}", spelled);
        } else {
            prop_assert_eq!(policy.decide(method, &plain, &grant), decided, "{} vs {}", plain, spelled);
        }
    }

    #[test]
    fn decide_never_panics(method in any::<String>(), path in any::<String>()) {
        let policy = Policy::from_json(&common::read("examples/policies/partner.json")).unwrap();
        let grant = policy.expand(&ScopeSet::parse("base").unwrap());
        let decision = policy.decide(&method, &path, &grant);
        prop_assert_eq!(decision.allowed, policy.allows(&method, &path, &grant));
    }

    #[test]
    fn loading_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300), cut in 0usize..4000) {
        let _ = Policy::from_json(&String::from_utf8_lossy(&bytes));
        let text = common::read("examples/policies/banking.json");
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let _ = Policy::from_json(&text[..cut]);
    }
}

const BANKING_NAMES: [&str; 9] = [
    "read_only",
    "read_write",
    "read_all",
    "admin",
    "keys",
    "legal",
    "support_user_management",
    "support_agent",
    "unknown_thing",
];

// ---- The naive reference evaluator -------------------------------------------------------------

#[derive(Debug, Clone)]
struct RefScope {
    end_user: bool,
    implies: Vec<usize>,
}

#[derive(Debug, Clone)]
struct RefRule {
    allow: bool,
    methods: Vec<&'static str>,
    paths: Vec<String>,
    except: Vec<String>,
    any_of: Vec<usize>,
    all_of: Vec<usize>,
}

#[derive(Debug, Clone)]
struct RefPolicy {
    scopes: Vec<RefScope>,
    rules: Vec<RefRule>,
}

impl RefPolicy {
    fn to_json(&self) -> String {
        let scopes: serde_json::Map<String, Value> = self
            .scopes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let implies: Vec<&str> = s.implies.iter().map(|&j| NAMES[j]).collect();
                let subject = if s.end_user { "end_user" } else { "machine" };
                (
                    NAMES[i].to_string(),
                    json!({"subject": subject, "implies": implies}),
                )
            })
            .collect();
        let rules: Vec<Value> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "id": format!("r{i}"),
                    "effect": if r.allow { "allow" } else { "deny" },
                    "methods": r.methods,
                    "paths": r.paths,
                    "except": r.except,
                    "any_of": r.any_of.iter().map(|&j| NAMES[j]).collect::<Vec<_>>(),
                    "all_of": r.all_of.iter().map(|&j| NAMES[j]).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({"version": 1, "name": "random", "scopes": scopes, "default_scopes": "all", "rules": rules})
            .to_string()
    }

    fn closure(&self, held: &BTreeSet<usize>) -> BTreeSet<usize> {
        let mut out = held.clone();
        let mut stack: Vec<usize> = held.iter().copied().collect();
        while let Some(s) = stack.pop() {
            for &t in &self.scopes[s].implies {
                if out.insert(t) {
                    stack.push(t);
                }
            }
        }
        out
    }

    fn pattern_matches(pattern: &str, segments: &[&str]) -> bool {
        let parts: Vec<&str> = pattern
            .split('/')
            .skip(1)
            .filter(|p| !p.is_empty())
            .collect();
        fn go(parts: &[&str], segments: &[&str]) -> bool {
            match parts.first() {
                None => segments.is_empty(),
                Some(&"**") => true,
                Some(p) => match segments.first() {
                    None => false,
                    Some(s) => {
                        (p.starts_with('{') || *p == "*" || p == s)
                            && go(&parts[1..], &segments[1..])
                    }
                },
            }
        }
        go(&parts, segments)
    }

    fn matches(&self, rule: &RefRule, method: &str, segments: &[&str]) -> bool {
        let names_head = self.rules.iter().any(|r| r.methods.contains(&"HEAD"));
        let method = if method == "HEAD" && !names_head {
            "GET"
        } else {
            method
        };
        (rule.methods.contains(&"*") || rule.methods.contains(&method))
            && rule
                .paths
                .iter()
                .any(|p| Self::pattern_matches(p, segments))
            && !rule
                .except
                .iter()
                .any(|p| Self::pattern_matches(p, segments))
    }

    fn satisfied(rule: &RefRule, held: &BTreeSet<usize>) -> bool {
        rule.all_of.iter().all(|s| held.contains(s))
            && (rule.any_of.is_empty() || rule.any_of.iter().any(|s| held.contains(s)))
    }

    /// (allowed, reason, rule index, data range) per the documented semantics.
    fn decide(
        &self,
        method: &str,
        segments: &[&str],
        held: &BTreeSet<usize>,
    ) -> (Reason, Option<usize>, Option<DataRange>) {
        let matching: Vec<(usize, &RefRule)> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| self.matches(r, method, segments))
            .collect();
        if let Some((i, _)) = matching
            .iter()
            .find(|(_, r)| !r.allow && Self::satisfied(r, held))
        {
            return (Reason::DeniedByRule, Some(*i), None);
        }
        let satisfied: Vec<(usize, DataRange)> = matching
            .iter()
            .filter(|(_, r)| r.allow && Self::satisfied(r, held))
            .map(|(i, r)| {
                let named: Vec<usize> = r
                    .any_of
                    .iter()
                    .chain(&r.all_of)
                    .copied()
                    .filter(|s| held.contains(s))
                    .collect();
                let own = !named.is_empty() && named.iter().all(|&s| self.scopes[s].end_user);
                (*i, if own { DataRange::Own } else { DataRange::All })
            })
            .collect();
        if let Some(&(i, d)) = satisfied
            .iter()
            .find(|(_, d)| *d == DataRange::All)
            .or(satisfied.first())
        {
            return (Reason::Allowed, Some(i), Some(d));
        }
        if !matching.iter().any(|(_, r)| r.allow) {
            return (Reason::NoMatchingRule, None, None);
        }
        // Could any addition of scopes allow it?
        if self.smallest_addition(method, segments, held).is_some() {
            (Reason::InsufficientScope, None, None)
        } else {
            (Reason::DeniedByRule, None, None)
        }
    }

    fn decide_plain(&self, method: &str, segments: &[&str], held: &BTreeSet<usize>) -> bool {
        let matching: Vec<&RefRule> = self
            .rules
            .iter()
            .filter(|r| self.matches(r, method, segments))
            .collect();
        !matching
            .iter()
            .any(|r| !r.allow && Self::satisfied(r, held))
            && matching.iter().any(|r| r.allow && Self::satisfied(r, held))
    }

    /// The scope sets that would allow the request, as `scopes_for` defines them (brute force):
    /// each matching allow rule's `all_of` with one of its `any_of` (or none), in rule order,
    /// without the sets whose closure satisfies a matching deny rule, repeats kept once, and
    /// only the sets no other such set is a strict subset of.
    fn scopes_for(&self, method: &str, segments: &[&str]) -> Vec<BTreeSet<usize>> {
        let matching: Vec<&RefRule> = self
            .rules
            .iter()
            .filter(|r| self.matches(r, method, segments))
            .collect();
        let mut sets: Vec<BTreeSet<usize>> = Vec::new();
        for rule in matching.iter().filter(|r| r.allow) {
            let extras: Vec<Option<usize>> = if rule.any_of.is_empty() {
                vec![None]
            } else {
                rule.any_of.iter().map(|&s| Some(s)).collect()
            };
            for extra in extras {
                let mut set: BTreeSet<usize> = rule.all_of.iter().copied().collect();
                set.extend(extra);
                let reach = self.closure(&set);
                let blocked = matching
                    .iter()
                    .any(|r| !r.allow && Self::satisfied(r, &reach));
                if !blocked && !sets.contains(&set) {
                    sets.push(set);
                }
            }
        }
        sets.iter()
            .filter(|set| !sets.iter().any(|o| o.len() < set.len() && o.is_subset(set)))
            .cloned()
            .collect()
    }

    /// The smallest number of scopes whose addition allows the request (brute force).
    fn smallest_addition(
        &self,
        method: &str,
        segments: &[&str],
        held: &BTreeSet<usize>,
    ) -> Option<u32> {
        (0u32..(1 << self.scopes.len()))
            .filter(|subset| {
                let extra: BTreeSet<usize> = (0..self.scopes.len())
                    .filter(|b| subset & (1 << b) != 0)
                    .collect();
                let mask = self.closure(&held.union(&extra).copied().collect());
                self.decide_plain(method, segments, &mask)
            })
            .map(u32::count_ones)
            .min()
    }
}

fn ref_policy(with_implies: bool) -> impl Strategy<Value = RefPolicy> {
    let scope = (any::<bool>(), proptest::collection::vec(0usize..6, 0..2));
    let segment = proptest::sample::select(&["a", "b", "c", "{p}", "*"][..]);
    let pattern =
        (proptest::collection::vec(segment, 0..3), any::<bool>()).prop_map(|(segs, rest)| {
            let mut p = String::new();
            for (i, s) in segs.into_iter().enumerate() {
                p.push('/');
                if s == "{p}" {
                    p.push_str(&format!("{{p{i}}}"));
                } else {
                    p.push_str(s);
                }
            }
            if rest {
                p.push_str("/**");
            }
            if p.is_empty() {
                p.push('/');
            }
            p
        });
    let names = proptest::collection::vec(0usize..6, 0..3);
    let rule = (
        proptest::bool::weighted(0.8),
        proptest::collection::vec(
            proptest::sample::select(&["GET", "POST", "HEAD", "*"][..]),
            1..3,
        ),
        proptest::collection::vec(pattern.clone(), 1..3),
        proptest::collection::vec(pattern, 0..2),
        names.clone(),
        names,
    )
        .prop_map(|(allow, methods, paths, except, any_of, all_of)| RefRule {
            allow,
            methods,
            paths,
            except,
            any_of,
            all_of,
        });
    (
        proptest::collection::vec(scope, 6),
        proptest::collection::vec(rule, 1..8),
    )
        .prop_map(move |(scopes, rules)| RefPolicy {
            scopes: scopes
                .into_iter()
                .enumerate()
                .map(|(i, (end_user, implies))| RefScope {
                    end_user,
                    // Only imply later scopes: never a cycle.
                    implies: if with_implies {
                        implies.into_iter().filter(|&j| j > i).collect()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
            rules,
        })
}

fn request() -> impl Strategy<Value = (&'static str, String, Vec<usize>)> {
    (
        proptest::sample::select(&["GET", "POST", "HEAD", "PUT"][..]),
        proptest::collection::vec(
            proptest::sample::select(&["a", "b", "c", "d", "e"][..]),
            0..4,
        )
        .prop_map(|segs| format!("/{}", segs.join("/"))),
        proptest::collection::vec(0usize..6, 0..4),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn compiled_policy_agrees_with_the_reference(
        with_implies in any::<bool>(),
        seed_policy in ref_policy(true),
        requests in proptest::collection::vec(request(), 1..6),
    ) {
        let mut reference = seed_policy;
        if !with_implies {
            for s in &mut reference.scopes {
                s.implies.clear();
            }
        }
        let policy = Policy::from_json(&reference.to_json()).unwrap();
        for (method, path, held) in requests {
            let names: Vec<&str> = held.iter().map(|&i| NAMES[i]).collect();
            let grant = policy.expand(&ScopeSet::from_list(&names).unwrap());
            let decision = policy.decide(method, &path, &grant);
            prop_assert_eq!(decision.allowed, policy.allows(method, &path, &grant));

            let normalized = normalize_path(&path).unwrap();
            let segments: Vec<&str> = normalized.segments().collect();
            let held_set = reference.closure(&held.iter().copied().collect());
            let (reason, rule, data) = reference.decide(method, &segments, &held_set);
            prop_assert_eq!(decision.reason, reason, "{} {} with {:?}", method, path, names);
            prop_assert_eq!(decision.data, data);
            if matches!(reason, Reason::Allowed | Reason::DeniedByRule) && rule.is_some() {
                prop_assert_eq!(decision.rule.as_deref().map(String::from), rule.map(|i| format!("r{i}")));
            }
            if reason == Reason::InsufficientScope {
                // The missing scopes really allow the request ...
                let with_missing = policy.expand(&grant.granted().union(&decision.missing));
                prop_assert!(policy.allows(method, &path, &with_missing));
                // ... and none of them can be left out.
                for leave_out in decision.missing.iter() {
                    let mut fewer = decision.missing.clone();
                    fewer.remove(leave_out);
                    let grant = policy.expand(&grant.granted().union(&fewer));
                    prop_assert!(!policy.allows(method, &path, &grant));
                }
                // Without `implies`, nothing smaller exists at all.
                if !with_implies {
                    let smallest = reference.smallest_addition(method, &segments, &held_set);
                    prop_assert_eq!(Some(decision.missing.len() as u32), smallest);
                }
            }
        }
    }

    #[test]
    fn scopes_for_lists_the_minimal_sets_of_the_reference(
        seed_policy in ref_policy(true),
        requests in proptest::collection::vec(request(), 1..6),
    ) {
        let reference = seed_policy;
        let policy = Policy::from_json(&reference.to_json()).unwrap();
        for (method, path, _) in requests {
            let normalized = normalize_path(&path).unwrap();
            let segments: Vec<&str> = normalized.segments().collect();
            let expected: Vec<BTreeSet<&str>> = reference
                .scopes_for(method, &segments)
                .iter()
                .map(|set| set.iter().map(|&i| NAMES[i]).collect())
                .collect();
            let sets = policy.scopes_for(method, &path).unwrap();
            let actual: Vec<BTreeSet<&str>> = sets
                .iter()
                .map(|set| set.iter().collect())
                .collect();
            prop_assert_eq!(actual, expected, "{} {}", method, path);
        }
    }
}
