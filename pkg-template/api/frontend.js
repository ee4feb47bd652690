// Frontend glue for both builds: a session store that tells subscribers when the session changes,
// and a DOM helper that hides or disables elements by endpoint. Only state and DOM live here:
// every decision comes from the WebAssembly core (Session.decide / Policy.decide).
import * as engine from './scopegate.js';
import { FULL } from './build.js';
import { Session } from './scopegate.js';
import { otherBuildMessage } from './ready.js';
import { ScopegateError } from '../errors.js';

// setTimeout's largest delay (about 24.8 days); longer expiries are re-armed.
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Holds the current session (or none) for a policy and notifies subscribers on sign-in, refresh,
 * scope step-up, sign-out and expiry, so a UI re-renders. Decisions without a session use an
 * empty grant (public rules still allow).
 */
export class SessionStore {
  #policy;
  #anonymous;
  #session = null;
  #listeners = new Set();
  #timer = undefined;
  #snapshot;

  constructor(policy, options = {}) {
    if (!(policy instanceof engine.Policy)) {
      throw new ScopegateError(
        policy?.constructor?.name === 'Policy'
          ? otherBuildMessage('SessionStore', 'policy', 'Policy', FULL)
          : 'SessionStore needs a compiled Policy (new Policy(json), or Policy.fromBundle(bytes))',
        'invalid_argument',
      );
    }
    this.#policy = policy;
    this.#anonymous = policy.expand('');
    this.#snapshot = Object.freeze({ session: null, version: 0, event: 'init' });
    if (options.session !== undefined) this.signIn(options.session);
  }

  /** The policy decisions are made with. */
  get policy() {
    return this.#policy;
  }

  /** The current Session, or null when signed out. */
  get session() {
    return this.#session;
  }

  /** An immutable `{ session, version, event }`, new after every change (for React's useSyncExternalStore). */
  getSnapshot = () => this.#snapshot;

  /** Calls `listener(snapshot)` after every change; returns the unsubscribe function. */
  subscribe = (listener) => {
    if (typeof listener !== 'function') {
      throw new ScopegateError('subscribe needs a function', 'invalid_argument');
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /**
   * Signs in with a JWT access token (a string, decoded but NOT verified), an OAuth2 token
   * response (an object with `access_token`, or its JSON text starting with `{`), or a Session.
   * Options: `allowClientUnsafe`, `requested`, `receivedAt`, `maxSize`, `scopeClaim`,
   * `acceptExpired`. Throws `client_unsafe_token` for a token a browser must not hold and
   * `token_expired` for one already expired; the store is then unchanged.
   */
  signIn(credential, options) {
    this.#replace(this.#current(credential, options), 'sign-in');
    return this.#session;
  }

  /** Replaces the session after a token refresh or a scope step-up (same inputs as signIn). */
  refresh(credential, options) {
    this.#replace(this.#current(credential, options), 'refresh');
    return this.#session;
  }

  /**
   * The session for `credential`, refused with `token_expired` when its token has already
   * expired (the store would otherwise announce a sign-in whose every check is refused), unless
   * `options.acceptExpired` is true. The store is left as it was.
   */
  #current(credential, options) {
    const session = this.#toSession(credential, options);
    if (options?.acceptExpired === true || !session.isExpired()) return session;
    const expiresAt = session.expiresAt;
    if (session !== credential) session.free();
    throw new ScopegateError(
      `the token expired at ${expiresAt} (unix seconds): sign in with a fresh one, or pass { acceptExpired: true }`,
      'token_expired',
    );
  }

  /** Signs out: every later check uses the empty grant. */
  signOut() {
    this.#replace(null, 'sign-out');
  }

  /**
   * Whether the current session (or the anonymous grant) may call `method path`. `path` may be a
   * template (`/users/{id}`) filled from `options.params` (each value URL-encoded); `options` also
   * takes `currentDate`, as every check below.
   */
  can(method, path, options) {
    [path, options] = filled(path, options);
    if (this.#session) return this.#session.can(method, path, options);
    return this.#policy.allows(method, path, this.#anonymous);
  }

  /** `!can(method, path)`. */
  cannot(method, path, options) {
    return !this.can(method, path, options);
  }

  /** The full decision (reason `token_expired` once the token has expired). */
  decide(method, path, options) {
    [path, options] = filled(path, options);
    if (this.#session) return this.#session.decide(method, path, options);
    return this.#policy.decide(method, path, this.#anonymous);
  }

  /**
   * The scopes missing for `method path`: `[]` when allowed, `null` when no scope would help (an
   * expired session, no matching rule, a deny rule), as Rust's `Decision::scopes_to_allow`.
   */
  missing(method, path, options) {
    [path, options] = filled(path, options);
    if (this.#session) return this.#session.missing(method, path, options);
    const decision = this.#policy.decide(method, path, this.#anonymous);
    return decision.allowed || decision.reason === 'insufficient_scope' ? decision.missing : null;
  }

  #toSession(credential, options) {
    if (credential instanceof Session) return credential;
    if (typeof credential === 'string' && !credential.trimStart().startsWith('{')) {
      return Session.fromJwt(this.#policy, credential, options);
    }
    if (typeof credential === 'string' || (credential !== null && typeof credential === 'object')) {
      return Session.fromTokenResponse(this.#policy, credential, options);
    }
    throw new ScopegateError(
      'signIn needs a JWT string, a token response (object or JSON text) or a Session',
      'invalid_argument',
    );
  }

  #replace(session, event) {
    this.#session = session;
    this.#arm();
    this.#emit(event);
  }

  #emit(event) {
    this.#snapshot = Object.freeze({
      session: this.#session,
      version: this.#snapshot.version + 1,
      event,
    });
    for (const listener of [...this.#listeners]) {
      try {
        listener(this.#snapshot);
      } catch (error) {
        // One broken subscriber must not stop the others.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  // Schedules an 'expired' notification at the token's exp, so the UI hides what it no longer may do.
  #arm() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const expiresAt = this.#session?.expiresAt;
    if (expiresAt === null) return;
    const delay = expiresAt * 1000 - Date.now();
    if (delay <= 0) return;
    const session = this.#session;
    this.#timer = setTimeout(() => {
      if (this.#session !== session) return;
      if (delay > MAX_DELAY_MS) this.#arm();
      else this.#emit('expired');
    }, Math.min(delay + 1, MAX_DELAY_MS));
    this.#timer?.unref?.();
  }
}

const ENDPOINT = 'data-endpoint';
const WHEN_DENIED = 'data-when-denied';
const PARAMS = 'data-params';

/** `template` with each `{name}` replaced by `value(name)`, URL-encoded. */
function fillTemplate(template, value) {
  return template.replace(/\{([^{}/]+)\}/g, (_, name) => encodeURIComponent(String(value(name))));
}

/** A store check's path with `options.params` filled in, and the options without them. */
function filled(path, options) {
  if (options === null || typeof options !== 'object' || !('params' in options)) return [path, options];
  const { params, ...rest } = options;
  if (typeof path !== 'string' || params === null || typeof params !== 'object') {
    throw new ScopegateError('params must be an object of path parameters ({ id: 42 } for /users/{id})', 'invalid_argument');
  }
  return [fillTemplate(path, (name) => params[name] ?? '_'), rest];
}
const REASON = 'data-scopegate-reason';

// "DELETE /v1/users/{id}" → ["DELETE", "/v1/users/42"] with {id} from data-params or data-param-id.
// An unresolved {name} stands for "some value".
function endpointOf(element) {
  const spec = (element.getAttribute(ENDPOINT) ?? '').trim();
  const space = spec.search(/\s/);
  if (space <= 0) return null;
  const method = spec.slice(0, space);
  let params = {};
  const json = element.getAttribute(PARAMS);
  if (json) {
    try {
      params = JSON.parse(json) ?? {};
    } catch {
      return null;
    }
  }
  const path = fillTemplate(spec.slice(space).trim(), (name) => params[name] ?? element.getAttribute(`data-param-${name}`) ?? '_');
  return [method, path];
}

/**
 * Hides (`data-when-denied="hide"`, the default) or disables (`"disable"`) every element under
 * `root` marked `data-endpoint="METHOD /path"`, now and after every session change, and for
 * elements added later. It never removes elements and only undoes what it set itself.
 * Returns a function that stops it and restores the elements.
 */
export function bindElements(root, store) {
  if (!(store instanceof SessionStore)) {
    throw new ScopegateError('bindElements needs a SessionStore', 'invalid_argument');
  }
  if (root === null || typeof root !== 'object' || typeof root.querySelectorAll !== 'function') {
    throw new ScopegateError('bindElements needs a DOM element or document as root', 'invalid_argument');
  }
  // What this helper changed on each element, to undo exactly that.
  const applied = new Map();

  function apply(element) {
    const endpoint = endpointOf(element);
    const decision = endpoint
      ? store.decide(endpoint[0], endpoint[1])
      : { allowed: false, reason: 'invalid_endpoint' };
    element.setAttribute(REASON, decision.reason);
    const mode = element.getAttribute(WHEN_DENIED) === 'disable' ? 'disable' : 'hide';
    const state = applied.get(element) ?? { hid: false, disabled: false };
    const hide = !decision.allowed && mode === 'hide';
    const disable = !decision.allowed && mode === 'disable';
    if (hide && !element.hidden) {
      element.hidden = true;
      state.hid = true;
    } else if (!hide && state.hid) {
      element.hidden = false;
      state.hid = false;
    }
    if (disable && !element.hasAttribute('aria-disabled')) {
      if ('disabled' in element) element.disabled = true;
      element.setAttribute('aria-disabled', 'true');
      state.disabled = true;
    } else if (!disable && state.disabled) {
      if ('disabled' in element) element.disabled = false;
      element.removeAttribute('aria-disabled');
      state.disabled = false;
    }
    applied.set(element, state);
  }

  function elements() {
    const found = [...root.querySelectorAll(`[${ENDPOINT}]`)];
    if (typeof root.hasAttribute === 'function' && root.hasAttribute(ENDPOINT)) found.unshift(root);
    return found;
  }

  function applyAll() {
    for (const element of applied.keys()) {
      if (!element.isConnected) applied.delete(element);
    }
    elements().forEach(apply);
  }

  const unsubscribe = store.subscribe(applyAll);
  let observer;
  if (typeof MutationObserver === 'function') {
    observer = new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'attributes') {
          apply(record.target);
        } else {
          for (const node of record.addedNodes) {
            if (node.nodeType !== 1) continue;
            if (node.hasAttribute(ENDPOINT)) apply(node);
            node.querySelectorAll(`[${ENDPOINT}]`).forEach(apply);
          }
        }
      }
    });
    observer.observe(root, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: [ENDPOINT, WHEN_DENIED, PARAMS],
    });
  }
  applyAll();

  return function unbind() {
    unsubscribe();
    observer?.disconnect();
    for (const [element, state] of applied) {
      if (state.hid) element.hidden = false;
      if (state.disabled) {
        if ('disabled' in element) element.disabled = false;
        element.removeAttribute('aria-disabled');
      }
      element.removeAttribute(REASON);
    }
    applied.clear();
  };
}
