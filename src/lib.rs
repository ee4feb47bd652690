//! scopegate is an embedded OAuth2 scope policy engine: one policy file says which scopes an API
//! defines, how they are granted, and which endpoints each scope opens; the same compiled rules
//! answer in a Rust backend, in an edge worker and in the browser (through WebAssembly).
//!
//! # A tour
//!
//! ## Scopes
//!
//! Scope strings are parsed and validated per RFC 6749 §3.3. A [`ScopeSet`] is unordered and
//! duplicate-free, with set operations and a canonical string form.
//!
//! ```
//! use scopegate::ScopeSet;
//! let scopes = ScopeSet::parse("read_write read_only read_write")?;
//! assert_eq!(scopes.to_string(), "read_only read_write");
//! assert!(ScopeSet::parse("read only\t").is_err());
//! # Ok::<(), scopegate::Error>(())
//! ```
//!
//! ## Policies
//!
//! A policy document (JSON, version 1, described by `policy.schema.json`) is validated and
//! compiled once into a [`Policy`]: a route trie over every rule's path patterns plus scope
//! bitsets, so a decision walks the path once. Every problem in a bad document is reported at
//! once, each with a JSON pointer (see [`Policy::from_json`]).
//!
//! ```
//! use scopegate::Policy;
//! let policy = Policy::from_json(include_str!("../examples/policies/partner.json"))?;
//! assert_eq!(policy.name(), "partner");
//! # Ok::<(), scopegate::Error>(())
//! ```
//!
//! ## Grants
//!
//! [`Policy::grant`] computes what a token request obtains: *requested ∩ allowed*, with roles and
//! `implies` expanded first and the policy's default rule when nothing is requested. The partner
//! API grants `base` by default; `base` implies `files`.
//!
//! ```
//! use scopegate::{Policy, ScopeSet};
//! let partner = Policy::from_json(include_str!("../examples/policies/partner.json"))?;
//! let client = ScopeSet::parse("base upload_files")?;
//! let grant = partner.grant(None, &client)?;
//! assert!(grant.defaulted());
//! assert_eq!(grant.granted().to_string(), "base files");
//! let files_only = partner.grant(Some(&ScopeSet::parse("files")?), &client)?;
//! assert_eq!(files_only.granted().to_string(), "files");
//! # Ok::<(), scopegate::Error>(())
//! ```
//!
//! ## Decisions
//!
//! [`Policy::decide`] answers `method + path + grant` with the reason, the deciding rule, the
//! missing scopes, the data range (`own` or `all`), the captured path parameters and the RFC 6750
//! challenge for a refusal. [`Policy::allows`] is the same answer as a plain `bool`.
//!
//! ```
//! use scopegate::{DataRange, Policy, Reason, ScopeSet};
//! let banking = Policy::from_json(include_str!("../examples/policies/banking.json"))?;
//! let end_user = banking.expand(&ScopeSet::parse("read_only")?);
//!
//! let wallets = banking.decide("GET", "/wallets", &end_user);
//! assert_eq!(wallets.data, Some(DataRange::Own));
//!
//! let kyc = banking.decide("GET", "/legal/kyc/42", &end_user);
//! assert_eq!(kyc.reason, Reason::InsufficientScope);
//! assert_eq!(kyc.missing.to_string(), "read_all");
//! assert_eq!(
//!     kyc.challenge.as_deref(),
//!     Some(r#"Bearer error="insufficient_scope", scope="read_all""#)
//! );
//!
//! // Paths are normalized before matching, and ambiguous ones are refused.
//! assert!(!banking.allows("GET", "/wallets/../legal/kyc/42", &end_user));
//! assert_eq!(banking.decide("GET", "/legal%2Fkyc", &end_user).reason, Reason::InvalidPath);
//! # Ok::<(), scopegate::Error>(())
//! ```
//!
//! ## Where tokens may travel
//!
//! Scopes marked `client_safe: false` must never reach a browser, and only tokens whose scopes
//! are all listed in `transport.query` may travel in a URL (`?access_token=`).
//!
//! ```
//! use scopegate::{Policy, ScopeSet};
//! let partner = Policy::from_json(include_str!("../examples/policies/partner.json"))?;
//! let files = partner.expand(&ScopeSet::parse("files")?);
//! let base = partner.expand(&ScopeSet::parse("base")?);
//! assert!(partner.query_transport_allowed(&files));
//! assert!(!partner.query_transport_allowed(&base));
//! assert_eq!(partner.client_unsafe_scopes(&base).to_string(), "base");
//! # Ok::<(), scopegate::Error>(())
//! ```
//!
//! ## Errors
//!
//! Every fallible call returns [`Error`], with a stable [`ErrorCode`] to branch on and a message
//! for people. Library code never panics on any input.
//!
//! # How it works
//!
//! Compiling a policy assigns each scope a bit and inserts every `paths` and `except` pattern of
//! every rule into one trie keyed by path segment (literal children, one child for `{param}` and
//! `*`, and `**` entries that match the rest). A decision normalizes the path (zero allocations
//! when it needs no decoding), walks the trie once collecting the rules whose patterns match and
//! those whose `except` patterns match, keeps the rules naming the method, then checks each
//! candidate's `all_of`/`any_of` masks against the grant's mask in document order.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented
    )
)]
#![warn(missing_docs)]
// The npm lite module is built without `std` (the `wasm-runtime` feature on wasm32), so that no
// panic-message formatting is linked; every other build links `std` (see `Cargo.toml`).
#![no_std]

extern crate alloc;
#[cfg(not(all(target_arch = "wasm32", feature = "wasm-runtime")))]
extern crate std;

/// The names of the standard prelude that live in `alloc`, for modules of a `no_std` crate.
mod prelude {
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

mod error;
mod http;
mod json;
mod order;
mod policy;
mod scope;
mod session;
mod token;
#[cfg(feature = "tooling")]
pub mod tool;
#[cfg(feature = "verify")]
mod verify;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod wasm;

pub use error::{Error, ErrorCode};
pub use http::answer::{AnswerOptions, Refusal, RefusalBody};
#[cfg(feature = "verify")]
pub use http::authorize::{Authorization, RequestParts};
pub use http::bearer::{bearer_token, BearerToken, TokenSource};
pub use http::mount::path_under_base;
#[cfg(feature = "tower")]
pub use http::tower::{Authorize, AuthorizeFuture, AuthorizeLayer};
pub use policy::bundle::{BundleInfo, BundleOptions, BUNDLE_FORMAT_VERSION};
pub use policy::decision::{DataRange, Decision, Reason};
pub use policy::document::{
    DefaultScopes, Effect, PolicyDocument, RuleDefinition, ScopeDefinition, Subject, Transport,
    UnknownScopes, POLICY_VERSION,
};
pub use policy::explain::{Explanation, RuleTrace};
pub use policy::grant::Grant;
pub use policy::limits::Limits;
pub use policy::path::{
    normalize_path, normalize_path_with, NormalizedPath, PathMatching, Segments,
};
pub use policy::pattern::PathPattern;
pub use policy::Policy;
pub use scope::{is_scope_token, ScopeIter, ScopeSet, MAX_SCOPE_STRING_LEN};
pub use session::{Session, SessionOptions};
pub use token::response::{OAuthError, TokenResponse};
pub use token::{
    decode_unverified, decode_unverified_with, DecodeOptions, Token, DEFAULT_MAX_TOKEN_SIZE,
};
#[cfg(feature = "verify")]
pub use verify::cache::{TokenCache, DEFAULT_TOKEN_CACHE_SIZE};
#[cfg(feature = "verify")]
pub use verify::{system_now, Algorithm, KeySet, VerifiedJws, Verifier, VerifyOptions};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
