// scopegate/vue: a SessionStore in Vue 3 (either build).
import type { ComputedRef, Plugin } from 'vue';
import type { Decision, Session, SessionStoreBase } from '../types.js';

export type PathParams = Record<string, string | number>;
/** `app.use(createScopegate(store))`: provides the store and registers `v-can` ("METHOD /path" or { method, path, params }; `.disable` disables instead of hiding). */
export declare function createScopegate(store: SessionStoreBase): Plugin;
export declare function useCan(method: string, path: string, params?: PathParams): ComputedRef<boolean>;
export declare function useDecision(method: string, path: string, params?: PathParams): ComputedRef<Decision>;
export declare function useSession(): ComputedRef<Session | null>;
