//! How large a policy may be: [`Limits`], checked before anything is compiled, so a hostile or
//! runaway document is refused with a clear problem instead of taking memory or time.

/// Size limits for loading a policy. The defaults are far above real policies (which declare up
/// to about 1,000 scopes and 10,000 rules); a Rust caller can raise or lower any of them with
/// [`Policy::from_json_with_limits`](crate::Policy::from_json_with_limits). Each limit exceeded is
/// an [`ErrorCode::InvalidValue`](crate::ErrorCode::InvalidValue) problem at the JSON pointer of
/// what is too large.
///
/// Within the limits, loading is O(n log n) in the size of the document and its compiled form is
/// linear in it; decisions stay within the bounds documented on
/// [`Policy::decide`](crate::Policy::decide).
///
/// ```
/// use scopegate::{ErrorCode, Limits, Policy};
/// let json = r#"{"version": 1, "name": "p", "scopes": {"a": {}, "b": {}},
///     "default_scopes": "all", "rules": []}"#;
/// let tight = Limits { max_scopes: 1, ..Limits::default() };
/// let err = Policy::from_json_with_limits(json, &tight).unwrap_err();
/// assert_eq!(err.problems()[0].code(), ErrorCode::InvalidValue);
/// assert_eq!(err.problems()[0].pointer(), Some("/scopes"));
/// assert!(Policy::from_json(json).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The policy document's size in bytes (as JSON text). Default 8 MiB.
    pub max_document_bytes: usize,
    /// Scopes declared. Default 10,000.
    pub max_scopes: usize,
    /// Roles declared. Default 10,000.
    pub max_roles: usize,
    /// `implies` edges, all scopes together. Default 100,000.
    pub max_implies: usize,
    /// Rules. Default 100,000.
    pub max_rules: usize,
    /// Path patterns of one rule, `paths` and `except` together. Default 256.
    pub max_patterns_per_rule: usize,
    /// Segments of one path pattern. Default 64.
    pub max_segments_per_pattern: usize,
}

impl Limits {
    /// The default limits (see each field).
    pub const DEFAULT: Limits = Limits {
        max_document_bytes: 8 * 1024 * 1024,
        max_scopes: 10_000,
        max_roles: 10_000,
        max_implies: 100_000,
        max_rules: 100_000,
        max_patterns_per_rule: 256,
        max_segments_per_pattern: 64,
    };

    /// No limit at all (every field `usize::MAX`): for trusted documents and tests. The costs
    /// stay O(n log n) to load and linear in memory, however large the policy.
    pub const NONE: Limits = Limits {
        max_document_bytes: usize::MAX,
        max_scopes: usize::MAX,
        max_roles: usize::MAX,
        max_implies: usize::MAX,
        max_rules: usize::MAX,
        max_patterns_per_rule: usize::MAX,
        max_segments_per_pattern: usize::MAX,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
