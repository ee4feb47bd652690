//! `scopegate routes POLICY`: the endpoints × scopes table.

use std::path::Path;

use scopegate::tool::routes::{routes, to_markdown};

use crate::report::{load_policy, Outcome};
use crate::RoutesFormat;

pub fn run(path: &Path, format: RoutesFormat) -> Outcome {
    let (_, policy) = match load_policy(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let table = routes(&policy);
    match format {
        RoutesFormat::Markdown => print!("{}", to_markdown(&policy, &table)),
        RoutesFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&table).unwrap_or_default()
        ),
    }
    Outcome::Success
}
