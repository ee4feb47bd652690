//! Compiled policy bundles: a [`Policy`] written as compact bytes once (by the backend, a build
//! step or `scopegate compile`) and loaded anywhere without the JSON reader, the validator or the
//! compiler.
//!
//! # Format (version 1)
//!
//! | bytes | content |
//! |---|---|
//! | 4 | the magic `SGPB` |
//! | 2 | the format version, little-endian ([`BUNDLE_FORMAT_VERSION`]) |
//! | 4 | the payload's length `n`, little-endian |
//! | `n` | the payload, in [postcard](https://docs.rs/postcard): the version of scopegate that wrote it, the SHA-256 of the policy's source, and the compiled policy (scopes, roles, rules, methods, the route trie) |
//! | 0 or 65 | unsigned: nothing; signed: `0x01` then the Ed25519 signature of every byte before it |
//!
//! Reading checks every length, count and index before anything is built, and the trie's shape
//! (children after their parent, one parent each), so hostile bytes give
//! [`ErrorCode::InvalidBundle`], never a panic, and no bundle makes a decision walk more than
//! its own nodes.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use once_cell::race::OnceBox;
use serde::{Deserialize, Serialize};

use super::bits::Bits;
use super::compile::method_problem;
use super::document::{
    DefaultScopes, Effect, PolicyDocument, RuleDefinition, ScopeDefinition, Subject, Transport,
    UnknownScopes, POLICY_VERSION,
};
use super::implies::Implies;
use super::limits::Limits;
use super::path::PathMatching;
use super::pattern::{Hit, LiteralKey, Node, ParamNames, PathPattern, Trie};
use super::{CompiledParts, CompiledRule, Methods, Policy, Source};
use crate::error::{Error, ErrorCode};
use crate::scope::is_scope_token;

/// The bundle format version this release reads and writes.
pub const BUNDLE_FORMAT_VERSION: u16 = 1;

const MAGIC: &[u8; 4] = b"SGPB";
/// Magic, format version and payload length.
const HEADER_LEN: usize = 10;
/// The signature section's tag for Ed25519.
const ED25519_TAG: u8 = 1;
/// An Ed25519 signature's length.
pub(crate) const SIGNATURE_LEN: usize = 64;

/// How [`Policy::to_bundle_with`] writes a bundle.
///
/// ```
/// use scopegate::{BundleOptions, Policy};
/// let policy = Policy::from_json(include_str!("../../examples/policies/partner.json"))?;
/// let full = policy.to_bundle();
/// let small = policy.to_bundle_with(&BundleOptions { strip_descriptions: true, ..Default::default() })?;
/// assert!(small.len() < full.len());
/// let loaded = Policy::from_bundle(&small)?;
/// assert_eq!(loaded.scope("files").map(|s| s.description.as_str()), Some(""));
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    /// Leave out the descriptions of the policy, its scopes and its rules (they never change a
    /// decision).
    pub strip_descriptions: bool,
    /// Sign the bundle with this Ed25519 private key, as PKCS#8 PEM (what `openssl genpkey
    /// -algorithm ed25519` writes). Natively this needs the `aws-lc` feature; in JavaScript the
    /// platform's WebCrypto signs.
    pub signing_key_pem: Option<String>,
}

/// What a bundle's header says, read without loading its policy.
///
/// ```
/// use scopegate::{BundleInfo, Policy};
/// let policy = Policy::from_json(include_str!("../../examples/policies/banking.json"))?;
/// let info = BundleInfo::read(&policy.to_bundle())?;
/// assert_eq!(info.format_version, scopegate::BUNDLE_FORMAT_VERSION);
/// assert_eq!(info.source_sha256, *policy.source_sha256());
/// assert!(info.signature.is_none());
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleInfo {
    /// The format version ([`BUNDLE_FORMAT_VERSION`] for every bundle that reads).
    pub format_version: u16,
    /// The version of scopegate that wrote the bundle.
    pub engine_version: String,
    /// The SHA-256 of the policy's source: the JSON text it was read from (or, for a policy
    /// built from a [`PolicyDocument`], the document's compact JSON).
    pub source_sha256: [u8; 32],
    /// How many bytes the signature covers (every byte before the signature section).
    pub signed_len: usize,
    /// The Ed25519 signature, when the bundle is signed.
    pub signature: Option<[u8; SIGNATURE_LEN]>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidBundle, message)
}

impl BundleInfo {
    /// `bytes` in lower-case hexadecimal.
    pub(crate) fn hex(bytes: &[u8]) -> String {
        use core::fmt::Write as _;
        let mut out = String::with_capacity(bytes.len() * 2);
        for byte in bytes {
            let _ = write!(out, "{byte:02x}");
        }
        out
    }

    /// Reads a bundle's header and signature section, checking the magic, the format version and
    /// the lengths ([`ErrorCode::InvalidBundle`] otherwise).
    pub fn read(bytes: &[u8]) -> Result<BundleInfo, Error> {
        let Parts {
            payload,
            signed_len,
            signature,
        } = split(bytes)?;
        let (head, _) = postcard::take_from_bytes::<PayloadHead>(payload)
            .map_err(|e| invalid(format!("the bundle's payload cannot be read: {e}")))?;
        Ok(BundleInfo {
            format_version: BUNDLE_FORMAT_VERSION,
            engine_version: head.engine,
            source_sha256: sha256_of(head.source_sha256)?,
            signed_len,
            signature,
        })
    }

    /// The source's SHA-256 in lower-case hexadecimal.
    pub fn source_sha256_hex(&self) -> String {
        Self::hex(&self.source_sha256)
    }
}

/// A bundle cut into its parts.
struct Parts<'b> {
    payload: &'b [u8],
    signed_len: usize,
    signature: Option<[u8; SIGNATURE_LEN]>,
}

/// The payload, signature section and signed length of `bytes`, after checking the header.
fn split(bytes: &[u8]) -> Result<Parts<'_>, Error> {
    let (Some(magic), Some(version), Some(length)) =
        (bytes.get(..4), bytes.get(4..6), bytes.get(6..HEADER_LEN))
    else {
        return Err(invalid(format!(
            "{} bytes are too short for a policy bundle",
            bytes.len()
        )));
    };
    if magic != MAGIC {
        return Err(invalid(
            "not a scopegate policy bundle (it does not start with \"SGPB\")",
        ));
    }
    let version = u16::from_le_bytes(version.try_into().unwrap_or_default());
    if version != BUNDLE_FORMAT_VERSION {
        return Err(invalid(format!(
            "the bundle has format version {version}; this release of scopegate reads version {BUNDLE_FORMAT_VERSION} (compile the policy again with this release)"
        )));
    }
    let length = u32::from_le_bytes(length.try_into().unwrap_or_default()) as usize;
    let signed_len = HEADER_LEN
        .checked_add(length)
        .filter(|&end| end <= bytes.len())
        .ok_or_else(|| {
            invalid(format!(
                "the bundle says its payload has {length} bytes, but only {} follow",
                bytes.len().saturating_sub(HEADER_LEN)
            ))
        })?;
    let payload = bytes.get(HEADER_LEN..signed_len).unwrap_or_default();
    let signature = match bytes.get(signed_len..).unwrap_or_default() {
        [] => None,
        [ED25519_TAG, signature @ ..] => {
            Some(<[u8; SIGNATURE_LEN]>::try_from(signature).map_err(|_| {
                invalid(format!(
                    "the signature section has {} bytes; an Ed25519 signature has {SIGNATURE_LEN}",
                    signature.len()
                ))
            })?)
        }
        [tag, ..] => {
            return Err(invalid(format!(
                "unknown signature section (tag {tag}) after the payload"
            )))
        }
    };
    Ok(Parts {
        payload,
        signed_len,
        signature,
    })
}

/// Appends an Ed25519 signature section to an unsigned bundle (whose every byte it signs).
pub(crate) fn append_signature(unsigned: &[u8], signature: &[u8]) -> Result<Vec<u8>, Error> {
    let info = BundleInfo::read(unsigned)?;
    if info.signature.is_some() {
        return Err(invalid("the bundle is signed already"));
    }
    if signature.len() != SIGNATURE_LEN {
        return Err(Error::new(
            ErrorCode::InvalidBundleSignature,
            format!(
                "an Ed25519 signature has {SIGNATURE_LEN} bytes, not {}",
                signature.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(unsigned.len() + 1 + SIGNATURE_LEN);
    out.extend_from_slice(unsigned);
    out.push(ED25519_TAG);
    out.extend_from_slice(signature);
    Ok(out)
}

/// The payload's first fields, read alone by [`BundleInfo::read`].
#[derive(Deserialize)]
struct PayloadHead {
    engine: String,
    source_sha256: Vec<u8>,
}

/// (The hash is a byte vector, not an array: serde reads arrays element by element, with more
/// code in every module.)
#[derive(Serialize, Deserialize)]
struct Payload<'a> {
    engine: String,
    source_sha256: Vec<u8>,
    #[serde(borrow)]
    body: Body<'a>,
}

/// A hash read from a payload: exactly 32 bytes.
fn sha256_of(bytes: Vec<u8>) -> Result<[u8; 32], Error> {
    <[u8; 32]>::try_from(bytes).map_err(|b| {
        invalid(format!(
            "the source hash has {} bytes; a SHA-256 has 32",
            b.len()
        ))
    })
}

/// The compiled policy as the bundle stores it: names once, references as indexes.
#[derive(Serialize, Deserialize)]
struct Body<'a> {
    name: String,
    description: String,
    /// Sorted by name (a scope's id is its index).
    scopes: Vec<WireScope>,
    /// Sorted by name.
    roles: Vec<WireRole>,
    /// `None` for `"all"`.
    default_scopes: Option<Vec<String>>,
    unknown_scopes: UnknownScopes,
    path_matching: WireMatching,
    /// Scope ids.
    query: Vec<u32>,
    /// The method names the rules use, sorted.
    methods: Vec<String>,
    #[serde(borrow)]
    rules: Vec<WireRule<'a>>,
    trie: Vec<WireNode>,
}

#[derive(Serialize, Deserialize)]
struct WireScope {
    name: String,
    description: String,
    subject: Subject,
    client_safe: bool,
    implies: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct WireRole {
    name: String,
    members: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct WireMatching {
    case_insensitive: bool,
    allow_semicolons: bool,
    ignore_trailing_slash: bool,
}

#[derive(Serialize, Deserialize)]
struct WireRule<'a> {
    /// Borrowed from the bundle's bytes: loading makes it the rule's shared id directly.
    id: &'a str,
    description: String,
    effect: Effect,
    /// Method ids, sorted; `None` for `"*"`.
    methods: Option<Vec<u32>>,
    /// `all_of` scope ids, sorted.
    all: Vec<u32>,
    /// `any_of` scope ids, in the order written.
    any: Vec<u32>,
    paths: Vec<String>,
    except: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct WireNode {
    literals: Vec<(String, u32)>,
    one: Option<u32>,
    /// (rule, except) pairs.
    rest: Vec<(u32, bool)>,
    end: Vec<(u32, bool)>,
}

impl Policy {
    /// The policy as a compiled bundle, unsigned, descriptions kept: load it with
    /// [`from_bundle`](Self::from_bundle) here, or with `Policy.fromBundle` in JavaScript (both
    /// builds).
    ///
    /// ```
    /// use scopegate::{Policy, ScopeSet};
    /// let policy = Policy::from_json(include_str!("../../examples/policies/banking.json"))?;
    /// let loaded = Policy::from_bundle(&policy.to_bundle())?;
    /// let grant = loaded.expand(&ScopeSet::parse("read_only")?);
    /// assert_eq!(loaded.decide("GET", "/cards/123", &grant).rule.as_deref(), Some("read-own"));
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn to_bundle(&self) -> Vec<u8> {
        self.write_bundle(false)
    }

    /// The policy as a bundle written as `options` say (signed, descriptions stripped). Fails
    /// only when the signing key cannot be used ([`ErrorCode::InvalidKey`]).
    pub fn to_bundle_with(&self, options: &BundleOptions) -> Result<Vec<u8>, Error> {
        let unsigned = self.write_bundle(options.strip_descriptions);
        match &options.signing_key_pem {
            None => Ok(unsigned),
            Some(pem) => {
                let signature = sign_ed25519(pem, &unsigned)?;
                append_signature(&unsigned, &signature)
            }
        }
    }

    fn write_bundle(&self, strip: bool) -> Vec<u8> {
        let text = |s: &String| if strip { String::new() } else { s.clone() };
        let doc = self.document();
        let ids = |list: &[u32]| list.to_vec();
        let body = Body {
            name: doc.name.clone(),
            description: text(&doc.description),
            scopes: self
                .scopes
                .iter()
                .zip(doc.scopes.values())
                .enumerate()
                .map(|(id, (name, definition))| WireScope {
                    name: name.clone(),
                    description: text(&definition.description),
                    subject: definition.subject,
                    client_safe: definition.client_safe,
                    implies: ids(self.implies.edges(id)),
                })
                .collect(),
            roles: self
                .roles
                .iter()
                .map(|(name, members)| WireRole {
                    name: name.clone(),
                    members: ids(members),
                })
                .collect(),
            default_scopes: match &doc.default_scopes {
                DefaultScopes::All => None,
                DefaultScopes::List(list) => Some(list.clone()),
            },
            unknown_scopes: doc.unknown_scopes,
            path_matching: WireMatching {
                case_insensitive: self.matching.case_insensitive,
                allow_semicolons: self.matching.allow_semicolons,
                ignore_trailing_slash: self.matching.ignore_trailing_slash,
            },
            query: self.query_ok.ones().map(|id| id as u32).collect(),
            methods: self.methods.clone(),
            rules: self
                .rules
                .iter()
                .zip(&doc.rules)
                .map(|(rule, definition)| WireRule {
                    id: &rule.id,
                    description: text(&definition.description),
                    effect: rule.effect,
                    methods: match &rule.methods {
                        Methods::Any => None,
                        Methods::Named(list) => Some(ids(list)),
                    },
                    all: ids(&rule.all),
                    any: ids(&rule.any),
                    paths: rule.paths.iter().map(|p| p.as_str().into()).collect(),
                    except: definition.except.clone(),
                })
                .collect(),
            trie: self
                .trie
                .nodes
                .iter()
                .map(|node| WireNode {
                    literals: node
                        .literals
                        .iter()
                        .map(|(key, child)| (key.text.to_string(), *child))
                        .collect(),
                    one: node.one,
                    rest: node.rest.iter().map(|h| (h.rule, h.except)).collect(),
                    end: node.end.iter().map(|h| (h.rule, h.except)).collect(),
                })
                .collect(),
        };
        let payload = Payload {
            engine: env!("CARGO_PKG_VERSION").into(),
            source_sha256: self.source_sha256.to_vec(),
            body,
        };
        // Serializing plain structs into a vector cannot fail.
        let payload = postcard::to_allocvec(&payload).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&BUNDLE_FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(
            &u32::try_from(payload.len())
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        );
        out.extend_from_slice(&payload);
        out
    }

    /// Loads a policy from a bundle, within the default [`Limits`]. A signed bundle loads
    /// without its signature being checked; use [`from_signed_bundle`](Self::from_signed_bundle)
    /// to require one.
    ///
    /// ```
    /// use scopegate::{ErrorCode, Policy};
    /// let err = Policy::from_bundle(b"SGPB\x02\x00\x00\x00\x00\x00").unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::InvalidBundle);
    /// assert!(err.message().contains("format version 2"));
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn from_bundle(bytes: &[u8]) -> Result<Policy, Error> {
        Self::from_bundle_with_limits(bytes, &Limits::DEFAULT)
    }

    /// [`from_bundle`](Self::from_bundle) within other [`Limits`] (`max_document_bytes` bounds
    /// the bundle's size).
    pub fn from_bundle_with_limits(bytes: &[u8], limits: &Limits) -> Result<Policy, Error> {
        if bytes.len() > limits.max_document_bytes {
            return Err(invalid(format!(
                "the bundle has {} bytes, more than the limit of {} (Limits::max_document_bytes)",
                bytes.len(),
                limits.max_document_bytes
            )));
        }
        let payload = split(bytes)?.payload;
        let (payload, rest) = postcard::take_from_bytes::<Payload>(payload)
            .map_err(|e| invalid(format!("the bundle's payload cannot be read: {e}")))?;
        if !rest.is_empty() {
            return Err(invalid(format!(
                "{} unread bytes at the end of the bundle's payload",
                rest.len()
            )));
        }
        build(payload, limits)
    }

    /// Loads a signed bundle, refusing it with [`ErrorCode::InvalidBundleSignature`] unless it is
    /// signed and its Ed25519 signature verifies with `key` (an Ed25519 public key: PEM or JWK,
    /// through [`KeySet`](crate::KeySet)). Natively this needs a signature backend (`aws-lc`, the
    /// default, or `rust-crypto`); in JavaScript, `Policy.fromBundle(bytes, { verifyKey })` has the
    /// platform's WebCrypto verify.
    #[cfg(feature = "verify")]
    pub fn from_signed_bundle(bytes: &[u8], key: &crate::KeySet) -> Result<Policy, Error> {
        let info = BundleInfo::read(bytes)?;
        let Some(signature) = info.signature else {
            return Err(Error::new(
                ErrorCode::InvalidBundleSignature,
                "the bundle is not signed, and a verification key was given",
            ));
        };
        let signed = bytes.get(..info.signed_len).unwrap_or_default();
        key.verify_signature(crate::Algorithm::EdDSA, None, signed, &signature)
            .map_err(|e| {
                let why = if e.code() == ErrorCode::InvalidSignature {
                    "the bundle's signature does not verify with the key (tampered, or signed by another key)".to_string()
                } else {
                    format!("the bundle's signature cannot be checked: {}", e.message())
                };
                Error::new(ErrorCode::InvalidBundleSignature, why)
            })?;
        Self::from_bundle(bytes)
    }

    /// The SHA-256 of the policy's source: the JSON text it was read from, the compact JSON of
    /// the document it was built from, or what its bundle says.
    pub fn source_sha256(&self) -> &[u8; 32] {
        &self.source_sha256
    }
}

/// Why a signing key cannot be used; one message for every backend, so the native and the WASI
/// command line print the same.
#[cfg(any(feature = "aws-lc", feature = "bundle-signing"))]
fn not_a_signing_key() -> Error {
    Error::new(
        ErrorCode::InvalidKey,
        "the signing key is not an Ed25519 private key in a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----, as `openssl genpkey -algorithm ed25519` writes it)",
    )
}

/// Signs `message` with an Ed25519 PKCS#8 PEM private key.
#[cfg(feature = "aws-lc")]
fn sign_ed25519(pem: &str, message: &[u8]) -> Result<[u8; SIGNATURE_LEN], Error> {
    use aws_lc_rs::signature::Ed25519KeyPair;
    let der = crate::verify::keys::pem_body(pem, "PRIVATE KEY").map_err(|_| not_a_signing_key())?;
    let pair = Ed25519KeyPair::from_pkcs8(&der).map_err(|_| not_a_signing_key())?;
    <[u8; SIGNATURE_LEN]>::try_from(pair.sign(message).as_ref())
        .map_err(|_| Error::new(ErrorCode::InvalidKey, "unexpected signature length"))
}

/// Signs `message` with an Ed25519 PKCS#8 PEM private key, in pure Rust (feature
/// `bundle-signing`, for the WASI command line).
#[cfg(all(feature = "bundle-signing", not(feature = "aws-lc")))]
fn sign_ed25519(pem: &str, message: &[u8]) -> Result<[u8; SIGNATURE_LEN], Error> {
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    use ed25519_dalek::Signer;
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem).map_err(|_| not_a_signing_key())?;
    Ok(key.sign(message).to_bytes())
}

#[cfg(not(any(feature = "aws-lc", feature = "bundle-signing")))]
fn sign_ed25519(_: &str, _: &[u8]) -> Result<[u8; SIGNATURE_LEN], Error> {
    Err(Error::new(
        ErrorCode::InvalidKey,
        "this build cannot sign bundles: natively, enable the `aws-lc` feature (the default); in JavaScript, toBundle({ signingKey }) signs with WebCrypto",
    ))
}

/// Checks that `count` is within `limit`.
fn within(what: &str, count: usize, limit: usize, field: &str) -> Result<(), Error> {
    if count > limit {
        return Err(invalid(format!(
            "{what}: {count}, more than the limit of {limit} (Limits::{field})"
        )));
    }
    Ok(())
}

/// Checks that every id of `ids` is below `bound`.
fn ids_below(ids: &[u32], bound: usize, what: &str) -> Result<(), Error> {
    match ids.iter().find(|&&id| id as usize >= bound) {
        Some(id) => Err(invalid(format!(
            "{what} refers to index {id}, but there are only {bound}"
        ))),
        None => Ok(()),
    }
}

/// Whether `list` is strictly ascending (sorted, no repeats).
fn strictly_ascending<T: Ord>(list: &[T]) -> bool {
    list.windows(2).all(|pair| matches!(pair, [a, b] if a < b))
}

/// Checks a payload and builds its policy and document.
fn build(payload: Payload<'_>, limits: &Limits) -> Result<Policy, Error> {
    let source_sha256 = sha256_of(payload.source_sha256)?;
    let body = payload.body;
    let width = body.scopes.len();
    within("scopes", width, limits.max_scopes, "max_scopes")?;
    within("roles", body.roles.len(), limits.max_roles, "max_roles")?;
    within("rules", body.rules.len(), limits.max_rules, "max_rules")?;
    let edges: usize = body.scopes.iter().map(|s| s.implies.len()).sum();
    within("`implies` edges", edges, limits.max_implies, "max_implies")?;
    if body.name.trim().is_empty() {
        return Err(invalid("the policy name is empty"));
    }

    // Scopes: sorted, valid names (a scope's id is its index).
    if !strictly_ascending(&body.scopes.iter().map(|s| &s.name).collect::<Vec<_>>()) {
        return Err(invalid("the scopes are not sorted by name without repeats"));
    }
    if let Some(bad) = body.scopes.iter().find(|s| !is_scope_token(&s.name)) {
        return Err(invalid(format!(
            "scope name {:?} is not a valid RFC 6749 scope token",
            bad.name
        )));
    }
    let mut names = Vec::with_capacity(width);
    let mut scope_texts = Vec::with_capacity(width);
    let mut end_user = Bits::with_len(width);
    let mut client_unsafe = Bits::with_len(width);
    let mut edge_lists = Vec::with_capacity(width);
    for (id, scope) in body.scopes.into_iter().enumerate() {
        ids_below(&scope.implies, width, "an `implies` list")?;
        if scope.subject == Subject::EndUser {
            end_user.set(id);
        }
        if !scope.client_safe {
            client_unsafe.set(id);
        }
        edge_lists.push(scope.implies);
        names.push(scope.name);
        scope_texts.push((scope.description, scope.subject));
    }
    let implies = Implies::new(edge_lists);
    if let Some(cycle) = implies.cycles().first() {
        let name = names.get(cycle.origin).map_or("", String::as_str);
        return Err(invalid(format!(
            "the `implies` relation has a cycle through {name:?}"
        )));
    }

    // Roles.
    if !strictly_ascending(&body.roles.iter().map(|r| &r.name).collect::<Vec<_>>()) {
        return Err(invalid("the roles are not sorted by name without repeats"));
    }
    let mut roles = Vec::with_capacity(body.roles.len());
    for role in body.roles {
        ids_below(&role.members, width, "a role")?;
        if !is_scope_token(&role.name) || names.binary_search(&role.name).is_ok() {
            return Err(invalid(format!(
                "role name {:?} is not a scope token, or is a scope's name",
                role.name
            )));
        }
        roles.push((role.name, role.members.into_boxed_slice()));
    }
    let is_role = |name: &String| {
        roles
            .binary_search_by(|(role, _)| role.as_str().cmp(name))
            .is_ok()
    };
    let default_scopes = match body.default_scopes {
        None => DefaultScopes::All,
        Some(list) => {
            if let Some(bad) = list
                .iter()
                .find(|n| names.binary_search(n).is_err() && !is_role(n))
            {
                return Err(invalid(format!(
                    "default_scopes names {bad:?}, which is neither a scope nor a role"
                )));
            }
            DefaultScopes::List(list)
        }
    };
    ids_below(&body.query, width, "transport.query")?;
    let mut query_ok = Bits::with_len(width);
    for &id in &body.query {
        query_ok.set(id as usize);
    }

    // Methods and rules.
    if !strictly_ascending(&body.methods)
        || body.methods.iter().any(|m| method_problem(m).is_some())
    {
        return Err(invalid(
            "the method names are not sorted upper-case HTTP method tokens",
        ));
    }
    let matching = PathMatching {
        case_insensitive: body.path_matching.case_insensitive,
        allow_semicolons: body.path_matching.allow_semicolons,
        ignore_trailing_slash: body.path_matching.ignore_trailing_slash,
    };
    let mut rules = Vec::with_capacity(body.rules.len());
    let mut rule_texts = Vec::with_capacity(body.rules.len());
    let mut segments = 0usize;
    let mut param_names = ParamNames::default();
    let context = RuleContext {
        scopes: width,
        methods: body.methods.len(),
        limits,
    };
    for rule in body.rules {
        let (compiled, texts) = compile_rule(rule, &context, &mut segments, &mut param_names)?;
        rules.push(compiled);
        rule_texts.push(texts);
    }

    let trie = build_trie(body.trie, rules.len(), segments, matching.case_insensitive)?;
    let source = Source::Bundle(Box::new(BundleDocument {
        name: body.name,
        description: body.description,
        default_scopes,
        unknown_scopes: body.unknown_scopes,
        scope_texts,
        rule_texts,
        built: OnceBox::new(),
    }));
    Ok(Policy::assemble(CompiledParts {
        source,
        source_sha256,
        scopes: names,
        implies,
        end_user,
        client_unsafe,
        query_ok,
        roles,
        rules,
        trie,
        methods: body.methods,
        matching,
    }))
}

/// What checking a bundle's rules needs from the rest of it.
struct RuleContext<'l> {
    /// The number of scopes (ids are below it).
    scopes: usize,
    /// The number of method names (ids are below it).
    methods: usize,
    /// The limits the bundle is loaded within.
    limits: &'l Limits,
}

/// Checks and compiles one rule of a bundle; also answers its description and `except` patterns.
/// Its own function, not inlined: V8 re-compiles a WebAssembly function with its optimizing
/// compiler once it has run long enough, and the whole load as one function (9 KB in the lite
/// module) took 10-12 ms of that compiler in each cold start, beside the load itself on a 2-core
/// machine (benches/RESULTS.md, 2026-12-03).
#[inline(never)]
fn compile_rule(
    rule: WireRule<'_>,
    context: &RuleContext<'_>,
    segments: &mut usize,
    param_names: &mut ParamNames,
) -> Result<(CompiledRule, (String, Vec<String>)), Error> {
    let patterns = rule.paths.len().saturating_add(rule.except.len());
    within(
        "path patterns in a rule",
        patterns,
        context.limits.max_patterns_per_rule,
        "max_patterns_per_rule",
    )?;
    if rule.id.trim().is_empty() || rule.paths.is_empty() {
        return Err(invalid("a rule has an empty id or no path pattern"));
    }
    ids_below(&rule.all, context.scopes, "a rule's all_of")?;
    ids_below(&rule.any, context.scopes, "a rule's any_of")?;
    if !strictly_ascending(&rule.all) {
        return Err(invalid(format!(
            "rule {:?}: all_of is not sorted without repeats",
            rule.id
        )));
    }
    let methods = match rule.methods {
        None => Methods::Any,
        Some(ids) => {
            ids_below(&ids, context.methods, "a rule's methods")?;
            if ids.is_empty() || !strictly_ascending(&ids) {
                return Err(invalid(format!(
                    "rule {:?}: its methods are empty or not sorted without repeats",
                    rule.id
                )));
            }
            Methods::Named(ids.into_boxed_slice())
        }
    };
    // The `paths` are kept (parsed from the bundle's own strings, not copied); the `except`
    // patterns are only checked: the trie and the rule texts hold them.
    let mut checked = |parsed: Result<PathPattern, Error>| {
        let pattern =
            parsed.map_err(|e| invalid(format!("rule {:?}: {}", rule.id, e.message())))?;
        within(
            "path pattern segments",
            pattern.segment_count(),
            context.limits.max_segments_per_pattern,
            "max_segments_per_pattern",
        )?;
        *segments = segments.saturating_add(pattern.segment_count());
        Ok::<_, Error>(pattern)
    };
    let mut paths = Vec::with_capacity(rule.paths.len());
    for source in rule.paths {
        paths.push(checked(PathPattern::parse_with(
            source.into_boxed_str(),
            param_names,
        ))?);
    }
    for source in &rule.except {
        checked(PathPattern::parse_with(source.as_str().into(), param_names))?;
    }
    let compiled = CompiledRule {
        id: rule.id.into(),
        effect: rule.effect,
        all: rule.all.into_boxed_slice(),
        any: rule.any.into_boxed_slice(),
        methods,
        paths,
    };
    Ok((compiled, (rule.description, rule.except)))
}

/// What a policy loaded from a bundle holds besides its compiled form, and its document, built
/// from both on first request: a decision, a grant or a session never needs it, so loading does
/// not pay for it (native: a 200-rule bundle loads about a fifth faster, benches/RESULTS.md).
#[derive(Debug, Clone)]
pub(super) struct BundleDocument {
    pub(super) name: String,
    description: String,
    pub(super) default_scopes: DefaultScopes,
    pub(super) unknown_scopes: UnknownScopes,
    /// Each scope's description and subject, by scope id.
    scope_texts: Vec<(String, Subject)>,
    /// Each rule's description and `except` patterns, in rule order.
    rule_texts: Vec<(String, Vec<String>)>,
    built: OnceBox<PolicyDocument>,
}

impl BundleDocument {
    /// The document of `policy` (whose source this is), built on the first call.
    pub(super) fn document(&self, policy: &Policy) -> &PolicyDocument {
        self.built.get_or_init(|| Box::new(self.rebuild(policy)))
    }

    /// The document of the policy, its lists as the compiled policy holds them (methods and
    /// `all_of` sorted, repeats removed, `["*"]` for any method), without `$schema`.
    fn rebuild(&self, policy: &Policy) -> PolicyDocument {
        let names = &policy.scopes;
        // Maps filled by `insert` (`collect` would link a second, bulk-building B-tree path).
        let mut scopes = BTreeMap::new();
        for (id, (name, (description, subject))) in names.iter().zip(&self.scope_texts).enumerate()
        {
            let definition = ScopeDefinition {
                description: description.clone(),
                subject: *subject,
                client_safe: !policy.client_unsafe.get(id),
                implies: name_list(names, policy.implies.edges(id)),
            };
            scopes.insert(name.clone(), definition);
        }
        let mut roles = BTreeMap::new();
        for (name, members) in &policy.roles {
            roles.insert(name.clone(), name_list(names, members));
        }
        let rules = policy
            .rules
            .iter()
            .zip(&self.rule_texts)
            .map(|(rule, (description, except))| RuleDefinition {
                id: rule.id.to_string(),
                methods: match &rule.methods {
                    Methods::Any => vec!["*".to_string()],
                    Methods::Named(ids) => name_list(&policy.methods, ids),
                },
                paths: rule.paths.iter().map(|p| p.as_str().to_string()).collect(),
                except: except.clone(),
                any_of: name_list(names, &rule.any),
                all_of: name_list(names, &rule.all),
                effect: rule.effect,
                description: description.clone(),
            })
            .collect();
        PolicyDocument {
            schema: None,
            version: POLICY_VERSION,
            name: self.name.clone(),
            description: self.description.clone(),
            scopes,
            roles,
            default_scopes: self.default_scopes.clone(),
            unknown_scopes: self.unknown_scopes,
            path_matching: policy.matching,
            transport: Transport {
                query: policy
                    .query_ok
                    .ones()
                    .filter_map(|id| names.get(id).cloned())
                    .collect(),
            },
            rules,
        }
    }
}

/// The names of `ids` (checked to be in range before).
fn name_list(names: &[String], ids: &[u32]) -> Vec<String> {
    ids.iter()
        .filter_map(|&id| names.get(id as usize).cloned())
        .collect()
}

/// Checks and builds the route trie: children after their parent and within the nodes, one
/// parent per node, at most one node per pattern segment (and the root), literals sorted (lower
/// case when the policy folds case), hits naming existing rules.
fn build_trie(
    wire: Vec<WireNode>,
    rule_count: usize,
    segments: usize,
    fold_case: bool,
) -> Result<Trie, Error> {
    if wire.is_empty() || wire.len() > segments.saturating_add(1) {
        return Err(invalid(format!(
            "the route trie has {} nodes for {segments} pattern segments",
            wire.len()
        )));
    }
    let count = wire.len();
    let mut has_parent = vec![false; count];
    let mut nodes = Vec::with_capacity(count);
    for (index, node) in wire.into_iter().enumerate() {
        nodes.push(trie_node(
            index,
            node,
            rule_count,
            fold_case,
            &mut has_parent,
        )?);
    }
    if has_parent.iter().skip(1).any(|seen| !seen) {
        return Err(invalid("a trie node other than the root has no parent"));
    }
    Ok(Trie { nodes })
}

/// Checks and builds node `index` of the route trie, marking its children in `has_parent`. Its
/// own function, not inlined, for the reason given at [`compile_rule`].
#[inline(never)]
fn trie_node(
    index: usize,
    node: WireNode,
    rule_count: usize,
    fold_case: bool,
    has_parent: &mut [bool],
) -> Result<Node, Error> {
    let literals: Vec<(LiteralKey, u32)> = node
        .literals
        .into_iter()
        .map(|(text, child)| (LiteralKey::new(text.into()), child))
        .collect();
    if fold_case
        && literals
            .iter()
            .any(|(key, _)| key.text.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return Err(invalid(
            "a case-insensitive trie holds an upper-case literal",
        ));
    }
    if !literals
        .windows(2)
        .all(|pair| matches!(pair, [(a, _), (b, _)] if a < b))
    {
        return Err(invalid("a trie node's literals are not sorted"));
    }
    for child in literals.iter().map(|(_, c)| *c).chain(node.one) {
        let slot = has_parent
            .get_mut(child as usize)
            .filter(|_| child as usize > index);
        match slot {
            Some(seen) if !*seen => *seen = true,
            _ => {
                return Err(invalid(format!(
                    "trie node {index} has child {child}, which is out of order, out of range or shared"
                )))
            }
        }
    }
    let hits = |list: Vec<(u32, bool)>| -> Result<Vec<Hit>, Error> {
        list.into_iter()
            .map(|(rule, except)| {
                if (rule as usize) < rule_count {
                    Ok(Hit { rule, except })
                } else {
                    Err(invalid(format!(
                        "a trie node names rule {rule}, but there are {rule_count}"
                    )))
                }
            })
            .collect()
    };
    Ok(Node {
        literals,
        one: node.one,
        rest: hits(node.rest)?,
        end: hits(node.end)?,
    })
}
