// scopegate/react: a SessionStore (either build) in React. Every hook reads the store through
// useSyncExternalStore, so components re-render on sign-in, refresh, step-up, sign-out and expiry.
import { createContext, createElement, useContext, useSyncExternalStore } from 'react';

const StoreContext = createContext(null);

/** Makes `store` (a SessionStore of scopegate or scopegate/lite) available to the hooks below. */
export function ScopegateProvider({ store, children }) {
  if (store === null || typeof store !== 'object' || typeof store.subscribe !== 'function' || typeof store.getSnapshot !== 'function') {
    throw new TypeError('ScopegateProvider needs `store`: a SessionStore');
  }
  return createElement(StoreContext.Provider, { value: store }, children);
}

function useStore(hook) {
  const store = useContext(StoreContext);
  if (store === null) throw new Error(`${hook} must be used inside <ScopegateProvider store={...}>`);
  // Subscribes the component: every change of the session re-renders it.
  useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return store;
}

const withParams = (params) => (params === undefined ? undefined : { params });

/** The current snapshot's session (null when signed out). */
export function useSession() {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useSession must be used inside <ScopegateProvider store={...}>');
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot).session;
}

/** Whether the session may call `method path` (`path` may be a template filled from `params`). */
export function useCan(method, path, params) {
  return useStore('useCan').can(method, path, withParams(params));
}

/** The full decision for `method path`. */
export function useDecision(method, path, params) {
  return useStore('useDecision').decide(method, path, withParams(params));
}

/** Renders `children` when the session may call `method path`, `fallback` (default nothing) otherwise. */
export function Can({ method, path, params, fallback = null, children }) {
  return useCan(method, path, params) ? children : fallback;
}
