//! What a wasm32 module built without `std` needs from its crate (the `wasm-runtime` feature,
//! used for the npm lite module): a panic handler and a global allocator.
//!
//! The panic handler traps without formatting its message, so none of the formatting code that
//! `std`'s handler links is in the module. Library code does not panic on any input; a trap here
//! would be a bug, reported to JavaScript as a `RuntimeError: unreachable`.

#[cfg(feature = "std")]
compile_error!("the `wasm-runtime` feature is for builds without `std` (`--no-default-features`)");

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

// SAFETY: `new_global` needs a single-threaded wasm32 module, which `wasm.rs` asserts for builds
// without `std` (no `atomics` target feature).
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
