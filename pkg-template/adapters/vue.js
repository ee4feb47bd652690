// scopegate/vue: a SessionStore (either build) in Vue 3: a plugin providing the store, a `v-can`
// directive (hide, or `.disable`) and composables, all following sign-in, refresh, step-up,
// sign-out and expiry.
import { computed, getCurrentScope, inject, onScopeDispose, shallowRef } from 'vue';

const STORE = Symbol('scopegate store');

function checkStore(store) {
  if (store === null || typeof store !== 'object' || typeof store.subscribe !== 'function' || typeof store.can !== 'function') {
    throw new TypeError('scopegate/vue needs a SessionStore');
  }
  return store;
}

/** `[method, path, options]` from a `v-can` value: `'DELETE /users/{id}'` or `{ method, path, params }`. */
function endpoint(value) {
  if (typeof value === 'string') {
    const [method, path] = value.trim().split(/\s+/, 2);
    return [method, path ?? '', undefined];
  }
  if (value && typeof value === 'object') return [value.method, value.path, value.params && { params: value.params }];
  throw new TypeError('v-can needs "METHOD /path" or { method, path, params }');
}

/** The `v-can` directive for `store`: hides the element (or, with `.disable`, disables it) when refused. */
function canDirective(store) {
  const apply = (el, binding) => {
    const [method, path, options] = endpoint(binding.value);
    const allowed = store.can(method, path, options);
    if (binding.modifiers.disable) {
      el.disabled = !allowed;
      el.setAttribute('aria-disabled', String(!allowed));
    } else {
      el.hidden = !allowed;
    }
  };
  const bindings = new WeakMap();
  return {
    mounted(el, binding) {
      apply(el, binding);
      const state = { binding, off: null };
      state.off = store.subscribe(() => apply(el, state.binding));
      bindings.set(el, state);
    },
    updated(el, binding) {
      const state = bindings.get(el);
      if (state) state.binding = binding;
      apply(el, binding);
    },
    unmounted(el) {
      bindings.get(el)?.off();
      bindings.delete(el);
    },
  };
}

/** The plugin: `app.use(createScopegate(store))` provides the store and registers `v-can`. */
export function createScopegate(store) {
  checkStore(store);
  return {
    install(app) {
      app.provide(STORE, store);
      app.directive('can', canDirective(store));
    },
  };
}

/** The store's snapshot as a ref that changes on every session change (for the composables). */
function useSnapshot(name) {
  const store = inject(STORE, null);
  if (store === null) throw new Error(`${name} needs app.use(createScopegate(store))`);
  const snapshot = shallowRef(store.getSnapshot());
  const off = store.subscribe((next) => {
    snapshot.value = next;
  });
  if (getCurrentScope()) onScopeDispose(off);
  return [store, snapshot];
}

/** Whether the session may call `method path` (a computed ref). */
export function useCan(method, path, params) {
  const [store, snapshot] = useSnapshot('useCan');
  return computed(() => (snapshot.value, store.can(method, path, params && { params })));
}

/** The full decision for `method path` (a computed ref). */
export function useDecision(method, path, params) {
  const [store, snapshot] = useSnapshot('useDecision');
  return computed(() => (snapshot.value, store.decide(method, path, params && { params })));
}

/** The current session, or null (a computed ref). */
export function useSession() {
  const [, snapshot] = useSnapshot('useSession');
  return computed(() => snapshot.value.session);
}
