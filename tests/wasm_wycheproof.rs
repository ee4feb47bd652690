//! The Wycheproof signature vectors in WebAssembly (wasm-bindgen-test, run by scripts/test-wasm):
//! the same runner as `tests/wycheproof.rs`, on the full build's verification code.
#![cfg(target_arch = "wasm32")]

mod wycheproof_vectors;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn wycheproof_signature_vectors_hold_in_webassembly() {
    let outcome = wycheproof_vectors::run(true);
    println!(
        "{} vectors as expected, {} key groups refused at load",
        outcome.passed, outcome.refused_keys
    );
    assert!(
        outcome.failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        outcome.failures.len(),
        outcome.passed + outcome.failures.len(),
        outcome.failures.join("\n")
    );
    assert!(outcome.passed > 3000, "only {} vectors ran", outcome.passed);
}
