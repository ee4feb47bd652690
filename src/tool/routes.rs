//! `scopegate routes`: the endpoints × scopes table that an API's consumers read, from a policy.

use crate::prelude::*;

use serde::Serialize;

use crate::policy::document::Effect;
use crate::{DataRange, Policy, ScopeSet};

/// One row of the table: one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// The rule's id.
    pub rule: String,
    /// `allow` or `deny`.
    pub effect: Effect,
    /// The methods (`*` for any).
    pub methods: Vec<String>,
    /// The path patterns.
    pub paths: Vec<String>,
    /// The patterns taken out of `paths`.
    pub except: Vec<String>,
    /// Every one of these scopes is needed.
    pub all_of: Vec<String>,
    /// One of these scopes is needed (when not empty).
    pub any_of: Vec<String>,
    /// The scopes and roles that satisfy the rule on their own (`implies` and role members
    /// expanded), each with the data range it gives.
    pub granted_by: Vec<GrantedBy>,
    /// The rule's description.
    pub description: String,
}

/// A scope or role that satisfies a rule on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantedBy {
    /// The scope or role name.
    pub name: String,
    /// Whether `name` is a role.
    pub role: bool,
    /// The data range a holder of `name` alone gets (for an allow rule).
    pub data: Option<DataRange>,
}

/// The table: one row per rule, in document order.
///
/// ```
/// use scopegate::{tool::routes::routes, Policy};
/// let partner = Policy::from_json(include_str!("../../examples/policies/partner.json"))?;
/// let table = routes(&partner);
/// let files = table.iter().find(|r| r.rule == "files-read").unwrap();
/// let names: Vec<_> = files.granted_by.iter().map(|g| g.name.as_str()).collect();
/// assert_eq!(names, ["base", "files"]);
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn routes(policy: &Policy) -> Vec<Route> {
    let document = policy.document();
    let holders = document
        .scopes
        .keys()
        .map(|name| (name, false))
        .chain(document.roles.keys().map(|name| (name, true)));
    let holders: Vec<(&String, bool)> = holders.collect();
    document
        .rules
        .iter()
        .map(|rule| {
            let granted_by = holders
                .iter()
                .filter_map(|&(name, role)| {
                    let scopes = ScopeSet::parse(name).ok()?;
                    let grant = policy.expand(&scopes);
                    let (satisfied, data) = policy.rule_condition(&rule.id, &grant)?;
                    if !satisfied || (rule.all_of.is_empty() && rule.any_of.is_empty()) {
                        return None;
                    }
                    let data = (rule.effect == Effect::Allow).then_some(data);
                    Some(GrantedBy {
                        name: name.clone(),
                        role,
                        data,
                    })
                })
                .collect();
            Route {
                rule: rule.id.clone(),
                effect: rule.effect,
                methods: rule.methods.clone(),
                paths: rule.paths.clone(),
                except: rule.except.clone(),
                all_of: rule.all_of.clone(),
                any_of: rule.any_of.clone(),
                granted_by,
                description: rule.description.clone(),
            }
        })
        .collect()
}

/// The table as Markdown: a heading, then one row per rule.
pub fn to_markdown(policy: &Policy, routes: &[Route]) -> String {
    let code = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "# {}: endpoints and scopes\n\n| Rule | Effect | Methods | Paths | Except | Needs | Granted by (data) |\n|---|---|---|---|---|---|---|\n",
        policy.name()
    );
    for route in routes {
        let mut needs = Vec::new();
        if !route.all_of.is_empty() {
            needs.push(format!("all of {}", code(&route.all_of)));
        }
        if !route.any_of.is_empty() {
            needs.push(format!("one of {}", code(&route.any_of)));
        }
        let needs = if needs.is_empty() {
            "no scope".to_string()
        } else {
            needs.join(" and ")
        };
        let granted: Vec<String> = route
            .granted_by
            .iter()
            .map(|g| {
                let kind = if g.role { "role " } else { "" };
                match g.data {
                    Some(d) => format!("{kind}`{}` ({})", g.name, d.as_str()),
                    None => format!("{kind}`{}`", g.name),
                }
            })
            .collect();
        let effect = match route.effect {
            Effect::Allow => "allow",
            Effect::Deny => "deny",
        };
        out.push_str(&format!(
            "| {} | {effect} | {} | {} | {} | {needs} | {} |\n",
            route.rule,
            route.methods.join(", "),
            code(&route.paths),
            code(&route.except),
            granted.join(", "),
        ));
    }
    out
}
