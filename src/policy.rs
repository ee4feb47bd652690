//! The compiled policy: validation, grants and endpoint decisions.

use crate::prelude::*;
use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::bits::{Bits, RuleSet};
use crate::decision::{DataRange, Decision, Reason};
use crate::document::{
    DefaultScopes, Effect, PolicyDocument, RuleDefinition, ScopeDefinition, Subject, UnknownScopes,
    POLICY_VERSION,
};
use crate::error::{Error, ErrorCode};
use crate::grant::Grant;
use crate::json::pointer_token;
use crate::path::{normalize_path_with, split_plain, PathMatching};
use crate::pattern::{Hit, PathPattern, Trie};
use crate::scope::{is_scope_token, ScopeSet};

static NEXT_POLICY_ID: AtomicU64 = AtomicU64::new(1);

/// Why `method` cannot name an HTTP method, if it cannot: it must be an RFC 9110 token without
/// lower-case letters. Methods are case-sensitive (`delete` is not `DELETE`), and every registered
/// method is upper case; some frameworks fold the case and others do not, so lower case is refused
/// rather than read either way.
fn method_problem(method: &str) -> Option<&'static str> {
    if !is_method_token(method) {
        return Some("is not an HTTP method token (RFC 9110)");
    }
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some("has lower-case letters: methods are case-sensitive, write them in upper case (GET, DELETE)");
    }
    None
}

/// Whether `method` is an RFC 9110 token.
fn is_method_token(method: &str) -> bool {
    !method.is_empty()
        && method.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// The bit of a scope: its index in the sorted list of scope names.
fn scope_bit(sorted_names: &[String], name: &str) -> Option<usize> {
    sorted_names.binary_search_by(|n| n.as_str().cmp(name)).ok()
}

/// The closed mask of a role, from the roles sorted by name.
fn role_mask<'r>(sorted_roles: &'r [(String, Bits)], name: &str) -> Option<&'r Bits> {
    let found = sorted_roles.binary_search_by(|(n, _)| n.as_str().cmp(name));
    found
        .ok()
        .and_then(|i| sorted_roles.get(i))
        .map(|(_, mask)| mask)
}

#[derive(Debug, Clone)]
struct CompiledRule {
    id: Arc<str>,
    effect: Effect,
    any: Bits,
    all: Bits,
    /// `any_of` and `all_of` together: the scopes that can satisfy the rule.
    named: Bits,
    /// `any_of` scope indexes in the order written, for `missing`.
    any_order: Vec<usize>,
    paths: Vec<PathPattern>,
}

impl CompiledRule {
    fn satisfied_by(&self, mask: &Bits) -> bool {
        self.all.is_subset(mask) && (self.any_order.is_empty() || self.any.intersects(mask))
    }
}

/// What evaluation found, before it is turned into a [`Decision`].
enum Outcome {
    InvalidMethod,
    InvalidPath,
    NoMatch,
    Allowed { rule: usize, data: DataRange },
    Denied { rule: usize },
    Insufficient { rule: usize, needed: Bits },
}

/// A validated, compiled policy: load it once, then decide requests.
///
/// ```
/// use scopegate::{Policy, ScopeSet};
/// let policy = Policy::from_json(include_str!("../examples/policies/banking.json"))?;
/// let grant = policy.expand(&ScopeSet::parse("read_only")?);
/// let decision = policy.decide("GET", "/cards/123", &grant);
/// assert!(decision.allowed);
/// assert_eq!(decision.data, Some(scopegate::DataRange::Own));
/// assert_eq!(decision.rule.as_deref(), Some("read-own"));
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    id: u64,
    document: PolicyDocument,
    /// Scope names in sorted order (a scope's bit is its index here).
    scope_names: Vec<String>,
    /// Per scope: itself and everything it implies, transitively.
    closure: Vec<Bits>,
    end_user: Bits,
    client_unsafe: Bits,
    query_ok: Bits,
    /// Per role: its scopes with their closures.
    /// Sorted by name, like the document's `roles`.
    roles: Vec<(String, Bits)>,
    rules: Vec<CompiledRule>,
    trie: Trie,
    /// Per method named in the policy: the rules naming it.
    methods: Vec<(String, Bits)>,
    /// Rules with method `"*"`.
    any_method: Bits,
    head_named: bool,
    /// How request paths are read and matched.
    matching: PathMatching,
}

/// Collects semantic problems while compiling.
struct Problems(Vec<Error>);

impl Problems {
    fn add(&mut self, code: ErrorCode, pointer: String, message: String) {
        self.0.push(Error::new(code, message).at(pointer));
    }
}

impl Policy {
    /// Loads, validates and compiles a policy from JSON. Every problem found is reported at once
    /// in an [`ErrorCode::InvalidPolicy`] error, each with a JSON pointer and a code.
    ///
    /// ```
    /// use scopegate::{ErrorCode, Policy};
    /// let err = Policy::from_json(r#"{"version": 1, "name": "x", "scopes": {},
    ///     "default_scopes": "all", "rules": [{"id": "r", "methods": ["GET"],
    ///     "paths": ["/a//b"], "any_of": ["nope"]}]}"#).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::InvalidPolicy);
    /// let pointers: Vec<_> = err.problems().iter().map(|p| p.pointer().unwrap()).collect();
    /// assert_eq!(pointers, ["/rules/0/paths/0", "/rules/0/any_of/0"]);
    /// ```
    pub fn from_json(json: &str) -> Result<Self, Error> {
        Self::from_document(PolicyDocument::from_json(json)?)
    }

    /// Validates and compiles a document.
    pub fn from_document(document: PolicyDocument) -> Result<Self, Error> {
        let mut problems = Problems(Vec::new());
        let doc = &document;
        if doc.version != POLICY_VERSION {
            problems.add(
                ErrorCode::UnsupportedVersion,
                "/version".into(),
                format!(
                    "policy version {} is not supported; this release reads version {POLICY_VERSION}",
                    doc.version
                ),
            );
        }
        if doc.name.trim().is_empty() {
            problems.add(
                ErrorCode::InvalidValue,
                "/name".into(),
                "the policy name must not be empty".into(),
            );
        }

        let scope_names: Vec<String> = doc.scopes.keys().cloned().collect();
        let width = scope_names.len();
        // Pointers are only formatted when there is a problem to report.
        let scope_mask =
            |names: &[String], pointer: &dyn Fn() -> String, problems: &mut Problems| {
                let mut mask = Bits::with_len(width);
                for (i, name) in names.iter().enumerate() {
                    match scope_bit(&scope_names, name) {
                        Some(bit) => mask.set(bit),
                        None => problems.add(
                            ErrorCode::UnknownScope,
                            format!("{}/{i}", pointer()),
                            format!("unknown scope {name:?}: it is not declared in \"scopes\""),
                        ),
                    }
                }
                mask
            };

        // Scopes and `implies`.
        let mut direct: Vec<Bits> = Vec::with_capacity(width);
        let mut end_user = Bits::with_len(width);
        let mut client_unsafe = Bits::with_len(width);
        for (bit, (name, definition)) in doc.scopes.iter().enumerate() {
            let at = || format!("/scopes/{}", pointer_token(name));
            if !is_scope_token(name) {
                problems.add(
                    ErrorCode::InvalidScope,
                    at(),
                    format!("scope name {name:?} is not a valid RFC 6749 scope token"),
                );
            }
            if definition.subject == Subject::EndUser {
                end_user.set(bit);
            }
            if !definition.client_safe {
                client_unsafe.set(bit);
            }
            direct.push(scope_mask(
                &definition.implies,
                &|| format!("{}/implies", at()),
                &mut problems,
            ));
        }
        Self::check_cycles(&scope_names, &direct, &mut problems);
        let closure = Self::closures(&direct);

        // Roles.
        let mut roles = Vec::with_capacity(doc.roles.len());
        for (name, members) in &doc.roles {
            let at = || format!("/roles/{}", pointer_token(name));
            if !is_scope_token(name) {
                problems.add(
                    ErrorCode::InvalidScope,
                    at(),
                    format!("role name {name:?} is not a valid RFC 6749 scope token"),
                );
            }
            if scope_bit(&scope_names, name).is_some() {
                problems.add(
                    ErrorCode::DuplicateName,
                    at(),
                    format!("role {name:?} has the name of a scope"),
                );
            }
            let direct_members = scope_mask(members, &at, &mut problems);
            roles.push((name.clone(), Self::close(&direct_members, &closure, width)));
        }

        if let DefaultScopes::List(list) = &doc.default_scopes {
            for (i, name) in list.iter().enumerate() {
                if scope_bit(&scope_names, name).is_none() && role_mask(&roles, name).is_none() {
                    problems.add(
                        ErrorCode::UnknownScope,
                        format!("/default_scopes/{i}"),
                        format!("unknown scope or role {name:?} in default_scopes"),
                    );
                }
            }
        }
        let query_ok = scope_mask(
            &doc.transport.query,
            &|| "/transport/query".into(),
            &mut problems,
        );

        // Rules.
        let matching = doc.path_matching;
        let rule_count = doc.rules.len();
        let mut rules = Vec::with_capacity(rule_count);
        let mut trie = Trie::new();
        let mut methods: Vec<(String, Bits)> = Vec::new();
        let mut any_method = Bits::with_len(rule_count);
        let mut head_named = false;
        // The rule ids seen so far, sorted, each with the last rule that used it.
        let mut ids: Vec<(&str, usize)> = Vec::with_capacity(rule_count);
        for (r, rule) in doc.rules.iter().enumerate() {
            let at = || format!("/rules/{r}");
            if rule.id.trim().is_empty() {
                problems.add(
                    ErrorCode::InvalidValue,
                    format!("{}/id", at()),
                    "a rule id must not be empty".into(),
                );
            } else {
                match ids.binary_search_by(|(id, _)| (*id).cmp(rule.id.as_str())) {
                    Ok(found) => {
                        if let Some((_, last)) = ids.get_mut(found) {
                            problems.add(
                                ErrorCode::DuplicateRuleId,
                                format!("{}/id", at()),
                                format!("rule id {:?} is already used by /rules/{last}", rule.id),
                            );
                            *last = r;
                        }
                    }
                    Err(slot) => ids.insert(slot, (rule.id.as_str(), r)),
                }
            }
            if rule.methods.is_empty() {
                problems.add(
                    ErrorCode::InvalidValue,
                    format!("{}/methods", at()),
                    "a rule needs at least one method (or \"*\")".into(),
                );
            }
            for (m, method) in rule.methods.iter().enumerate() {
                if method == "*" {
                    any_method.set(r);
                } else if let Some(problem) = method_problem(method) {
                    problems.add(
                        ErrorCode::InvalidMethod,
                        format!("{}/methods/{m}", at()),
                        format!("{method:?} {problem}"),
                    );
                } else {
                    head_named |= method == "HEAD";
                    match methods.iter_mut().find(|(name, _)| name == method) {
                        Some((_, set)) => set.set(r),
                        None => {
                            let mut set = Bits::with_len(rule_count);
                            set.set(r);
                            methods.push((method.clone(), set));
                        }
                    }
                }
            }
            if rule.paths.is_empty() {
                problems.add(
                    ErrorCode::InvalidValue,
                    format!("{}/paths", at()),
                    "a rule needs at least one path pattern".into(),
                );
            }
            let mut paths = Vec::with_capacity(rule.paths.len());
            for (field, list, except) in [
                ("paths", &rule.paths, false),
                ("except", &rule.except, true),
            ] {
                for (p, source) in list.iter().enumerate() {
                    match PathPattern::parse(source) {
                        Ok(pattern)
                            if !matching.allow_semicolons && pattern.has_literal_char(';') =>
                        {
                            problems.add(
                                ErrorCode::InvalidPattern,
                                format!("{}/{field}/{p}", at()),
                                format!("invalid path pattern {source:?}: ';' in a literal segment never matches a request path unless \"path_matching\" has \"allow_semicolons\": true"),
                            );
                        }
                        Ok(pattern) => {
                            let hit = Hit {
                                rule: r as u32,
                                except,
                            };
                            trie.insert(&pattern, hit, matching.case_insensitive);
                            if !except {
                                paths.push(pattern);
                            }
                        }
                        Err(e) => problems.add(
                            ErrorCode::InvalidPattern,
                            format!("{}/{field}/{p}", at()),
                            e.message().to_string(),
                        ),
                    }
                }
            }
            let any = scope_mask(&rule.any_of, &|| format!("{}/any_of", at()), &mut problems);
            let all = scope_mask(&rule.all_of, &|| format!("{}/all_of", at()), &mut problems);
            let mut named = any.clone();
            named.union_with(&all);
            let mut any_order: Vec<usize> = Vec::new();
            for name in &rule.any_of {
                if let Some(bit) = scope_bit(&scope_names, name) {
                    if !any_order.contains(&bit) {
                        any_order.push(bit);
                    }
                }
            }
            rules.push(CompiledRule {
                id: Arc::from(rule.id.as_str()),
                effect: rule.effect,
                any,
                all,
                named,
                any_order,
                paths,
            });
        }

        if !problems.0.is_empty() {
            return Err(Error::invalid_policy(problems.0));
        }
        Ok(Policy {
            id: NEXT_POLICY_ID.fetch_add(1, Ordering::Relaxed),
            scope_names,
            closure,
            end_user,
            client_unsafe,
            query_ok,
            roles,
            rules,
            trie,
            methods,
            any_method,
            head_named,
            matching,
            document,
        })
    }

    /// Reports each cycle of the `implies` graph once.
    fn check_cycles(names: &[String], direct: &[Bits], problems: &mut Problems) {
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; names.len()];
        let mut path: Vec<usize> = Vec::new();
        fn visit(
            node: usize,
            names: &[String],
            direct: &[Bits],
            state: &mut [u8],
            path: &mut Vec<usize>,
            problems: &mut Problems,
        ) {
            if let Some(s) = state.get_mut(node) {
                *s = 1;
            }
            path.push(node);
            if let Some(edges) = direct.get(node) {
                for next in edges.ones() {
                    match state.get(next).copied() {
                        Some(0) => visit(next, names, direct, state, path, problems),
                        Some(1) => {
                            let start = path.iter().position(|&n| n == next).unwrap_or(0);
                            let cycle: Vec<&str> = path
                                .get(start..)
                                .unwrap_or_default()
                                .iter()
                                .chain(core::iter::once(&next))
                                .filter_map(|&n| names.get(n).map(String::as_str))
                                .collect();
                            let origin = names.get(node).map_or("", String::as_str);
                            problems.add(
                                ErrorCode::ImpliesCycle,
                                format!("/scopes/{}/implies", pointer_token(origin)),
                                format!("\"implies\" has a cycle: {}", cycle.join(" → ")),
                            );
                        }
                        _ => {}
                    }
                }
            }
            path.pop();
            if let Some(s) = state.get_mut(node) {
                *s = 2;
            }
        }
        for node in 0..names.len() {
            if state.get(node) == Some(&0) {
                visit(node, names, direct, &mut state, &mut path, problems);
            }
        }
    }

    /// Per scope, itself and all it implies (safe on cycles).
    fn closures(direct: &[Bits]) -> Vec<Bits> {
        let width = direct.len();
        (0..width)
            .map(|start| {
                let mut seen = Bits::with_len(width);
                let mut stack = vec![start];
                while let Some(node) = stack.pop() {
                    if seen.get(node) {
                        continue;
                    }
                    seen.set(node);
                    if let Some(edges) = direct.get(node) {
                        stack.extend(edges.ones().filter(|&n| !seen.get(n)));
                    }
                }
                seen
            })
            .collect()
    }

    fn close(mask: &Bits, closure: &[Bits], width: usize) -> Bits {
        let mut out = Bits::with_len(width);
        for bit in mask.ones() {
            if let Some(c) = closure.get(bit) {
                out.union_with(c);
            }
        }
        out
    }

    /// The document this policy was compiled from.
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.document.name
    }

    /// The definition of a scope.
    pub fn scope(&self, name: &str) -> Option<&ScopeDefinition> {
        self.document.scopes.get(name)
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&RuleDefinition> {
        self.document.rules.iter().find(|r| r.id == id)
    }

    fn width(&self) -> usize {
        self.scope_names.len()
    }

    fn names_of(&self, mask: &Bits) -> ScopeSet {
        let mut set = ScopeSet::new();
        for bit in mask.ones() {
            if let Some(name) = self.scope_names.get(bit) {
                set.insert_valid(name);
            }
        }
        set
    }

    /// Expands scope and role names into a mask; names the policy does not know go to `unknown`.
    fn expand_names(&self, names: &ScopeSet, unknown: &mut ScopeSet) -> Bits {
        let mut mask = Bits::with_len(self.width());
        for name in names {
            if let Some(bit) = scope_bit(&self.scope_names, name) {
                if let Some(c) = self.closure.get(bit) {
                    mask.union_with(c);
                }
            } else if let Some(role) = role_mask(&self.roles, name) {
                mask.union_with(role);
            } else {
                unknown.insert_valid(name);
            }
        }
        mask
    }

    fn role_contributions(
        &self,
        names: &[&ScopeSet],
        granted: &Bits,
    ) -> BTreeMap<String, ScopeSet> {
        let mut out = BTreeMap::new();
        for set in names {
            for name in set.iter() {
                if let Some(role) = role_mask(&self.roles, name) {
                    let contributed = self.names_of(&role.and(granted));
                    if !contributed.is_empty() {
                        out.insert(name.to_string(), contributed);
                    }
                }
            }
        }
        out
    }

    /// Grants scopes for a token request: *requested ∩ allowed*, roles and `implies` expanded
    /// first. `allowed` is what the user or client holds (scopes or roles). When nothing is
    /// requested (`None` or an empty set), the policy's `default_scopes` rule applies: `"all"`
    /// grants everything allowed; a list is intersected with what is allowed.
    ///
    /// A requested name the policy does not define is dropped, or refused with
    /// [`ErrorCode::InvalidScope`] when the policy says `"unknown_scopes": "reject"`.
    ///
    /// ```
    /// use scopegate::{Policy, ScopeSet};
    /// let policy = Policy::from_json(include_str!("../examples/policies/banking.json"))?;
    /// let user = ScopeSet::parse("read_only read_write keys")?;
    /// let grant = policy.grant(Some(&ScopeSet::parse("read_only admin")?), &user)?;
    /// assert_eq!(grant.granted().to_string(), "read_only");
    /// assert_eq!(grant.dropped().to_string(), "admin");
    /// let all = policy.grant(None, &user)?;
    /// assert!(all.defaulted() && all.granted() == &user);
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn grant(&self, requested: Option<&ScopeSet>, allowed: &ScopeSet) -> Result<Grant, Error> {
        let requested = requested.filter(|r| !r.is_empty());
        let mut ignored = ScopeSet::new();
        let allowed_mask = self.expand_names(allowed, &mut ignored);
        let mut dropped = ScopeSet::new();
        let requested_mask = match requested {
            Some(names) => {
                let mut unknown = ScopeSet::new();
                let mask = self.expand_names(names, &mut unknown);
                if !unknown.is_empty() && self.document.unknown_scopes == UnknownScopes::Reject {
                    return Err(Error::new(
                        ErrorCode::InvalidScope,
                        format!(
                            "requested scope \"{unknown}\" is not defined by policy {:?}",
                            self.document.name
                        ),
                    ));
                }
                dropped = unknown;
                mask
            }
            None => match &self.document.default_scopes {
                DefaultScopes::All => allowed_mask.clone(),
                DefaultScopes::List(list) => {
                    let defaults = ScopeSet::from_list(list)?;
                    self.expand_names(&defaults, &mut ignored)
                }
            },
        };
        let granted_mask = requested_mask.and(&allowed_mask);
        dropped = dropped.union(&self.names_of(&requested_mask.and_not(&allowed_mask)));
        let mut sources = vec![allowed];
        if let Some(r) = requested {
            sources.push(r);
        }
        let roles = self.role_contributions(&sources, &granted_mask);
        Ok(Grant::new(
            self.names_of(&granted_mask),
            dropped,
            requested.is_none(),
            roles,
            granted_mask,
            self.id,
        ))
    }

    /// The grant of a token that already carries `scopes` (roles and `implies` expanded, no
    /// intersection). Names the policy does not define are reported in [`Grant::dropped`].
    pub fn expand(&self, scopes: &ScopeSet) -> Grant {
        let mut unknown = ScopeSet::new();
        let mask = self.expand_names(scopes, &mut unknown);
        let roles = self.role_contributions(&[scopes], &mask);
        Grant::new(self.names_of(&mask), unknown, false, roles, mask, self.id)
    }

    /// The grant's mask for this policy (translated by name if it came from another policy).
    fn mask_of<'g>(&self, grant: &'g Grant) -> Cow<'g, Bits> {
        if grant.policy_id == self.id {
            Cow::Borrowed(&grant.mask)
        } else {
            let mut unknown = ScopeSet::new();
            Cow::Owned(self.expand_names(grant.granted(), &mut unknown))
        }
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

    /// The rules that apply to `method` on a normalized path, as a rule set.
    fn matching_rules(&self, method: &str, segments: &[&str]) -> RuleSet {
        let lookup = if method == "HEAD" && !self.head_named {
            "GET"
        } else {
            method
        };
        let by_method = self
            .methods
            .iter()
            .find(|(name, _)| name == lookup)
            .map(|(_, set)| set.words());
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
            self.trie
                .walk(lowered.iter().map(String::as_str), &mut on_hit);
        } else {
            self.trie.walk(segments.iter().copied(), &mut on_hit);
        }
        let any_method = self.any_method.words();
        for (w, (m, e)) in matched
            .words_mut()
            .iter_mut()
            .zip(excepted.words())
            .enumerate()
        {
            let method_word = by_method.and_then(|b| b.get(w)).copied().unwrap_or(0);
            let any_word = any_method.get(w).copied().unwrap_or(0);
            *m &= !e & (method_word | any_word);
        }
        matched
    }

    fn data_range(&self, rule: &CompiledRule, mask: &Bits) -> DataRange {
        if rule.named.and_nonempty_within(mask, &self.end_user) {
            DataRange::Own
        } else {
            DataRange::All
        }
    }

    /// The first matching deny rule that `mask` satisfies.
    fn first_deny(&self, candidates: &RuleSet, mask: &Bits) -> Option<usize> {
        candidates.ones().find(|&r| {
            self.rules
                .get(r)
                .is_some_and(|rule| rule.effect == Effect::Deny && rule.satisfied_by(mask))
        })
    }

    /// `mask` plus `added` and everything `added` implies.
    fn with_added(&self, mask: &Bits, added: &Bits) -> Bits {
        let mut extended = mask.clone();
        extended.union_with(&Self::close(added, &self.closure, self.width()));
        extended
    }

    fn some_allow_satisfied(&self, candidates: &RuleSet, mask: &Bits) -> bool {
        candidates.ones().any(|r| {
            self.rules
                .get(r)
                .is_some_and(|rule| rule.effect == Effect::Allow && rule.satisfied_by(mask))
        })
    }

    /// The smallest addition to `mask` that satisfies a matching allow rule without a deny.
    fn smallest_addition(
        &self,
        candidates: &RuleSet,
        mask: &Bits,
    ) -> Result<(usize, Bits), Option<usize>> {
        let mut best: Option<(usize, Bits, u32)> = None;
        let mut blocking: Option<usize> = None;
        for r in candidates.ones() {
            let Some(rule) = self.rules.get(r) else {
                continue;
            };
            if rule.effect != Effect::Allow {
                continue;
            }
            let base = rule.all.and_not(mask);
            let options: Vec<Bits> = if rule.any_order.is_empty() || rule.any.intersects(mask) {
                vec![base]
            } else {
                rule.any_order
                    .iter()
                    .map(|&bit| {
                        let mut option = base.clone();
                        option.set(bit);
                        option
                    })
                    .collect()
            };
            for option in options {
                let extended = self.with_added(mask, &option);
                if let Some(deny) = self.first_deny(candidates, &extended) {
                    blocking.get_or_insert(deny);
                    continue;
                }
                // Leave out what the rest already brings through `implies`.
                let mut option = option;
                for bit in option.clone().ones() {
                    let mut fewer = option.clone();
                    fewer.unset(bit);
                    if self.some_allow_satisfied(candidates, &self.with_added(mask, &fewer)) {
                        option = fewer;
                    }
                }
                let size = option.count();
                if best.as_ref().is_none_or(|(_, _, s)| size < *s) {
                    best = Some((r, option, size));
                }
            }
        }
        match best {
            Some((rule, needed, _)) => Ok((rule, needed)),
            None => Err(blocking),
        }
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
            return Outcome::Insufficient {
                rule: 0,
                needed: Bits::default(),
            };
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
    /// 1. The method must be an RFC 9110 token and the path must
    ///    [normalize](crate::normalize_path); otherwise the decision is `invalid_method` /
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
    ///    of its `any_of` is held, one `any_of` scope; scopes that the rest of the candidate brings
    ///    through `implies` are left out. Candidates whose addition would trigger a `deny` rule are
    ///    skipped; the smallest remaining one is `missing` (ties: the earlier rule, then the
    ///    earlier scope in `any_of`). No scope of `missing` can be left out, and without `implies`
    ///    no smaller set exists. If every candidate triggers a `deny` rule, the answer is
    ///    `denied_by_rule`.
    /// 7. Otherwise nothing covers the endpoint: `no_matching_rule` (deny by default).
    ///
    /// The data range of an allowed request is `own` when every scope of the grant that appears in
    /// the deciding rule's `any_of`/`all_of` has subject `end_user`; otherwise (a `machine` or
    /// `any` scope, or a rule that needs no scope) it is `all`.
    pub fn decide(&self, method: &str, path: &str, grant: &Grant) -> Decision {
        let mask = self.mask_of(grant);
        self.with_outcome(method, path, &mask, true, |outcome, segments| {
            self.explain(outcome, segments)
        })
    }

    /// Turns an outcome into a [`Decision`].
    fn explain(&self, outcome: Outcome, segments: &[&str]) -> Decision {
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
            Outcome::NoMatch => Decision::refused(
                Reason::NoMatchingRule,
                r#"Bearer error="insufficient_scope""#.into(),
            ),
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
                    required.union_with(&r.all);
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
    ///
    /// ```
    /// use scopegate::Policy;
    /// let policy = Policy::from_json(include_str!("../examples/policies/banking.json"))?;
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
        let mut sets: Vec<Bits> = Vec::new();
        for r in candidates.ones() {
            let Some(rule) = self.rules.get(r) else {
                continue;
            };
            if rule.effect != Effect::Allow {
                continue;
            }
            let options: Vec<Bits> = if rule.any_order.is_empty() {
                vec![rule.all.clone()]
            } else {
                rule.any_order
                    .iter()
                    .map(|&bit| {
                        let mut option = rule.all.clone();
                        option.set(bit);
                        option
                    })
                    .collect()
            };
            for option in options {
                let held = Self::close(&option, &self.closure, self.width());
                if self.first_deny(&candidates, &held).is_none() && !sets.contains(&option) {
                    sets.push(option);
                }
            }
        }
        let minimal: Vec<ScopeSet> = sets
            .iter()
            .filter(|s| !sets.iter().any(|t| t != *s && t.is_subset(s)))
            .map(|s| self.names_of(s))
            .collect();
        Ok(minimal)
    }
}
