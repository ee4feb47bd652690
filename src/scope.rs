//! OAuth2 scopes (RFC 6749 §3.3): validation, parsing and the [`ScopeSet`] type.
//!
//! A scope string is a list of space-delimited, case-sensitive scope tokens; order does not matter
//! and duplicates collapse. Each token is `1*( %x21 / %x23-5B / %x5D-7E )`: printable ASCII except
//! space, `"` and `\`.

use crate::prelude::*;
use core::fmt;
use core::str::FromStr;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};

/// The longest scope string [`ScopeSet::parse`] reads, in bytes (64 KiB): far above real ones,
/// low enough that a client cannot make a server parse megabytes.
pub const MAX_SCOPE_STRING_LEN: usize = 64 * 1024;

/// Whether `byte` may appear in a scope token (RFC 6749 §3.3: `%x21 / %x23-5B / %x5D-7E`).
fn is_scope_byte(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

/// Checks one scope token; on failure, the byte offset of the first bad byte within `token`.
fn check_token(token: &str) -> Result<(), usize> {
    if token.is_empty() {
        return Err(0);
    }
    match token.bytes().position(|b| !is_scope_byte(b)) {
        Some(offset) => Err(offset),
        None => Ok(()),
    }
}

/// Whether `token` is one valid RFC 6749 scope token.
///
/// ```
/// use scopegate::is_scope_token;
/// assert!(is_scope_token("read:files"));
/// assert!(!is_scope_token("two words"));
/// assert!(!is_scope_token(""));
/// ```
pub fn is_scope_token(token: &str) -> bool {
    check_token(token).is_ok()
}

/// Validates one scope token, naming it and its byte offset in `at` when it is bad.
pub(crate) fn validate_token(token: &str, base_offset: usize) -> Result<(), Error> {
    check_token(token).map_err(|offset| {
        let message = if token.is_empty() {
            format!("empty scope token at byte {base_offset}")
        } else {
            let bad = token
                .get(offset..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or('?');
            format!(
                "invalid scope token {token:?} at byte {base_offset}: character {bad:?} at byte {} is not allowed (RFC 6749 §3.3)",
                base_offset + offset
            )
        };
        Error::new(ErrorCode::InvalidScope, message)
    })
}

/// A set of scope tokens: unordered, duplicate-free, case-sensitive.
///
/// Its canonical string form ([`Display`](fmt::Display)) lists the scopes sorted by byte order,
/// separated by one space, so two equal sets always print the same.
///
/// ```
/// use scopegate::ScopeSet;
/// let a: ScopeSet = "read_write read_only read_only".parse()?;
/// let b = ScopeSet::from_list(["read_only", "admin"])?;
/// assert_eq!(a.to_string(), "read_only read_write");
/// assert_eq!(a.intersection(&b).to_string(), "read_only");
/// assert_eq!(a.union(&b).to_string(), "admin read_only read_write");
/// assert!(ScopeSet::parse("read_only")?.is_subset(&a));
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeSet {
    /// Sorted by byte order, without duplicates. (A sorted vector rather than a `BTreeSet`: scope
    /// sets are small, lookups are a binary search, and the WebAssembly builds carry one B-tree
    /// instance fewer.)
    scopes: Vec<String>,
}

impl ScopeSet {
    /// The empty set.
    pub fn new() -> Self {
        ScopeSet::default()
    }

    /// Parses a space-delimited scope string. Runs of spaces (and leading or trailing spaces) are
    /// accepted as one separator; any other character outside the RFC 6749 grammar, tabs and line
    /// breaks included, is an [`ErrorCode::InvalidScope`] error naming the token and its byte offset.
    /// The empty string is the empty set. Strings longer than [`MAX_SCOPE_STRING_LEN`] are refused
    /// ([`parse_with_max_len`](Self::parse_with_max_len) sets another limit).
    ///
    /// ```
    /// use scopegate::{ErrorCode, ScopeSet};
    /// assert_eq!(ScopeSet::parse("b a b")?.len(), 2);
    /// let err = ScopeSet::parse("read_only bad\"scope").unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::InvalidScope);
    /// assert!(err.message().contains("byte 13"));
    /// # Ok::<(), scopegate::Error>(())
    /// ```
    pub fn parse(scope: &str) -> Result<Self, Error> {
        Self::parse_with_max_len(scope, MAX_SCOPE_STRING_LEN)
    }

    /// [`parse`](Self::parse) with another length limit, in bytes, than
    /// [`MAX_SCOPE_STRING_LEN`]. Parsing is O(n log n) in the number of tokens.
    pub fn parse_with_max_len(scope: &str, max_len: usize) -> Result<Self, Error> {
        if scope.len() > max_len {
            return Err(Error::new(
                ErrorCode::InvalidScope,
                format!(
                    "the scope string is {} bytes, longer than the limit of {max_len}",
                    scope.len()
                ),
            ));
        }
        let mut tokens = Vec::new();
        let mut offset = 0;
        for piece in scope.split(' ') {
            if !piece.is_empty() {
                validate_token(piece, offset)?;
                tokens.push(piece.to_string());
            }
            offset += piece.len() + 1;
        }
        Ok(ScopeSet::from_valid(tokens))
    }

    /// A set from tokens already known to be valid, in any order, with repeats: sorted once.
    pub(crate) fn from_valid(mut scopes: Vec<String>) -> Self {
        scopes.sort_unstable();
        scopes.dedup();
        ScopeSet { scopes }
    }

    /// Builds a set from a list of scope tokens, validating each. An element that is not exactly one
    /// token (empty, or containing a space) is an [`ErrorCode::InvalidScope`] error whose pointer is
    /// the element's index (`/2`).
    pub fn from_list<I, S>(items: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut tokens = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            let token = item.as_ref();
            validate_token(token, 0).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidScope,
                    format!("list element {index}: {}", e.message()),
                )
                .at(format!("/{index}"))
            })?;
            tokens.push(token.to_string());
        }
        Ok(ScopeSet::from_valid(tokens))
    }

    /// Adds one scope token, validating it. Returns whether it was new.
    pub fn insert(&mut self, scope: &str) -> Result<bool, Error> {
        validate_token(scope, 0)?;
        Ok(self.insert_valid(scope))
    }

    /// Inserts a token already known to be valid. Returns whether it was new.
    pub(crate) fn insert_valid(&mut self, scope: &str) -> bool {
        match self.position(scope) {
            Ok(_) => false,
            Err(at) => {
                self.scopes.insert(at, scope.to_string());
                true
            }
        }
    }

    /// Where `scope` is (`Ok`) or would go (`Err`) in the sorted list.
    fn position(&self, scope: &str) -> Result<usize, usize> {
        self.scopes.binary_search_by(|s| s.as_str().cmp(scope))
    }

    /// Removes one scope. Returns whether it was present.
    pub fn remove(&mut self, scope: &str) -> bool {
        match self.position(scope) {
            Ok(at) => {
                self.scopes.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether the set holds `scope`.
    pub fn contains(&self, scope: &str) -> bool {
        self.position(scope).is_ok()
    }

    /// The number of scopes.
    pub fn len(&self) -> usize {
        self.scopes.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }

    /// The scopes in canonical (byte) order.
    pub fn iter(&self) -> ScopeIter<'_> {
        ScopeIter {
            inner: self.scopes.iter(),
        }
    }

    /// The scopes in either set.
    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        // A merge of the two sorted lists: linear.
        let mut scopes = Vec::with_capacity(self.len() + other.len());
        let (mut a, mut b) = (
            self.scopes.iter().peekable(),
            other.scopes.iter().peekable(),
        );
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x < y => a.next(),
                (Some(x), Some(y)) if x > y => b.next(),
                (Some(_), Some(_)) => {
                    b.next();
                    a.next()
                }
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => break,
            };
            scopes.extend(next.cloned());
        }
        ScopeSet { scopes }
    }

    /// The scopes in both sets.
    pub fn intersection(&self, other: &ScopeSet) -> ScopeSet {
        self.filtered(|scope| other.contains(scope))
    }

    /// The scopes in `self` but not in `other`.
    pub fn difference(&self, other: &ScopeSet) -> ScopeSet {
        self.filtered(|scope| !other.contains(scope))
    }

    /// The scopes of `self` that `keep` accepts, still sorted.
    fn filtered(&self, keep: impl Fn(&str) -> bool) -> ScopeSet {
        let scopes = self.scopes.iter().filter(|scope| keep(scope)).cloned();
        ScopeSet {
            scopes: scopes.collect(),
        }
    }

    /// Whether every scope of `self` is in `other`.
    pub fn is_subset(&self, other: &ScopeSet) -> bool {
        self.len() <= other.len() && self.iter().all(|scope| other.contains(scope))
    }

    /// Whether every scope of `other` is in `self`.
    pub fn is_superset(&self, other: &ScopeSet) -> bool {
        other.is_subset(self)
    }

    /// Whether the sets share no scope.
    pub fn is_disjoint(&self, other: &ScopeSet) -> bool {
        !self.iter().any(|scope| other.contains(scope))
    }

    /// The scopes as a sorted list of strings.
    pub fn to_vec(&self) -> Vec<String> {
        self.scopes.clone()
    }
}

/// Iterator over the scopes of a [`ScopeSet`], in canonical order.
#[derive(Debug, Clone)]
pub struct ScopeIter<'a> {
    inner: core::slice::Iter<'a, String>,
}

impl<'a> Iterator for ScopeIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.inner.next().map(String::as_str)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<'a> IntoIterator for &'a ScopeSet {
    type Item = &'a str;
    type IntoIter = ScopeIter<'a>;

    fn into_iter(self) -> ScopeIter<'a> {
        self.iter()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.scopes.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope)?;
        }
        Ok(())
    }
}

impl FromStr for ScopeSet {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        ScopeSet::parse(s)
    }
}

/// Serialized as a sorted list of strings.
impl Serialize for ScopeSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.scopes.len()))?;
        for scope in &self.scopes {
            seq.serialize_element(scope)?;
        }
        seq.end()
    }
}

/// Deserialized from either a space-delimited string or a list of strings, validating each token.
impl<'de> Deserialize<'de> for ScopeSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScopeSetVisitor;

        impl<'de> Visitor<'de> for ScopeSetVisitor {
            type Value = ScopeSet;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a space-delimited scope string or a list of scope tokens")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<ScopeSet, E> {
                ScopeSet::parse(v).map_err(|e| E::custom(e.message()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ScopeSet, A::Error> {
                let mut tokens = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    validate_token(&item, 0).map_err(|e| de::Error::custom(e.message()))?;
                    tokens.push(item);
                }
                Ok(ScopeSet::from_valid(tokens))
            }
        }

        deserializer.deserialize_any(ScopeSetVisitor)
    }
}
