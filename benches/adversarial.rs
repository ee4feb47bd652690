//! Criterion benchmarks of hostile inputs (issue: robustness): the worst costs within the
//! default limits stay O(n log n) to compile and bounded to decide.
//!
//! Run: `cargo bench --bench adversarial`. `wide-3000` is `benches/policies/wide-3000.json`
//! (3,000 allow and 10 deny rules all matching one request; see scripts/gen-bench-policies.py);
//! the synthetic rule sets and chains are generated here.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use scopegate::{Limits, Policy, ScopeSet};
use serde_json::{json, Value};

const WIDE: &str = include_str!("policies/wide-3000.json");

/// `n` rules in `n / 4` resource families (the shape of rules-200.json), 20 scopes.
fn rules(n: usize) -> String {
    let mut scopes = serde_json::Map::new();
    for i in 0..10 {
        scopes.insert(format!("read_{i}"), json!({"subject": "end_user"}));
        scopes.insert(
            format!("write_{i}"),
            json!({"implies": [format!("read_{i}")]}),
        );
    }
    let rules: Vec<Value> = (0..n)
        .map(|r| {
            let f = r / 4;
            let method = ["GET", "POST", "PUT", "DELETE"][r % 4];
            json!({"id": format!("r{r}"), "methods": [method],
                   "paths": [format!("/v1/family{f}/{{id}}"), format!("/v1/family{f}/{{id}}/items/*")],
                   "any_of": [format!("read_{}", f % 10)]})
        })
        .collect();
    json!({"version": 1, "name": "n", "scopes": scopes, "default_scopes": "all", "rules": rules})
        .to_string()
}

/// `n` rules, each with a parameter name of its own (`/p{i}/{n<i>}`, names in no particular order).
fn distinct_param_names(n: usize) -> String {
    let rules: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": format!("r{i}"), "methods": ["GET"],
                   "paths": [format!("/p{i}/{{n{}}}", (i * 7919) % n)], "any_of": ["s"]})
        })
        .collect();
    json!({"version": 1, "name": "n", "scopes": {"s": {}}, "default_scopes": "all", "rules": rules})
        .to_string()
}

/// `n` scopes in one `implies` chain.
fn chain(n: usize) -> String {
    let scopes: serde_json::Map<String, Value> = (0..n)
        .map(|i| {
            let next: Vec<String> = if i + 1 < n {
                vec![format!("s{}", i + 1)]
            } else {
                vec![]
            };
            (format!("s{i}"), json!({ "implies": next }))
        })
        .collect();
    let rules = [
        json!({"id": "r", "methods": ["GET"], "paths": ["/c"], "all_of": [format!("s{}", n - 1)]}),
    ];
    json!({"version": 1, "name": "chain", "scopes": scopes, "default_scopes": "all", "rules": rules})
        .to_string()
}

fn wide(c: &mut Criterion) {
    let policy = Policy::from_json(WIDE).expect("wide-3000");
    let empty = policy.expand(&ScopeSet::new());
    let mut group = c.benchmark_group("wide-3000");
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("decide/empty-grant", |b| {
        b.iter(|| policy.decide(black_box("GET"), black_box("/api/x"), &empty))
    });
    group.bench_function("allows/empty-grant", |b| {
        b.iter(|| policy.allows(black_box("GET"), black_box("/api/x"), &empty))
    });
    group.bench_function("scopes_for", |b| {
        b.iter(|| policy.scopes_for(black_box("GET"), black_box("/api/x")))
    });
    group.sample_size(10);
    group.bench_function("compile", |b| b.iter(|| Policy::from_json(black_box(WIDE))));
    group.finish();
}

fn growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("growth");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    for n in [10_000, 100_000] {
        let json = rules(n);
        // 100,000 rules are 9 MB of JSON, above the default 8 MiB: limits off.
        group.bench_with_input(BenchmarkId::new("compile/rules", n), &json, |b, json| {
            b.iter(|| Policy::from_json_with_limits(black_box(json), &Limits::NONE))
        });
    }
    for n in [10_000, 100_000] {
        // 100,000 rules with their own parameter names: 7.4 MB, within the default limits.
        let json = distinct_param_names(n);
        group.bench_with_input(
            BenchmarkId::new("compile/distinct-param-names", n),
            &json,
            |b, json| b.iter(|| Policy::from_json(black_box(json))),
        );
        let bundle = Policy::from_json(&json).expect("policy").to_bundle();
        group.bench_with_input(
            BenchmarkId::new("bundle-load/distinct-param-names", n),
            &bundle,
            |b, bundle| b.iter(|| Policy::from_bundle(black_box(bundle))),
        );
    }
    for n in [10_000, 100_000] {
        let json = chain(n);
        group.bench_with_input(
            BenchmarkId::new("compile/implies-chain", n),
            &json,
            |b, json| b.iter(|| Policy::from_json_with_limits(black_box(json), &Limits::NONE)),
        );
        let policy = Policy::from_json_with_limits(&json, &Limits::NONE).expect("chain");
        let head = ScopeSet::parse("s0").expect("scope");
        group.bench_with_input(
            BenchmarkId::new("expand/implies-chain-head", n),
            &n,
            |b, _| b.iter(|| policy.expand(black_box(&head))),
        );
    }
    for n in [10_000, 100_000] {
        let text: String = (0..n).rev().map(|i| format!("scope_{i} ")).collect();
        group.bench_with_input(BenchmarkId::new("scopes/parse", n), &text, |b, text| {
            b.iter(|| ScopeSet::parse_with_max_len(black_box(text), usize::MAX))
        });
    }
    group.finish();
}

criterion_group!(benches, wide, growth);
criterion_main!(benches);
