//! `scopegate compile POLICY.json -o POLICY.sgb`: writes a compiled policy bundle (see
//! `Policy::to_bundle`).

use std::path::{Path, PathBuf};

use scopegate::{BundleInfo, BundleOptions, Error, Policy};

use crate::report::Outcome;

/// A failure to report: what was being done, and the error.
struct Failure(String);

impl Failure {
    fn io(path: &Path, doing: &str, e: std::io::Error) -> Self {
        Failure(format!(
            "cannot {doing} {}: {}",
            path.display(),
            crate::report::io_reason(&e)
        ))
    }

    fn scopegate(path: &Path, e: &Error) -> Self {
        let mut text = format!("{}: {} [{}]", path.display(), e.message(), e.code());
        for problem in e.problems() {
            let at = problem.pointer().unwrap_or("");
            text.push_str(&format!(
                "\n  {at}: {} [{}]",
                problem.message(),
                problem.code()
            ));
        }
        Failure(text)
    }
}

fn compile(
    policy_path: &Path,
    output: Option<PathBuf>,
    signing_key: Option<PathBuf>,
    strip_descriptions: bool,
) -> Result<String, Failure> {
    let text =
        std::fs::read_to_string(policy_path).map_err(|e| Failure::io(policy_path, "read", e))?;
    let policy = Policy::from_json(&text).map_err(|e| Failure::scopegate(policy_path, &e))?;
    let signing_key_pem = match &signing_key {
        Some(path) => {
            Some(std::fs::read_to_string(path).map_err(|e| Failure::io(path, "read", e))?)
        }
        None => None,
    };
    let options = BundleOptions {
        strip_descriptions,
        signing_key_pem,
    };
    let key_path = signing_key.as_deref().unwrap_or(policy_path);
    let bytes = policy
        .to_bundle_with(&options)
        .map_err(|e| Failure::scopegate(key_path, &e))?;
    let output = output.unwrap_or_else(|| policy_path.with_extension("sgb"));
    std::fs::write(&output, &bytes).map_err(|e| Failure::io(&output, "write", e))?;
    let info = BundleInfo::read(&bytes).map_err(|e| Failure::scopegate(&output, &e))?;
    Ok(format!(
        "{}: {} bytes ({} bytes of JSON), {} rules, {}\nsource sha256 {}",
        output.display(),
        bytes.len(),
        text.len(),
        policy.document().rules.len(),
        if info.signature.is_some() {
            "signed (Ed25519)"
        } else {
            "unsigned"
        },
        info.source_sha256_hex()
    ))
}

pub fn run(
    policy: &Path,
    output: Option<PathBuf>,
    signing_key: Option<PathBuf>,
    strip_descriptions: bool,
) -> Outcome {
    match compile(policy, output, signing_key, strip_descriptions) {
        Ok(report) => {
            println!("{report}");
            Outcome::Success
        }
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            Outcome::Failure
        }
    }
}
