//! `scopegate lint`: what a reviewer of a scope policy would flag in a policy that is valid.
//!
//! Each finding has a stable code (see [`LINTS`]), the JSON pointer of what it is about, and a
//! message. A lint never changes what the policy decides; it points at rules that cannot decide
//! anything, scopes that open nothing, and grants wider than they look.

use crate::prelude::*;
use alloc::collections::BTreeSet;

use crate::policy::document::{Effect, RuleDefinition, Subject};
use crate::{PathPattern, Policy, ScopeSet};

/// One finding of [`lint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The lint's stable code, one of [`LINTS`].
    pub code: &'static str,
    /// The JSON pointer (RFC 6901) of what the finding is about.
    pub pointer: String,
    /// What is wrong, for people.
    pub message: String,
}

/// Every lint: its code and what it flags.
pub const LINTS: &[(&str, &str)] = &[
    (
        "unreachable_rule",
        "a rule whose `except` patterns cover every one of its `paths`: it matches no request",
    ),
    (
        "shadowed_rule",
        "an allow rule that never decides: an earlier allow rule covers its methods and paths, is satisfied whenever it is, and wins the data range; or an unconditional deny rule covers it",
    ),
    (
        "unused_scope",
        "a scope that no rule names, directly or through `implies`",
    ),
    ("empty_role", "a role that names no scope"),
    (
        "client_safe_write",
        "a `client_safe` scope (a token a browser may hold) that opens a write method (POST, PUT, PATCH, DELETE or `*`)",
    ),
    (
        "query_token_write",
        "a scope whose tokens may travel in URLs (`transport.query`) that opens a write method",
    ),
    (
        "allow_everything",
        "an allow rule for every method (`*`) on `/**`",
    ),
    (
        "unscoped_rule",
        "an allow rule with no scope condition: every caller, end users included, gets data range `all`",
    ),
    (
        "end_user_widened",
        "an `end_user` scope that implies a `machine` or `any` scope: end users would see all data",
    ),
];

const WRITE_METHODS: &[&str] = &["POST", "PUT", "PATCH", "DELETE"];

/// Lints a compiled policy: every finding, in document order of what it points at (rules, then
/// scopes, then roles).
///
/// ```
/// use scopegate::{tool::lint::lint, Policy};
/// let policy = Policy::from_json(r#"{"version": 1, "name": "x", "default_scopes": "all",
///     "scopes": {"read": {}, "unused": {}},
///     "rules": [{"id": "all", "methods": ["GET"], "paths": ["/**"], "any_of": ["read"]},
///               {"id": "one", "methods": ["GET"], "paths": ["/a"], "any_of": ["read"]}]}"#)?;
/// let codes: Vec<_> = lint(&policy).iter().map(|f| (f.code, f.pointer.clone())).collect();
/// assert_eq!(codes, [("shadowed_rule", "/rules/1".to_string()), ("unused_scope", "/scopes/unused".into())]);
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn lint(policy: &Policy) -> Vec<Finding> {
    let document = policy.document();
    let fold_case = policy.path_matching().case_insensitive;
    let rules: Vec<Parsed<'_>> = document.rules.iter().map(Parsed::new).collect();
    let mut findings = Vec::new();
    let mut add = |code: &'static str, pointer: String, message: String| {
        findings.push(Finding {
            code,
            pointer,
            message,
        })
    };
    let has_end_user = document
        .scopes
        .values()
        .any(|s| s.subject == Subject::EndUser);

    for (index, rule) in rules.iter().enumerate() {
        let at = format!("/rules/{index}");
        let def = rule.def;
        if rule.paths.iter().all(|p| rule.excepted(p, fold_case)) {
            add(
                "unreachable_rule",
                at.clone(),
                format!(
                    "rule {:?} matches no request: its `except` patterns cover all its `paths`",
                    def.id
                ),
            );
            continue;
        }
        if def.effect != Effect::Allow {
            continue;
        }
        if let Some(deny) = rules.iter().find(|d| {
            d.def.effect == Effect::Deny
                && d.def.any_of.is_empty()
                && d.def.all_of.is_empty()
                && d.covers(rule, fold_case)
        }) {
            add(
                "shadowed_rule",
                at.clone(),
                format!(
                    "rule {:?} never allows: the deny rule {:?} refuses every request it covers",
                    def.id, deny.def.id
                ),
            );
        } else if let Some(earlier) = rules.iter().take(index).find(|a| {
            a.def.effect == Effect::Allow
                && a.covers(rule, fold_case)
                && implied_condition(a.def, def)
                && (!gives_all(policy, def) || always_all(policy, a.def))
        }) {
            add(
                "shadowed_rule",
                at.clone(),
                format!(
                    "rule {:?} never decides: the earlier rule {:?} covers its methods and paths and allows whenever it would",
                    def.id, earlier.def.id
                ),
            );
        }
        let every_method = def.methods.iter().any(|m| m == "*");
        if every_method && def.paths.iter().any(|p| p == "/**") {
            add(
                "allow_everything",
                at.clone(),
                format!(
                    "rule {:?} allows every method on every path (`*` on `/**`)",
                    def.id
                ),
            );
        }
        if def.any_of.is_empty() && def.all_of.is_empty() && has_end_user {
            add(
                "unscoped_rule",
                at.clone(),
                format!(
                    "rule {:?} needs no scope: every caller, end users included, sees all data (data range `all`)",
                    def.id
                ),
            );
        }
    }

    let named: BTreeSet<&str> = document
        .rules
        .iter()
        .flat_map(|r| r.any_of.iter().chain(&r.all_of))
        .map(String::as_str)
        .collect();
    let query: BTreeSet<&str> = document
        .transport
        .query
        .iter()
        .map(String::as_str)
        .collect();
    for (name, scope) in &document.scopes {
        let at = format!("/scopes/{}", crate::json::pointer_token(name));
        let Ok(alone) = ScopeSet::parse(name) else {
            continue;
        };
        let grant = policy.expand(&alone);
        if !grant.granted().iter().any(|s| named.contains(s)) {
            add(
                "unused_scope",
                at.clone(),
                format!("scope {name:?} is named by no rule, directly or through `implies`"),
            );
        }
        let writes: Vec<&str> = rules
            .iter()
            .filter(|r| {
                r.def.effect == Effect::Allow
                    && r.writes()
                    && policy
                        .rule_condition(&r.def.id, &grant)
                        .is_some_and(|(satisfied, _)| satisfied)
            })
            .map(|r| r.def.id.as_str())
            .collect();
        if let Some(first) = writes.first() {
            let also = if writes.len() > 1 {
                format!(" (and {} more)", writes.len() - 1)
            } else {
                String::new()
            };
            if scope.client_safe {
                add(
                    "client_safe_write",
                    format!("{at}/client_safe"),
                    format!("scope {name:?} is client_safe (a browser may hold it) and opens write methods through rule {first:?}{also}"),
                );
            }
            if query.contains(name.as_str()) {
                add(
                    "query_token_write",
                    "/transport/query".into(),
                    format!("scope {name:?} may travel in URLs (logged by proxies and browsers) and opens write methods through rule {first:?}{also}"),
                );
            }
        }
        if scope.subject == Subject::EndUser {
            let wider: Vec<&str> = grant
                .granted()
                .iter()
                .filter(|s| {
                    policy
                        .scope(s)
                        .is_some_and(|d| d.subject != Subject::EndUser)
                })
                .collect();
            if !wider.is_empty() {
                add(
                    "end_user_widened",
                    format!("{at}/implies"),
                    format!("end_user scope {name:?} implies {}, which is not end_user: its holders see all data", wider.join(", ")),
                );
            }
        }
    }
    for (name, members) in &document.roles {
        if members.is_empty() {
            add(
                "empty_role",
                format!("/roles/{}", crate::json::pointer_token(name)),
                format!("role {name:?} names no scope"),
            );
        }
    }
    findings
}

/// A rule with its patterns parsed.
struct Parsed<'d> {
    def: &'d RuleDefinition,
    paths: Vec<PathPattern>,
    except: Vec<PathPattern>,
}

impl<'d> Parsed<'d> {
    fn new(def: &'d RuleDefinition) -> Self {
        // The policy compiled, so every pattern parses.
        let parse = |list: &[String]| {
            list.iter()
                .filter_map(|p| PathPattern::parse(p).ok())
                .collect()
        };
        Parsed {
            def,
            paths: parse(&def.paths),
            except: parse(&def.except),
        }
    }

    fn excepted(&self, path: &PathPattern, fold_case: bool) -> bool {
        self.except.iter().any(|e| e.covers(path, fold_case))
    }

    /// Whether this rule applies to every request `other` applies to (methods and paths; a rule
    /// with `except` patterns is not used to cover others).
    fn covers(&self, other: &Parsed<'_>, fold_case: bool) -> bool {
        let every_method = self.def.methods.iter().any(|m| m == "*");
        let methods = every_method
            || (!other.def.methods.iter().any(|m| m == "*")
                && other
                    .def
                    .methods
                    .iter()
                    .all(|m| self.def.methods.contains(m)));
        methods
            && self.except.is_empty()
            && !std::ptr::eq(self.def, other.def)
            && other
                .paths
                .iter()
                .filter(|p| !other.excepted(p, fold_case))
                .all(|p| self.paths.iter().any(|mine| mine.covers(p, fold_case)))
    }

    fn writes(&self) -> bool {
        self.def
            .methods
            .iter()
            .any(|m| m == "*" || WRITE_METHODS.contains(&m.as_str()))
    }
}

/// Whether every grant that satisfies `rule` satisfies `earlier` (read on the names, without
/// `implies`, so it never claims more than holds).
fn implied_condition(earlier: &RuleDefinition, rule: &RuleDefinition) -> bool {
    earlier.all_of.iter().all(|s| rule.all_of.contains(s))
        && (earlier.any_of.is_empty()
            || earlier.any_of.iter().any(|s| rule.all_of.contains(s))
            || (!rule.any_of.is_empty() && rule.any_of.iter().all(|s| earlier.any_of.contains(s))))
}

/// Whether `rule` can decide with data range `all` (it names a scope that is not `end_user`, or
/// none).
fn gives_all(policy: &Policy, rule: &RuleDefinition) -> bool {
    let mut names = rule.any_of.iter().chain(&rule.all_of).peekable();
    names.peek().is_none()
        || names.any(|s| {
            policy
                .scope(s)
                .is_some_and(|d| d.subject != Subject::EndUser)
        })
}

/// Whether `rule` always decides with data range `all` (it names no `end_user` scope).
fn always_all(policy: &Policy, rule: &RuleDefinition) -> bool {
    !rule.any_of.iter().chain(&rule.all_of).any(|s| {
        policy
            .scope(s)
            .is_some_and(|d| d.subject == Subject::EndUser)
    })
}
