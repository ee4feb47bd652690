//! Path patterns (`/v1/users/{id}/**`) and the route trie they compile into.

use crate::prelude::*;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::ops::Range;

use crate::error::{Error, ErrorCode};

/// One segment of a [`PathPattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// A literal segment: where it is in the pattern's source (no copy of its own).
    Literal(Range<usize>),
    /// A `{name}` segment; the name is shared with every decision's parameters.
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
    /// The positions of the `{name}` segments as bits (bit `i`: segment `i`), when they are all
    /// below 32 and their names are in the pattern's order.
    params_at: u32,
    /// Otherwise the positions of the `{name}` segments ordered by name (the order of captured
    /// maps); empty for most patterns, which then need no allocation for it.
    params_by_name: Box<[usize]>,
}

fn pattern_error(pattern: &str, why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidPattern,
        format!("invalid path pattern {pattern:?}: {why}"),
    )
}

/// A parameter name of a pattern: `[A-Za-z_][A-Za-z0-9_]*` (also what OpenAPI import renames to).
pub(crate) fn is_param_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl PathPattern {
    /// Parses a pattern, refusing anything malformed with [`ErrorCode::InvalidPattern`].
    pub fn parse(pattern: &str) -> Result<Self, Error> {
        Self::parse_with(pattern.into(), &mut ParamNames::default())
    }

    /// [`parse`](Self::parse), keeping `pattern` as the source instead of copying it, and sharing
    /// the parameter names of `names` (a policy's patterns mostly repeat a few, such as `id`: one
    /// allocation each instead of one per use).
    pub(crate) fn parse_with(pattern: Box<str>, names: &mut ParamNames) -> Result<Self, Error> {
        let Some(rest) = pattern.strip_prefix('/') else {
            return Err(pattern_error(&pattern, "a pattern must start with '/'"));
        };
        let mut segments = Vec::new();
        let mut params = 0usize;
        // The parameters' positions as bits, while all are below 32.
        let mut params_at = Some(0u32);
        if !rest.is_empty() {
            segments.reserve_exact(rest.bytes().filter(|&b| b == b'/').count() + 1);
            let mut start = 1; // after the leading '/'
            let mut parts = rest.split('/').peekable();
            while let Some(part) = parts.next() {
                let end = start + part.len();
                let segment =
                    Self::parse_segment(&pattern, part, start..end, parts.peek().is_none(), names)?;
                if matches!(segment, Segment::Param(_)) {
                    params += 1;
                    let bit = u32::try_from(segments.len())
                        .ok()
                        .and_then(|at| 1u32.checked_shl(at));
                    params_at = params_at.zip(bit).map(|(bits, bit)| bits | bit);
                }
                segments.push(segment);
                start = end + 1;
            }
        }
        // The bits stand when the parameters' names are in the pattern's order; otherwise the
        // positions are kept ordered by name. A repeated name is refused (neighbours once sorted).
        let mut by_name = Vec::new();
        if params > 1 || params_at.is_none() {
            let positions: Vec<usize> = segments
                .iter()
                .enumerate()
                .filter_map(|(at, s)| matches!(s, Segment::Param(_)).then_some(at))
                .collect();
            let name = |i: usize| match positions.get(i).and_then(|&at| segments.get(at)) {
                Some(Segment::Param(name)) => Some(name.as_ref()),
                _ => None,
            };
            let order =
                crate::order::sorted_indexes(positions.len(), &|a, b| name(a).cmp(&name(b)));
            if order.windows(2).any(|pair| match pair {
                [a, b] => name(*a) == name(*b),
                _ => false,
            }) {
                return Err(pattern_error(&pattern, "a parameter name is used twice"));
            }
            if params_at.is_none() || order.windows(2).any(|pair| matches!(pair, [a, b] if a > b)) {
                params_at = None;
                by_name = order
                    .iter()
                    .filter_map(|&i| positions.get(i).copied())
                    .collect();
            }
        }
        Ok(PathPattern {
            source: pattern,
            segments,
            params_at: params_at.unwrap_or(0),
            params_by_name: by_name.into_boxed_slice(),
        })
    }

    /// The text of `segment` when it is a literal.
    fn literal(&self, segment: &Segment) -> Option<&str> {
        match segment {
            Segment::Literal(range) => self.source.get(range.clone()),
            _ => None,
        }
    }

    fn parse_segment(
        pattern: &str,
        seg: &str,
        at: Range<usize>,
        is_last: bool,
        names: &mut ParamNames,
    ) -> Result<Segment, Error> {
        match seg {
            "" => Err(pattern_error(
                pattern,
                "empty segment ('//' or a trailing '/')",
            )),
            "**" if is_last => Ok(Segment::Rest),
            "**" => Err(pattern_error(pattern, "'**' may only be the last segment")),
            "*" => Ok(Segment::Any),
            _ if super::path::is_dot_like(seg) => {
                Err(pattern_error(pattern, "dot segments are not allowed"))
            }
            _ => {
                if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if is_param_name(name) {
                        return Ok(Segment::Param(names.get(name)));
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
                    None => Ok(Segment::Literal(at)),
                }
            }
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The number of segments (`/` has none).
    pub(crate) fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Whether a literal segment holds `c`.
    pub(crate) fn has_literal_char(&self, c: char) -> bool {
        self.segments
            .iter()
            .any(|s| self.literal(s).is_some_and(|lit| lit.contains(c)))
    }

    /// Whether `segments` match. With `fold_case`, literals match ASCII letters in either case.
    pub(crate) fn matches_segments(&self, segments: &[&str], fold_case: bool) -> bool {
        let mut rest = segments;
        for pattern_segment in &self.segments {
            if *pattern_segment == Segment::Rest {
                return true;
            }
            let Some((first, tail)) = rest.split_first() else {
                return false;
            };
            if let Some(lit) = self.literal(pattern_segment) {
                if !(*first == lit || (fold_case && first.eq_ignore_ascii_case(lit))) {
                    return false;
                }
            }
            rest = tail;
        }
        rest.is_empty()
    }

    /// The parameters this pattern captures from `segments` (which it
    /// [matches](Self::matches_segments)), ordered by name.
    pub(crate) fn params_in<'p, 's>(
        &'p self,
        segments: &'p [&'s str],
    ) -> impl Iterator<Item = (&'p Arc<str>, &'s str)> + 'p {
        // Without `params_by_name`, the positions in `params_at`, lowest first.
        let mut positions = if self.params_by_name.is_empty() {
            self.params_at
        } else {
            0
        };
        let mut by_name = self.params_by_name.iter();
        core::iter::from_fn(move || loop {
            let at = if positions != 0 {
                let at = positions.trailing_zeros() as usize;
                positions &= positions - 1;
                at
            } else {
                *by_name.next()?
            };
            if let (Some(Segment::Param(name)), Some(value)) =
                (self.segments.get(at), segments.get(at))
            {
                return Some((name, *value));
            }
        })
    }

    /// The parameters captured when `segments` match, or `None` when they do not. With
    /// `fold_case`, literals match ASCII letters in either case.
    pub(crate) fn match_segments(
        &self,
        segments: &[&str],
        fold_case: bool,
    ) -> Option<BTreeMap<Arc<str>, String>> {
        self.matches_segments(segments, fold_case)
            .then(|| params_map(self.params_in(segments)))
    }

    /// Whether this pattern matches every path that `other` matches (with `fold_case`, literals
    /// compare ASCII letters in either case): `/a/**` covers `/a/{id}` and `/a`, `/a/{id}` covers
    /// `/a/b` but not `/a/**`.
    ///
    /// ```
    /// use scopegate::PathPattern;
    /// let files = PathPattern::parse("/files/**")?;
    /// assert!(files.covers(&PathPattern::parse("/files/{id}/raw")?, false));
    /// assert!(!PathPattern::parse("/files/{id}")?.covers(&files, false));
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn covers(&self, other: &PathPattern, fold_case: bool) -> bool {
        let mut theirs = other.segments.iter();
        for mine in &self.segments {
            if *mine == Segment::Rest {
                return true;
            }
            let covered = match (mine, theirs.next()) {
                (_, None | Some(Segment::Rest)) => false,
                (Segment::Param(_) | Segment::Any, Some(_)) => true,
                (Segment::Literal(_), Some(b @ Segment::Literal(_))) => {
                    match (self.literal(mine), other.literal(b)) {
                        (Some(a), Some(b)) => a == b || (fold_case && a.eq_ignore_ascii_case(b)),
                        _ => false,
                    }
                }
                (Segment::Literal(_), Some(_)) => false,
                (Segment::Rest, Some(_)) => true,
            };
            if !covered {
                return false;
            }
        }
        theirs.next().is_none()
    }

    /// Normalizes `path` and returns the captured parameters if it matches, `None` otherwise.
    /// A path that cannot be normalized is an [`ErrorCode::InvalidPath`] error.
    pub fn captures(&self, path: &str) -> Result<Option<BTreeMap<Arc<str>, String>>, Error> {
        let normalized = super::path::normalize_path(path)?;
        Ok(normalized.with_segments(|segments| self.match_segments(segments, false)))
    }
}

/// The first [`ParamNames::SHARED`] parameter names met while parsing a policy's patterns,
/// sorted, each shared by the patterns that use it.
#[derive(Debug, Default)]
pub(crate) struct ParamNames(Vec<Arc<str>>);

impl ParamNames {
    /// How many names are kept for sharing. Policies repeat a few names (`id`, `org`, ...); a
    /// hostile one with a hundred thousand distinct names would make a sorted list of them cost
    /// quadratic time to fill, so names past these get their own allocation, as before sharing.
    const SHARED: usize = 64;

    /// The shared `name`, added on first use while there is room.
    fn get(&mut self, name: &str) -> Arc<str> {
        match self.0.binary_search_by(|known| known.as_ref().cmp(name)) {
            Ok(at) => self.0.get(at).map_or_else(|| Arc::from(name), Arc::clone),
            Err(at) => {
                let shared: Arc<str> = Arc::from(name);
                if self.0.len() < Self::SHARED {
                    self.0.insert(at, Arc::clone(&shared));
                }
                shared
            }
        }
    }
}

/// Captured parameters as a map (inserted one by one: collecting would link a sort).
pub(crate) fn params_map<'p>(
    params: impl Iterator<Item = (&'p Arc<str>, &'p str)>,
) -> BTreeMap<Arc<str>, String> {
    let mut map = BTreeMap::new();
    for (name, value) in params {
        map.insert(Arc::clone(name), String::from(value));
    }
    map
}

/// What a trie entry marks: a pattern of rule `rule`, from its `paths` or its `except`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub rule: u32,
    pub except: bool,
}

/// A literal segment with its first eight bytes as an integer, so a lookup mostly compares
/// integers instead of calling `memcmp`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct LiteralKey {
    prefix: u64,
    pub(super) text: Box<str>,
}

impl LiteralKey {
    /// The key of a literal segment (as the trie stores it: lower case when the policy folds case).
    pub(super) fn new(text: Box<str>) -> Self {
        LiteralKey {
            prefix: prefix_of(&text),
            text,
        }
    }
}

/// The first eight bytes of `text`, big-endian, zero-padded: comparing two prefixes orders the
/// texts as their first eight bytes do.
#[inline]
fn prefix_of(text: &str) -> u64 {
    let bytes = text.as_bytes();
    if let Some(first) = bytes.first_chunk::<8>() {
        return u64::from_be_bytes(*first);
    }
    let mut prefix = 0u64;
    for (at, &byte) in bytes.iter().enumerate() {
        prefix |= u64::from(byte) << (56 - 8 * at);
    }
    prefix
}

/// Where `segment` is among `literals` (sorted by [`LiteralKey`]).
#[inline]
fn find_literal(literals: &[(LiteralKey, u32)], segment: &str) -> Result<usize, usize> {
    let prefix = prefix_of(segment);
    literals.binary_search_by(|(key, _)| {
        key.prefix.cmp(&prefix).then_with(|| {
            // Equal prefixes of two texts of at most eight bytes: one is the start of the other
            // (the padding is zeros), so the shorter comes first, as `str::cmp` has it.
            if key.text.len() <= 8 && segment.len() <= 8 {
                key.text.len().cmp(&segment.len())
            } else {
                key.text.as_ref().cmp(segment)
            }
        })
    })
}

/// A trie node. Children have higher indexes than their parent, and every node but the root is
/// the child of exactly one node (policy bundles are checked for both when read).
#[derive(Debug, Default, Clone)]
pub(super) struct Node {
    /// Literal children, sorted by (prefix key, segment) for binary search.
    pub(super) literals: Vec<(LiteralKey, u32)>,
    /// The child for `{param}` and `*`.
    pub(super) one: Option<u32>,
    /// Patterns ending in `**` here.
    pub(super) rest: Vec<Hit>,
    /// Patterns ending exactly here.
    pub(super) end: Vec<Hit>,
}

/// Every pattern of a policy in one trie, so a path is walked once for all rules.
#[derive(Debug, Clone)]
pub(crate) struct Trie {
    pub(super) nodes: Vec<Node>,
}

/// A trie node while patterns are added: literal children in a B-tree map (O(log n) per insert,
/// however many siblings a segment has).
#[derive(Debug, Default)]
struct BuildNode {
    literals: BTreeMap<Box<str>, u32>,
    one: Option<u32>,
    rest: Vec<Hit>,
    end: Vec<Hit>,
}

/// Builds a [`Trie`]: O(n log n) in the number of pattern segments.
#[derive(Debug)]
pub(crate) struct TrieBuilder {
    nodes: Vec<BuildNode>,
    fold_case: bool,
}

impl TrieBuilder {
    /// An empty trie; with `fold_case`, literals are stored in ASCII lower case (and the walk is
    /// then given lower-cased segments).
    pub fn new(fold_case: bool) -> Self {
        TrieBuilder {
            nodes: vec![BuildNode::default()],
            fold_case,
        }
    }

    /// The child of `node` for a segment: the literal's (`Some`), or the one for `{param}`, `*`
    /// and `**` (`None`); made when missing.
    fn child(&mut self, node: u32, literal: Option<&str>) -> u32 {
        let next = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        let fold_case = self.fold_case;
        let Some(current) = self.nodes.get_mut(node as usize) else {
            return 0;
        };
        let child = match literal {
            Some(lit) => {
                let lowered;
                let key = if fold_case && lit.bytes().any(|b| b.is_ascii_uppercase()) {
                    lowered = lit.to_ascii_lowercase();
                    lowered.as_str()
                } else {
                    lit
                };
                // Looked up before a key is allocated: most segments are shared prefixes.
                match current.literals.get(key) {
                    Some(&child) => child,
                    None => {
                        current.literals.insert(key.into(), next);
                        next
                    }
                }
            }
            None => *current.one.get_or_insert(next),
        };
        if child == next {
            self.nodes.push(BuildNode::default());
        }
        child
    }

    /// Adds a pattern whose matches mark `hit`.
    pub fn insert(&mut self, pattern: &PathPattern, hit: Hit) {
        let mut node = 0u32;
        for segment in &pattern.segments {
            if *segment == Segment::Rest {
                if let Some(n) = self.nodes.get_mut(node as usize) {
                    n.rest.push(hit);
                }
                return;
            }
            node = self.child(node, pattern.literal(segment));
        }
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.end.push(hit);
        }
    }

    /// The trie for lookups.
    pub fn build(self) -> Trie {
        let nodes = self
            .nodes
            .into_iter()
            .map(|node| {
                let mut literals: Vec<(LiteralKey, u32)> = node
                    .literals
                    .into_iter()
                    .map(|(text, child)| (LiteralKey::new(text), child))
                    .collect();
                crate::order::sort_by(&mut literals, &|a, b| a.0.cmp(&b.0));
                Node {
                    literals,
                    one: node.one,
                    rest: node.rest,
                    end: node.end,
                }
            })
            .collect();
        Trie { nodes }
    }
}

impl Trie {
    /// Calls `on_hit` for every pattern that matches `segments`. The walk keeps its pending
    /// branches on an explicit stack (on the call stack itself for up to 32), never recursing.
    pub fn walk(&self, segments: &[&str], on_hit: &mut impl FnMut(Hit)) {
        // (node, how many segments are consumed): a literal child and the `one` child may both
        // match a segment, so up to one branch per segment waits here.
        let mut inline = [(0u32, 0usize); 32];
        let mut inline_len = 1;
        let mut overflow: Vec<(u32, usize)> = Vec::new();
        loop {
            let (node, depth) = if let Some(branch) = overflow.pop() {
                branch
            } else if inline_len > 0 {
                inline_len -= 1;
                inline.get(inline_len).copied().unwrap_or_default()
            } else {
                return;
            };
            let Some(n) = self.nodes.get(node as usize) else {
                continue;
            };
            for &hit in &n.rest {
                on_hit(hit);
            }
            let Some(segment) = segments.get(depth) else {
                for &hit in &n.end {
                    on_hit(hit);
                }
                continue;
            };
            let literal = find_literal(&n.literals, segment)
                .ok()
                .and_then(|found| n.literals.get(found))
                .map(|(_, child)| *child);
            for child in [n.one, literal].into_iter().flatten() {
                let branch = (child, depth + 1);
                match inline.get_mut(inline_len) {
                    Some(slot) if overflow.is_empty() => {
                        *slot = branch;
                        inline_len += 1;
                    }
                    _ => overflow.push(branch),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_lookup_agrees_with_comparing_the_texts() {
        let words = [
            "",
            "a",
            "ab",
            "ab\0",
            "abc",
            "abcdefg",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefgi",
            "b",
            "v1",
            "v10",
            "wallets",
            "wallets2",
            "wallets-old",
            "\u{e9}t\u{e9}",
            "zzzzzzzzzzzz",
        ];
        let mut literals: Vec<(LiteralKey, u32)> = words
            .iter()
            .filter(|w| !w.is_empty())
            .zip(0..)
            .map(|(w, i)| (LiteralKey::new((*w).into()), i))
            .collect();
        literals.sort_by(|a, b| a.0.cmp(&b.0));
        for probe in words {
            let found = find_literal(&literals, probe)
                .ok()
                .and_then(|at| literals.get(at))
                .map(|(key, _)| key.text.as_ref());
            let expected = literals
                .iter()
                .find(|(key, _)| key.text.as_ref() == probe)
                .map(|(key, _)| key.text.as_ref());
            assert_eq!(found, expected, "{probe:?}");
            assert_eq!(
                prefix_of(probe).cmp(&prefix_of("abcdefgh")),
                probe
                    .as_bytes()
                    .iter()
                    .chain([0; 8].iter())
                    .take(8)
                    .cmp(b"abcdefgh".iter()),
                "{probe:?}"
            );
        }
    }

    #[test]
    fn parameters_come_out_by_name_and_share_their_names() {
        let mut names = ParamNames::default();
        let params = |source: &str, names: &mut ParamNames, path: &[&str]| {
            let pattern = PathPattern::parse_with(source.into(), names).unwrap();
            let found: Vec<(Arc<str>, String)> = pattern
                .params_in(path)
                .map(|(name, value)| (Arc::clone(name), value.to_string()))
                .collect();
            (pattern, found)
        };
        // In the pattern's order already (nothing kept) and in the other order (positions kept).
        let (in_order, found) = params("/a/{id}/{part}/{zone}", &mut names, &["a", "1", "2", "3"]);
        assert!(in_order.params_by_name.is_empty());
        assert_eq!(in_order.params_at, 0b1110);
        let texts: Vec<_> = found
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_str()))
            .collect();
        assert_eq!(texts, [("id", "1"), ("part", "2"), ("zone", "3")]);
        let (reordered, found_again) =
            params("/o/{org}/m/{id}", &mut names, &["o", "acme", "m", "7"]);
        assert_eq!(reordered.params_by_name.as_ref(), [3, 1]);
        assert_eq!(reordered.params_at, 0);
        let texts: Vec<_> = found_again
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_str()))
            .collect();
        assert_eq!(texts, [("id", "7"), ("org", "acme")]);
        // One `id` for both patterns.
        let first = found.first().map(|(n, _)| n);
        let second = found_again.first().map(|(n, _)| n);
        assert!(matches!((first, second), (Some(a), Some(b)) if Arc::ptr_eq(a, b)));
        // Parameters beyond the 32 positions the bits hold.
        let source: String = (0..40)
            .map(|i| match i {
                2 => "/{a}".to_string(),
                35 => "/{b}".to_string(),
                _ => format!("/s{i}"),
            })
            .collect();
        let path: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let (far, found) = params(&source, &mut names, &path);
        assert_eq!(far.params_by_name.as_ref(), [2, 35]);
        let texts: Vec<_> = found
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_str()))
            .collect();
        assert_eq!(texts, [("a", "v2"), ("b", "v35")]);
        // Names are shared up to a bound (a sorted list: past it, each gets its own allocation).
        for i in 0..2 * ParamNames::SHARED {
            let source = format!("/q/{{name_{i}}}");
            params(&source, &mut names, &["q", "v"]);
        }
        assert_eq!(names.0.len(), ParamNames::SHARED);
        // A repeated name is refused either way.
        for source in ["/{id}/{id}", "/{b}/x/{a}/{b}"] {
            let err = PathPattern::parse_with(source.into(), &mut names).unwrap_err();
            assert!(err.message().contains("used twice"), "{source}");
        }
    }
}
