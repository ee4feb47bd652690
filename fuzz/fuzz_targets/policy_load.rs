//! Policy loading: any bytes are refused with an error or compile into a policy that then
//! answers decisions, grants and reverse queries without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopegate::Policy;

#[path = "exercise.rs"]
mod exercise;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = Policy::from_json(text) {
        exercise::exercise(&policy);
    }
});
