//! Verifiers from the verifier specs of `tests/tables/tokens.json`; shared by the tests
//! (`tests/common`) and `examples/tables_json.rs`.

use serde_json::Value;

/// A `Verifier` from a verifier spec of `tests/tables/tokens.json`:
/// `{"keys": {"jwk": {..}} | {"jwks": {..}} | {"pem": "..."}, "options": {..}}`, the options
/// under the npm package's names (`algorithms`, `issuer`, `audience`, `typ`, `requiredClaims`,
/// `clockTolerance`, `maxTokenAge`, `maxSize`, `scopeClaim`). Panics on anything else, so a
/// misspelt spec fails instead of silently verifying with defaults.
pub fn verifier_from_spec(spec: &Value) -> scopegate::Verifier {
    try_verifier_from_spec(spec).unwrap_or_else(|e| panic!("verifier: {e}"))
}

/// [`verifier_from_spec`], with the keys' or options' refusal as an error (for the refused
/// keys of the table); a malformed spec still panics.
pub fn try_verifier_from_spec(spec: &Value) -> Result<scopegate::Verifier, scopegate::Error> {
    use scopegate::{Algorithm, KeySet, Verifier, VerifyOptions};

    let spec = spec.as_object().expect("a verifier spec is an object");
    for field in spec.keys() {
        assert!(
            field == "keys" || field == "options",
            "unknown verifier spec field `{field}`"
        );
    }
    let keys = spec["keys"].as_object().expect("`keys` is an object");
    assert_eq!(keys.len(), 1, "`keys` has exactly one of jwk, jwks, pem");
    let (form, value) = keys.iter().next().unwrap();
    let keys = match form.as_str() {
        "jwk" => KeySet::from_jwk(&value.to_string()),
        "jwks" => KeySet::from_jwks(&value.to_string()),
        "pem" => KeySet::from_pem(value.as_str().expect("`pem` is a string")),
        other => panic!("unknown key form `{other}`"),
    }?;

    let strings = |name: &str, value: &Value| -> Vec<String> {
        value
            .as_array()
            .unwrap_or_else(|| panic!("`{name}` is a list"))
            .iter()
            .map(|s| {
                s.as_str()
                    .unwrap_or_else(|| panic!("`{name}` holds strings"))
                    .to_string()
            })
            .collect()
    };
    let seconds = |name: &str, value: &Value| -> u64 {
        value
            .as_u64()
            .unwrap_or_else(|| panic!("`{name}` is a whole number"))
    };
    let string = |name: &str, value: &Value| -> String {
        value
            .as_str()
            .unwrap_or_else(|| panic!("`{name}` is a string"))
            .to_string()
    };

    let mut options = VerifyOptions::default();
    let given = spec["options"].as_object().expect("`options` is an object");
    for (name, value) in given {
        match name.as_str() {
            "algorithms" => {
                options.algorithms = strings(name, value)
                    .iter()
                    .map(|alg| Algorithm::parse(alg).unwrap_or_else(|e| panic!("{alg}: {e}")))
                    .collect();
            }
            "issuer" => options.issuer = strings(name, value),
            "audience" => options.audience = strings(name, value),
            "typ" => options.token_type = Some(string(name, value)),
            "requiredClaims" => options.required_claims = strings(name, value),
            "clockTolerance" => options.clock_tolerance = seconds(name, value),
            "maxTokenAge" => options.max_token_age = Some(seconds(name, value)),
            "maxSize" => options.max_size = usize::try_from(seconds(name, value)).expect("maxSize"),
            "scopeClaim" => options.scope_claim = Some(string(name, value)),
            other => panic!("unknown verifier option `{other}`"),
        }
    }
    Verifier::new(keys, options)
}
