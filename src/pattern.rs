//! Path patterns (`/v1/users/{id}/**`) and the route trie they compile into.

use crate::prelude::*;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;

use crate::error::{Error, ErrorCode};

/// One segment of a [`PathPattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(Box<str>),
    Param(Arc<str>),
    Any,
    Rest,
}

/// A parsed path pattern.
///
/// A pattern starts with `/` and is made of segments separated by `/`:
///
/// | segment  | matches                                                     |
/// |----------|-------------------------------------------------------------|
/// | `wallets`| exactly that (decoded) segment; case-sensitive unless the policy says `case_insensitive` |
/// | `{id}`   | any one segment, captured as the parameter `id`             |
/// | `*`      | any one segment, not captured                               |
/// | `**`     | the rest of the path: zero or more segments (last only)     |
///
/// `/` alone matches the root. Literal segments may not contain `{`, `}`, `*`, `%`, `?`, `#`,
/// `\` or control characters, and may not be dot segments (`.`, `..`, or their look-alikes);
/// empty segments (`//`, a trailing `/`) are refused; a policy refuses literals holding `;` unless
/// it allows semicolons (no request path could match them). Patterns are matched against
/// [normalized](crate::normalize_path) paths.
///
/// ```
/// use scopegate::PathPattern;
/// let pattern = PathPattern::parse("/v1/cards/{card_id}/**")?;
/// let params = pattern.captures("/v1/cards/123/pin")?.unwrap();
/// assert_eq!(params["card_id"], "123");
/// assert!(pattern.captures("/v1/wallets/1")?.is_none());
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    source: Box<str>,
    segments: Vec<Segment>,
}

fn pattern_error(pattern: &str, why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidPattern,
        format!("invalid path pattern {pattern:?}: {why}"),
    )
}

fn is_param_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl PathPattern {
    /// Parses a pattern, refusing anything malformed with [`ErrorCode::InvalidPattern`].
    pub fn parse(pattern: &str) -> Result<Self, Error> {
        let Some(rest) = pattern.strip_prefix('/') else {
            return Err(pattern_error(pattern, "a pattern must start with '/'"));
        };
        let mut segments = Vec::new();
        if !rest.is_empty() {
            segments.reserve_exact(rest.bytes().filter(|&b| b == b'/').count() + 1);
            let mut parts = rest.split('/').peekable();
            while let Some(part) = parts.next() {
                let segment = Self::parse_segment(pattern, part, parts.peek().is_none())?;
                if let Segment::Param(name) = &segment {
                    if segments
                        .iter()
                        .any(|s| matches!(s, Segment::Param(n) if n == name))
                    {
                        return Err(pattern_error(pattern, "a parameter name is used twice"));
                    }
                }
                segments.push(segment);
            }
        }
        Ok(PathPattern {
            source: pattern.into(),
            segments,
        })
    }

    fn parse_segment(pattern: &str, seg: &str, is_last: bool) -> Result<Segment, Error> {
        match seg {
            "" => Err(pattern_error(
                pattern,
                "empty segment ('//' or a trailing '/')",
            )),
            "**" if is_last => Ok(Segment::Rest),
            "**" => Err(pattern_error(pattern, "'**' may only be the last segment")),
            "*" => Ok(Segment::Any),
            _ if crate::path::is_dot_like(seg) => {
                Err(pattern_error(pattern, "dot segments are not allowed"))
            }
            _ => {
                if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if is_param_name(name) {
                        return Ok(Segment::Param(Arc::from(name)));
                    }
                    return Err(pattern_error(
                        pattern,
                        "a parameter name must be letters, digits or '_', not starting with a digit",
                    ));
                }
                let bad = seg.chars().find(|c| {
                    matches!(c, '{' | '}' | '*' | '%' | '?' | '#' | '\\') || c.is_control()
                });
                match bad {
                    Some(c) => Err(pattern_error(
                        pattern,
                        &format!("character {c:?} is not allowed in a literal segment"),
                    )),
                    None => Ok(Segment::Literal(seg.into())),
                }
            }
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether a literal segment holds `c`.
    pub(crate) fn has_literal_char(&self, c: char) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Literal(lit) if lit.contains(c)))
    }

    /// The parameters captured when `segments` match, or `None` when they do not. With
    /// `fold_case`, literals match ASCII letters in either case.
    pub(crate) fn match_segments(
        &self,
        segments: &[&str],
        fold_case: bool,
    ) -> Option<BTreeMap<Arc<str>, String>> {
        let mut params = BTreeMap::new();
        let mut rest = segments;
        for pattern_segment in &self.segments {
            if *pattern_segment == Segment::Rest {
                return Some(params);
            }
            let (first, tail) = rest.split_first()?;
            match pattern_segment {
                Segment::Literal(lit)
                    if !(*first == lit.as_ref()
                        || (fold_case && first.eq_ignore_ascii_case(lit))) =>
                {
                    return None
                }
                Segment::Param(name) => {
                    params.insert(Arc::clone(name), String::from(*first));
                }
                _ => {}
            }
            rest = tail;
        }
        rest.is_empty().then_some(params)
    }

    /// Normalizes `path` and returns the captured parameters if it matches, `None` otherwise.
    /// A path that cannot be normalized is an [`ErrorCode::InvalidPath`] error.
    pub fn captures(&self, path: &str) -> Result<Option<BTreeMap<Arc<str>, String>>, Error> {
        let normalized = crate::path::normalize_path(path)?;
        Ok(normalized.with_segments(|segments| self.match_segments(segments, false)))
    }
}

/// What a trie entry marks: pattern `pattern` of rule `rule`, from its `paths` or its `except`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub rule: u32,
    pub except: bool,
}

/// A literal segment with its first eight bytes as an integer, so a lookup mostly compares
/// integers instead of calling `memcmp`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct LiteralKey {
    prefix: u64,
    text: Box<str>,
}

fn prefix_of(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (slot, byte) in bytes.iter_mut().zip(text.bytes()) {
        *slot = byte;
    }
    u64::from_be_bytes(bytes)
}

fn find_literal(literals: &[(LiteralKey, u32)], segment: &str) -> Result<usize, usize> {
    let prefix = prefix_of(segment);
    literals.binary_search_by(|(key, _)| {
        key.prefix
            .cmp(&prefix)
            .then_with(|| key.text.as_ref().cmp(segment))
    })
}

#[derive(Debug, Default, Clone)]
struct Node {
    /// Literal children, sorted by (prefix key, segment) for binary search.
    literals: Vec<(LiteralKey, u32)>,
    /// The child for `{param}` and `*`.
    one: Option<u32>,
    /// Patterns ending in `**` here.
    rest: Vec<Hit>,
    /// Patterns ending exactly here.
    end: Vec<Hit>,
}

/// Every pattern of a policy in one trie, so a path is walked once for all rules.
#[derive(Debug, Clone)]
pub(crate) struct Trie {
    nodes: Vec<Node>,
}

impl Trie {
    pub fn new() -> Self {
        Trie {
            nodes: vec![Node::default()],
        }
    }

    fn child(&mut self, node: u32, segment: &Segment, fold_case: bool) -> u32 {
        let next = self.nodes.len() as u32;
        let Some(current) = self.nodes.get_mut(node as usize) else {
            return 0;
        };
        match segment {
            Segment::Literal(lit) => {
                let lit: Box<str> = if fold_case {
                    lit.to_ascii_lowercase().into()
                } else {
                    lit.clone()
                };
                match find_literal(&current.literals, &lit) {
                    Ok(found) => current.literals.get(found).map_or(0, |(_, n)| *n),
                    Err(at) => {
                        let key = LiteralKey {
                            prefix: prefix_of(&lit),
                            text: lit,
                        };
                        current.literals.insert(at, (key, next));
                        self.nodes.push(Node::default());
                        next
                    }
                }
            }
            Segment::Param(_) | Segment::Any | Segment::Rest => match current.one {
                Some(n) => n,
                None => {
                    current.one = Some(next);
                    self.nodes.push(Node::default());
                    next
                }
            },
        }
    }

    /// Adds a pattern whose matches mark `hit`; with `fold_case`, its literals are stored in
    /// ASCII lower case (the walk is then given lower-cased segments).
    pub fn insert(&mut self, pattern: &PathPattern, hit: Hit, fold_case: bool) {
        let mut node = 0u32;
        for segment in &pattern.segments {
            if *segment == Segment::Rest {
                if let Some(n) = self.nodes.get_mut(node as usize) {
                    n.rest.push(hit);
                }
                return;
            }
            node = self.child(node, segment, fold_case);
        }
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.end.push(hit);
        }
    }

    /// Calls `on_hit` for every pattern that matches `segments`.
    pub fn walk<'s, I>(&self, segments: I, on_hit: &mut impl FnMut(Hit))
    where
        I: Iterator<Item = &'s str> + Clone,
    {
        self.walk_from(0, segments, on_hit);
    }

    fn walk_from<'s, I>(&self, node: u32, mut segments: I, on_hit: &mut impl FnMut(Hit))
    where
        I: Iterator<Item = &'s str> + Clone,
    {
        let Some(n) = self.nodes.get(node as usize) else {
            return;
        };
        for &hit in &n.rest {
            on_hit(hit);
        }
        let Some(first) = segments.next() else {
            for &hit in &n.end {
                on_hit(hit);
            }
            return;
        };
        if let Ok(found) = find_literal(&n.literals, first) {
            if let Some((_, child)) = n.literals.get(found) {
                self.walk_from(*child, segments.clone(), on_hit);
            }
        }
        if let Some(child) = n.one {
            self.walk_from(child, segments, on_hit);
        }
    }
}
