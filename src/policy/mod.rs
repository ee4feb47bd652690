//! Policies: the document a policy file holds, its compiled form, and the answers it gives.
//!
//! One concept per module: [`document`] (the file's types) and [`reader`] (reading them from
//! JSON), [`limits`] (how large a policy may be), [`compile`] (validation and compilation),
//! [`implies`] (the scope graph), [`grant`] (what a token holds), [`decide`] and [`missing`]
//! (endpoint decisions and the scopes a refused caller lacks), [`queries`] (reverse questions
//! for UIs), [`path`] and [`pattern`] (request paths and the route trie), [`bits`] (bitsets).

use crate::prelude::*;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};

pub(crate) mod bits;
pub(crate) mod bundle;
mod compile;
pub(crate) mod decide;
pub(crate) mod decision;
pub(crate) mod document;
pub(crate) mod explain;
pub(crate) mod grant;
mod implies;
pub(crate) mod limits;
mod missing;
pub(crate) mod path;
pub(crate) mod pattern;
mod queries;
mod reader;

use bits::Bits;
use document::{
    DefaultScopes, Effect, PolicyDocument, RuleDefinition, ScopeDefinition, UnknownScopes,
};
use implies::Implies;
use limits::Limits;
use path::PathMatching;
use pattern::{PathPattern, Trie};

use crate::error::Error;

/// A validated, compiled policy: load it once, then decide requests.
///
/// ```
/// use scopegate::{Policy, ScopeSet};
/// let policy = Policy::from_json(include_str!("../../examples/policies/banking.json"))?;
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
    source: Source,
    /// Scope names in sorted order (a scope's bit is its index here).
    scopes: Vec<String>,
    /// What each scope implies (expanded on demand, never stored per scope).
    implies: Implies,
    end_user: Bits,
    client_unsafe: Bits,
    query_ok: Bits,
    /// Roles and their direct member scopes, sorted by name like the document's `roles`.
    roles: Vec<(String, Box<[u32]>)>,
    rules: Vec<CompiledRule>,
    trie: Trie,
    /// The method names the rules use (not `"*"`), sorted: a method's id is its index here.
    methods: Vec<String>,
    head_named: bool,
    /// How request paths are read and matched.
    matching: PathMatching,
    /// The SHA-256 of the source (see [`Policy::source_sha256`]).
    source_sha256: [u8; 32],
}

/// Where a policy's document comes from.
#[derive(Debug, Clone)]
enum Source {
    /// The document the policy was compiled from.
    Document(PolicyDocument),
    /// A bundle: what the compiled policy does not hold (names, descriptions, `except` texts,
    /// the grant rules), the document built from them and the policy on first request, so that
    /// loading a bundle does not pay for it.
    Bundle(Box<bundle::BundleDocument>),
}

/// A compiled policy's own parts, from a document ([`compile`]) or a bundle ([`bundle`]);
/// [`Policy::assemble`] derives the rest.
struct CompiledParts {
    source: Source,
    source_sha256: [u8; 32],
    scopes: Vec<String>,
    implies: Implies,
    end_user: Bits,
    client_unsafe: Bits,
    query_ok: Bits,
    roles: Vec<(String, Box<[u32]>)>,
    rules: Vec<CompiledRule>,
    trie: Trie,
    methods: Vec<String>,
    matching: PathMatching,
}

/// Every policy's id is new, so a grant knows the policy it was computed for.
static NEXT_POLICY_ID: AtomicU64 = AtomicU64::new(1);

impl Policy {
    /// The policy of `parts`, with a new id and what follows from the parts.
    fn assemble(parts: CompiledParts) -> Policy {
        let head_named = parts
            .methods
            .binary_search_by(|m| m.as_str().cmp("HEAD"))
            .is_ok();
        Policy {
            id: NEXT_POLICY_ID.fetch_add(1, Ordering::Relaxed),
            source: parts.source,
            source_sha256: parts.source_sha256,
            scopes: parts.scopes,
            implies: parts.implies,
            end_user: parts.end_user,
            client_unsafe: parts.client_unsafe,
            query_ok: parts.query_ok,
            roles: parts.roles,
            rules: parts.rules,
            trie: parts.trie,
            methods: parts.methods,
            head_named,
            matching: parts.matching,
        }
    }
}

/// One rule, compiled: its scope conditions as short lists of scope ids (not bitsets as wide as
/// the policy, so memory is linear in rules and scopes).
#[derive(Debug, Clone)]
struct CompiledRule {
    id: Arc<str>,
    effect: Effect,
    /// `all_of`, sorted, without repeats.
    all: Box<[u32]>,
    /// `any_of` in the order written (the order `missing` tries them), without repeats.
    any: Box<[u32]>,
    methods: Methods,
    paths: Vec<PathPattern>,
}

/// The methods a rule names.
#[derive(Debug, Clone)]
enum Methods {
    /// `"*"`.
    Any,
    /// Method ids (indexes in [`Policy::methods`]), sorted.
    Named(Box<[u32]>),
}

impl CompiledRule {
    /// Whether a grant holding `mask` satisfies the rule's scope condition.
    fn satisfied_by(&self, mask: &Bits) -> bool {
        self.satisfied_when(|s| mask.get(s))
    }

    /// Whether a grant holding the scopes for which `holds` is true satisfies the rule.
    fn satisfied_when(&self, holds: impl Fn(usize) -> bool) -> bool {
        self.all.iter().all(|&s| holds(s as usize))
            && (self.any.is_empty() || self.any.iter().any(|&s| holds(s as usize)))
    }

    /// Every scope the rule names, `all_of` then `any_of`.
    fn named(&self) -> impl Iterator<Item = usize> + '_ {
        self.all.iter().chain(self.any.iter()).map(|&s| s as usize)
    }

    fn names_method(&self, method: Option<u32>) -> bool {
        match &self.methods {
            Methods::Any => true,
            Methods::Named(ids) => method.is_some_and(|m| ids.binary_search(&m).is_ok()),
        }
    }
}

impl Policy {
    /// Loads, validates and compiles a policy from JSON, within the default [`Limits`]. Every
    /// problem found is reported at once in an [`ErrorCode::InvalidPolicy`] error, each with a
    /// JSON pointer and a code.
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
    ///
    /// [`ErrorCode::InvalidPolicy`]: crate::ErrorCode::InvalidPolicy
    pub fn from_json(json: &str) -> Result<Self, Error> {
        Self::from_json_with_limits(json, &Limits::DEFAULT)
    }

    /// [`from_json`](Self::from_json) within other [`Limits`].
    pub fn from_json_with_limits(json: &str, limits: &Limits) -> Result<Self, Error> {
        compile::check_document_size(json, limits)?;
        let document = PolicyDocument::from_json(json)?;
        compile::compile(document, limits, sha256(json.as_bytes()))
    }

    /// Validates and compiles a document, within the default [`Limits`].
    pub fn from_document(document: PolicyDocument) -> Result<Self, Error> {
        Self::from_document_with_limits(document, &Limits::DEFAULT)
    }

    /// [`from_document`](Self::from_document) within other [`Limits`].
    pub fn from_document_with_limits(
        document: PolicyDocument,
        limits: &Limits,
    ) -> Result<Self, Error> {
        let source = serde_json::to_vec(&document).unwrap_or_default();
        compile::compile(document, limits, sha256(&source))
    }

    /// The document this policy was compiled from. A policy loaded from a bundle builds an
    /// equivalent document on the first call (loading does not pay for it) and keeps it: its
    /// lists as the compiled policy holds them (methods and `all_of` sorted, repeats removed,
    /// `["*"]` for any method), without `$schema` (and without descriptions when the bundle was
    /// written without them).
    pub fn document(&self) -> &PolicyDocument {
        match &self.source {
            Source::Document(document) => document,
            Source::Bundle(bundled) => bundled.document(self),
        }
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        match &self.source {
            Source::Document(document) => &document.name,
            Source::Bundle(bundled) => &bundled.name,
        }
    }

    /// What a client gets when it requests no scope.
    pub(crate) fn default_scopes(&self) -> &DefaultScopes {
        match &self.source {
            Source::Document(document) => &document.default_scopes,
            Source::Bundle(bundled) => &bundled.default_scopes,
        }
    }

    /// What happens to requested scopes the policy does not define.
    pub(crate) fn unknown_scopes(&self) -> UnknownScopes {
        match &self.source {
            Source::Document(document) => document.unknown_scopes,
            Source::Bundle(bundled) => bundled.unknown_scopes,
        }
    }

    /// The definition of a scope.
    pub fn scope(&self, name: &str) -> Option<&ScopeDefinition> {
        self.document().scopes.get(name)
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&RuleDefinition> {
        self.document().rules.iter().find(|r| r.id == id)
    }

    /// How this policy reads and matches request paths.
    pub fn path_matching(&self) -> &PathMatching {
        &self.matching
    }

    fn width(&self) -> usize {
        self.scopes.len()
    }

    /// A scope's id (its index in the sorted names).
    fn scope_id(&self, name: &str) -> Option<usize> {
        scope_id(&self.scopes, name)
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

/// A scope's id: its index in the sorted list of scope names.
fn scope_id(sorted_names: &[String], name: &str) -> Option<usize> {
    sorted_names.binary_search_by(|n| n.as_str().cmp(name)).ok()
}
