//! Bundle loading: any bytes are refused with `invalid_bundle` or load into a policy that then
//! answers decisions, grants and reverse queries without panicking or stalling, and writes itself
//! back byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopegate::{ErrorCode, Policy};

#[path = "exercise.rs"]
mod exercise;

fuzz_target!(|data: &[u8]| {
    let policy = match Policy::from_bundle(data) {
        Ok(policy) => policy,
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidBundle, "{e}");
            return;
        }
    };
    let again = Policy::from_bundle(&policy.to_bundle()).expect("a loaded bundle reloads");
    assert_eq!(again.to_bundle(), policy.to_bundle());
    exercise::exercise(&policy);
});
