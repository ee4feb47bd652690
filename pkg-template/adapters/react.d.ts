// scopegate/react: a SessionStore in React (either build).
import type { ReactNode } from 'react';
import type { Decision, Session, SessionStoreBase } from '../types.js';

/** Path parameters filling a template such as `/users/{id}`. */
export type PathParams = Record<string, string | number>;

export declare function ScopegateProvider(props: { store: SessionStoreBase; children?: ReactNode }): ReactNode;
/** The current session, or null; re-renders on every change. */
export declare function useSession(): Session | null;
/** Whether the session may call `method path`; re-renders on every change. */
export declare function useCan(method: string, path: string, params?: PathParams): boolean;
/** The full decision for `method path`; re-renders on every change. */
export declare function useDecision(method: string, path: string, params?: PathParams): Decision;
/** `children` when allowed, `fallback` otherwise. */
export declare function Can(props: { method: string; path: string; params?: PathParams; fallback?: ReactNode; children?: ReactNode }): ReactNode;
