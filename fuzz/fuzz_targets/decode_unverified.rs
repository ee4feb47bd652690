//! Unverified decoding of any text: a token or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(token) = scopegate::decode_unverified(text) {
            let _ = (token.scopes().to_string(), token.expires_at(), token.audience().len());
        }
    }
});
