// The fast path of decisions: the method and the path are written into the module's input buffer
// (ASCII directly, anything else with TextEncoder.encodeInto) and the answer is read from its
// output buffer, in the layout documented in src/wasm/exchange.rs: one call with numbers, no
// string copied through an allocation, no result object built field by field across the boundary.
// Rules and scopes come as indexes into `ruleIds` and `scopeNames`, read once per policy.
import * as engine from './scopegate.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

let memory = null;
let bytes = null;
let words = null;
let input = 0;
let capacity = 0;
let reasons = null;
let dataRanges = null;
/** The texts of the challenges that do not depend on the request, by index. */
let fixedChallenges = null;
/** A challenge naming scopes: [before the names, between two, after the last]. */
let scopePieces = null;
const EMPTY = 0xffffffff;
const FIXED_CHALLENGE = 0x80000000;

/** What the module's hot-path calls answer when they fail: the error waits in takeFailure(). */
export const FAILED = 0xffffffff;

/**
 * `answer` (a number from one of the module's hot-path calls), or the module's error thrown when
 * it is FAILED: a number crosses back without the array a Result return costs.
 */
export function answered(answer) {
  if (answer === FAILED) throw engine.takeFailure();
  return answer;
}

const dateTime = Date.prototype.getTime;

/**
 * Unix seconds from `options.currentDate`, or the clock. `currentDate` is read once; a valid Date
 * is read here (a call into the module costs more than the rest of a cache hit), anything else
 * goes to the module, which gives every refusal its error (a throwing getter's exception too).
 */
export function clock(options) {
  if (options === undefined || options === null) return Math.floor(Date.now() / 1000);
  if (typeof options !== 'object') return engine.clockSeconds(options);
  let date;
  try {
    date = options.currentDate;
  } catch (error) {
    return engine.clockSeconds({
      get currentDate() {
        throw error;
      },
    });
  }
  if (date === undefined || date === null) return Math.floor(Date.now() / 1000);
  if (date instanceof Date) {
    const millis = dateTime.call(date);
    if (millis >= 0) return Math.floor(millis / 1000);
  }
  return engine.clockSeconds({ currentDate: date });
}

/** Byte lengths of the last request written: the method's and the path's. */
export const written = { method: 0, path: 0 };

/** Views of the input buffer from byte k on, for the k a method's length leaves (k < 16). */
let tails = new Array(16).fill(null);

function refreshViews() {
  memory ??= engine.wasmMemory();
  bytes = new Uint8Array(memory.buffer);
  words = new Uint32Array(memory.buffer);
  tails = new Array(16).fill(null);
}

/** The input buffer from `at` on: a view kept until the memory or the buffer changes. */
function tail(at) {
  const k = at - input;
  const kept = k < 16 ? tails[k] : null;
  if (kept !== null) return kept;
  const view = bytes.subarray(at, input + capacity);
  if (k < 16) tails[k] = view;
  return view;
}

/**
 * Writes `text` at `at`; the bytes written. Up to 24 ASCII characters are written here; anything
 * longer (or not ASCII) by encodeInto into a kept view: a call to encodeInto costs about what
 * writing 24 characters one by one does, and making a view for it as much again (Node 20).
 */
function put(text, at) {
  const n = text.length;
  if (n > 24) return encoder.encodeInto(text, tail(at)).written;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) {
      return i + encoder.encodeInto(text.slice(i), bytes.subarray(at + i, input + capacity)).written;
    }
    bytes[at + i] = c;
  }
  return n;
}

/** Writes `text` into the input buffer; its length in bytes. */
export function writeText(text) {
  writeRequest(text, '');
  return written.method;
}

/** Writes the method and the path into the input buffer; their lengths go to `written`. */
export function writeRequest(method, path) {
  // At most 3 UTF-8 bytes per UTF-16 code unit.
  const need = (method.length + path.length) * 3;
  // Grown past 1 MiB for one large request: given back when requests are small again.
  if (need > capacity || (capacity > 1 << 20 && need * 4 <= capacity)) {
    input = engine.inputBuffer(need);
    capacity = need;
    bytes = null;
  }
  if (bytes === null || bytes.byteLength === 0) refreshViews();
  written.method = put(method, input);
  written.path = put(path, input + written.method);
}

/**
 * The text of the `length` bytes at `at` of the module's memory. Up to 24 ASCII bytes are read
 * here, eight characters per String.fromCharCode call; anything longer, or not ASCII, by
 * TextDecoder. In Node 20 a TextDecoder call costs 110-210 ns whatever the length, while reading
 * a character at a time costs ~15 ns each (a 16-character text: ~250 ns) and eight at a time
 * ~6 ns each (~100 ns), the string used afterwards (benches/RESULTS.md, 2026-12-03).
 */
function text(at, length) {
  return (length <= 24 ? asciiText(at, length) : null) ?? decoder.decode(bytes.subarray(at, at + length));
}

/** The `length` bytes at `at` as a string when they are all ASCII, else null. */
function asciiText(at, length) {
  let out = '';
  let i = 0;
  for (; i + 8 <= length; i += 8) {
    const k = at + i;
    const c0 = bytes[k], c1 = bytes[k + 1], c2 = bytes[k + 2], c3 = bytes[k + 3];
    const c4 = bytes[k + 4], c5 = bytes[k + 5], c6 = bytes[k + 6], c7 = bytes[k + 7];
    if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) > 0x7f) return null;
    out += String.fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7);
  }
  for (; i < length; i += 1) {
    const c = bytes[at + i];
    if (c > 0x7f) return null;
    out += String.fromCharCode(c);
  }
  return out;
}

const namesOf = new WeakMap();

/** The policy's rule ids and scope names, read from the module once per policy. */
export function namesFor(policy) {
  let names = namesOf.get(policy);
  if (names === undefined) {
    names = { rules: policy.ruleIds, scopes: policy.scopeNames };
    namesOf.set(policy, names);
  }
  return names;
}

/** The decision object at `address` of the output buffer, for `policy`. */
export function readDecision(policy, address) {
  return readNamedDecision(namesFor(policy), address);
}

/**
 * The decisions of a batch at `address` of the output buffer (`decideAllInput`: a count, then
 * the address of each decision), for `policy`.
 */
export function readDecisions(policy, address) {
  if (bytes === null || bytes.byteLength === 0) refreshViews();
  const names = namesFor(policy);
  const i = address >>> 2;
  const decisions = new Array(words[i]);
  for (let k = 0; k < decisions.length; k += 1) decisions[k] = readNamedDecision(names, words[i + 1 + k]);
  return decisions;
}

/**
 * The decision object at `address` of the output buffer, naming rules and scopes with `names`
 * (`namesFor` of the policy that decided: a session keeps its policy's).
 */
export function readNamedDecision(names, address) {
  if (bytes === null || bytes.byteLength === 0) refreshViews();
  if (reasons === null) [reasons, dataRanges, fixedChallenges, scopePieces] = engine.decisionVocabulary();
  let i = address >>> 2;
  const head = words[i];
  const rule = words[i + 1];
  const missingCount = words[i + 2];
  const paramCount = words[i + 3];
  let at = words[i + 4];
  const challengeWord = words[i + 5];
  i += 6;
  const missing = new Array(missingCount);
  for (let k = 0; k < missingCount; k += 1) missing[k] = names.scopes[words[i + k]];
  i += missingCount;
  // The challenge comes as one of the fixed texts, or as the scopes it names, written between
  // the module's pieces (no text decoded).
  let challenge = null;
  if (challengeWord >= FIXED_CHALLENGE) {
    if (challengeWord !== EMPTY) challenge = fixedChallenges[challengeWord - FIXED_CHALLENGE];
  } else {
    challenge = scopePieces[0];
    for (let k = 0; k < challengeWord; k += 1) {
      if (k > 0) challenge += scopePieces[1];
      challenge += names.scopes[words[i + k]];
    }
    challenge += scopePieces[2];
    i += challengeWord;
  }
  const params = {};
  for (let k = 0; k < paramCount; k += 1) {
    const nameLength = words[i];
    const valueLength = words[i + 1];
    i += 2;
    const name = text(at, nameLength);
    at += nameLength;
    const value = text(at, valueLength);
    // A parameter named __proto__ is a property, not the object's prototype (defineProperty); any
    // other name is assigned (defineProperty costs ~20 times as much).
    if (name === '__proto__') Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
    else params[name] = value;
    at += valueLength;
  }
  return {
    allowed: (head & 1) === 1,
    reason: reasons[(head >>> 1) & 7],
    rule: rule === 0 ? null : names.rules[rule - 1],
    missing,
    data: dataRanges[(head >>> 4) & 3],
    params,
    challenge,
  };
}

/**
 * The authorization at `address` of the output buffer (`authorizeInput`), for `policy`:
 * `{ scopes, decision }`, the granted scope names (sorted) and the decision.
 */
export function readAuthorization(policy, address) {
  if (bytes.byteLength === 0) refreshViews();
  const names = namesFor(policy).scopes;
  const i = address >>> 2;
  const count = words[i];
  const scopes = new Array(count);
  for (let k = 0; k < count; k += 1) scopes[k] = names[words[i + 1 + k]];
  return { scopes, decision: readDecision(policy, address + 4 * (1 + count)) };
}

/**
 * The bearer token found by requestTokenInput (answer at `address`): `[token, source]`, the token
 * sliced from `authorization` when it is there as written, else decoded from the output bytes.
 */
export function readToken(address, authorization) {
  if (bytes.byteLength === 0) refreshViews();
  const i = address >>> 2;
  const source = words[i] === 1 ? 'query' : 'header';
  const token = words[i + 1] === 1 ? authorization.slice(words[i + 2], words[i + 3]) : text(words[i + 4], words[i + 5]);
  return [token, source];
}

/**
 * The token at `address` of the output buffer (`decodeInput`, `VerifiedToken.valueAddress`), in
 * the layout documented in src/wasm/exchange.rs: `{ header, claims, scopes, subject, issuer,
 * audience, clientId, jwtId, expiresAt, issuedAt, notBefore }`, absent fields null; the header
 * and claims read with `JSON.parse` from the JSON texts the module wrote.
 */
export function readTokenValue(address) {
  if (bytes.byteLength === 0) refreshViews();
  let i = address >>> 2;
  const present = words[i];
  let at = words[i + 1];
  const headerLength = words[i + 2];
  const claimsLength = words[i + 3];
  const scopeCount = words[i + 4];
  const audienceCount = words[i + 5];
  const date = (k, bit) => ((present >>> bit) & 1 ? words[i + 6 + 2 * k] + words[i + 7 + 2 * k] * 0x100000000 : null);
  const expiresAt = date(0, 4);
  const issuedAt = date(1, 5);
  const notBefore = date(2, 6);
  const header = JSON.parse(decoder.decode(bytes.subarray(at, at + headerLength)));
  at += headerLength;
  const claims = JSON.parse(decoder.decode(bytes.subarray(at, at + claimsLength)));
  at += claimsLength;
  i += 12;
  const next = () => {
    const length = words[i];
    i += 1;
    const value = text(at, length);
    at += length;
    return value;
  };
  const scopes = new Array(scopeCount);
  for (let k = 0; k < scopeCount; k += 1) scopes[k] = next();
  const audience = new Array(audienceCount);
  for (let k = 0; k < audienceCount; k += 1) audience[k] = next();
  const optional = (bit) => ((present >>> bit) & 1 ? next() : null);
  const subject = optional(0);
  const issuer = optional(1);
  const clientId = optional(2);
  const jwtId = optional(3);
  return { header, claims, scopes, subject, issuer, audience, clientId, jwtId, expiresAt, issuedAt, notBefore };
}
