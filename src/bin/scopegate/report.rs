//! What every command shares: reading files, loading a policy, and writing a problem the way
//! compilers do (`error[code]: message` then `--> file:line:column (pointer)`).

use std::path::Path;

use scopegate::tool::source::locate;
use scopegate::{Error, Policy};

/// How a command ended: its exit status.
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1.
    Failure,
}

/// The WebAssembly build (`npx scopegate`) runs under WASI, which starts in `/`: it enters the
/// directory the Node.js launcher gives in `PWD`, so relative paths mean what they mean natively.
pub fn enter_working_directory() {
    if cfg!(target_os = "wasi") {
        if let Some(dir) = std::env::var_os("PWD") {
            let _ = std::env::set_current_dir(dir);
        }
    }
}

/// Reads a text file, or reports why not (on stderr).
pub fn read(path: &Path) -> Result<String, Outcome> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {}", path.display(), io_reason(&e));
        Outcome::Failure
    })
}

/// Why a file operation failed, in words that are the same on every platform (the OS error
/// numbers differ between Linux and WASI, so `npx scopegate` would print another message).
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::InvalidData => "not UTF-8 text".into(),
        ErrorKind::IsADirectory => "is a directory".into(),
        kind => kind.to_string(),
    }
}

/// The problems of an error: its own problems for `invalid_policy`, else the error itself.
pub fn problems(error: &Error) -> Vec<&Error> {
    if error.problems().is_empty() {
        vec![error]
    } else {
        error.problems().iter().collect()
    }
}

/// `file:line:column (pointer)` for a problem at `pointer` in `text`, or `file` alone.
pub fn place(path: &Path, text: &str, pointer: Option<&str>) -> String {
    match pointer {
        Some(pointer) => match locate(text, pointer) {
            Some(at) => format!(
                "{}:{}:{} ({})",
                path.display(),
                at.line,
                at.column,
                display_pointer(pointer)
            ),
            None => format!("{} ({})", path.display(), display_pointer(pointer)),
        },
        None => path.display().to_string(),
    }
}

/// A JSON pointer as shown: the root is `/`.
fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "/"
    } else {
        pointer
    }
}

/// The lines of one problem: `level[code]: message` and where it is.
pub fn problem_lines(level: &str, code: &str, message: &str, place: &str) -> String {
    format!("{level}[{code}]: {message}\n  --> {place}\n")
}

/// Reads and compiles a policy; on failure, writes every problem to stderr.
pub fn load_policy(path: &Path) -> Result<(String, Policy), Outcome> {
    let text = read(path)?;
    match Policy::from_json(&text) {
        Ok(policy) => Ok((text, policy)),
        Err(error) => {
            let mut out = String::new();
            for problem in problems(&error) {
                out.push_str(&problem_lines(
                    "error",
                    problem.code().as_str(),
                    problem.message(),
                    &place(path, &text, problem.pointer()),
                ));
            }
            eprint!("{out}");
            eprintln!(
                "error: {} is not a valid policy ({})",
                path.display(),
                plural(problems(&error).len(), "problem")
            );
            Err(Outcome::Failure)
        }
    }
}

/// `1 problem`, `2 problems`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
