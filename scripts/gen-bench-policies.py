#!/usr/bin/env python3
"""Writes the synthetic benchmark policies benches/policies/rules-{50,200}.json.

Each policy models a REST API with N/4 resource families and four rules per family (read own,
read all, write, admin delete), 20 scopes, `except` clauses and one deny rule per 10 families, so
that path matching, method filtering and scope checks are all exercised. Deterministic output.
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


for n in (50, 200):
    out = ROOT / "benches" / "policies" / f"rules-{n}.json"
    out.write_text(json.dumps(policy(n), indent=1) + "\n")
    print(out.relative_to(ROOT), len(policy(n)["rules"]), "rules")
