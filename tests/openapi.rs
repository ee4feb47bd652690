//! OpenAPI import and drift checks (`scopegate::tool::openapi`), through the public API, on the
//! specs of `tests/fixtures/openapi/` and small inline ones.
#![cfg(feature = "tooling")]

use scopegate::tool::openapi::{diff, import, DriftKind, ImportOptions, Imported};
use scopegate::{Decision, ErrorCode, Policy, Reason, RuleDefinition, ScopeSet};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/openapi/{name}"))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn options() -> ImportOptions {
    ImportOptions::default()
}

fn any_options() -> ImportOptions {
    ImportOptions {
        scopes_any: true,
        ..ImportOptions::default()
    }
}

/// Imports `spec` and compiles the result.
fn load(spec: &str, options: &ImportOptions) -> (Imported, Policy) {
    let imported = import(spec, options).expect("the spec imports");
    let policy = Policy::from_document(imported.document.clone())
        .unwrap_or_else(|e| panic!("the imported policy does not compile: {e}"));
    (imported, policy)
}

fn rule<'a>(imported: &'a Imported, id: &str) -> &'a RuleDefinition {
    imported
        .document
        .rules
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

fn ids(imported: &Imported) -> Vec<&str> {
    imported
        .document
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect()
}

fn decide(policy: &Policy, method: &str, path: &str, scopes: &str) -> Decision {
    let grant = policy.expand(&ScopeSet::parse(scopes).expect("scopes"));
    policy.decide(method, path, &grant)
}

fn warning_pointers(imported: &Imported) -> Vec<&str> {
    imported
        .warnings
        .iter()
        .map(|w| w.pointer.as_str())
        .collect()
}

/// Checks (method, path, scopes, allowed, deciding rule or reason) cases.
fn check(policy: &Policy, cases: &[(&str, &str, &str, bool, &str)]) {
    let mut failures = Vec::new();
    for &(method, path, scopes, allowed, by) in cases {
        let d = decide(policy, method, path, scopes);
        let rule = d.rule.as_deref().unwrap_or(d.reason.as_str());
        if d.allowed != allowed || rule != by {
            failures.push(format!(
                "{method} {path} with {scopes:?}: allowed {} by {rule} ({}), expected {allowed} by {by}",
                d.allowed, d.reason
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const FIXTURES: [(&str, bool); 4] = [
    ("petstore-3.0.yaml", false),
    ("files-3.1.json", false),
    ("reports-any.yaml", true),
    ("reports-any.yaml", false),
];

#[test]
fn every_fixture_compiles_and_agrees_with_its_own_spec() {
    for (name, scopes_any) in FIXTURES {
        let spec = fixture(name);
        let options = ImportOptions {
            scopes_any,
            ..ImportOptions::default()
        };
        let (imported, policy) = load(&spec, &options);
        assert!(!imported.document.rules.is_empty(), "{name}");
        // The document round-trips through JSON as a policy file.
        let again = Policy::from_json(&imported.document.to_json()).expect("reloads");
        assert_eq!(again.document(), policy.document());
        let drifts = diff(&spec, &policy, &options).expect("diff");
        assert!(drifts.is_empty(), "{name}: {drifts:#?}");
    }
}

#[test]
fn petstore_operations_are_allowed_with_their_scopes_and_refused_without() {
    let (_, policy) = load(&fixture("petstore-3.0.yaml"), &options());
    check(
        &policy,
        &[
            // The document-level default.
            ("GET", "/v1/pets", "pets:read", true, "listPets"),
            ("GET", "/v1/pets", "", false, "listPets"),
            ("GET", "/v1/pets", "pets:write", false, "listPets"),
            // AND.
            (
                "POST",
                "/v1/pets",
                "pets:read pets:write",
                true,
                "createPet",
            ),
            ("POST", "/v1/pets", "pets:write", false, "createPet"),
            ("POST", "/v1/pets", "", false, "createPet"),
            // OR.
            ("GET", "/v1/pets/7", "pets:read", true, "showPetById"),
            ("GET", "/v1/pets/7", "pets:admin", true, "showPetById"),
            ("GET", "/v1/pets/7", "pets:write", false, "showPetById"),
            ("GET", "/v1/pets/7", "", false, "showPetById"),
            // OR with an apiKey alternative (dropped).
            ("DELETE", "/v1/pets/7", "pets:admin", true, "deletePet"),
            ("DELETE", "/v1/pets/7", "pets:read", false, "deletePet"),
            // An empty scope list: any valid token.
            ("GET", "/v1/pets/mine", "", true, "listMyPets"),
            // Concrete paths before the template.
            (
                "GET",
                "/v1/pets/archived",
                "pets:admin",
                true,
                "listArchivedPets",
            ),
            (
                "GET",
                "/v1/pets/archived",
                "pets:read",
                false,
                "listArchivedPets",
            ),
            (
                "DELETE",
                "/v1/pets/archived",
                "pets:admin",
                false,
                "no_matching_rule",
            ),
            (
                "POST",
                "/v1/pets/7/photos",
                "pets:write",
                true,
                "uploadPhoto",
            ),
            ("POST", "/v1/pets/7/photos", "", false, "uploadPhoto"),
            // `security: []` and an optional requirement `{}`.
            ("GET", "/v1/health", "", true, "health"),
            ("GET", "/v1/status", "", true, "status"),
            (
                "GET",
                "/v1/stores/s1/orders",
                "orders:read",
                true,
                "listOrders",
            ),
            ("GET", "/v1/stores/s1/orders", "", false, "listOrders"),
            // Not imported: an apiKey-only operation and a partial-segment template.
            (
                "GET",
                "/v1/admin/keys",
                "pets:admin",
                false,
                "no_matching_rule",
            ),
            ("GET", "/v1/files/cat.png", "", false, "no_matching_rule"),
            // Paths are the base path's.
            ("GET", "/pets", "pets:read", false, "no_matching_rule"),
        ],
    );
}

#[test]
fn petstore_maps_each_security_case_onto_rules() {
    let (imported, _) = load(&fixture("petstore-3.0.yaml"), &options());
    let doc = &imported.document;
    assert_eq!(doc.name, "petstore");
    assert_eq!(doc.description, "Pets, their photos and the shop's orders.");
    assert_eq!(doc.default_scopes, scopegate::DefaultScopes::List(vec![]));
    let scopes: Vec<(&str, &str)> = doc
        .scopes
        .iter()
        .map(|(n, d)| (n.as_str(), d.description.as_str()))
        .collect();
    assert_eq!(
        scopes,
        [
            ("orders:read", "Read the shop's orders"),
            ("pets:admin", "Remove pets and see archived ones"),
            ("pets:read", "Read pets"),
            ("pets:write", "Add and change pets"),
        ]
    );
    assert!(doc
        .scopes
        .values()
        .all(|s| s.client_safe && s.subject == scopegate::Subject::Any));
    assert_eq!(
        ids(&imported),
        [
            "listPets",
            "createPet",
            "showPetById",
            "deletePet",
            "listMyPets",
            "listArchivedPets",
            "uploadPhoto",
            "health",
            "status",
            "listOrders"
        ]
    );

    let top_level = rule(&imported, "listPets");
    assert_eq!(top_level.methods, ["GET"]);
    assert_eq!(top_level.paths, ["/v1/pets"]);
    assert_eq!(top_level.all_of, ["pets:read"]);
    assert!(top_level.any_of.is_empty());
    assert_eq!(top_level.description, "List pets");

    let and = rule(&imported, "createPet");
    assert_eq!(and.all_of, ["pets:write", "pets:read"]);
    assert!(and.any_of.is_empty());

    let or = rule(&imported, "showPetById");
    assert_eq!(or.any_of, ["pets:read", "pets:admin"]);
    assert!(or.all_of.is_empty());
    assert_eq!(or.paths, ["/v1/pets/{petId}"]);
    assert_eq!(or.except, ["/v1/pets/mine", "/v1/pets/archived"]);

    let dropped_api_key = rule(&imported, "deletePet");
    assert_eq!(dropped_api_key.all_of, ["pets:admin"]);

    for (id, note) in [
        ("listMyPets", "The caller's pets (any valid token)"),
        ("health", "Liveness (public)"),
        ("status", "Shop status (public: security is optional)"),
    ] {
        let open = rule(&imported, id);
        assert!(open.any_of.is_empty() && open.all_of.is_empty(), "{id}");
        assert_eq!(open.description, note);
    }
    assert_eq!(
        rule(&imported, "listOrders").paths,
        ["/v1/stores/{store_id}/orders"]
    );
}

#[test]
fn petstore_warns_with_exact_pointers() {
    let (imported, _) = load(&fixture("petstore-3.0.yaml"), &options());
    assert_eq!(
        warning_pointers(&imported),
        [
            "/paths/~1pets~1{petId}/delete/security/1/api_key",
            "/paths/~1pets~1{petId}/delete/security/1",
            "/paths/~1pets~1{petId}~1photos/post/callbacks/onProcessed",
            "/paths/~1admin~1keys/get/security/0/api_key",
            "/paths/~1admin~1keys/get/security/0",
            "/paths/~1admin~1keys/get",
            "/paths/~1stores~1{store-id}~1orders",
            "/paths/~1stores~1{store-id}~1orders/get/security/1/legacy",
            "/paths/~1stores~1{store-id}~1orders/get/security/1",
            "/paths/~1files~1{name}.png",
        ],
        "{:#?}",
        imported.warnings
    );
    let message = |pointer: &str| {
        imported
            .warnings
            .iter()
            .find(|w| w.pointer == pointer)
            .map(|w| w.message.clone())
            .unwrap_or_default()
    };
    assert!(message("/paths/~1pets~1{petId}/delete/security/1/api_key").contains("apiKey"));
    assert!(message("/paths/~1admin~1keys/get").contains("not imported"));
    assert!(message("/paths/~1stores~1{store-id}~1orders").contains("{store_id}"));
    assert!(
        message("/paths/~1stores~1{store-id}~1orders/get/security/1/legacy")
            .contains("unknown security scheme")
    );
    assert!(message("/paths/~1files~1{name}.png").contains("not imported"));
    assert!(
        message("/paths/~1pets~1{petId}~1photos/post/callbacks/onProcessed")
            .contains("not imported")
    );
}

#[test]
fn files_31_splits_multi_scope_alternatives_into_rules() {
    let (imported, policy) = load(&fixture("files-3.1.json"), &options());
    assert_eq!(
        ids(&imported),
        [
            "listFiles-1",
            "listFiles-2",
            "getFile",
            "putFile",
            "shareFile-1",
            "shareFile-2",
            "me"
        ]
    );
    // openIdConnect scopes come from the requirements, without a description.
    let oidc = &imported.document.scopes["openid"];
    assert!(oidc.description.is_empty());
    assert!(imported.document.scopes.contains_key("profile"));
    assert_eq!(rule(&imported, "listFiles-1").all_of, ["openid", "profile"]);
    assert_eq!(rule(&imported, "listFiles-2").all_of, ["files:read"]);
    assert_eq!(
        rule(&imported, "shareFile-1").all_of,
        ["files:write", "files:share"]
    );
    // `legacy` is a $ref to the oauth2 scheme.
    assert_eq!(rule(&imported, "shareFile-2").all_of, ["files:admin"]);
    assert_eq!(
        rule(&imported, "getFile").any_of,
        ["files:read", "files:write"]
    );
    assert_eq!(rule(&imported, "putFile").all_of, ["files:write"]);
    assert_eq!(rule(&imported, "me").all_of, ["openid"]);
    check(
        &policy,
        &[
            // OR of ANDs.
            ("GET", "/api/files", "openid profile", true, "listFiles-1"),
            ("GET", "/api/files", "files:read", true, "listFiles-2"),
            ("GET", "/api/files", "openid", false, "listFiles-1"),
            ("GET", "/api/files", "profile", false, "listFiles-1"),
            ("GET", "/api/files", "", false, "listFiles-2"),
            (
                "POST",
                "/api/files/f1/share",
                "files:write files:share",
                true,
                "shareFile-1",
            ),
            (
                "POST",
                "/api/files/f1/share",
                "files:admin",
                true,
                "shareFile-2",
            ),
            (
                "POST",
                "/api/files/f1/share",
                "files:write",
                false,
                "shareFile-1",
            ),
            (
                "POST",
                "/api/files/f1/share",
                "files:share",
                false,
                "shareFile-1",
            ),
            ("POST", "/api/files/f1/share", "", false, "shareFile-2"),
            // A $ref'd path item.
            ("GET", "/api/files/f1", "files:read", true, "getFile"),
            ("GET", "/api/files/f1", "files:write", true, "getFile"),
            ("GET", "/api/files/f1", "", false, "getFile"),
            ("PUT", "/api/files/f1", "files:write", true, "putFile"),
            ("PUT", "/api/files/f1", "files:read", false, "putFile"),
            ("GET", "/api/me", "openid", true, "me"),
            ("GET", "/api/me", "", false, "me"),
        ],
    );
    // Pointers of a $ref'd path item are where the operation is written.
    assert_eq!(
        warning_pointers(&imported),
        [
            "/webhooks/fileUploaded",
            "/components/pathItems/File/put/security/0/mtls"
        ]
    );
}

#[test]
fn scopes_any_reads_one_requirement_as_alternatives() {
    let spec = fixture("reports-any.yaml");
    let (strict, strict_policy) = load(&spec, &options());
    assert_eq!(
        rule(&strict, "listReports").all_of,
        ["reports:read", "reports:admin"]
    );
    assert!(rule(&strict, "listReports").any_of.is_empty());
    check(
        &strict_policy,
        &[
            ("GET", "/reports", "reports:read", false, "listReports"),
            (
                "GET",
                "/reports",
                "reports:read reports:admin",
                true,
                "listReports",
            ),
        ],
    );

    let (any, policy) = load(&spec, &any_options());
    assert_eq!(
        rule(&any, "listReports").any_of,
        ["reports:read", "reports:admin"]
    );
    assert!(rule(&any, "listReports").all_of.is_empty());
    assert_eq!(
        rule(&any, "createReport").any_of,
        ["reports:write", "reports:admin"]
    );
    check(
        &policy,
        &[
            ("GET", "/reports", "reports:read", true, "listReports"),
            ("GET", "/reports", "reports:admin", true, "listReports"),
            ("GET", "/reports", "", false, "listReports"),
            ("POST", "/reports", "reports:write", true, "createReport"),
            ("POST", "/reports", "reports:read", false, "createReport"),
            ("GET", "/reports/r1", "reports:read", true, "getReport"),
            ("GET", "/reports/r1", "", false, "getReport"),
        ],
    );
    // `https://reports.example.com/` has no base path.
    assert_eq!(rule(&any, "getReport").paths, ["/reports/{reportId}"]);
    // Alternatives that hold another are not left out when every scope is enough alone.
    let spec = spec_with("  /a:\n    get: { operationId: a, security: [{ oauth: [read] }, { oauth: [read, admin] }] }\n");
    let (strict, _) = load(&spec, &options());
    assert_eq!(rule(&strict, "a").all_of, ["read"]);
    let (any, policy) = load(&spec, &any_options());
    assert_eq!(rule(&any, "a").any_of, ["read", "admin"]);
    assert!(diff(&spec, &policy, &any_options())
        .expect("diff")
        .is_empty());
}

#[test]
fn base_paths_come_from_the_first_server_or_the_option() {
    let spec = fixture("petstore-3.0.yaml");
    // `https://{region}.pets.example.com/{version}` with `version: v1`.
    let (imported, _) = load(&spec, &options());
    assert_eq!(rule(&imported, "listPets").paths, ["/v1/pets"]);
    // `--base-path /`: none.
    let none = ImportOptions {
        base_path: Some("/".into()),
        ..ImportOptions::default()
    };
    let (imported, policy) = load(&spec, &none);
    assert_eq!(rule(&imported, "listPets").paths, ["/pets"]);
    assert_eq!(
        rule(&imported, "showPetById").except,
        ["/pets/mine", "/pets/archived"]
    );
    assert!(diff(&spec, &policy, &none).expect("diff").is_empty());
    // Another base, trailing slash removed.
    let other = ImportOptions {
        base_path: Some("/shop/v2/".into()),
        ..ImportOptions::default()
    };
    let (imported, _) = load(&spec, &other);
    assert_eq!(rule(&imported, "listPets").paths, ["/shop/v2/pets"]);
    // A relative server url.
    let (files, _) = load(&fixture("files-3.1.json"), &options());
    assert_eq!(rule(&files, "me").paths, ["/api/me"]);
    // A base path option that is not a path.
    let bad = ImportOptions {
        base_path: Some("v1".into()),
        ..ImportOptions::default()
    };
    assert_eq!(
        import(&spec, &bad).unwrap_err().code(),
        ErrorCode::InvalidOptions
    );
    // The root path under a base is the base itself.
    let spec = r#"{"openapi": "3.0.0", "info": {"title": "t"}, "servers": [{"url": "http://h/api/"}],
        "paths": {"/": {"get": {"operationId": "root", "security": []}}}}"#;
    let (imported, _) = load(spec, &options());
    assert_eq!(rule(&imported, "root").paths, ["/api"]);
}

/// A spec of the given paths, with an oauth2 scheme declaring `read`, `write` and `admin`.
fn spec_with(paths: &str) -> String {
    format!(
        r#"
openapi: 3.0.1
info: {{ title: inline }}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: {{ read: Read, write: Write, admin: Admin }}
paths:
{paths}"#
    )
}

#[test]
fn an_operation_without_any_security_is_public_with_a_warning() {
    let spec = spec_with("  /open:\n    get:\n      operationId: open\n      summary: Open\n");
    let (imported, policy) = load(&spec, &options());
    let open = rule(&imported, "open");
    assert!(open.any_of.is_empty() && open.all_of.is_empty());
    assert_eq!(open.description, "Open (public: no security requirement)");
    assert_eq!(imported.warnings.len(), 1);
    assert_eq!(imported.warnings[0].pointer, "/paths/~1open/get");
    assert_eq!(
        imported.warnings[0].message,
        "no security requirement: imported as public"
    );
    assert!(policy.allows("GET", "/open", &policy.expand(&ScopeSet::new())));
    assert!(diff(&spec, &policy, &options()).expect("diff").is_empty());
}

#[test]
fn rule_ids_are_operation_ids_when_they_can_be() {
    let spec = spec_with(
        r#"  /a:
    get: { operationId: same, security: [{ oauth: [read] }] }
    post: { operationId: same, security: [{ oauth: [write] }] }
    put: { operationId: "two words", security: [{ oauth: [write] }] }
    delete: { security: [{ oauth: [admin] }] }
  /b/{id}:
    get: { operationId: "get-/a", security: [{ oauth: [read] }] }
    patch: { operationId: multi, security: [{ oauth: [read, write] }, { oauth: [admin] }] }
  /c:
    get: { operationId: multi-1, security: [{ oauth: [read] }] }
"#,
    );
    let (imported, policy) = load(&spec, &options());
    assert_eq!(
        ids(&imported),
        [
            "get-/a",
            "post-/a",
            "put-/a",
            "delete-/a",
            "get-/a-2",
            "multi-1",
            "multi-2",
            "multi-1-2"
        ]
    );
    assert_eq!(
        warning_pointers(&imported),
        [
            "/paths/~1a/get/operationId",
            "/paths/~1a/post/operationId",
            "/paths/~1a/put/operationId",
        ]
    );
    assert!(diff(&spec, &policy, &options()).expect("diff").is_empty());
}

#[test]
fn templates_a_policy_cannot_express() {
    let spec = spec_with(
        r#"  /files/{name}.png:
    get: { operationId: png, security: [] }
  /a/{a-b}/{0x}:
    get: { operationId: renamed, security: [] }
  /twice/{id}/sub/{id}:
    get: { operationId: twice, security: [] }
  /trailing/:
    get: { operationId: trailing, security: [] }
  /star/*:
    get: { operationId: star, security: [] }
  /dots/../x:
    get: { operationId: dots, security: [] }
  /semi;colon:
    get: { operationId: semi, security: [] }
  /caf%C3%A9/{id}:
    get: { operationId: encoded, security: [] }
  /x-{y}:
    get: { operationId: partial, security: [] }
  x-extension: {}
"#,
    );
    let (imported, policy) = load(&spec, &options());
    assert_eq!(ids(&imported), ["renamed", "twice", "encoded"]);
    assert_eq!(rule(&imported, "renamed").paths, ["/a/{a_b}/{_0x}"]);
    assert_eq!(rule(&imported, "twice").paths, ["/twice/{id}/sub/{id_2}"]);
    assert_eq!(rule(&imported, "encoded").paths, ["/café/{id}"]);
    assert_eq!(
        warning_pointers(&imported),
        [
            "/paths/~1files~1{name}.png",
            "/paths/~1a~1{a-b}~1{0x}",
            "/paths/~1a~1{a-b}~1{0x}",
            "/paths/~1twice~1{id}~1sub~1{id}",
            "/paths/~1trailing~1",
            "/paths/~1star~1*",
            "/paths/~1dots~1..~1x",
            "/paths/~1semi;colon",
            "/paths/~1x-{y}",
        ],
        "{:#?}",
        imported.warnings
    );
    assert!(policy.allows("GET", "/caf%C3%A9/1", &policy.expand(&ScopeSet::new())));
    assert!(diff(&spec, &policy, &options()).expect("diff").is_empty());
}

#[test]
fn paths_that_differ_only_in_parameter_names() {
    // The compiler takes both patterns (they overlap: one request matches both rules, so either
    // rule's scopes would allow it) ...
    let overlapping = r#"{"version": 1, "name": "x", "scopes": {"read": {}, "admin": {}},
        "default_scopes": [], "rules": [
        {"id": "a", "methods": ["GET"], "paths": ["/a/{id}"], "all_of": ["read"]},
        {"id": "b", "methods": ["GET"], "paths": ["/a/{name}"], "all_of": ["admin"]}]}"#;
    let policy = Policy::from_json(overlapping).expect("compiles");
    assert!(policy.allows(
        "GET",
        "/a/1",
        &policy.expand(&ScopeSet::parse("read").unwrap())
    ));
    // ... so the import keeps the first path's operation on a method both paths have, with a
    // warning (OpenAPI forbids such paths), and keeps the other methods.
    let spec = spec_with(
        r#"  /a/{id}:
    get: { operationId: byId, security: [{ oauth: [read] }] }
  /a/{name}:
    get: { operationId: byName, security: [{ oauth: [admin] }] }
    delete: { operationId: deleteByName, security: [{ oauth: [admin] }] }
"#,
    );
    let (imported, policy) = load(&spec, &options());
    assert_eq!(ids(&imported), ["byId", "deleteByName"]);
    assert_eq!(warning_pointers(&imported), ["/paths/~1a~1{name}/get"]);
    assert!(imported.warnings[0].message.contains("same path"));
    assert!(diff(&spec, &policy, &options()).expect("diff").is_empty());
}

#[test]
fn scope_names_and_requirements_that_are_not_valid() {
    let spec = r#"
openapi: 3.0.1
info: { title: inline }
servers: [{ url: "/v1", description: relative }]
security:
  - oauth: [read]
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: https://auth.example.com/authorize
          scopes: { read: Read, "bad scope": Bad, "quote\"": Bad }
    oidc: { type: openIdConnect, openIdConnectUrl: https://auth.example.com/.well-known }
    basic: { type: http, scheme: basic }
    session: { type: apiKey, in: cookie, name: sid }
paths:
  /a:
    servers: [{ url: https://other.example.com }]
    get:
      operationId: a
      servers: [{ url: https://other.example.com }]
      security:
        - oauth: [read, "bad scope"]
        - oauth: [undeclared]
        - oidc: [openid, email]
  /b:
    get:
      operationId: b
      security:
        - basic: []
          oauth: [read]
        - session: []
  /c:
    get:
      operationId: c
"#;
    let (imported, policy) = load(spec, &options());
    let scopes: Vec<&String> = imported.document.scopes.keys().collect();
    assert_eq!(scopes, ["email", "openid", "read", "undeclared"]);
    assert_eq!(ids(&imported), ["a-1", "a-2", "b", "c"]);
    assert_eq!(rule(&imported, "a-1").all_of, ["undeclared"]);
    assert_eq!(rule(&imported, "a-2").all_of, ["openid", "email"]);
    assert_eq!(rule(&imported, "b").all_of, ["read"]);
    assert_eq!(rule(&imported, "c").all_of, ["read"]);
    assert_eq!(rule(&imported, "c").paths, ["/v1/c"]);
    assert_eq!(
        warning_pointers(&imported),
        [
            "/components/securitySchemes/oauth/flows/implicit/scopes/bad scope",
            "/components/securitySchemes/oauth/flows/implicit/scopes/quote\"",
            "/paths/~1a/servers",
            "/paths/~1a/get/servers",
            "/paths/~1a/get/security/0/oauth/1",
            "/paths/~1a/get/security/1/oauth/0",
            "/paths/~1b/get/security/0/basic",
            "/paths/~1b/get/security/1/session",
            "/paths/~1b/get/security/1",
        ],
        "{:#?}",
        imported.warnings
    );
    assert!(imported.warnings[7]
        .message
        .contains("apiKey scheme (in cookie)"));
    assert!(diff(spec, &policy, &options()).expect("diff").is_empty());
}

#[test]
fn bad_documents_are_invalid_openapi() {
    let paths = "paths: {}";
    let cases: Vec<(String, &str)> = vec![
        ("openapi: [3.0.0\npaths: {}".into(), "not YAML or JSON"),
        ("{\"openapi\": \"3.0.0\", \"paths\": {}".into(), "not YAML or JSON"),
        ("a: 1\na: 2\n".into(), "not YAML or JSON"),
        ("just text".into(), "\"just text\""),
        ("- openapi: 3.0.0".into(), "a list"),
        ("swagger: \"2.0\"\npaths: {}".into(), "Swagger \"2.0\""),
        (format!("openapi: 3.2.0\n{paths}"), "\"3.2.0\""),
        (format!("openapi: 3.1\n{paths}"), "3.1 (a number)"),
        (format!("info: {{ title: x }}\n{paths}"), "no \"openapi\" field"),
        ("openapi: 3.0.3\ninfo: { title: x }".into(), "no \"paths\""),
        ("openapi: 3.1.0\npaths: [/a]".into(), "not an object"),
        (
            "openapi: 3.1.0\npaths:\n  /a: { $ref: '#/components/pathItems/Missing' }".into(),
            "leads nowhere",
        ),
        (
            "openapi: 3.1.0\npaths:\n  /a: { $ref: 'other.yaml#/A' }".into(),
            "not local",
        ),
        (
            "openapi: 3.1.0\npaths:\n  /a: { $ref: '#/paths/~1b' }\n  /b: { $ref: '#/paths/~1a' }"
                .into(),
            "cycle",
        ),
        (
            "openapi: 3.0.0\npaths: {}\ncomponents:\n  securitySchemes:\n    a: { $ref: '#/components/securitySchemes/b' }\n    b: { $ref: '#/components/securitySchemes/a' }".into(),
            "cycle",
        ),
        (
            "openapi: 3.0.0\npaths: {}\ncomponents:\n  securitySchemes:\n    a: { $ref: '#/components/securitySchemes/gone' }".into(),
            "leads nowhere",
        ),
        ("openapi: 3.0.0\npaths: {}\nsecurity: oauth".into(), "not a list"),
    ];
    for (spec, says) in &cases {
        let err = import(spec, &options()).expect_err(spec);
        assert_eq!(err.code(), ErrorCode::InvalidOpenapi, "{spec}: {err}");
        assert_eq!(err.code().as_str(), "invalid_openapi");
        assert!(err.message().contains(says), "{spec}: {err}");
        let policy = Policy::from_json(
            r#"{"version": 1, "name": "x", "scopes": {}, "default_scopes": [], "rules": []}"#,
        )
        .expect("policy");
        assert_eq!(
            diff(spec, &policy, &options()).unwrap_err().code(),
            ErrorCode::InvalidOpenapi
        );
    }
}

#[test]
fn odd_documents_never_panic() {
    let odd = [
        "openapi: 3.0.0\npaths:\n  /a: []",
        "openapi: 3.0.0\npaths:\n  /a: { get: [] }",
        "openapi: 3.0.0\npaths:\n  /a: { get: { security: {} } }",
        "openapi: 3.0.0\npaths:\n  /a: { get: { security: [[], 1, { oauth: 3 }] } }",
        "openapi: 3.0.0\npaths:\n  /a: { get: { security: [{ oauth: [1] }] } }",
        "openapi: 3.0.0\npaths:\n  a: { get: {} }\n  1: {}\n  /b: { GET: {} }",
        "openapi: 3.0.0\npaths:\n  /a: { $ref: 5 }",
        "openapi: 3.0.0\npaths:\n  /a: { $ref: '#/info' }\ninfo: 3",
        "openapi: 3.0.0\npaths:\n  /a: { $ref: '#/x/0/y' }\nx: [{ y: { get: {} } }]",
        "openapi: 3.0.0\nservers: 5\npaths: {}\ncomponents: { securitySchemes: { o: { type: oauth2, flows: 1 } } }",
        "openapi: 3.0.0\nservers: [{ url: 'http://h/{v}/x{' }]\npaths: { /a: { get: {} } }",
        "openapi: 3.0.0\nservers: [{ url: '{v}' , variables: { v: { default: '/%zz' } } }]\npaths: { /a: { get: {} } }",
        "openapi: 3.0.0\ninfo: { title: '' }\npaths: { '/{}': { get: {} } }",
        "openapi: 3.0.0\nbase: &b { get: { security: [] } }\npaths: { /a: { <<: *b } }",
        "openapi: 3.0.0\npaths: !tag { /a: {} }",
        "",
        "~",
    ];
    for spec in odd {
        let policy = Policy::from_json(
            r#"{"version": 1, "name": "x", "scopes": {}, "default_scopes": [], "rules": []}"#,
        )
        .expect("policy");
        if let Ok(imported) = import(spec, &options()) {
            Policy::from_document(imported.document)
                .unwrap_or_else(|e| panic!("{spec}: does not compile: {e}"));
            diff(spec, &policy, &options()).expect("diff agrees with import");
        }
    }
}

#[test]
fn yaml_merge_keys_are_applied() {
    let spec = spec_with(
        r#"  /a:
    get: &secured { operationId: a, security: [{ oauth: [read] }] }
  /b:
    get:
      <<: *secured
      operationId: b
"#,
    );
    let (imported, _) = load(&spec, &options());
    assert_eq!(rule(&imported, "b").all_of, ["read"]);
}

#[test]
fn diff_finds_a_changed_scope_a_removed_rule_and_a_wrong_public() {
    let spec = fixture("petstore-3.0.yaml");
    let (imported, _) = load(&spec, &options());
    let mut document = imported.document;
    for rule in &mut document.rules {
        match rule.id.as_str() {
            "listPets" => rule.all_of = vec!["pets:admin".into()],
            "showPetById" => rule.any_of.clear(),
            "health" => rule.all_of = vec!["pets:read".into()],
            _ => {}
        }
    }
    document.rules.retain(|r| r.id != "deletePet");
    let policy = Policy::from_document(document).expect("compiles");
    let drifts = diff(&spec, &policy, &options()).expect("diff");
    let found: Vec<(&str, &str, &str, DriftKind)> = drifts
        .iter()
        .map(|d| {
            (
                d.method.as_str(),
                d.path.as_str(),
                d.pointer.as_str(),
                d.kind,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("GET", "/v1/pets", "/security/0", DriftKind::Differs),
            (
                "GET",
                "/v1/pets/{petId}",
                "/paths/~1pets~1{petId}/get",
                DriftKind::Differs
            ),
            (
                "DELETE",
                "/v1/pets/{petId}",
                "/paths/~1pets~1{petId}/delete",
                DriftKind::Undecided
            ),
            (
                "GET",
                "/v1/health",
                "/paths/~1health/get",
                DriftKind::Differs
            ),
        ],
        "{drifts:#?}"
    );
    assert_eq!(
        drifts[0].message,
        "the spec allows it with `pets:read`; the policy answers insufficient_scope, missing `pets:admin`"
    );
    assert_eq!(
        drifts[1].message,
        "the policy allows it without any scope (allowed by rule `showPetById`); the spec requires `pets:read` or `pets:admin`"
    );
    assert_eq!(
        drifts[2].message,
        "no rule of the policy covers DELETE /v1/pets/1; the spec requires `pets:admin`"
    );
    assert_eq!(
        drifts[3].message,
        "the spec makes it public; without a scope the policy answers insufficient_scope, missing `pets:read`"
    );
    assert_eq!(DriftKind::Undecided.as_str(), "undecided");
    assert_eq!(DriftKind::Differs.as_str(), "differs");
    assert!(drifts[2]
        .to_string()
        .starts_with("undecided DELETE /v1/pets/{petId}"));
}

#[test]
fn diff_reports_scopes_the_policy_does_not_define() {
    let spec = fixture("reports-any.yaml");
    let (imported, _) = load(&spec, &any_options());
    let mut document = imported.document;
    document.scopes.remove("reports:admin");
    for rule in &mut document.rules {
        rule.any_of.retain(|s| s != "reports:admin");
    }
    let policy = Policy::from_document(document).expect("compiles");
    let drifts = diff(&spec, &policy, &any_options()).expect("diff");
    let messages: Vec<(&str, &str, &str)> = drifts
        .iter()
        .map(|d| (d.method.as_str(), d.path.as_str(), d.message.as_str()))
        .collect();
    let undefined =
        "the spec allows it with `reports:admin`; the policy does not define `reports:admin`";
    assert_eq!(
        messages,
        [
            ("GET", "/reports", undefined),
            ("POST", "/reports", undefined),
            ("GET", "/reports/{reportId}", undefined),
        ]
    );
    assert!(drifts.iter().all(|d| d.kind == DriftKind::Differs));
    let pointers: Vec<&str> = drifts.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/security/0",
            "/paths/~1reports/post/security/0",
            "/security/0"
        ]
    );
}

#[test]
fn diff_reads_requirements_as_the_options_say() {
    // Imported with all of a requirement's scopes needed, checked reading them as alternatives:
    // each scope alone is refused.
    let spec = fixture("reports-any.yaml");
    let (_, strict) = load(&spec, &options());
    let drifts = diff(&spec, &strict, &any_options()).expect("diff");
    assert_eq!(drifts.len(), 6, "{drifts:#?}");
    assert_eq!(
        drifts[0].message,
        "the spec allows it with `reports:read`; the policy answers insufficient_scope, missing `reports:admin`"
    );
    // The other way round: the policy allows what the spec reads as needing both.
    let (_, any) = load(&spec, &any_options());
    assert!(diff(&spec, &any, &options()).expect("diff").is_empty());
    let (_, public_policy) = load(
        &spec_with("  /reports:\n    get: { security: [] }\n    post: { security: [] }\n  /reports/{id}:\n    get: { security: [] }\n"),
        &options(),
    );
    let drifts = diff(&spec, &public_policy, &options()).expect("diff");
    // Per operation: allowed without a scope, and the spec's scopes are not the policy's.
    assert_eq!(drifts.len(), 6, "{drifts:#?}");
    assert!(drifts[0]
        .message
        .starts_with("the policy allows it without any scope"));
    assert!(drifts.iter().all(|d| d.kind == DriftKind::Differs));
}

#[test]
fn diff_samples_avoid_concrete_paths_and_reasons_read_well() {
    // `/pets/{petId}` is sampled as `/v1/pets/1`, not one of the concrete paths.
    let spec = fixture("petstore-3.0.yaml");
    let (imported, _) = load(&spec, &options());
    let mut document = imported.document;
    document.rules.retain(|r| r.id != "showPetById");
    let policy = Policy::from_document(document).expect("compiles");
    let drifts = diff(&spec, &policy, &options()).expect("diff");
    assert_eq!(drifts.len(), 1);
    assert_eq!(
        drifts[0].message,
        "no rule of the policy covers GET /v1/pets/1; the spec requires `pets:read` or `pets:admin`"
    );
    let d = decide(&policy, "GET", "/v1/pets/1", "pets:read");
    assert_eq!(d.reason, Reason::NoMatchingRule);
}

#[test]
fn diff_reports_a_deny_rule_as_differs() {
    let spec = fixture("petstore-3.0.yaml");
    let (imported, _) = load(&spec, &options());
    let mut document = imported.document;
    document.rules.retain(|r| r.id != "deletePet");
    document.rules.push(RuleDefinition {
        id: "no-deletes".into(),
        methods: vec!["DELETE".into()],
        paths: vec!["/v1/pets/{petId}".into()],
        except: vec![],
        any_of: vec![],
        all_of: vec!["pets:admin".into()],
        effect: scopegate::Effect::Deny,
        description: String::new(),
    });
    let policy = Policy::from_document(document).expect("compiles");
    let drifts = diff(&spec, &policy, &options()).expect("diff");
    assert_eq!(drifts.len(), 1, "{drifts:#?}");
    assert_eq!(drifts[0].kind, DriftKind::Differs);
    assert_eq!(
        drifts[0].pointer,
        "/paths/~1pets~1{petId}/delete/security/0"
    );
    assert_eq!(
        drifts[0].message,
        "the spec allows it with `pets:admin`; the policy answers denied_by_rule (rule `no-deletes`)"
    );
}
