//! scopegate: an embedded OAuth2 scope policy engine.

mod bearer;
mod error;
mod scope;
mod token;
mod token_response;
mod verify;

pub use bearer::{bearer_token, BearerToken, TokenSource};
pub use error::{Error, ErrorCode};
pub use scope::{is_scope_token, ScopeIter, ScopeSet};
pub use token::{
    decode_unverified, decode_unverified_with, DecodeOptions, Token, DEFAULT_MAX_TOKEN_SIZE,
};
pub use token_response::{OAuthError, TokenResponse};
pub use verify::{system_now, Algorithm, KeySet, VerifiedJws, Verifier, VerifyOptions};
