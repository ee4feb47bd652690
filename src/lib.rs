//! scopegate: an embedded OAuth2 scope policy engine.

mod bits;
mod decision;
mod document;
mod error;
mod grant;
mod path;
mod pattern;
mod policy;
mod scope;

pub use decision::{DataRange, Decision, Reason};
pub use document::{
    DefaultScopes, Effect, PolicyDocument, RuleDefinition, ScopeDefinition, Subject, Transport,
    UnknownScopes, POLICY_VERSION,
};
pub use error::{Error, ErrorCode};
pub use grant::Grant;
pub use path::{normalize_path, NormalizedPath};
pub use pattern::PathPattern;
pub use policy::Policy;
pub use scope::{is_scope_token, ScopeIter, ScopeSet};
