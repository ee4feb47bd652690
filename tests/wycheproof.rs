//! The Wycheproof signature vectors natively (see `tests/wycheproof_vectors/`).
#![cfg(not(target_arch = "wasm32"))]

mod wycheproof_vectors;

#[test]
fn wycheproof_signature_vectors_hold() {
    let outcome = wycheproof_vectors::run();
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
