//! Snapshot tests of the `scopegate` command line: each `tests/cli/*.toml` names a command, and
//! its `.stdout`/`.stderr` files hold the exact output (`TRYCMD=overwrite cargo test --features
//! cli --test cli` rewrites them after a deliberate change). The npm package's `npx scopegate`
//! (the same program compiled to WebAssembly) is held to the same files by
//! `tests/js/cli.test.mjs`.

#[test]
fn command_line_output() {
    trycmd::TestCases::new().case("tests/cli/*.toml");
}
