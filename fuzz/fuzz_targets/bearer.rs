//! Bearer token extraction (RFC 6750) from any `Authorization` header and query: a token, none,
//! or `invalid_request`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The header, then the query after the first newline.
    let (header, query) = text.split_once('\n').unwrap_or((text, ""));
    for (h, q) in [(Some(header), Some(query)), (Some(header), None), (None, Some(query))] {
        if let Ok(Some(found)) = scopegate::bearer_token(h, q) {
            assert!(!found.token().is_empty());
        }
    }
});
