//! scopegate: an embedded OAuth2 scope policy engine.

mod error;
mod scope;

pub use error::{Error, ErrorCode};
pub use scope::{is_scope_token, ScopeIter, ScopeSet};
