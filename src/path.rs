//! Request paths: the one safe reading of a path that every runtime shares.

use crate::prelude::*;
use alloc::borrow::Cow;
use core::fmt;

use crate::error::{Error, ErrorCode};

/// A request path after [`normalize_path`]: decoded segments with no dot or empty segments.
///
/// ```
/// let path = scopegate::normalize_path("/v1/./wallets//42/../43?x=1#top")?;
/// assert_eq!(path.segments().collect::<Vec<_>>(), ["v1", "wallets", "43"]);
/// assert_eq!(path.to_string(), "/v1/wallets/43");
/// # Ok::<(), scopegate::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NormalizedPath<'a> {
    repr: Repr<'a>,
}

#[derive(Debug, Clone)]
enum Repr<'a> {
    /// The raw path (after the leading `/`) needed no decoding and has no dot segments: its
    /// non-empty `/`-separated pieces are the segments. No allocation.
    Clean(&'a str),
    /// Decoded and dot-resolved segments.
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
        let mut push = |segment| {
            if let Some(slot) = inline.get_mut(count) {
                *slot = segment;
                count += 1;
            } else {
                overflow.push(segment);
            }
        };
        match &self.repr {
            Repr::Clean(raw) => {
                // A byte loop: faster than `split` for the short segments of paths.
                let mut start = 0;
                for (i, &b) in raw.as_bytes().iter().enumerate() {
                    if b == b'/' {
                        if let Some(segment) = raw.get(start..i).filter(|s| !s.is_empty()) {
                            push(segment);
                        }
                        start = i + 1;
                    }
                }
                if let Some(segment) = raw.get(start..).filter(|s| !s.is_empty()) {
                    push(segment);
                }
            }
            Repr::Decoded(list) => list.iter().for_each(|s| push(s.as_ref())),
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
    /// The canonical path: `/` followed by the segments joined with `/`. Decoded characters are
    /// written as they are (no re-encoding).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut empty = true;
        for segment in self.segments() {
            empty = false;
            f.write_str("/")?;
            f.write_str(segment)?;
        }
        if empty {
            f.write_str("/")?;
        }
        Ok(())
    }
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

fn is_dot_segment(segment: Option<&[u8]>) -> bool {
    matches!(segment, Some(b".") | Some(b".."))
}

/// Checks a raw byte of a path (before decoding).
fn check_raw_byte(path: &str, byte: u8) -> Result<(), Error> {
    match byte {
        b'\\' => Err(invalid(path, "a backslash is not allowed")),
        0 => Err(invalid(path, "a NUL byte is not allowed")),
        0x01..=0x1F | 0x7F => Err(invalid(path, "control characters are not allowed")),
        _ => Ok(()),
    }
}

/// Decodes one raw segment; borrowed when it holds no percent-escape.
fn decode_segment<'a>(path: &str, raw: &'a str) -> Result<Cow<'a, str>, Error> {
    let bytes = raw.as_bytes();
    for &b in bytes {
        check_raw_byte(path, b)?;
    }
    if !bytes.contains(&b'%') {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
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
            _ => check_raw_byte(path, decoded)?,
        }
        out.push(decoded);
        i += 3;
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| invalid(path, "percent-escapes do not decode to UTF-8"))
}

/// The segments of a path that needs no decoding and has no dot segments, split in one pass
/// into `out`; `None` when the path needs the full [`normalize_path`] (or has more segments than
/// `out` holds). Empty segments are skipped; the query and fragment are ignored.
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
            Some(&b) => BYTE_CLASS.get(usize::from(b)).copied().unwrap_or(SLOW),
            None => END,
        };
        if class != PLAIN {
            if class == SLOW {
                return None;
            }
            if i > start {
                let segment = path.get(start..i)?;
                if segment == "." || segment == ".." {
                    return None;
                }
                *out.get_mut(count)? = segment;
                count += 1;
            }
            if class == END {
                return Some(count);
            }
            start = i + 1;
        }
        i += 1;
    }
}

const PLAIN: u8 = 0;
const SLASH: u8 = 1;
const END: u8 = 2;
const SLOW: u8 = 3;

/// How [`split_plain`] treats each byte: `/` separates, `?` and `#` end the path, `%`, `\` and
/// control characters need the full normalization. (Indexing in a `const` initializer cannot panic
/// at run time: an out-of-bounds index fails the build.)
#[allow(clippy::indexing_slicing)]
const BYTE_CLASS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = SLOW;
        b += 1;
    }
    table[0x7F] = SLOW;
    table[b'%' as usize] = SLOW;
    table[b'\\' as usize] = SLOW;
    table[b'/' as usize] = SLASH;
    table[b'?' as usize] = END;
    table[b'#' as usize] = END;
    table
};

/// Normalizes a request path.
///
/// It turns the path of a request into the segments that rules are matched against:
///
/// 1. the query (`?...`) and fragment (`#...`) are cut off;
/// 2. the path must start with `/`;
/// 3. each segment is percent-decoded (so `/%61dmin` is `/admin`); the decoded bytes must be UTF-8;
/// 4. dot segments are removed (RFC 3986 §5.2.4: `/a/./b/../c` is `/a/c`; `..` never climbs above
///    the root), after decoding, so `%2e%2e` counts as `..`;
/// 5. empty segments are dropped: `//a///b/` is `/a/b` (servers commonly merge slashes).
///
/// Anything that servers disagree on is refused with [`ErrorCode::InvalidPath`] rather than
/// guessed: an encoded slash (`%2F`) or backslash (`%5C`), a raw backslash, a NUL or other control
/// character (raw or encoded), an invalid percent-escape (`%G1`, `%4`) and a path not starting with
/// `/`.
///
/// ```
/// use scopegate::{normalize_path, ErrorCode};
/// assert_eq!(normalize_path("/a/%2e%2e/admin")?.to_string(), "/admin");
/// assert_eq!(normalize_path("/files%2Fsecret").unwrap_err().code(), ErrorCode::InvalidPath);
/// # Ok::<(), scopegate::Error>(())
/// ```
pub fn normalize_path(path: &str) -> Result<NormalizedPath<'_>, Error> {
    // One pass: find the end of the path, and whether it needs decoding or dot removal.
    let bytes = path.as_bytes();
    let mut end = bytes.len();
    let mut plain = true;
    let mut segment_start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'?' | b'#' => {
                end = i;
                break;
            }
            b'/' => {
                plain &= !is_dot_segment(bytes.get(segment_start..i));
                segment_start = i + 1;
            }
            b'%' | b'\\' | 0x00..=0x1F | 0x7F => plain = false,
            _ => {}
        }
        i += 1;
    }
    plain &= !is_dot_segment(bytes.get(segment_start..end));
    let raw = path.get(..end).unwrap_or("");
    let Some(rest) = raw.strip_prefix('/') else {
        return Err(invalid(path, "a path must start with '/'"));
    };
    if plain {
        return Ok(NormalizedPath {
            repr: Repr::Clean(rest),
        });
    }
    let mut segments: Vec<Cow<'_, str>> = Vec::with_capacity(8);
    for raw_segment in rest.split('/') {
        let segment = decode_segment(path, raw_segment)?;
        match segment.as_ref() {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    Ok(NormalizedPath {
        repr: Repr::Decoded(segments),
    })
}
