//! Validation and compilation of a [`PolicyDocument`] into a [`Policy`]: every semantic problem
//! is collected with its JSON pointer; within the [`Limits`], the work is O(n log n) in the size
//! of the document and the result linear in it.

use crate::prelude::*;
use alloc::sync::Arc;

use super::bits::Bits;
use super::document::{DefaultScopes, PolicyDocument, Subject, POLICY_VERSION};
use super::implies::Implies;
use super::limits::Limits;
use super::pattern::{Hit, ParamNames, PathPattern, TrieBuilder};
use super::{scope_id, CompiledParts, CompiledRule, Methods, Policy, Source};
use crate::error::{Error, ErrorCode};
use crate::json::pointer_token;
use crate::scope::is_scope_token;

/// Why `method` cannot name an HTTP method, if it cannot: it must be an RFC 9110 token without
/// lower-case letters. Methods are case-sensitive (`delete` is not `DELETE`), and every registered
/// method is upper case; some frameworks fold the case and others do not, so lower case is refused
/// rather than read either way.
pub(super) fn method_problem(method: &str) -> Option<&'static str> {
    let token = !method.is_empty()
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
        });
    if !token {
        return Some("is not an HTTP method token (RFC 9110)");
    }
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some("has lower-case letters: methods are case-sensitive, write them in upper case (GET, DELETE)");
    }
    None
}

/// Removes repeated ids, keeping the first of each in place (`any_of` keeps the order written,
/// the order `missing` tries): O(n log n).
fn dedup_keeping_order(ids: &mut Vec<u32>) {
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    if sorted.windows(2).all(|pair| pair.first() != pair.get(1)) {
        return;
    }
    let mut seen = alloc::collections::BTreeSet::new();
    ids.retain(|&id| seen.insert(id));
}

/// Collects semantic problems while compiling.
struct Problems(Vec<Error>);

impl Problems {
    fn add(&mut self, code: ErrorCode, pointer: String, message: String) {
        self.0.push(Error::new(code, message).at(pointer));
    }
}

/// A problem of size: `invalid_value` at `pointer`, in an `invalid_policy` error of its own.
fn too_large(pointer: String, what: &str, count: usize, limit: usize, field: &str) -> Error {
    Error::invalid_policy(vec![Error::new(
        ErrorCode::InvalidValue,
        format!("{what}: {count}, more than the limit of {limit} (Limits::{field})"),
    )
    .at(pointer)])
}

/// Refuses a document text larger than the limit, before it is parsed.
pub(super) fn check_document_size(json: &str, limits: &Limits) -> Result<(), Error> {
    if json.len() > limits.max_document_bytes {
        return Err(too_large(
            String::new(),
            "the policy's size in bytes",
            json.len(),
            limits.max_document_bytes,
            "max_document_bytes",
        ));
    }
    Ok(())
}

/// Refuses a document whose counts exceed the limits, before anything is compiled.
fn check_counts(doc: &PolicyDocument, limits: &Limits) -> Result<(), Error> {
    if doc.scopes.len() > limits.max_scopes {
        let (count, limit) = (doc.scopes.len(), limits.max_scopes);
        return Err(too_large(
            "/scopes".into(),
            "scopes",
            count,
            limit,
            "max_scopes",
        ));
    }
    if doc.roles.len() > limits.max_roles {
        let (count, limit) = (doc.roles.len(), limits.max_roles);
        return Err(too_large(
            "/roles".into(),
            "roles",
            count,
            limit,
            "max_roles",
        ));
    }
    if doc.rules.len() > limits.max_rules {
        let (count, limit) = (doc.rules.len(), limits.max_rules);
        return Err(too_large(
            "/rules".into(),
            "rules",
            count,
            limit,
            "max_rules",
        ));
    }
    let mut edges = 0usize;
    for (name, scope) in &doc.scopes {
        edges = edges.saturating_add(scope.implies.len());
        if edges > limits.max_implies {
            return Err(too_large(
                format!("/scopes/{}/implies", pointer_token(name)),
                "`implies` edges (all scopes together, up to here)",
                edges,
                limits.max_implies,
                "max_implies",
            ));
        }
    }
    for (r, rule) in doc.rules.iter().enumerate() {
        let patterns = rule.paths.len().saturating_add(rule.except.len());
        if patterns > limits.max_patterns_per_rule {
            return Err(too_large(
                format!("/rules/{r}"),
                "path patterns in this rule (paths and except)",
                patterns,
                limits.max_patterns_per_rule,
                "max_patterns_per_rule",
            ));
        }
    }
    Ok(())
}

/// Validates and compiles `document`, whose source (the JSON text it was read from, or its
/// compact JSON) has the SHA-256 `source_sha256`.
pub(super) fn compile(
    document: PolicyDocument,
    limits: &Limits,
    source_sha256: [u8; 32],
) -> Result<Policy, Error> {
    check_counts(&document, limits)?;
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

    // The document's scopes are a sorted map: a scope's id is its index.
    let scopes: Vec<String> = doc.scopes.keys().cloned().collect();
    let width = scopes.len();
    // Scope names to ids; pointers are formatted only when there is a problem to report.
    let ids_of = |names: &[String], pointer: &dyn Fn() -> String, problems: &mut Problems| {
        let mut ids = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            match scope_id(&scopes, name) {
                Some(id) => ids.push(u32::try_from(id).unwrap_or(u32::MAX)),
                None => problems.add(
                    ErrorCode::UnknownScope,
                    format!("{}/{i}", pointer()),
                    format!("unknown scope {name:?}: it is not declared in \"scopes\""),
                ),
            }
        }
        ids
    };

    // Scopes and `implies`.
    let mut edges: Vec<Vec<u32>> = Vec::with_capacity(width);
    let mut end_user = Bits::with_len(width);
    let mut client_unsafe = Bits::with_len(width);
    for (id, (name, definition)) in doc.scopes.iter().enumerate() {
        let at = || format!("/scopes/{}", pointer_token(name));
        if !is_scope_token(name) {
            problems.add(
                ErrorCode::InvalidScope,
                at(),
                format!("scope name {name:?} is not a valid RFC 6749 scope token"),
            );
        }
        if definition.subject == Subject::EndUser {
            end_user.set(id);
        }
        if !definition.client_safe {
            client_unsafe.set(id);
        }
        edges.push(ids_of(
            &definition.implies,
            &|| format!("{}/implies", at()),
            &mut problems,
        ));
    }
    let implies = Implies::new(edges);
    for cycle in implies.cycles() {
        let name = |id: &usize| scopes.get(*id).map_or("", String::as_str);
        let mut shown: Vec<&str> = cycle.head.iter().map(name).collect();
        let omitted;
        if cycle.omitted > 0 {
            omitted = format!("… {} more …", cycle.omitted);
            shown.push(&omitted);
        }
        shown.extend(cycle.tail.iter().map(name));
        let origin = scopes.get(cycle.origin).map_or("", String::as_str);
        problems.add(
            ErrorCode::ImpliesCycle,
            format!("/scopes/{}/implies", pointer_token(origin)),
            format!("\"implies\" has a cycle: {}", shown.join(" → ")),
        );
    }

    // Roles: their direct members (expanded when a grant needs them).
    let mut roles: Vec<(String, Box<[u32]>)> = Vec::with_capacity(doc.roles.len());
    for (name, members) in &doc.roles {
        let at = || format!("/roles/{}", pointer_token(name));
        if !is_scope_token(name) {
            problems.add(
                ErrorCode::InvalidScope,
                at(),
                format!("role name {name:?} is not a valid RFC 6749 scope token"),
            );
        }
        if scope_id(&scopes, name).is_some() {
            problems.add(
                ErrorCode::DuplicateName,
                at(),
                format!("role {name:?} has the name of a scope"),
            );
        }
        let members = ids_of(members, &at, &mut problems);
        roles.push((name.clone(), members.into_boxed_slice()));
    }
    let is_role = |name: &str| doc.roles.contains_key(name);

    if let DefaultScopes::List(list) = &doc.default_scopes {
        for (i, name) in list.iter().enumerate() {
            if scope_id(&scopes, name).is_none() && !is_role(name) {
                problems.add(
                    ErrorCode::UnknownScope,
                    format!("/default_scopes/{i}"),
                    format!("unknown scope or role {name:?} in default_scopes"),
                );
            }
        }
    }
    let mut query_ok = Bits::with_len(width);
    for id in ids_of(
        &doc.transport.query,
        &|| "/transport/query".into(),
        &mut problems,
    ) {
        query_ok.set(id as usize);
    }

    // Rules.
    let matching = doc.path_matching;
    // Method names, sorted once: a method's id is its index.
    let mut methods: Vec<String> = doc
        .rules
        .iter()
        .flat_map(|rule| rule.methods.iter())
        .filter(|m| *m != "*" && method_problem(m).is_none())
        .cloned()
        .collect();
    crate::order::sort(&mut methods);
    methods.dedup();
    // For each rule, the previous rule with the same id (sorted once, not searched per rule).
    let mut by_id: Vec<(&str, usize)> = doc
        .rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| !rule.id.trim().is_empty())
        .map(|(r, rule)| (rule.id.as_str(), r))
        .collect();
    crate::order::sort(&mut by_id);
    let mut previous_with_id: Vec<Option<usize>> = vec![None; doc.rules.len()];
    for pair in by_id.windows(2) {
        if let [(a, earlier), (b, later)] = pair {
            if a == b {
                if let Some(slot) = previous_with_id.get_mut(*later) {
                    *slot = Some(*earlier);
                }
            }
        }
    }

    let mut rules = Vec::with_capacity(doc.rules.len());
    let mut trie = TrieBuilder::new(matching.case_insensitive);
    let mut param_names = ParamNames::default();
    for (r, rule) in doc.rules.iter().enumerate() {
        let at = || format!("/rules/{r}");
        if rule.id.trim().is_empty() {
            problems.add(
                ErrorCode::InvalidValue,
                format!("{}/id", at()),
                "a rule id must not be empty".into(),
            );
        } else if let Some(Some(earlier)) = previous_with_id.get(r) {
            problems.add(
                ErrorCode::DuplicateRuleId,
                format!("{}/id", at()),
                format!("rule id {:?} is already used by /rules/{earlier}", rule.id),
            );
        }
        if rule.methods.is_empty() {
            problems.add(
                ErrorCode::InvalidValue,
                format!("{}/methods", at()),
                "a rule needs at least one method (or \"*\")".into(),
            );
        }
        let mut any_method = false;
        let mut method_ids: Vec<u32> = Vec::with_capacity(rule.methods.len());
        for (m, method) in rule.methods.iter().enumerate() {
            if method == "*" {
                any_method = true;
            } else if let Some(problem) = method_problem(method) {
                problems.add(
                    ErrorCode::InvalidMethod,
                    format!("{}/methods/{m}", at()),
                    format!("{method:?} {problem}"),
                );
            } else if let Ok(id) = methods.binary_search(method) {
                method_ids.push(u32::try_from(id).unwrap_or(u32::MAX));
            }
        }
        method_ids.sort_unstable();
        method_ids.dedup();
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
                let pointer = || format!("{}/{field}/{p}", at());
                match PathPattern::parse_with(source.as_str().into(), &mut param_names) {
                    Ok(pattern) if pattern.segment_count() > limits.max_segments_per_pattern => {
                        problems.add(
                            ErrorCode::InvalidValue,
                            pointer(),
                            format!(
                                "path pattern segments: {}, more than the limit of {} (Limits::max_segments_per_pattern)",
                                pattern.segment_count(),
                                limits.max_segments_per_pattern
                            ),
                        );
                    }
                    Ok(pattern) if !matching.allow_semicolons && pattern.has_literal_char(';') => {
                        problems.add(
                            ErrorCode::InvalidPattern,
                            pointer(),
                            format!("invalid path pattern {source:?}: ';' in a literal segment never matches a request path unless \"path_matching\" has \"allow_semicolons\": true"),
                        );
                    }
                    Ok(pattern) => {
                        let hit = Hit {
                            rule: u32::try_from(r).unwrap_or(u32::MAX),
                            except,
                        };
                        trie.insert(&pattern, hit);
                        if !except {
                            paths.push(pattern);
                        }
                    }
                    Err(e) => problems.add(
                        ErrorCode::InvalidPattern,
                        pointer(),
                        e.message().to_string(),
                    ),
                }
            }
        }
        let mut any = ids_of(&rule.any_of, &|| format!("{}/any_of", at()), &mut problems);
        dedup_keeping_order(&mut any);
        let mut all = ids_of(&rule.all_of, &|| format!("{}/all_of", at()), &mut problems);
        all.sort_unstable();
        all.dedup();
        rules.push(CompiledRule {
            id: Arc::from(rule.id.as_str()),
            effect: rule.effect,
            all: all.into_boxed_slice(),
            any: any.into_boxed_slice(),
            methods: if any_method {
                Methods::Any
            } else {
                Methods::Named(method_ids.into_boxed_slice())
            },
            paths,
        });
    }

    if !problems.0.is_empty() {
        return Err(Error::invalid_policy(problems.0));
    }
    Ok(Policy::assemble(CompiledParts {
        source: Source::Document(document),
        source_sha256,
        scopes,
        implies,
        end_user,
        client_unsafe,
        query_ok,
        roles,
        rules,
        trie: trie.build(),
        methods,
        matching,
    }))
}
