import type { BoardSnapshot } from '../api/types.js';
import type { Locale } from '../i18n/index.js';
import type { LiveStatus } from '../live/live-client.js';

/** The screens, picked by the URL fragment: `#/board` (default), `#/attribution`, `#/console`, `#/experiments[/ID]` or `#/audit`. */
export type Route = 'board' | 'attribution' | 'console' | 'experiments' | 'audit';

/** Everything the views render from. */
export interface AppState {
  locale: Locale;
  route: Route;
  /** `#/experiments/ID`: the experiment shown (null: the list). */
  experimentId?: string | null;
  board: BoardSnapshot | null;
  status: LiveStatus;
  /** Whether a key is known and accepted (false shows the sign-in form). */
  signedIn: boolean;
  /** `console`: the key opens only the agent console (agents may not read the board). */
  access: 'full' | 'console';
  /** The signed-in person's role (`admin`, `manager`, …) as the server answered it; null when signed out. */
  role: string | null;
}

export interface Store<S> {
  get(): S;
  set(patch: Partial<S>): void;
  subscribe(fn: (state: S, prev: S) => void): () => void;
}

/** A minimal observable state container; subscribers run synchronously after each change. */
export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const subs = new Set<(state: S, prev: S) => void>();
  return {
    get: () => state,
    set(patch) {
      const prev = state;
      state = { ...state, ...patch };
      for (const fn of subs) fn(state, prev);
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

/** A piece of UI that renders from the app state. */
export interface View {
  readonly el: HTMLElement;
  render(state: AppState): void;
  destroy?(): void;
}
