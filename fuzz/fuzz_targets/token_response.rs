//! OAuth2 token responses (RFC 6749 §5.1/§5.2) from any text: parsed or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopegate::{ScopeSet, TokenResponse};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(response) = TokenResponse::from_json(text) {
            let requested = ScopeSet::parse("read write").ok();
            let _ = (response.scopes(requested.as_ref()), response.expires_in());
        }
    }
});
