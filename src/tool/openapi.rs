//! OpenAPI 3.0/3.1 import and drift checks: a policy drafted from an API description
//! ([`import`]), and the places where a policy and its API description disagree ([`diff`]).
//!
//! The spec is read as YAML (JSON is YAML too), in document order. What the OpenAPI
//! specification says, and what the import makes of it:
//!
//! - **Scopes** are those of every `oauth2` security scheme's flows (with their descriptions) and
//!   the scopes named in requirements of `openIdConnect` schemes; they get the default `subject`
//!   and `client_safe`. Names that are not RFC 6749 scope tokens are left out, with a warning (a
//!   requirement naming one is dropped); a scope an `oauth2` requirement names that the scheme's
//!   flows do not declare is added, with a warning.
//! - **One rule per operation** (`methods: ["GET"]`, `paths: [base + path]`), with the
//!   operation's `summary` as its description and its `operationId` as its id (when present,
//!   unique and free of spaces and control characters; otherwise `"{method}-{path}"`, e.g.
//!   `get-/pets/{petId}`, made unique with `-2`, `-3` ...).
//! - **Security**: the operation's `security`, else the document's. Its requirement objects are
//!   alternatives (OR); the scopes of one requirement are all needed (AND). One requirement
//!   gives `all_of`; several of one scope each give `any_of`; several where some name more scopes
//!   give one rule per alternative (ids suffixed `-1`, `-2` ...; a decision allows when any
//!   matching rule is satisfied, which is the OR of the ANDs), after dropping alternatives that
//!   hold another one. `security: []`, an empty requirement `{}`, a requirement whose scope
//!   lists are all empty (any valid token) and an operation without any security give a rule
//!   without a scope condition (the last with a warning). With [`ImportOptions::scopes_any`], the
//!   scopes of one requirement are read as alternatives (`any_of`).
//! - **Not expressible** (each a [`Warning`] with an RFC 6901 pointer into the spec): schemes of
//!   type `apiKey` (cookies included), `http`, `mutualTLS` (a requirement naming only such
//!   schemes is dropped; an operation left without requirements is not imported), unknown
//!   schemes, `callbacks`, `webhooks`, path- and operation-level `servers` (the document's
//!   base path is used). A path template that is not a whole segment (`/files/{name}.png`)
//!   skips the operations of its path; a whole-segment parameter whose name is not letters,
//!   digits and `_` (`{file-id}`), or repeats one, is renamed (`{file_id}`, `{id_2}`, a warning):
//!   parameter names only name what a decision captures. Paths a policy pattern cannot match
//!   (a literal `*`, `;`, a dot segment, a trailing `/`) are skipped with a warning.
//! - **Concrete paths first**: OpenAPI matches `/pets/mine` before `/pets/{petId}`, so the rules
//!   of a templated path list the more concrete paths of the spec in `except`. Two paths that
//!   differ only in their parameter names are the same path (OpenAPI forbids them): the later
//!   path's operations on a method the earlier one has are not imported (a warning).
//! - **Base path**: the path of `servers[0].url` (server variables replaced by their
//!   `default`), or [`ImportOptions::base_path`].
//! - **The document**: `name` from `info.title` (else `"api"`), `description` from
//!   `info.description`, and `default_scopes: []`: a client that requests no scope gets none,
//!   the safe choice for a policy nobody has reviewed yet.
//!
//! ```
//! use scopegate::tool::openapi::{diff, import, ImportOptions};
//! use scopegate::{Policy, ScopeSet};
//!
//! let spec = r#"
//! openapi: 3.0.3
//! info:
//!   title: pets
//! servers:
//!   - url: https://api.example.com/v1
//! components:
//!   securitySchemes:
//!     oauth:
//!       type: oauth2
//!       flows:
//!         clientCredentials:
//!           tokenUrl: https://auth.example.com/token
//!           scopes:
//!             pets:read: Read pets
//!             pets:write: Change pets
//! security:
//!   - oauth: [pets:read]
//! paths:
//!   /pets/{petId}:
//!     get:
//!       operationId: getPet
//!       summary: One pet
//!     delete:
//!       operationId: deletePet
//!       security:
//!         - oauth: [pets:write]
//! "#;
//! let imported = import(spec, &ImportOptions::default())?;
//! assert!(imported.warnings.is_empty());
//! let policy = Policy::from_document(imported.document)?;
//! let reader = policy.expand(&ScopeSet::parse("pets:read")?);
//! assert!(policy.allows("GET", "/v1/pets/7", &reader));
//! let refused = policy.decide("DELETE", "/v1/pets/7", &reader);
//! assert_eq!((refused.allowed, refused.missing.to_string()), (false, "pets:write".into()));
//! assert!(diff(spec, &policy, &ImportOptions::default())?.is_empty());
//! # Ok::<(), scopegate::Error>(())
//! ```

use crate::prelude::*;
use alloc::collections::{BTreeMap, BTreeSet};
use core::fmt;

use serde_yaml_ng::{Mapping, Value};

use crate::json::pointer_token;
use crate::policy::document::{
    DefaultScopes, Effect, PolicyDocument, RuleDefinition, ScopeDefinition, Subject, Transport,
    UnknownScopes, POLICY_VERSION,
};
use crate::policy::path::PathMatching;
use crate::policy::pattern::is_param_name;
use crate::{
    is_scope_token, Decision, Error, ErrorCode, Limits, PathPattern, Policy, Reason, ScopeSet,
};

/// How [`import`] and [`diff`] read a spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The path every spec path is prefixed with, instead of the path of `servers[0].url`;
    /// `Some("/")` (or `Some("")`) means none.
    pub base_path: Option<String>,
    /// Read the scopes listed in one security requirement as alternatives (`any_of`) rather than
    /// as all required: for APIs that list the scopes any of which is enough in one requirement.
    pub scopes_any: bool,
}

/// The result of [`import`]: a policy document and what could not be expressed in it.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The policy document (it compiles with [`Policy::from_document`]).
    pub document: PolicyDocument,
    /// What the document leaves out or changes: document-wide ones first, then path by path in
    /// document order.
    pub warnings: Vec<Warning>,
}

/// Something of the spec a policy cannot express, or that the import read a particular way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where, as an RFC 6901 JSON pointer into the spec (`/paths/~1pets/get/security/0/api_key`).
    pub pointer: String,
    /// What, for people.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// A place where a policy decides an operation otherwise than its spec says ([`diff`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The operation's method, upper case.
    pub method: String,
    /// The operation's path as the policy sees it (base path included, `{param}` kept).
    pub path: String,
    /// An RFC 6901 JSON pointer into the spec: the security requirement concerned, or the
    /// operation.
    pub pointer: String,
    /// What kind of disagreement.
    pub kind: DriftKind,
    /// How they disagree, for people.
    pub message: String,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} ({}): {}",
            self.kind.as_str(),
            self.method,
            self.path,
            self.pointer,
            self.message
        )
    }
}

/// The kind of a [`Drift`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DriftKind {
    /// No rule of the policy covers the operation (`no_matching_rule`).
    Undecided,
    /// The policy covers the operation but decides it otherwise than the spec says.
    Differs,
}

impl DriftKind {
    /// The stable `snake_case` name: `"undecided"` or `"differs"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::Undecided => "undecided",
            DriftKind::Differs => "differs",
        }
    }
}

/// Drafts a policy from an OpenAPI 3.0 or 3.1 document (YAML or JSON): one rule per operation,
/// as the [module documentation](self) describes, with a [`Warning`] for each part of the spec
/// it cannot express.
///
/// Errors are [`ErrorCode::InvalidOpenapi`]: text that is not YAML or JSON, not an object,
/// without an `openapi: 3.0.x` or `3.1.x` field, without a `paths` object, or with a `$ref` (to
/// a path item or a security scheme) that is not local, leads nowhere or loops;
/// [`ErrorCode::InvalidOptions`] for a [`base_path`](ImportOptions::base_path) that is not a
/// path.
pub fn import(spec_text: &str, options: &ImportOptions) -> Result<Imported, Error> {
    let spec = read(spec_text, options)?;
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut rules = Vec::new();
    for op in &spec.operations {
        let base = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{}-{}", op.method.to_ascii_lowercase(), op.spec_path));
        let rule =
            |id: String, any_of: Vec<String>, all_of: Vec<String>, note: &str| RuleDefinition {
                id,
                methods: vec![op.method.clone()],
                paths: vec![op.path.clone()],
                except: op.except.clone(),
                any_of,
                all_of,
                effect: Effect::Allow,
                description: match (op.summary.is_empty(), note.is_empty()) {
                    (_, true) => op.summary.clone(),
                    (true, false) => note.to_string(),
                    (false, false) => format!("{} ({note})", op.summary),
                },
            };
        match &op.access {
            Access::Public(why) => rules.push(rule(unique(&mut used, base), vec![], vec![], why)),
            Access::AnyToken => rules.push(rule(
                unique(&mut used, base),
                vec![],
                vec![],
                "any valid token",
            )),
            Access::Scopes(alternatives) => {
                let sets = minimal(alternatives);
                if options.scopes_any {
                    // Every scope named is enough alone.
                    let any = union(alternatives.iter().map(|a| a.scopes.as_slice()));
                    rules.push(rule(unique(&mut used, base), any, vec![], ""));
                } else if let [only] = sets.as_slice() {
                    rules.push(rule(unique(&mut used, base), vec![], only.to_vec(), ""));
                } else if sets.iter().all(|s| s.len() == 1) {
                    let any = union(sets.iter().copied());
                    rules.push(rule(unique(&mut used, base), any, vec![], ""));
                } else {
                    for (k, set) in sets.iter().enumerate() {
                        let id = unique(&mut used, format!("{base}-{}", k + 1));
                        let note = format!("alternative {} of {}", k + 1, sets.len());
                        rules.push(rule(id, vec![], set.to_vec(), &note));
                    }
                }
            }
        }
    }
    let document = PolicyDocument {
        schema: None,
        version: POLICY_VERSION,
        name: spec.name,
        description: spec.description,
        scopes: spec.scopes,
        roles: BTreeMap::new(),
        default_scopes: DefaultScopes::List(Vec::new()),
        unknown_scopes: UnknownScopes::default(),
        path_matching: PathMatching::default(),
        transport: Transport::default(),
        rules,
    };
    Ok(Imported {
        document,
        warnings: spec.warnings,
    })
}

/// Checks a policy against an OpenAPI document: every operation the import would keep is
/// decided for a sample request path (each `{param}` replaced by a sample segment such as `1`)
/// with the scopes of each of its security alternatives, which must be allowed, and with no
/// scope, which must be refused unless the spec makes the operation public or open to any
/// token. Only scopes the policy defines can be granted: an alternative naming another is a
/// [`DriftKind::Differs`]. An operation no rule covers is one [`DriftKind::Undecided`].
///
/// The drifts come in document order. Errors are those of [`import`].
pub fn diff(
    spec_text: &str,
    policy: &Policy,
    options: &ImportOptions,
) -> Result<Vec<Drift>, Error> {
    let spec = read(spec_text, options)?;
    let defined: BTreeSet<&str> = policy.scope_names().iter().map(String::as_str).collect();
    let mut drifts = Vec::new();
    for op in &spec.operations {
        let request = sample_path(op);
        let drift = |pointer: &str, kind: DriftKind, message: String| Drift {
            method: op.method.clone(),
            path: op.path.clone(),
            pointer: pointer.to_string(),
            kind,
            message,
        };
        let nothing = policy.decide(&op.method, &request, &policy.expand(&ScopeSet::new()));
        let alternatives: Vec<Vec<String>> = match &op.access {
            Access::Public(_) | Access::AnyToken => Vec::new(),
            Access::Scopes(alternatives) if options.scopes_any => {
                union(alternatives.iter().map(|a| a.scopes.as_slice()))
                    .into_iter()
                    .map(|s| vec![s])
                    .collect()
            }
            Access::Scopes(alternatives) => alternatives.iter().map(|a| a.scopes.clone()).collect(),
        };
        // Each alternative decided with exactly its scopes, or the scopes the policy lacks.
        let decided: Vec<Checked<'_>> = alternatives
            .iter()
            .map(|scopes| {
                let undefined: Vec<String> = scopes
                    .iter()
                    .filter(|s| !defined.contains(s.as_str()))
                    .cloned()
                    .collect();
                if !undefined.is_empty() {
                    return (scopes, Err(undefined));
                }
                let set = ScopeSet::from_list(scopes.iter()).unwrap_or_default();
                (
                    scopes,
                    Ok(policy.decide(&op.method, &request, &policy.expand(&set))),
                )
            })
            .collect();
        // No rule for the operation: with the spec's own scopes (none for an open operation;
        // without a scope when the policy defines none of them), nothing matches.
        let mut own = decided
            .iter()
            .filter_map(|(_, d)| d.as_ref().ok())
            .peekable();
        let undecided = if own.peek().is_some() {
            own.all(|d| d.reason == Reason::NoMatchingRule)
        } else {
            nothing.reason == Reason::NoMatchingRule
        };
        if undecided {
            let wanted = match &op.access {
                Access::Public(_) => "the spec makes it public".to_string(),
                Access::AnyToken => "the spec allows any valid token".to_string(),
                Access::Scopes(_) => format!("the spec requires {}", either(&alternatives)),
            };
            drifts.push(drift(
                &op.pointer,
                DriftKind::Undecided,
                format!(
                    "no rule of the policy covers {} {request}; {wanted}",
                    op.method
                ),
            ));
            continue;
        }
        match &op.access {
            Access::Public(_) | Access::AnyToken => {
                if !nothing.allowed {
                    let spec_says = if matches!(op.access, Access::AnyToken) {
                        "the spec allows it with any valid token, without a scope"
                    } else {
                        "the spec makes it public"
                    };
                    drifts.push(drift(
                        &op.pointer,
                        DriftKind::Differs,
                        format!(
                            "{spec_says}; without a scope the policy answers {}",
                            answer(&nothing)
                        ),
                    ));
                }
            }
            Access::Scopes(listed) => {
                if nothing.allowed {
                    drifts.push(drift(
                        &op.pointer,
                        DriftKind::Differs,
                        format!(
                            "the policy allows it without any scope ({}); the spec requires {}",
                            answer(&nothing),
                            either(&alternatives)
                        ),
                    ));
                }
                for (scopes, decision) in &decided {
                    // The requirement this alternative comes from (with `scopes_any`, the first
                    // that lists the scope).
                    let pointer = listed
                        .iter()
                        .find(|a| scopes.iter().all(|s| a.scopes.contains(s)))
                        .map_or(op.pointer.as_str(), |a| a.pointer.as_str());
                    let spec_says = format!("the spec allows it with {}", quoted(scopes));
                    let message = match decision {
                        Err(undefined) => format!(
                            "{spec_says}; the policy does not define {}",
                            quoted(undefined)
                        ),
                        Ok(decision) if !decision.allowed => {
                            format!("{spec_says}; the policy answers {}", answer(decision))
                        }
                        Ok(_) => continue,
                    };
                    drifts.push(drift(pointer, DriftKind::Differs, message));
                }
            }
        }
    }
    Ok(drifts)
}

/// An alternative's scopes, with its decision or the scopes of it the policy does not define.
type Checked<'a> = (&'a Vec<String>, Result<Decision, Vec<String>>);

// ---------------------------------------------------------------------------------------------
// Reading the spec.

/// The HTTP methods of a Path Item Object, lower case as OpenAPI writes them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The other fields of a Path Item Object.
const PATH_ITEM_FIELDS: [&str; 5] = ["$ref", "summary", "description", "servers", "parameters"];

/// The OAuth flows that carry scopes (`deviceAuthorization` is newer than 3.1, and harmless).
const FLOWS: [&str; 5] = [
    "implicit",
    "password",
    "clientCredentials",
    "authorizationCode",
    "deviceAuthorization",
];

/// How an operation may be called, as the spec says.
#[derive(Debug, Clone)]
enum Access {
    /// Without any token; the note says why (for the rule's description).
    Public(&'static str),
    /// With any valid token: a requirement whose scope lists are all empty.
    AnyToken,
    /// With the scopes of one of these alternatives (never empty, each with scopes).
    Scopes(Vec<Alternative>),
}

/// One security requirement: all of its scopes (or, with `scopes_any`, one of them).
#[derive(Debug, Clone)]
struct Alternative {
    /// The requirement object in the spec.
    pointer: String,
    /// Its scopes, each once, in the order written.
    scopes: Vec<String>,
}

/// A security scheme, as far as scopes are concerned.
#[derive(Debug, Clone)]
enum Scheme {
    /// `oauth2`, with the scopes its flows declare.
    OAuth2(BTreeSet<String>),
    /// `openIdConnect`: scopes are named by the requirements.
    OpenIdConnect,
    /// Anything a scope policy cannot express, described.
    Other(String),
}

/// One operation the import keeps.
#[derive(Debug, Clone)]
struct Operation {
    /// Upper case.
    method: String,
    /// The path as the spec writes it.
    spec_path: String,
    /// The policy pattern: base path and path, parameters renamed where needed.
    path: String,
    /// The pattern's segments: `Some(literal)` or `None` for a parameter.
    shape: Shape,
    /// The operation in the spec.
    pointer: String,
    /// The `operationId` when it can be the rule id (unique, without spaces or control characters).
    operation_id: Option<String>,
    summary: String,
    access: Access,
    /// The patterns of the spec's more concrete paths that this one's template also matches.
    except: Vec<String>,
}

/// What [`import`] and [`diff`] share: the spec read.
struct Spec {
    name: String,
    description: String,
    scopes: BTreeMap<String, ScopeDefinition>,
    /// The operations imported, in document order.
    operations: Vec<Operation>,
    warnings: Vec<Warning>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidOpenapi, message)
}

/// A mapping key as a pointer token (before escaping): strings as they are, other scalars as
/// written.
fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value, for messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("{n} (a number)"),
        Value::String(s) => format!("{s:?}"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "an object".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

fn mapping_of<'a>(value: &'a Value, key: &str) -> Option<&'a Mapping> {
    value.get(key).and_then(Value::as_mapping)
}

fn text_of(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Decodes `%XX` escapes; `None` for a malformed escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = core::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The value at an RFC 6901 pointer.
fn lookup<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut current = root;
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        current = match current {
            Value::Mapping(map) => map.get(token.as_str())?,
            Value::Sequence(items) => {
                if token.len() > 1 && token.starts_with('0') {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(current)
}

/// Follows `$ref`s from `value` (at `pointer`) to what they name, with its pointer. Only local
/// references (`#/...`) are followed; one that leads nowhere or back to itself is an error.
fn follow<'a>(
    root: &'a Value,
    value: &'a Value,
    pointer: String,
) -> Result<(&'a Value, String), Error> {
    let mut current = value;
    let mut at = pointer;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(reference) = current.as_mapping().and_then(|m| m.get("$ref")) {
        let Some(reference) = reference.as_str() else {
            return Err(invalid(format!(
                "the $ref at {at}/$ref is {}, not a string",
                describe(reference)
            )));
        };
        let Some(fragment) = reference.strip_prefix('#') else {
            return Err(invalid(format!(
                "the $ref {reference:?} at {at}/$ref is not local: only references within the document (\"#/...\") are followed"
            )));
        };
        if !seen.insert(reference.to_string()) {
            return Err(invalid(format!(
                "the $ref {reference:?} at {at}/$ref leads back to itself (a cycle of references)"
            )));
        }
        let target = percent_decode(fragment).ok_or_else(|| {
            invalid(format!(
                "the $ref {reference:?} at {at}/$ref has a malformed escape"
            ))
        })?;
        current = lookup(root, &target).ok_or_else(|| {
            invalid(format!(
                "the $ref {reference:?} at {at}/$ref leads nowhere: the document has nothing at {target:?}"
            ))
        })?;
        at = target;
    }
    Ok((current, at))
}

/// Whether an `operationId` can be a rule id as it is.
fn is_rule_id(id: &str) -> bool {
    !id.is_empty() && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A valid parameter name close to `name`.
fn param_name_for(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() {
        out.push_str("param");
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `id`, or `id-2`, `id-3` ... whichever is free; marked used.
fn unique(used: &mut BTreeSet<String>, id: String) -> String {
    let mut candidate = id.clone();
    let mut k = 2usize;
    while used.contains(&candidate) {
        candidate = format!("{id}-{k}");
        k += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// The scope sets of the alternatives, each once, without those that hold another (`a` or
/// `a b` is just `a`).
fn minimal(alternatives: &[Alternative]) -> Vec<&[String]> {
    let sets: Vec<&[String]> = alternatives.iter().map(|a| a.scopes.as_slice()).collect();
    let holds = |big: &[String], small: &[String]| small.iter().all(|s| big.contains(s));
    let mut kept: Vec<&[String]> = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        let redundant = sets.iter().enumerate().any(|(j, other)| {
            j != i
                && holds(set, other)
                && (other.len() < set.len() || (other.len() == set.len() && j < i))
        });
        if !redundant {
            kept.push(set);
        }
    }
    kept
}

/// The scopes of several lists, each once, in order.
fn union<'a>(lists: impl Iterator<Item = &'a [String]>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for scope in lists.flatten() {
        if !out.contains(scope) {
            out.push(scope.clone());
        }
    }
    out
}

/// `` `a b` ``.
fn quoted(scopes: &[String]) -> String {
    format!("`{}`", scopes.join(" "))
}

/// `` `a` or `b c` ``.
fn either(alternatives: &[Vec<String>]) -> String {
    let shown: Vec<String> = alternatives.iter().map(|a| quoted(a)).collect();
    shown.join(" or ")
}

/// A decision, for messages.
fn answer(decision: &Decision) -> String {
    let rule = decision.rule.as_deref().unwrap_or("");
    match decision.reason {
        Reason::Allowed => format!("allowed by rule `{rule}`"),
        Reason::InsufficientScope if !decision.missing.is_empty() => {
            format!("insufficient_scope, missing `{}`", decision.missing)
        }
        Reason::DeniedByRule => format!("denied_by_rule (rule `{rule}`)"),
        reason => reason.as_str().to_string(),
    }
}

/// Whether a path of shape `concrete` is more concrete than one of shape `template`: the same
/// length, the same literals where `template` has them, and a literal somewhere `template`
/// has a parameter.
fn more_concrete(concrete: &[Option<String>], template: &[Option<String>]) -> bool {
    concrete.len() == template.len()
        && concrete
            .iter()
            .zip(template)
            .all(|(c, t)| t.is_none() || c == t)
        && concrete
            .iter()
            .zip(template)
            .any(|(c, t)| c.is_some() && t.is_none())
}

/// Whether two shapes are the same path once parameter names are ignored.
fn same_shape(a: &[Option<String>], b: &[Option<String>]) -> bool {
    a == b
}

/// A request path for an operation: literals percent-encoded where a path needs it, each
/// parameter a sample segment that no more concrete path of the spec has.
fn sample_path(op: &Operation) -> String {
    let excepts: Vec<PathPattern> = op
        .except
        .iter()
        .filter_map(|p| PathPattern::parse(p).ok())
        .collect();
    let build = |sample: &str| {
        if op.shape.is_empty() {
            return "/".to_string();
        }
        let mut path = String::new();
        for segment in &op.shape {
            path.push('/');
            match segment {
                Some(literal) => encode_segment(&mut path, literal),
                None => path.push_str(sample),
            }
        }
        path
    };
    for sample in ["1", "2", "3", "sample", "sample-1", "sample-2"] {
        let path = build(sample);
        if !excepts
            .iter()
            .any(|p| matches!(p.captures(&path), Ok(Some(_))))
        {
            return path;
        }
    }
    build("1")
}

/// Appends a decoded segment, percent-encoding every byte that is not a `pchar` (RFC 3986).
fn encode_segment(out: &mut String, literal: &str) {
    for &b in literal.as_bytes() {
        let plain = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            );
        if plain {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Reads the spec: everything [`import`] and [`diff`] need.
fn read(spec_text: &str, options: &ImportOptions) -> Result<Spec, Error> {
    let mut root: Value = serde_yaml_ng::from_str(spec_text)
        .map_err(|e| invalid(format!("the document is not YAML or JSON: {e}")))?;
    root.apply_merge().map_err(|e| {
        invalid(format!(
            "the document's YAML merge keys (<<) cannot be applied: {e}"
        ))
    })?;
    let reader = Reader {
        root: &root,
        options,
        warnings: Vec::new(),
        given: BTreeSet::new(),
        schemes: BTreeMap::new(),
        scopes: BTreeMap::new(),
    };
    reader.read()
}

struct Reader<'a> {
    root: &'a Value,
    options: &'a ImportOptions,
    warnings: Vec<Warning>,
    /// The (pointer, message) of every warning given, so that each is given once.
    given: BTreeSet<(String, String)>,
    schemes: BTreeMap<String, Scheme>,
    scopes: BTreeMap<String, ScopeDefinition>,
}

/// A pattern's segments: `Some(literal)`, or `None` for a parameter.
type Shape = Vec<Option<String>>;

/// A path item's operations and what the path became.
struct PathEntry {
    spec_path: String,
    pointer: String,
    /// The pattern and its shape, or why the path cannot be expressed.
    pattern: Option<Result<(String, Shape), String>>,
    /// (method, operation, pointer) in document order.
    operations: Vec<(String, Value, String)>,
    /// Warnings about the path item, reported before those of its operations.
    pending: Vec<Warning>,
}

impl<'a> Reader<'a> {
    fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        let (pointer, message) = (pointer.into(), message.into());
        if self.given.insert((pointer.clone(), message.clone())) {
            self.warnings.push(Warning { pointer, message });
        }
    }

    fn add_scope(&mut self, name: &str, description: String) {
        let entry = self
            .scopes
            .entry(name.to_string())
            .or_insert(ScopeDefinition {
                description: String::new(),
                subject: Subject::default(),
                client_safe: true,
                implies: Vec::new(),
            });
        if entry.description.is_empty() {
            entry.description = description;
        }
    }

    fn read(mut self) -> Result<Spec, Error> {
        let root = self.root;
        let Some(top) = root.as_mapping() else {
            return Err(invalid(format!(
                "an OpenAPI document is an object; this document is {}",
                describe(root)
            )));
        };
        match top.get("openapi") {
            Some(Value::String(version)) if is_supported_version(version) => {}
            Some(found) => {
                return Err(invalid(format!(
                    "OpenAPI version {} is not supported: only 3.0.x and 3.1.x are",
                    describe(found)
                )))
            }
            None => {
                return Err(invalid(match top.get("swagger") {
                    Some(found) => format!(
                        "this is a Swagger {} document: only OpenAPI 3.0.x and 3.1.x are imported (convert it first)",
                        describe(found)
                    ),
                    None => "the document has no \"openapi\" field: it is not an OpenAPI 3.0/3.1 document".into(),
                }))
            }
        }
        let Some(paths_value) = top.get("paths") else {
            return Err(invalid("the document has no \"paths\" object"));
        };
        let Some(paths) = paths_value.as_mapping() else {
            return Err(invalid(format!(
                "\"paths\" is {}, not an object",
                describe(paths_value)
            )));
        };

        let info = root.get("info").unwrap_or(&Value::Null);
        let name = text_of(info, "title");
        let name = if name.trim().is_empty() {
            "api".to_string()
        } else {
            name
        };
        let description = text_of(info, "description");

        self.read_schemes()?;
        let base = self.base_path()?;
        let top_security = match root.get("security") {
            None => None,
            Some(list) if list.is_sequence() => Some(self.security(list, "/security".into())),
            Some(other) => {
                return Err(invalid(format!(
                    "the document's \"security\" is {}, not a list of requirements",
                    describe(other)
                )))
            }
        };
        if let Some(webhooks) = mapping_of(root, "webhooks") {
            for (key, _) in webhooks {
                if let Some(key) = key_text(key) {
                    self.warn(
                        format!("/webhooks/{}", pointer_token(&key)),
                        "webhooks are requests the API sends, not endpoints it serves: not imported",
                    );
                }
            }
        }

        // Path items, with their operations in document order. Their warnings wait in the entry
        // until its operations are read, so that warnings come in document order.
        let mut entries: Vec<PathEntry> = Vec::new();
        for (key, item) in paths {
            let mark = self.warnings.len();
            let mut entry = self.path_entry(key, item, &base)?;
            entry.pending = self.warnings.split_off(mark);
            entries.push(entry);
        }

        let mut operation_ids: BTreeMap<String, usize> = BTreeMap::new();
        for entry in &entries {
            for (_, op, _) in &entry.operations {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    *operation_ids.entry(id.to_string()).or_insert(0) += 1;
                }
            }
        }

        // The expressible paths: for `except`, and for paths that differ only in parameter names.
        let shapes: Vec<(usize, &str, &Shape)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match &e.pattern {
                Some(Ok((p, s))) => Some((i, p.as_str(), s)),
                _ => None,
            })
            .collect();
        let max_except = Limits::DEFAULT.max_patterns_per_rule.saturating_sub(1);

        let mut operations = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            // Given once already (`given` holds them).
            self.warnings.extend(entry.pending.iter().cloned());
            let (path, shape) = match &entry.pattern {
                None => continue,
                Some(Ok(found)) => found,
                Some(Err(why)) => {
                    self.warn(
                        entry.pointer.clone(),
                        format!("the path {:?} cannot be expressed as a policy pattern ({why}): its operations are not imported", entry.spec_path),
                    );
                    continue;
                }
            };
            let earlier_same: Vec<usize> = shapes
                .iter()
                .filter(|(i, _, s)| *i < index && same_shape(s, shape))
                .map(|(i, _, _)| *i)
                .collect();
            let except: Vec<String> = shapes
                .iter()
                .filter(|(_, _, s)| more_concrete(s, shape))
                .map(|(_, p, _)| p.to_string())
                .collect();
            for (method, op, at) in &entry.operations {
                let clash = earlier_same.iter().find_map(|&i| {
                    let other = entries.get(i)?;
                    other
                        .operations
                        .iter()
                        .any(|(m, _, _)| m == method)
                        .then_some(other.spec_path.as_str())
                });
                if let Some(other) = clash {
                    self.warn(
                        at.clone(),
                        format!("{:?} is the same path as {other:?} but for its parameter names (OpenAPI forbids that), and both have {method}: not imported", entry.spec_path),
                    );
                    continue;
                }
                if except.len() > max_except {
                    self.warn(
                        at.clone(),
                        format!("{} more concrete paths would have to be excepted from this one, more than a rule may list ({max_except}): not imported", except.len()),
                    );
                    continue;
                }
                let Some(access) = self.operation(op, at, &top_security) else {
                    continue;
                };
                let operation_id = match op.get("operationId").and_then(Value::as_str) {
                    Some(id) if operation_ids.get(id).is_some_and(|&n| n > 1) => {
                        self.warn(
                            format!("{at}/operationId"),
                            format!("operationId {id:?} is used by more than one operation: the rule id is generated"),
                        );
                        None
                    }
                    Some(id) if !is_rule_id(id) => {
                        self.warn(
                            format!("{at}/operationId"),
                            format!("operationId {id:?} is empty or has spaces or control characters: the rule id is generated"),
                        );
                        None
                    }
                    id => id.map(str::to_string),
                };
                operations.push(Operation {
                    method: method.clone(),
                    spec_path: entry.spec_path.clone(),
                    path: path.clone(),
                    shape: shape.clone(),
                    pointer: at.clone(),
                    operation_id,
                    summary: text_of(op, "summary"),
                    access,
                    except: except.clone(),
                });
            }
        }

        Ok(Spec {
            name,
            description,
            scopes: self.scopes,
            operations,
            warnings: self.warnings,
        })
    }

    /// A path item read: its operations and its pattern (`None` when it has no operations).
    fn path_entry(&mut self, key: &Value, item: &'a Value, base: &str) -> Result<PathEntry, Error> {
        let mut entry = PathEntry {
            spec_path: String::new(),
            pointer: "/paths".into(),
            pattern: None,
            operations: Vec::new(),
            pending: Vec::new(),
        };
        let Some(spec_path) = key_text(key) else {
            self.warn(
                "/paths",
                format!(
                    "a path key that is {}, not a string, is ignored",
                    describe(key)
                ),
            );
            return Ok(entry);
        };
        entry.pointer = format!("/paths/{}", pointer_token(&spec_path));
        entry.spec_path = spec_path;
        if entry.spec_path.starts_with("x-") {
            return Ok(entry);
        }
        if !entry.spec_path.starts_with('/') {
            self.warn(
                entry.pointer.clone(),
                "a path must start with '/': its operations are not imported",
            );
            return Ok(entry);
        }
        for (field, value, at) in self.path_item(item, &entry.pointer)? {
            if METHODS.contains(&field.as_str()) {
                entry
                    .operations
                    .push((field.to_ascii_uppercase(), value, at));
            } else if field == "servers" {
                self.warn(at, "path-level servers cannot be expressed in a policy: the document's base path is used");
            } else if METHODS.contains(&field.to_ascii_lowercase().as_str()) {
                self.warn(
                    at,
                    "not an operation: OpenAPI writes methods in lower case; ignored",
                );
            } else if !PATH_ITEM_FIELDS.contains(&field.as_str()) && !field.starts_with("x-") {
                self.warn(at, format!("{field:?} is not a Path Item field: ignored"));
            }
        }
        if !entry.operations.is_empty() {
            entry.pattern = Some(self.pattern(base, &entry.spec_path, &entry.pointer));
        }
        Ok(entry)
    }

    /// The fields of a path item in document order, `$ref` followed (the item's own fields win
    /// over the referenced item's, with a warning), each with its pointer.
    fn path_item(
        &mut self,
        item: &'a Value,
        pointer: &str,
    ) -> Result<Vec<(String, Value, String)>, Error> {
        let root = self.root;
        let Some(local) = item.as_mapping() else {
            self.warn(
                pointer,
                format!("a path item is an object, not {}: ignored", describe(item)),
            );
            return Ok(Vec::new());
        };
        let mut fields: Vec<(String, Value, String)> = Vec::new();
        if local.contains_key("$ref") {
            let (target, at) = follow(root, item, pointer.to_string())?;
            match target.as_mapping() {
                Some(map) => {
                    for (key, value) in map {
                        if let Some(key) = key_text(key) {
                            let field_at = format!("{at}/{}", pointer_token(&key));
                            fields.push((key, value.clone(), field_at));
                        }
                    }
                }
                None => self.warn(
                    pointer,
                    format!(
                        "the $ref leads to {}, not a path item: ignored",
                        describe(target)
                    ),
                ),
            }
        }
        for (key, value) in local {
            let Some(key) = key_text(key) else {
                continue;
            };
            if key == "$ref" {
                continue;
            }
            let field_at = format!("{pointer}/{}", pointer_token(&key));
            match fields.iter_mut().find(|(k, _, _)| *k == key) {
                Some(slot) => {
                    self.warn(
                        field_at.clone(),
                        format!("{key:?} is both here and in the referenced path item: this one is used"),
                    );
                    *slot = (key, value.clone(), field_at);
                }
                None => fields.push((key, value.clone(), field_at)),
            }
        }
        Ok(fields)
    }

    /// The security schemes of `components.securitySchemes`, their `$ref`s followed, and the
    /// scopes of the `oauth2` ones.
    fn read_schemes(&mut self) -> Result<(), Error> {
        let root = self.root;
        let Some(components) = root.get("components") else {
            return Ok(());
        };
        let Some(schemes) = mapping_of(components, "securitySchemes") else {
            return Ok(());
        };
        for (key, value) in schemes {
            let Some(name) = key_text(key) else {
                continue;
            };
            if name.starts_with("x-") {
                continue;
            }
            let pointer = format!("/components/securitySchemes/{}", pointer_token(&name));
            let (scheme, at) = follow(root, value, pointer)?;
            let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
            let read = match kind {
                "oauth2" => Scheme::OAuth2(self.flow_scopes(scheme, &at)),
                "openIdConnect" => Scheme::OpenIdConnect,
                "apiKey" => Scheme::Other(format!(
                    "an apiKey scheme (in {})",
                    scheme.get("in").and_then(Value::as_str).unwrap_or("?")
                )),
                "http" => Scheme::Other(format!(
                    "an http scheme ({})",
                    scheme.get("scheme").and_then(Value::as_str).unwrap_or("?")
                )),
                "mutualTLS" => Scheme::Other("a mutualTLS scheme".into()),
                other => {
                    self.warn(
                        format!("{at}/type"),
                        format!("unknown security scheme type {other:?}: requirements naming it cannot be expressed"),
                    );
                    Scheme::Other(format!("a scheme of type {other:?}"))
                }
            };
            self.schemes.insert(name, read);
        }
        Ok(())
    }

    /// The scopes an `oauth2` scheme's flows declare, added to the policy's scopes.
    fn flow_scopes(&mut self, scheme: &Value, at: &str) -> BTreeSet<String> {
        let mut declared = BTreeSet::new();
        let Some(flows) = mapping_of(scheme, "flows") else {
            self.warn(at, "an oauth2 scheme without flows declares no scope");
            return declared;
        };
        for (flow, body) in flows {
            let Some(flow) = key_text(flow) else {
                continue;
            };
            if !FLOWS.contains(&flow.as_str()) {
                if !flow.starts_with("x-") {
                    self.warn(
                        format!("{at}/flows/{}", pointer_token(&flow)),
                        format!("unknown OAuth flow {flow:?}: ignored"),
                    );
                }
                continue;
            }
            let Some(scopes) = mapping_of(body, "scopes") else {
                continue;
            };
            for (scope, description) in scopes {
                let Some(scope) = key_text(scope) else {
                    continue;
                };
                let pointer = format!("{at}/flows/{flow}/scopes/{}", pointer_token(&scope));
                if !is_scope_token(&scope) {
                    self.warn(
                        pointer,
                        format!("{scope:?} is not a valid RFC 6749 scope token: left out"),
                    );
                    continue;
                }
                let description = description.as_str().unwrap_or_default().to_string();
                self.add_scope(&scope, description);
                declared.insert(scope);
            }
        }
        declared
    }

    /// The base path: the option, else the path of `servers[0].url`; empty for none.
    fn base_path(&mut self) -> Result<String, Error> {
        if let Some(base) = &self.options.base_path {
            let trimmed = base.trim_end_matches('/');
            if trimmed.is_empty() {
                return Ok(String::new());
            }
            if !trimmed.starts_with('/') {
                return Err(Error::new(
                    ErrorCode::InvalidOptions,
                    format!("the base path {base:?} does not start with '/'"),
                ));
            }
            return match self.pattern("", trimmed, "") {
                Ok((pattern, _)) => Ok(pattern),
                Err(why) => Err(Error::new(
                    ErrorCode::InvalidOptions,
                    format!(
                        "the base path {base:?} cannot be expressed as a policy pattern: {why}"
                    ),
                )),
            };
        }
        let root = self.root;
        let Some(servers) = root.get("servers") else {
            return Ok(String::new());
        };
        let Some(server) = servers.as_sequence().and_then(|s| s.first()) else {
            return Ok(String::new());
        };
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            self.warn("/servers/0", "the first server has no url: no base path");
            return Ok(String::new());
        };
        // Server variables replaced by their defaults.
        let mut expanded = String::new();
        let mut rest = url;
        while let Some(open) = rest.find('{') {
            let (before, after) = rest.split_at(open);
            expanded.push_str(before);
            let Some(close) = after.find('}') else {
                expanded.push_str(after);
                rest = "";
                break;
            };
            let name = after.get(1..close).unwrap_or_default();
            let default = server
                .get("variables")
                .and_then(|v| v.get(name))
                .and_then(|v| v.get("default"))
                .and_then(|d| match d {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                });
            match default {
                Some(value) => expanded.push_str(&value),
                None => {
                    self.warn(
                        "/servers/0/url",
                        format!("the server variable {{{name}}} has no default: kept as a path parameter"),
                    );
                    expanded.push_str(after.get(..=close).unwrap_or_default());
                }
            }
            rest = after.get(close + 1..).unwrap_or_default();
        }
        expanded.push_str(rest);
        let url = expanded
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_string();
        let path = if let Some(after_scheme) = url.find("://").and_then(|i| url.get(i + 3..)) {
            after_scheme
                .find('/')
                .and_then(|i| after_scheme.get(i..))
                .unwrap_or("")
        } else if let Some(authority) = url.strip_prefix("//") {
            authority
                .find('/')
                .and_then(|i| authority.get(i..))
                .unwrap_or("")
        } else if url.starts_with('/') {
            url.as_str()
        } else {
            let relative = url.trim_start_matches("./");
            if relative.is_empty() || relative == "." {
                ""
            } else {
                self.warn(
                    "/servers/0/url",
                    format!("the server url {url:?} is relative to the document's location, which the import does not know: no base path (see --base-path)"),
                );
                ""
            }
        };
        let path = path.trim_end_matches('/');
        if path.is_empty() {
            return Ok(String::new());
        }
        match self.pattern("", path, "/servers/0/url") {
            Ok((pattern, _)) => Ok(pattern),
            Err(why) => {
                self.warn(
                    "/servers/0/url",
                    format!("the server's path {path:?} cannot be expressed as a policy pattern ({why}): no base path"),
                );
                Ok(String::new())
            }
        }
    }

    /// The policy pattern of `base` + `spec_path` and its shape, or why there is none. Renamed
    /// parameters are warned about at `pointer`.
    fn pattern(
        &mut self,
        base: &str,
        spec_path: &str,
        pointer: &str,
    ) -> Result<(String, Shape), String> {
        let full = format!("{base}{spec_path}");
        let Some(rest) = full.strip_prefix('/') else {
            return Err("it does not start with '/'".into());
        };
        let rest = if base.is_empty() || spec_path != "/" {
            rest
        } else {
            // `/v1` + `/` is `/v1`.
            rest.trim_end_matches('/')
        };
        if rest.is_empty() {
            return Ok(("/".into(), Vec::new()));
        }
        let mut out = String::new();
        let mut shape = Vec::new();
        let mut names: BTreeSet<String> = BTreeSet::new();
        for segment in rest.split('/') {
            if segment.contains(['{', '}']) {
                let inner = segment
                    .strip_prefix('{')
                    .and_then(|s| s.strip_suffix('}'))
                    .filter(|s| !s.contains(['{', '}']));
                let Some(inner) = inner else {
                    return Err(format!(
                        "the segment {segment:?} is not a whole-segment template {{name}}: a policy's parameters are whole segments"
                    ));
                };
                let mut name = inner.to_string();
                if !is_param_name(inner) {
                    name = param_name_for(inner);
                    self.warn(
                        pointer,
                        format!("the parameter name {inner:?} is not letters, digits and '_': it is {{{name}}} in the policy"),
                    );
                }
                if names.contains(&name) {
                    let first = name.clone();
                    let mut k = 2usize;
                    while names.contains(&name) {
                        name = format!("{first}_{k}");
                        k += 1;
                    }
                    self.warn(
                        pointer,
                        format!("the parameter {{{first}}} appears twice: the second is {{{name}}} in the policy"),
                    );
                }
                names.insert(name.clone());
                out.push_str("/{");
                out.push_str(&name);
                out.push('}');
                shape.push(None);
            } else {
                let Some(literal) = percent_decode(segment).filter(|l| !l.contains('/')) else {
                    return Err(format!(
                        "the segment {segment:?} has a malformed percent-escape, or one that encodes '/'"
                    ));
                };
                if literal == "*" || literal == "**" {
                    return Err(format!(
                        "the segment {segment:?} would be a wildcard in a policy pattern"
                    ));
                }
                if literal.contains(';') {
                    return Err(format!(
                        "the segment {segment:?} holds ';', which the policy's path rule refuses in request paths"
                    ));
                }
                out.push('/');
                out.push_str(&literal);
                shape.push(Some(literal));
            }
        }
        let parsed = PathPattern::parse(&out).map_err(|e| e.message().to_string())?;
        let max = Limits::DEFAULT.max_segments_per_pattern;
        if parsed.segment_count() > max {
            return Err(format!("more than {max} segments"));
        }
        Ok((out, shape))
    }

    /// How an operation may be called, or `None` (with a warning) when it is not imported.
    fn operation(
        &mut self,
        op: &Value,
        at: &str,
        top_security: &Option<Result<Access, String>>,
    ) -> Option<Access> {
        if !op.is_mapping() {
            self.warn(
                at,
                format!(
                    "an operation is an object, not {}: not imported",
                    describe(op)
                ),
            );
            return None;
        }
        if let Some(callbacks) = mapping_of(op, "callbacks") {
            for (key, _) in callbacks {
                if let Some(key) = key_text(key) {
                    self.warn(
                        format!("{at}/callbacks/{}", pointer_token(&key)),
                        "callbacks are requests the API sends, not endpoints it serves: not imported",
                    );
                }
            }
        }
        if op.get("servers").is_some() {
            self.warn(
                format!("{at}/servers"),
                "operation-level servers cannot be expressed in a policy: the document's base path is used",
            );
        }
        let access = match op.get("security") {
            Some(list) => self.security(list, format!("{at}/security")),
            None => match top_security {
                Some(access) => access.clone(),
                None => {
                    self.warn(at, "no security requirement: imported as public");
                    Ok(Access::Public("public: no security requirement"))
                }
            },
        };
        match access {
            Ok(access) => Some(access),
            Err(why) => {
                self.warn(at, format!("not imported: {why}"));
                None
            }
        }
    }

    /// A `security` list read: what it allows, or why it cannot be expressed.
    fn security(&mut self, list: &Value, pointer: String) -> Result<Access, String> {
        let Some(requirements) = list.as_sequence() else {
            return Err(format!(
                "its security is {}, not a list of requirements",
                describe(list)
            ));
        };
        if requirements.is_empty() {
            return Ok(Access::Public("public"));
        }
        let mut open: Option<Access> = None;
        let mut alternatives: Vec<Alternative> = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            let Some(schemes) = requirement.as_mapping() else {
                self.warn(
                    at,
                    format!(
                        "a security requirement is an object, not {}: dropped",
                        describe(requirement)
                    ),
                );
                continue;
            };
            if schemes.is_empty() {
                open = Some(Access::Public("public: security is optional"));
                continue;
            }
            let mut scopes: Vec<String> = Vec::new();
            let mut expressible = false;
            let mut broken = false;
            for (scheme_key, listed) in schemes {
                let Some(scheme_name) = key_text(scheme_key) else {
                    continue;
                };
                let scheme_at = format!("{at}/{}", pointer_token(&scheme_name));
                let scheme = self.schemes.get(&scheme_name).cloned();
                let declared = match scheme {
                    None => {
                        self.warn(
                            scheme_at,
                            format!("unknown security scheme {scheme_name:?}: it is not in components.securitySchemes"),
                        );
                        continue;
                    }
                    Some(Scheme::Other(what)) => {
                        self.warn(
                            scheme_at,
                            format!("{scheme_name:?} is {what}, which a scope policy cannot express: the API must check it itself"),
                        );
                        continue;
                    }
                    Some(Scheme::OAuth2(declared)) => Some(declared),
                    Some(Scheme::OpenIdConnect) => None,
                };
                expressible = true;
                let Some(names) = listed.as_sequence() else {
                    self.warn(scheme_at, format!("the scopes of a requirement are a list, not {}: the requirement is dropped", describe(listed)));
                    broken = true;
                    continue;
                };
                for (j, scope) in names.iter().enumerate() {
                    let scope_at = format!("{scheme_at}/{j}");
                    let Some(scope) = scope.as_str().filter(|s| is_scope_token(s)) else {
                        self.warn(scope_at, format!("{} is not a valid RFC 6749 scope token: the requirement is dropped", describe(scope)));
                        broken = true;
                        continue;
                    };
                    match &declared {
                        Some(declared) if !declared.contains(scope) => {
                            self.warn(
                                scope_at,
                                format!("the scope {scope:?} is not declared by the flows of {scheme_name:?}: added to the policy's scopes"),
                            );
                            self.add_scope(scope, String::new());
                        }
                        Some(_) => {}
                        None => self.add_scope(scope, String::new()),
                    }
                    if !scopes.iter().any(|s| s == scope) {
                        scopes.push(scope.to_string());
                    }
                }
            }
            if broken {
                continue;
            }
            if !expressible {
                self.warn(
                    at,
                    "this requirement names no scheme a scope policy can express: dropped from the alternatives",
                );
                continue;
            }
            if scopes.is_empty() {
                if open.is_none() {
                    open = Some(Access::AnyToken);
                }
            } else {
                alternatives.push(Alternative {
                    pointer: at,
                    scopes,
                });
            }
        }
        if let Some(open) = open {
            return Ok(open);
        }
        if alternatives.is_empty() {
            return Err("none of its security requirements can be expressed as scopes".into());
        }
        Ok(Access::Scopes(alternatives))
    }
}

/// `3.0.x` or `3.1.x` (a patch number, maybe with a pre-release suffix).
fn is_supported_version(version: &str) -> bool {
    let Some(patch) = version
        .strip_prefix("3.0.")
        .or_else(|| version.strip_prefix("3.1."))
    else {
        return false;
    };
    let digits = patch.split('-').next().unwrap_or_default();
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}
