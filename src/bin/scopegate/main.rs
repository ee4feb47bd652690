//! The `scopegate` command line: compile, check, lint and test policies, explain a decision, print
//! the routes table, import OpenAPI documents. `cargo install scopegate --features cli`, or
//! `npx scopegate` (this same program, compiled to WebAssembly).

mod check;
mod compile;
mod explain;
mod lint;
mod openapi;
mod report;
mod routes;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ColorChoice, Parser, Subcommand, ValueEnum};

use report::Outcome;

/// scopegate: OAuth2 scope policies, checked, tested, compiled once and decided the same
/// everywhere.
#[derive(Parser)]
#[command(name = "scopegate", version, about, color = ColorChoice::Never)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How a report is written.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For people.
    Text,
    /// For machines (one JSON document on stdout).
    Json,
}

/// How the routes table is written.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RoutesFormat {
    /// A Markdown table.
    Markdown,
    /// JSON.
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Validates policies: every problem with its code, JSON pointer and line:column; exit 1 on
    /// any problem.
    Check {
        /// The policy files (JSON).
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// `text` (default) or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Reports what a reviewer would flag in a valid policy (rules that cannot decide, unused
    /// scopes, wide grants); exit 1 on a warning with `--deny-warnings`.
    Lint {
        /// The policy file (JSON).
        policy: PathBuf,
        /// Exit 1 when there is any warning.
        #[arg(long)]
        deny_warnings: bool,
        /// Leave out the warnings of this lint (repeatable; the README lists the lints).
        #[arg(long, value_name = "LINT")]
        allow: Vec<String>,
        /// `text` (default) or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Runs policy test files (JSON or YAML, `{ "cases": [ ... ] }`) against a policy; exit 1
    /// when a case fails.
    Test {
        /// The policy file (JSON).
        policy: PathBuf,
        /// The test files.
        #[arg(required = true)]
        tests: Vec<PathBuf>,
        /// List the rules that no case was decided by.
        #[arg(long)]
        coverage: bool,
        /// Fail when fewer than this percentage of the rules decided a case (implies
        /// `--coverage`).
        #[arg(long, value_name = "PERCENT")]
        min_coverage: Option<f64>,
    },
    /// Explains a decision: the normalized path, every rule and why it applies or not, the
    /// deciding rule, the missing scopes, the data range and the challenge.
    Explain {
        /// The policy file (JSON).
        policy: PathBuf,
        /// The HTTP method.
        method: String,
        /// The request path.
        path: String,
        /// The scopes the token holds (space-separated).
        #[arg(long, conflicts_with = "token")]
        scopes: Option<String>,
        /// A JWT access token whose scopes to use (decoded, NOT verified).
        #[arg(long)]
        token: Option<String>,
    },
    /// Prints the endpoints × scopes table of a policy.
    Routes {
        /// The policy file (JSON).
        policy: PathBuf,
        /// `markdown` (default) or `json`.
        #[arg(long, value_enum, default_value = "markdown")]
        format: RoutesFormat,
    },
    /// Validates a JSON policy and writes it as a compiled bundle (for `Policy.fromBundle`).
    Compile {
        /// The policy file (JSON).
        policy: PathBuf,
        /// Where to write the bundle (default: the policy's path with the extension `.sgb`).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Sign the bundle with this Ed25519 private key (PKCS#8 PEM, as `openssl genpkey
        /// -algorithm ed25519` writes it).
        #[arg(long, value_name = "KEY.pem")]
        signing_key: Option<PathBuf>,
        /// Leave out the descriptions of the policy, its scopes and rules.
        #[arg(long)]
        strip_descriptions: bool,
    },
    /// OpenAPI 3.0/3.1 documents: import their OAuth2 scopes and `security` as a policy, or find
    /// where a policy drifted from them.
    #[command(subcommand)]
    Openapi(OpenapiCommand),
}

#[derive(Subcommand)]
enum OpenapiCommand {
    /// Writes a policy from an OpenAPI document (YAML or JSON): its OAuth2 scopes, one rule per
    /// operation. What cannot be expressed is reported on stderr with its JSON pointer.
    Import {
        /// The OpenAPI document.
        spec: PathBuf,
        /// The path prefix of every rule (default: the path of `servers[0].url`; `/` for none).
        #[arg(long, value_name = "PATH")]
        base_path: Option<String>,
        /// Read the scopes listed in one security requirement as alternatives (any of), as many
        /// real APIs mean them, instead of all required.
        #[arg(long)]
        scopes_any: bool,
        /// Write the policy here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Lists the operations a policy leaves undecided or decides differently from the
    /// document's `security`; exit 1 on any drift.
    Diff {
        /// The OpenAPI document.
        spec: PathBuf,
        /// The policy file (JSON).
        policy: PathBuf,
        /// As for `import`.
        #[arg(long, value_name = "PATH")]
        base_path: Option<String>,
        /// As for `import`.
        #[arg(long)]
        scopes_any: bool,
    },
}

fn main() -> ExitCode {
    report::enter_working_directory();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check { policies, format } => check::run(&policies, format),
        Command::Lint {
            policy,
            deny_warnings,
            allow,
            format,
        } => lint::run(&policy, deny_warnings, &allow, format),
        Command::Test {
            policy,
            tests,
            coverage,
            min_coverage,
        } => test::run(&policy, &tests, coverage, min_coverage),
        Command::Explain {
            policy,
            method,
            path,
            scopes,
            token,
        } => explain::run(&policy, &method, &path, scopes.as_deref(), token.as_deref()),
        Command::Routes { policy, format } => routes::run(&policy, format),
        Command::Compile {
            policy,
            output,
            signing_key,
            strip_descriptions,
        } => compile::run(&policy, output, signing_key, strip_descriptions),
        Command::Openapi(OpenapiCommand::Import {
            spec,
            base_path,
            scopes_any,
            output,
        }) => openapi::import(&spec, base_path, scopes_any, output.as_deref()),
        Command::Openapi(OpenapiCommand::Diff {
            spec,
            policy,
            base_path,
            scopes_any,
        }) => openapi::diff(&spec, &policy, base_path, scopes_any),
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::Failure => ExitCode::FAILURE,
    }
}
