//! Criterion benchmarks of the core: compiling policies (and loading their bundles), grants and
//! decisions.
//!
//! Run: `cargo bench --bench decide`. The 200-rule policy is `benches/policies/rules-200.json`
//! (from `scripts/gen-bench-policies.py`).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use scopegate::{normalize_path, Policy, ScopeSet};

const RULES_200: &str = include_str!("policies/rules-200.json");
const RULES_50: &str = include_str!("policies/rules-50.json");
const BANKING: &str = include_str!("../examples/policies/banking.json");

fn compile(c: &mut Criterion) {
    c.bench_function("compile/rules-50", |b| {
        b.iter(|| Policy::from_json(black_box(RULES_50)))
    });
    c.bench_function("compile/rules-200", |b| {
        b.iter(|| Policy::from_json(black_box(RULES_200)))
    });
    // The same policy from its compiled bundle: no JSON reader, validation or compilation.
    let bundle = Policy::from_json(RULES_200)
        .map(|p| p.to_bundle())
        .unwrap_or_default();
    c.bench_function("bundle-load/rules-200", |b| {
        b.iter(|| Policy::from_bundle(black_box(&bundle)))
    });
}

fn decisions(c: &mut Criterion) {
    let policy = Policy::from_json(RULES_200).expect("policy");
    let grant = policy.expand(&ScopeSet::parse("read_3 write_7").expect("scopes"));
    // An allowed request deep in the policy (family 43 of 50), with a captured id.
    let allowed = ("GET", "/v1/family43/12345");
    let insufficient = ("DELETE", "/v1/family43/12345");
    let unmatched = ("GET", "/v2/unknown/path");
    c.bench_function("decide/rules-200/allowed", |b| {
        b.iter(|| policy.decide(black_box(allowed.0), black_box(allowed.1), &grant))
    });
    c.bench_function("decide/rules-200/insufficient_scope", |b| {
        b.iter(|| policy.decide(black_box(insufficient.0), black_box(insufficient.1), &grant))
    });
    c.bench_function("decide/rules-200/no_matching_rule", |b| {
        b.iter(|| policy.decide(black_box(unmatched.0), black_box(unmatched.1), &grant))
    });
    c.bench_function("allows/rules-200/allowed", |b| {
        b.iter(|| policy.allows(black_box(allowed.0), black_box(allowed.1), &grant))
    });
    c.bench_function("allows/rules-200/refused", |b| {
        b.iter(|| policy.allows(black_box(insufficient.0), black_box(insufficient.1), &grant))
    });

    let banking = Policy::from_json(BANKING).expect("banking");
    let user = banking.expand(&ScopeSet::parse("read_only read_write").expect("scopes"));
    c.bench_function("decide/banking/allowed", |b| {
        b.iter(|| banking.decide(black_box("GET"), black_box("/cards/123"), &user))
    });
    c.bench_function("allows/banking/allowed", |b| {
        b.iter(|| banking.allows(black_box("GET"), black_box("/cards/123"), &user))
    });
}

fn scopes_and_paths(c: &mut Criterion) {
    let banking = Policy::from_json(BANKING).expect("banking");
    let user = ScopeSet::parse("read_only read_write keys support_agent").expect("scopes");
    let requested = ScopeSet::parse("read_only admin").expect("scopes");
    c.bench_function("scopes/parse", |b| {
        b.iter(|| ScopeSet::parse(black_box("read_only read_write keys legal")))
    });
    c.bench_function("grant/banking", |b| {
        b.iter(|| banking.grant(Some(black_box(&requested)), black_box(&user)))
    });
    c.bench_function("path/normalize", |b| {
        b.iter(|| normalize_path(black_box("/v1/./family43/%31234/../12345?x=1")))
    });
}

/// The banking decision table (tests/tables/banking.decisions.json), every case once per
/// iteration: the same work as `benches/js/child/table.mjs` does through the npm package, so the
/// two figures show what crossing into WebAssembly costs.
fn decision_table(c: &mut Criterion) {
    let banking = Policy::from_json(BANKING).expect("banking");
    let table: serde_json::Value =
        serde_json::from_str(include_str!("../tests/tables/banking.decisions.json"))
            .expect("table");
    let cases: Vec<(String, String, scopegate::Grant)> = table["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            let scopes = ScopeSet::parse(case["scopes"].as_str().expect("scopes")).expect("scopes");
            (
                case["method"].as_str().expect("method").to_string(),
                case["path"].as_str().expect("path").to_string(),
                banking.expand(&scopes),
            )
        })
        .collect();
    c.bench_function(&format!("table/banking-{}/decide", cases.len()), |b| {
        b.iter(|| {
            for (method, path, grant) in &cases {
                black_box(banking.decide(black_box(method), black_box(path), grant));
            }
        })
    });
    c.bench_function(&format!("table/banking-{}/allows", cases.len()), |b| {
        b.iter(|| {
            for (method, path, grant) in &cases {
                black_box(banking.allows(black_box(method), black_box(path), grant));
            }
        })
    });
}

criterion_group!(
    benches,
    compile,
    decisions,
    scopes_and_paths,
    decision_table
);
criterion_main!(benches);
