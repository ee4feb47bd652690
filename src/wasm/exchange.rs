//! The buffers the package's JavaScript and the module exchange hot-path data through, so that a
//! decision is one call with numbers: the JavaScript writes the method and the path into the
//! input buffer with `TextEncoder.encodeInto` (no allocation per call) and reads the answer from
//! the output buffer: 32-bit words, strings as UTF-8 bytes, rules and scopes named by their index
//! in arrays it reads once per policy (`ruleIds`, `scopeNames`).
//!
//! The layout of a decision in the output (`decideInput`), word by word:
//!
//! | word | content |
//! |------|---------|
//! | 0 | `allowed` (bit 0), the reason's index in [`Reason::ALL`] (bits 1-3), the data range (bits 4-5: 0 none, 1 own, 2 all) |
//! | 1 | the deciding rule's index + 1 (0: none) |
//! | 2 | `m`, the number of missing scopes |
//! | 3 | `p`, the number of captured parameters |
//! | 4 | the address of the bytes (each parameter's name and value) |
//! | 5 | the challenge: `u32::MAX` for none; bit 31 set: the index of its text in the fixed texts of `decisionVocabulary`; else `c`, the number of scopes it names |
//! | 6 .. 6 + m | the missing scopes' indexes in `scopeNames` |
//! | then, `c` words | the indexes of the scopes the challenge names (its text is the vocabulary's pieces around their names) |
//! | then, per parameter | the name's length, the value's length (bytes) |
//!
//! A batch of decisions (`decideAllInput`) is `n`, the number of decisions, then the address of
//! each decision (in the layout above).
//!
//! An authorization (`authorizeInput`) is `g`, the number of granted scopes, then their indexes
//! in `scopeNames` (sorted), then the decision as above.
//!
//! A token (`decodeInput`, `VerifiedToken.valueAddress`), whose header and claims the JavaScript
//! reads with `JSON.parse` from the JSON texts written here:
//!
//! | word | content |
//! |------|---------|
//! | 0 | which optional fields are present: bit 0 `sub`, 1 `iss`, 2 `client_id`, 3 `jti`, 4 `exp`, 5 `iat`, 6 `nbf` |
//! | 1 | the address of the bytes (the header's JSON, the claims' JSON, the scopes, the audience, then `sub`, `iss`, `client_id`, `jti` when present) |
//! | 2, 3 | the header's and the claims' lengths in bytes |
//! | 4, 5 | `s`, the number of scopes; `a`, the number of audience values |
//! | 6 .. 12 | `exp`, `iat`, `nbf` (unix seconds, at most 2^53), each as its low and high 32 bits (0 when absent) |
//! | 12 .. 12 + s + a | the length of each scope, then of each audience value |
//! | then | the lengths of `sub`, `iss`, `client_id`, `jti`, for those present |

use crate::prelude::*;
use core::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::{to_js_error, Shared};
use crate::policy::decide::{Challenge, ChallengeForm, DecisionParts};
use crate::{DataRange, Error, ErrorCode, Reason};

/// The bytes the JavaScript writes requests into.
static INPUT: Shared<RefCell<Vec<u8>>> = Shared(RefCell::new(Vec::new()));

/// The last answer written for the JavaScript to read.
static OUTPUT: Shared<RefCell<Output>> = Shared(RefCell::new(Output {
    words: Vec::new(),
    bytes: Vec::new(),
}));

struct Output {
    words: Vec<u32>,
    bytes: Vec<u8>,
}

/// The error of the last hot-path call that answered [`FAILED`], for `takeFailure()`.
static FAILURE: Shared<RefCell<Option<JsValue>>> = Shared(RefCell::new(None));

/// What a hot-path call (`allowsInput`, `decideInput`, `authorizeInput`, `requestTokenInput`,
/// `decodeInput`, `recheck`) answers when it fails: never an answer (a boolean is 0 or 1, an
/// output address is below 4 GiB − 64 KiB). A plain number crosses back without the array a
/// `Result` return needs; the error waits in [`take_failure`].
pub(crate) const FAILED: u32 = u32::MAX;

/// Keeps `error` for [`take_failure`] (a call answering its failure marker).
pub(crate) fn keep_failure(error: JsValue) {
    FAILURE.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(error);
        }
    });
}

/// `answer` as a number for JavaScript: its value, or [`FAILED`] with the error kept for
/// [`take_failure`].
pub(crate) fn answer_or_failed(answer: Result<u32, JsValue>) -> u32 {
    answer.unwrap_or_else(|error| {
        keep_failure(error);
        FAILED
    })
}

/// The error of the last call that answered [`FAILED`] (the package throws it).
#[wasm_bindgen(js_name = takeFailure)]
pub fn take_failure() -> JsValue {
    FAILURE
        .with(|slot| slot.try_borrow_mut().ok().and_then(|mut slot| slot.take()))
        .unwrap_or_else(|| {
            to_js_error(&Error::new(
                ErrorCode::InvalidArgument,
                "the module answered FAILED without an error waiting (a call re-entered it)",
            ))
        })
}

/// An output address as an answer (`FAILED` if it does not fit 32 bits, which wasm32 rules out).
pub(crate) fn address_answer(address: Result<usize, JsValue>) -> u32 {
    answer_or_failed(address.and_then(|a| {
        u32::try_from(a)
            .ok()
            .filter(|&a| a != FAILED)
            .ok_or_else(|| {
                to_js_error(&Error::new(
                    ErrorCode::ResourceExhausted,
                    "an output address does not fit the 32-bit answer",
                ))
            })
    }))
}

/// Above this, an input buffer is given back once smaller requests follow (and an output
/// buffer before the next answer is written).
const LARGE_BUFFER: usize = 1 << 20;

/// The input buffer, at least `capacity` bytes long: its address in the module's memory. The
/// address stays valid until the next call. A buffer grown past 1 MiB for one large request
/// (a hostile path or token) shrinks back when it is asked for a quarter of its size or less.
#[wasm_bindgen(js_name = inputBuffer)]
pub fn input_buffer(capacity: usize) -> Result<usize, JsValue> {
    INPUT.with(|input| {
        let mut input = input.try_borrow_mut().map_err(|_| busy())?;
        if input.len() > LARGE_BUFFER && capacity.saturating_mul(4) <= input.len() {
            input.truncate(capacity);
            input.shrink_to_fit();
        }
        if input.len() < capacity {
            let more = capacity - input.len();
            input.try_reserve_exact(more).map_err(|_| {
                to_js_error(&Error::new(
                    ErrorCode::ResourceExhausted,
                    format!("cannot reserve {capacity} bytes for a request"),
                ))
            })?;
            input.resize(capacity, 0);
        }
        Ok(input.as_ptr() as usize)
    })
}

fn busy() -> JsValue {
    to_js_error(&Error::new(
        ErrorCode::InvalidArgument,
        "the exchange buffer is in use (a call re-entered the module)",
    ))
}

/// Runs `f` on the two strings the JavaScript wrote one after the other into the input buffer:
/// `first` bytes, then `second` bytes.
pub(crate) fn with_input<R>(
    first: usize,
    second: usize,
    f: impl FnOnce(&str, &str) -> R,
) -> Result<R, JsValue> {
    INPUT.with(|input| {
        let input = input.try_borrow().map_err(|_| busy())?;
        let end = first.checked_add(second);
        let (Some(a), Some(b)) = (
            input.get(..first),
            end.and_then(|end| input.get(first..end)),
        ) else {
            return Err(to_js_error(&Error::new(
                ErrorCode::InvalidArgument,
                "the request does not fit the input buffer",
            )));
        };
        match (core::str::from_utf8(a), core::str::from_utf8(b)) {
            (Ok(a), Ok(b)) => Ok(f(a, b)),
            _ => Err(to_js_error(&Error::new(
                ErrorCode::InvalidArgument,
                "the request in the input buffer is not UTF-8",
            ))),
        }
    })
}

/// Writes the decision `parts` into the output buffer in the layout of the module
/// documentation; returns the address of its first word.
pub(crate) fn write_decision(parts: &DecisionParts<'_, '_>) -> Result<usize, JsValue> {
    write_output(|words, bytes| {
        let at = push_decision(words, bytes, parts);
        set_bytes_address(words, bytes, at);
    })
}

/// Writes one decision per request of `requests` (each decided by `decide`, which hands its
/// parts to the callback once) into the output buffer: a count, the address of each decision,
/// then the decisions in the layout above; returns the address of the count.
pub(crate) fn write_decisions<R>(
    requests: &[R],
    mut decide: impl FnMut(&R, &mut dyn FnMut(&DecisionParts<'_, '_>)),
) -> Result<usize, JsValue> {
    write_output(|words, bytes| {
        words.push(word(requests.len()));
        words.resize(1 + requests.len(), 0);
        let mut fixes = Vec::with_capacity(requests.len());
        for (k, request) in requests.iter().enumerate() {
            let start = words.len();
            if let Some(slot) = words.get_mut(1 + k) {
                *slot = word(start);
            }
            decide(request, &mut |parts| {
                fixes.push(push_decision(words, bytes, parts));
            });
        }
        // The words and bytes are where they stay: indexes become addresses.
        let base = words.as_ptr() as usize;
        for slot in words.iter_mut().skip(1).take(requests.len()) {
            *slot = word(base + 4 * (*slot as usize));
        }
        for at in fixes {
            set_bytes_address(words, bytes, at);
        }
    })
}

/// Writes an authorization: the granted scopes (the ids of `granted`, a mask under the policy),
/// then the decision; returns the address of its first word.
#[cfg(feature = "verify")]
pub(crate) fn write_authorization(
    granted: &crate::policy::bits::Bits,
    parts: &DecisionParts<'_, '_>,
) -> Result<usize, JsValue> {
    write_output(|words, bytes| {
        // The count first, then the ids (the buffer is empty here: the count is word 0).
        words.push(0);
        words.extend(granted.ones().map(word));
        let count = word(words.len() - 1);
        if let Some(first) = words.first_mut() {
            *first = count;
        }
        let at = push_decision(words, bytes, parts);
        set_bytes_address(words, bytes, at);
    })
}

/// Writes `token`, with `header` and `claims`, the JSON texts of its header and claims, into the
/// output buffer in the layout of the module documentation; returns the address of its first word.
pub(crate) fn write_token(
    token: &crate::Token,
    header: &str,
    claims: &str,
) -> Result<usize, JsValue> {
    write_output(|words, bytes| {
        let texts = [
            token.subject(),
            token.issuer(),
            token.client_id(),
            token.jwt_id(),
        ];
        let dates = [token.expires_at(), token.issued_at(), token.not_before()];
        let mut present = 0;
        for (bit, there) in texts
            .iter()
            .map(Option::is_some)
            .chain(dates.iter().map(Option::is_some))
            .enumerate()
        {
            present |= u32::from(there) << bit;
        }
        let scopes = token.scopes();
        let audience = token.audience();
        words.extend([
            present,
            0, // the bytes' address, known once they are written
            word(header.len()),
            word(claims.len()),
            word(scopes.len()),
            word(audience.len()),
        ]);
        for date in dates {
            let seconds = date.unwrap_or(0);
            // Split into 32-bit halves (truncation intended).
            words.extend([(seconds & 0xffff_ffff) as u32, (seconds >> 32) as u32]);
        }
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(claims.as_bytes());
        let strings = scopes
            .iter()
            .chain(audience.iter().map(String::as_str))
            .chain(texts.into_iter().flatten());
        for text in strings {
            words.push(word(text.len()));
            bytes.extend_from_slice(text.as_bytes());
        }
        if let Some(address) = words.get_mut(1) {
            *address = word(bytes.as_ptr() as usize);
        }
    })
}

/// Clears the output buffer, lets `write` fill it, and returns the address of its first word.
fn write_output(write: impl FnOnce(&mut Vec<u32>, &mut Vec<u8>)) -> Result<usize, JsValue> {
    OUTPUT.with(|output| {
        let mut output = output.try_borrow_mut().map_err(|_| busy())?;
        let Output { words, bytes } = &mut *output;
        empty(words, bytes);
        write(words, bytes);
        Ok(words.as_ptr() as usize)
    })
}

/// Empties the output buffer. One grown past 1 MiB for a large answer (a batch of thousands of
/// decisions, a hostile path or token) is given back rather than kept for the small answers
/// that follow, as the input buffer is.
fn empty(words: &mut Vec<u32>, bytes: &mut Vec<u8>) {
    if words.capacity().saturating_mul(4) > LARGE_BUFFER {
        *words = Vec::new();
    }
    if bytes.capacity() > LARGE_BUFFER {
        *bytes = Vec::new();
    }
    words.clear();
    bytes.clear();
}

/// Word 5 of a decision for a challenge of fixed text: this bit and the text's index.
const FIXED_CHALLENGE: u32 = 1 << 31;

/// Appends the decision `parts` to `words` and `bytes` in the layout of the module documentation,
/// with the offset of its bytes where their address goes: returns that word's index, for
/// [`set_bytes_address`] once nothing more is written (the bytes may still move until then).
fn push_decision(
    words: &mut Vec<u32>,
    bytes: &mut Vec<u8>,
    parts: &DecisionParts<'_, '_>,
) -> usize {
    let start = words.len();
    let reason = Reason::ALL
        .iter()
        .position(|r| *r == parts.reason)
        .unwrap_or(0);
    let data = match parts.data {
        None => 0,
        Some(DataRange::Own) => 1,
        Some(DataRange::All) => 2,
    };
    words.push(u32::from(parts.allowed) | (word(reason) << 1) | (data << 4));
    words.push(parts.rule.map_or(0, |r| word(r).saturating_add(1)));
    let missing = parts.missing.as_ref();
    words.push(word(missing.map_or(0, |mask| mask.ones().count())));
    words.push(word(parts.params().count()));
    words.push(word(bytes.len())); // the offset of the bytes, their address once written
    let challenge = parts.challenge_form();
    words.push(match &challenge {
        ChallengeForm::None => u32::MAX,
        ChallengeForm::Fixed(index) => FIXED_CHALLENGE | word(*index),
        ChallengeForm::Scopes(required) => word(required.ones().count()),
    });
    words.extend(missing.into_iter().flat_map(|mask| mask.ones()).map(word));
    if let ChallengeForm::Scopes(required) = challenge {
        words.extend(required.ones().map(word));
    }
    for (name, value) in parts.params() {
        words.push(word(name.len()));
        words.push(word(value.len()));
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(value.as_bytes());
    }
    start + 4
}

/// Turns the byte offset in word `at` (see [`push_decision`]) into the bytes' address.
fn set_bytes_address(words: &mut [u32], bytes: &[u8], at: usize) {
    if let Some(slot) = words.get_mut(at) {
        *slot = word(bytes.as_ptr() as usize + *slot as usize);
    }
}

/// Writes `words`, then `bytes` (its address and length appended as two more words) into the
/// output buffer; returns the address of the first word.
#[cfg(feature = "verify")]
pub(crate) fn write_words(words: &[u32], bytes: &[u8]) -> Result<usize, JsValue> {
    OUTPUT.with(|output| {
        let mut output = output.try_borrow_mut().map_err(|_| busy())?;
        let Output {
            words: out,
            bytes: out_bytes,
        } = &mut *output;
        empty(out, out_bytes);
        out_bytes.extend_from_slice(bytes);
        out.extend_from_slice(words);
        out.push(word(out_bytes.as_ptr() as usize));
        out.push(word(out_bytes.len()));
        Ok(out.as_ptr() as usize)
    })
}

/// A length or index as a word (everything in wasm32 memory fits).
fn word(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The names behind the indexes of the output: `[reasons, dataRanges]`, read once by the
/// JavaScript (so the two sides share one list, [`Reason::ALL`]).
#[wasm_bindgen(js_name = decisionVocabulary)]
pub fn decision_vocabulary() -> js_sys::Array {
    let reasons: js_sys::Array = Reason::ALL
        .iter()
        .map(|r| JsValue::from_str(r.as_str()))
        .collect();
    let data: js_sys::Array = [None, Some(DataRange::Own), Some(DataRange::All)]
        .iter()
        .map(|d| d.map_or(JsValue::NULL, |d| JsValue::from_str(d.as_str())))
        .collect();
    let fixed: js_sys::Array = Challenge::FIXED
        .iter()
        .map(|challenge| {
            let mut text = String::new();
            challenge.write(&|_| "", &mut |piece| text.push_str(piece));
            JsValue::from_str(&text)
        })
        .collect();
    let scopes: js_sys::Array = Challenge::scope_pieces()
        .iter()
        .map(|piece| JsValue::from_str(piece))
        .collect();
    js_sys::Array::of4(&reasons, &data, &fixed, &scopes)
}

/// The unix time in seconds of `options.currentDate` (a `Date`), or of the JavaScript clock: the
/// package reads a valid `Date` itself and hands anything else here, for its refusal.
#[wasm_bindgen(js_name = clockSeconds)]
pub fn clock_seconds(options: JsValue) -> Result<f64, JsValue> {
    super::args::now_from(&options).map(|now| now as f64)
}

/// A unix time in seconds from JavaScript (finite and non-negative: the package reads it with
/// `clock` in exchange.js, from a checked `Date` or `Date.now()`); anything else reads as 0.
pub(crate) fn seconds(now: f64) -> u64 {
    if now.is_finite() && now >= 0.0 {
        now as u64
    } else {
        0
    }
}

/// The module's memory (the JavaScript reads and writes the exchange buffers through it).
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}
