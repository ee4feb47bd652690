//! Memory is linear in scopes and rules: compiled policies measured with a counting allocator
//! (the old design kept two bitsets as wide as the policy per scope and three per rule: 30,000
//! scopes took 221 MB, 60,000 took 869 MB).
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use scopegate::{Limits, Policy, ScopeSet};
use serde_json::{json, Value};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes held by the value `build` returns, and the peak while building it.
fn measure<T>(build: impl FnOnce() -> T) -> (T, usize, usize) {
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let value = build();
    let held = CURRENT.load(Ordering::Relaxed).saturating_sub(before);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (value, held, peak)
}

/// `n` scopes in one `implies` chain and `rules` rules, each needing two scopes.
fn policy_json(n: usize, rules: usize) -> String {
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
    let rules: Vec<Value> = (0..rules)
        .map(|r| {
            json!({"id": format!("r{r}"), "methods": ["GET"], "paths": [format!("/r/{r}/{{id}}")],
            "all_of": [format!("s{}", r % n)], "any_of": [format!("s{}", (r * 7) % n)]})
        })
        .collect();
    json!({"version": 1, "name": "big", "scopes": scopes, "default_scopes": "all", "rules": rules})
        .to_string()
}

// One test in this binary: the counters are global.
#[test]
fn compiled_policies_grow_linearly() {
    let mut rows = Vec::new();
    for (scopes, rules) in [(15_000, 10_000), (30_000, 20_000), (60_000, 40_000)] {
        let json = policy_json(scopes, rules);
        let (policy, held, peak) =
            measure(|| Policy::from_json_with_limits(&json, &Limits::NONE).unwrap());
        // The head of the chain holds every scope: the grant is one bit per scope.
        let (grant, grant_held, _) = measure(|| policy.expand(&ScopeSet::parse("s0").unwrap()));
        assert_eq!(grant.granted().len(), scopes);
        println!(
            "{scopes} scopes, {rules} rules: {json_kb} KB of JSON; compiled {held_kb} KB (peak {peak_kb} KB); a full grant {grant_kb} KB",
            json_kb = json.len() / 1024,
            held_kb = held / 1024,
            peak_kb = peak / 1024,
            grant_kb = grant_held / 1024
        );
        rows.push((scopes, held, peak));
        drop(grant);
        drop(policy);
    }
    for pair in rows.windows(2) {
        let [(s1, h1, p1), (s2, h2, p2)] = pair else {
            unreachable!()
        };
        let growth = *h2 as f64 / *h1 as f64;
        assert!(
            growth < 2.5,
            "{s1} → {s2} scopes: held memory grew {growth:.2}× for 2× the input"
        );
        let peak_growth = *p2 as f64 / *p1 as f64;
        assert!(
            peak_growth < 2.5,
            "{s1} → {s2}: peak grew {peak_growth:.2}×"
        );
    }
    // And small in absolute terms: under 1 KiB per scope and rule.
    let (scopes, held, _) = rows[2];
    assert!(held < (scopes + 40_000) * 1024, "{held} bytes");
}
