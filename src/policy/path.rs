//! Request paths: the one safe reading of a request path that every runtime shares.
//!
//! The rule is *canonical or refused*: a path is decided only when every mainstream reading of
//! it (the WHATWG URL parser, RFC 3986 §5.2.4 dot removal, nginx and Go's merge-then-clean, and
//! routers that match the raw path, as Express, axum and hyper do) names the same endpoint.
//! Everything else is refused with [`ErrorCode::InvalidPath`]; see [`normalize_path`].

use crate::prelude::*;
use alloc::borrow::Cow;
use core::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};

/// How a policy reads and matches request paths (`path_matching` in the policy document).
/// Every option is off by default, which is the strictest reading.
///
/// ```
/// use scopegate::{normalize_path_with, PathMatching};
/// let lenient = PathMatching { ignore_trailing_slash: true, ..PathMatching::default() };
/// assert_eq!(normalize_path_with("/users/", &lenient)?.to_string(), "/users");
/// assert!(normalize_path_with("/users/", &PathMatching::default()).is_err());
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathMatching {
    /// Literal pattern segments match ASCII letters in either case (`/Admin` is `/admin`), for
    /// backends that route case-insensitively, as Express does by default. Parameters keep the
    /// case they were sent in; non-ASCII letters are compared exactly.
    #[serde(default, skip_serializing_if = "is_false")]
    pub case_insensitive: bool,
    /// `;` is an ordinary character inside a segment. Off by default because Java servlet
    /// containers cut `;parameters` off a segment (and read `..;` as `..`) before routing; turn
    /// it on only when no such server sits behind the policy.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_semicolons: bool,
    /// One trailing slash is ignored, so `/users/` is decided as `/users`, for backends that
    /// route both to one handler (Express's default, Django, Spring before 6). Off by default:
    /// `/users/` is refused.
    #[serde(default, skip_serializing_if = "is_false")]
    pub ignore_trailing_slash: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A request path after [`normalize_path`]: its decoded segments.
///
/// Its [`Display`](fmt::Display) form is the canonical path, which normalizes to itself.
///
/// ```
/// let path = scopegate::normalize_path("/v1/wallets/caf%c3%a9?x=1#top")?;
/// assert_eq!(path.segments().collect::<Vec<_>>(), ["v1", "wallets", "café"]);
/// assert_eq!(path.to_string(), "/v1/wallets/caf%C3%A9");
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NormalizedPath<'a> {
    repr: Repr<'a>,
}

#[derive(Debug, Clone)]
enum Repr<'a> {
    /// The raw path after its leading `/` needed no decoding: its `/`-separated pieces are the
    /// segments (none for the root). No allocation.
    Clean(&'a str),
    /// Decoded segments.
    Decoded(Vec<Cow<'a, str>>),
}

/// Iterator over the segments of a [`NormalizedPath`].
#[derive(Debug, Clone)]
pub struct Segments<'p> {
    inner: SegmentsInner<'p>,
}

#[derive(Debug, Clone)]
enum SegmentsInner<'p> {
    Clean(core::str::Split<'p, char>),
    Decoded(core::slice::Iter<'p, Cow<'p, str>>),
}

impl<'p> Iterator for Segments<'p> {
    type Item = &'p str;

    fn next(&mut self) -> Option<&'p str> {
        match &mut self.inner {
            SegmentsInner::Clean(split) => split.find(|s| !s.is_empty()),
            SegmentsInner::Decoded(iter) => iter.next().map(|s| s.as_ref()),
        }
    }
}

impl<'a> NormalizedPath<'a> {
    /// The decoded segments, in order.
    pub fn segments(&self) -> Segments<'_> {
        let inner = match &self.repr {
            Repr::Clean(raw) => SegmentsInner::Clean(raw.split('/')),
            Repr::Decoded(list) => SegmentsInner::Decoded(list.iter()),
        };
        Segments { inner }
    }
}

impl NormalizedPath<'_> {
    /// Calls `f` with the segments as a slice, on the stack for paths of up to 16 segments.
    pub(crate) fn with_segments<R>(&self, f: impl FnOnce(&[&str]) -> R) -> R {
        let mut inline = [""; 16];
        let mut count = 0;
        let mut overflow: Vec<&str> = Vec::new();
        for segment in self.segments() {
            if let Some(slot) = inline.get_mut(count) {
                *slot = segment;
                count += 1;
            } else {
                overflow.push(segment);
            }
        }
        if overflow.is_empty() {
            return f(inline.get(..count).unwrap_or_default());
        }
        let mut all: Vec<&str> = inline.to_vec();
        all.extend(overflow);
        f(&all)
    }
}

impl PartialEq for NormalizedPath<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.segments().eq(other.segments())
    }
}

impl Eq for NormalizedPath<'_> {}

impl fmt::Display for NormalizedPath<'_> {
    /// The canonical path: `/` followed by the segments joined with `/`, each byte that may not
    /// stand raw in a segment percent-encoded (`%3F` for `?`, `%25` for `%`, UTF-8 bytes of
    /// non-ASCII characters), so the result normalizes to the same segments.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut empty = true;
        for segment in self.segments() {
            empty = false;
            f.write_str("/")?;
            write_encoded(f, segment)?;
        }
        if empty {
            f.write_str("/")?;
        }
        Ok(())
    }
}

/// Writes a decoded segment with every byte that is not [`RAW`] (or is `;`, which only a policy
/// allowing semicolons lets through, and then raw) percent-encoded.
fn write_encoded(f: &mut fmt::Formatter<'_>, segment: &str) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut start = 0;
    for (i, byte) in segment.bytes().enumerate() {
        if class_of(byte) == RAW || byte == b';' {
            continue;
        }
        f.write_str(segment.get(start..i).unwrap_or_default())?;
        let hex = |nibble: u8| char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'));
        f.write_char('%')?;
        f.write_char(hex(byte >> 4))?;
        f.write_char(hex(byte & 0xF))?;
        start = i + 1;
    }
    f.write_str(segment.get(start..).unwrap_or_default())
}

fn invalid(path: &str, why: &str) -> Error {
    let shown: String = path.chars().take(200).collect();
    Error::new(
        ErrorCode::InvalidPath,
        format!("invalid path {shown:?}: {why}"),
    )
}

/// The value of one hexadecimal digit (either case).
pub(crate) fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// A byte that may stand raw in a segment: RFC 3986 `pchar` without `%` and `;`.
const RAW: u8 = 0;
const SLASH: u8 = 1;
/// `?` or `#`: the path ends here.
const END: u8 = 2;
/// `%` (an escape to decode) or `;` (which depends on the policy).
const ESCAPE: u8 = 3;
/// A byte a request path may not carry raw.
const REFUSED: u8 = 4;

/// The class of each byte (see [`RAW`] and the other classes). (Indexing in a `const`
/// initializer cannot panic at run time: an out-of-bounds index fails the build.)
#[allow(clippy::indexing_slicing)]
const BYTE_CLASS: [u8; 256] = {
    let mut table = [REFUSED; 256];
    let raw = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@";
    let mut i = 0;
    while i < raw.len() {
        table[raw[i] as usize] = RAW;
        i += 1;
    }
    table[b'/' as usize] = SLASH;
    table[b'?' as usize] = END;
    table[b'#' as usize] = END;
    table[b'%' as usize] = ESCAPE;
    table[b';' as usize] = ESCAPE;
    table
};

fn class_of(byte: u8) -> u8 {
    BYTE_CLASS
        .get(usize::from(byte))
        .copied()
        .unwrap_or(REFUSED)
}

/// Whether a decoded byte is an RFC 3986 unreserved character, which a canonical URI never
/// percent-encodes (§2.3).
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Why a raw byte may not appear in a request path.
fn refused_byte(byte: u8) -> String {
    match byte {
        b' ' => "a raw space is not allowed (percent-encode it as %20)".into(),
        b'\\' => "a backslash is not allowed".into(),
        0 => "a NUL byte is not allowed".into(),
        0x01..=0x1F | 0x7F => "control characters are not allowed".into(),
        0x80..=0xFF => "non-ASCII bytes are not allowed raw (percent-encode them as UTF-8)".into(),
        _ => format!(
            "the character {:?} may not appear raw in a request path (RFC 3986)",
            char::from(byte)
        ),
    }
}

/// Whether a decoded segment is a dot segment, or reads as one after Unicode compatibility
/// normalization (NFKC), as some servers apply: `.`, `..`, and the same written with `．`
/// (U+FF0E), `﹒` (U+FE52), `․` (U+2024) or `‥` (U+2025, two dots).
pub(crate) fn is_dot_like(segment: &str) -> bool {
    let mut dots = 0;
    for c in segment.chars() {
        dots += match c {
            '.' | '\u{FF0E}' | '\u{FE52}' | '\u{2024}' => 1,
            '\u{2025}' => 2,
            _ => return false,
        };
    }
    dots == 1 || dots == 2
}

/// Decodes one segment that holds a `%` or `;` (the raw bytes are already checked).
fn decode_segment<'a>(
    path: &str,
    raw: &'a str,
    matching: &PathMatching,
) -> Result<Cow<'a, str>, Error> {
    let bytes = raw.as_bytes();
    let semicolon = |path| {
        invalid(
            path,
            "';' is not allowed in a segment (Java servers cut ';parameters' off before routing)",
        )
    };
    if !bytes.contains(&b'%') {
        if !matching.allow_semicolons && bytes.contains(&b';') {
            return Err(semicolon(path));
        }
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            if b == b';' && !matching.allow_semicolons {
                return Err(semicolon(path));
            }
            out.push(b);
            i += 1;
            continue;
        }
        let hi = bytes.get(i + 1).copied().and_then(hex_value);
        let lo = bytes.get(i + 2).copied().and_then(hex_value);
        let (Some(hi), Some(lo)) = (hi, lo) else {
            return Err(invalid(path, "invalid percent-escape"));
        };
        let decoded = hi * 16 + lo;
        match decoded {
            b'/' => return Err(invalid(path, "an encoded slash (%2F) is not allowed")),
            b'\\' => return Err(invalid(path, "an encoded backslash (%5C) is not allowed")),
            b';' if !matching.allow_semicolons => return Err(semicolon(path)),
            0 => return Err(invalid(path, "an encoded NUL (%00) is not allowed")),
            0x01..=0x1F | 0x7F => {
                return Err(invalid(path, "encoded control characters are not allowed"))
            }
            b if is_unreserved(b) => {
                return Err(invalid(
                    path,
                    "a percent-encoded letter, digit or '-._~' is not canonical (RFC 3986 §2.3): send it unencoded",
                ))
            }
            _ => out.push(decoded),
        }
        i += 3;
    }
    if out.windows(3).any(
        |w| matches!(w, [b'%', hi, lo] if hex_value(*hi).is_some() && hex_value(*lo).is_some()),
    ) {
        return Err(invalid(
            path,
            "a segment that still holds a percent-escape after decoding (double encoding, %25XX) is not allowed",
        ));
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| invalid(path, "percent-escapes do not decode to UTF-8"))
}

/// The segments of a path made only of raw bytes (no `%`, no `;`) with no empty and no dot
/// segment, split in one pass into `out`; `None` when the path needs [`normalize_path_with`]
/// (which accepts or refuses it), or has more segments than `out` holds. The query and fragment
/// are ignored.
pub(crate) fn split_plain<'a, const N: usize>(
    path: &'a str,
    out: &mut [&'a str; N],
) -> Option<usize> {
    let bytes = path.as_bytes();
    if bytes.first() != Some(&b'/') {
        return None;
    }
    let mut count = 0;
    let mut start = 1;
    let mut i = 1;
    loop {
        let class = match bytes.get(i) {
            Some(&b) => class_of(b),
            None => END,
        };
        match class {
            RAW => {}
            SLASH | END => {
                if i == start {
                    // Empty: the root when the path is just "/", else the full check decides.
                    return (class == END && i == 1).then_some(0);
                }
                let segment = path.get(start..i)?;
                if segment == "." || segment == ".." {
                    return None;
                }
                *out.get_mut(count)? = segment;
                count += 1;
                if class == END {
                    return Some(count);
                }
                start = i + 1;
            }
            _ => return None,
        }
        i += 1;
    }
}

/// Normalizes a request path with the strictest [`PathMatching`] (every option off); see
/// [`normalize_path_with`] for the rule.
///
/// ```
/// use scopegate::{normalize_path, ErrorCode};
/// assert_eq!(normalize_path("/wallets/42?x=1")?.to_string(), "/wallets/42");
/// for refused in ["/a/../admin", "/a/%2e%2e/admin", "//evil/admin", "/a//b", "/files%2Fsecret"] {
///     assert_eq!(normalize_path(refused).unwrap_err().code(), ErrorCode::InvalidPath);
/// }
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn normalize_path(path: &str) -> Result<NormalizedPath<'_>, Error> {
    normalize_path_with(path, &PathMatching::default())
}

/// Normalizes a request path: the one reading of a path that decisions use.
///
/// A request path is decided only when every mainstream reading of it names the same endpoint:
/// the WHATWG URL parser (browsers, Node's `URL`, Deno, workerd), RFC 3986 §5.2.4 dot removal,
/// nginx and Go's `path.Clean` (which merge slashes, then remove dot segments) and routers that
/// match the raw path (Express, axum, hyper). Paths that these could read differently are refused
/// with [`ErrorCode::InvalidPath`], never guessed:
///
/// 1. The query (`?...`) and fragment (`#...`) are cut off.
/// 2. The path starts with `/`, and not with `//` (URL parsers read what follows as a host).
/// 3. Raw bytes are RFC 3986 `pchar`s or `/`: letters, digits, `-._~!$&'()*+,=:@`, and `%`
///    escapes. Spaces, `"<>\^`{|}[]`, control characters and non-ASCII bytes are refused:
///    browsers and HTTP clients percent-encode them, and servers disagree on the raw forms (URL
///    parsers trim spaces and read `\` as `/`, routers keep them).
/// 4. `;` is refused, raw or encoded, unless [`PathMatching::allow_semicolons`]: Java servers cut
///    `;parameters` off a segment before routing and read `..;` as `..`. Even when allowed, a
///    segment whose part before the `;` is empty or a dot segment is refused.
/// 5. Empty segments are refused (`/a//b`; merging them before dot removal, as nginx does, names
///    another endpoint than the URL parser), and so is a trailing `/`, unless
///    [`PathMatching::ignore_trailing_slash`], where one trailing `/` is dropped.
/// 6. Each segment is percent-decoded. An escape must be `%` and two hex digits, must not encode
///    a letter, digit or `-._~` (no client encodes those; RFC 3986 §2.3), `/` (`%2F`), `\`
///    (`%5C`) or a control character, and the decoded bytes must be UTF-8 and hold no further
///    escape (`%252e` is refused: a second decoding would change it).
/// 7. Dot segments are refused, in every spelling: `.`, `..`, `%2e`, `.%2E`, and the forms that
///    read as dots after Unicode normalization (`．` U+FF0E, `‥` U+2025, ...). Browsers and
///    standard clients resolve dot segments before sending, so real requests never carry them.
///
/// The segments are then the decoded pieces between slashes; `/` alone has none. Matching is
/// case-sensitive unless [`PathMatching::case_insensitive`].
///
/// ```
/// use scopegate::{normalize_path_with, PathMatching};
/// let semicolons = PathMatching { allow_semicolons: true, ..PathMatching::default() };
/// let path = normalize_path_with("/files/a;v=2", &semicolons)?;
/// assert_eq!(path.segments().collect::<Vec<_>>(), ["files", "a;v=2"]);
/// assert!(normalize_path_with("/files/a;v=2", &PathMatching::default()).is_err());
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn normalize_path_with<'a>(
    path: &'a str,
    matching: &PathMatching,
) -> Result<NormalizedPath<'a>, Error> {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let raw = path.get(..end).unwrap_or_default();
    let Some(mut rest) = raw.strip_prefix('/') else {
        return Err(invalid(path, "a path must start with '/'"));
    };
    if rest.starts_with('/') {
        return Err(invalid(
            path,
            "a path may not start with '//' (URL parsers read what follows as a host)",
        ));
    }
    let mut plain = true;
    for &byte in rest.as_bytes() {
        match class_of(byte) {
            RAW | SLASH => {}
            ESCAPE => plain = false,
            _ => return Err(invalid(path, &refused_byte(byte))),
        }
    }
    if matching.ignore_trailing_slash && !rest.is_empty() {
        rest = rest.strip_suffix('/').unwrap_or(rest);
    }
    if rest.is_empty() {
        return Ok(NormalizedPath {
            repr: Repr::Clean(rest),
        });
    }
    let mut decoded: Vec<Cow<'_, str>> = Vec::new();
    for raw_segment in rest.split('/') {
        if raw_segment.is_empty() {
            return Err(invalid(
                path,
                "empty segments ('//' or a trailing '/') are not allowed",
            ));
        }
        let segment = if plain {
            Cow::Borrowed(raw_segment)
        } else {
            decode_segment(path, raw_segment, matching)?
        };
        if is_dot_like(&segment) {
            return Err(invalid(
                path,
                "dot segments ('.', '..', '%2e', ...) are not allowed: clients resolve them before sending",
            ));
        }
        // Allowed semicolons still may not turn a segment into a dot or empty one for a server
        // that cuts `;parameters` off (`..;` is `..` to Java servlet containers).
        if let Some((head, _)) = segment.split_once(';') {
            if head.is_empty() || is_dot_like(head) {
                return Err(invalid(
                    path,
                    "a segment that is empty or a dot segment before its ';' is not allowed",
                ));
            }
        }
        if !plain {
            decoded.push(segment);
        }
    }
    let repr = if plain {
        Repr::Clean(rest)
    } else {
        Repr::Decoded(decoded)
    };
    Ok(NormalizedPath { repr })
}
