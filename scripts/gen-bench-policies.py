#!/usr/bin/env python3
"""Writes the synthetic benchmark policies: benches/policies/rules-{50,200}.json and the
adversarial benches/policies/wide-3000.json.

rules-N models a REST API with N/4 resource families and four rules per family (read own,
read all, write, admin delete), 20 scopes, `except` clauses and one deny rule per 10 families, so
that path matching, method filtering and scope checks are all exercised.

wide-3000 is hostile: 3,000 allow rules and 10 deny rules all match every GET under /api/, each
allow rule needs `all_of` [common, b_i] and one of `any_of` [a_i, x_i, banned_k], and every
seventh a_i implies common. A caller holding nothing makes the missing-scope search weigh 9,000
candidate sets against 3,010 rules (cubic in the old engine: 0.8 s natively for one decision).
Deterministic output.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def policy(rule_count):
    families = rule_count // 4
    scopes = {}
    for i in range(10):
        scopes[f"read_{i}"] = {"subject": "end_user"}
        scopes[f"write_{i}"] = {"subject": "end_user", "implies": [f"read_{i}"]}
    scopes["read_all"] = {"subject": "machine"}
    scopes["admin"] = {"subject": "any"}
    rules = []
    for f in range(families):
        group = f % 10
        base = f"/v1/family{f}"
        rules.append({"id": f"f{f}-read", "methods": ["GET"],
                      "paths": [base, f"{base}/{{id}}", f"{base}/{{id}}/items/*"],
                      "except": [f"{base}/internal"], "any_of": [f"read_{group}"]})
        rules.append({"id": f"f{f}-read-all", "methods": ["GET"], "paths": [f"{base}/**"],
                      "any_of": ["read_all"]})
        rules.append({"id": f"f{f}-write", "methods": ["POST", "PUT", "PATCH"],
                      "paths": [base, f"{base}/{{id}}"], "any_of": [f"write_{group}"]})
        if f % 10 == 9:
            rules.append({"id": f"f{f}-deny", "effect": "deny", "methods": ["DELETE"],
                          "paths": [f"{base}/{{id}}/locked"]})
        else:
            rules.append({"id": f"f{f}-delete", "methods": ["DELETE"],
                          "paths": [f"{base}/{{id}}"], "all_of": [f"write_{group}", "admin"]})
    return {"version": 1, "name": f"synthetic-{rule_count}",
            "description": "Synthetic benchmark policy (scripts/gen-bench-policies.py).",
            "scopes": scopes, "default_scopes": "all", "rules": rules}


def wide(rule_count):
    scopes = {"common": {"subject": "end_user"}}
    for k in range(10):
        scopes[f"banned_{k}"] = {}
    rules = [{"id": f"deny-{k}", "effect": "deny", "methods": ["GET"], "paths": ["/api/**"],
              "any_of": [f"banned_{k}"]} for k in range(10)]
    for i in range(rule_count):
        scopes[f"a{i}"] = {"subject": "end_user", "implies": ["common"] if i % 7 == 0 else []}
        scopes[f"b{i}"] = {"subject": "end_user"}
        scopes[f"x{i}"] = {"subject": "machine"}
        rules.append({"id": f"r{i}", "methods": ["GET"], "paths": ["/api/**"],
                      "all_of": ["common", f"b{i}"],
                      "any_of": [f"a{i}", f"x{i}", f"banned_{i % 10}"]})
    return {"version": 1, "name": f"wide-{rule_count}",
            "description": "Adversarial benchmark policy (scripts/gen-bench-policies.py): every rule matches.",
            "scopes": scopes, "default_scopes": "all", "rules": rules}


def write(name, document):
    out = ROOT / "benches" / "policies" / f"{name}.json"
    out.write_text(json.dumps(document, separators=(",", ":")) + "\n"
                   if name.startswith("wide") else json.dumps(document, indent=1) + "\n")
    print(out.relative_to(ROOT), len(document["rules"]), "rules")


for n in (50, 200):
    write(f"rules-{n}", policy(n))
write("wide-3000", wide(3000))
