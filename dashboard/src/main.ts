/**
 * Omnilane dashboard entry. Layout of `src/`:
 * - `app/`      shell: state store, start-up (key → snapshot → live stream), URL parameters
 * - `shell/`    header (brand, status, language switch) and the sign-in form
 * - `board/`    the live board: `tiles/` (KPI tiles, defined as data in `definitions.ts`), `charts/` (one panel
 *               per chart, listed in `definitions.ts`), `options/` (pure board → ECharts option builders)
 * - `attribution/` the attribution view (`#/attribution`): API calls, pure option builders, the view
 * - `live/`     SSE parser (pure), backoff (pure), fetch-based live client
 * - `api/`      contract types and the snapshot request;  `auth/` key handling;  `i18n/` catalogue and locale;
 *               `format/` durations and numbers
 * New board content: add a TileDef to TILES or a ChartDef to CHARTS (with a pure option builder and its test);
 * a new screen gets its own folder beside `board/` and a View.
 */
import { startApp } from './app/app.js';
import type { KeyValueStorage } from './auth/session.js';

// localStorage can be missing or throw (privacy modes, sandboxed frames); fall back to memory.
function pickStorage(): KeyValueStorage {
  try {
    const s = window.localStorage;
    s.getItem('omnilane.key');
    return s;
  } catch {
    const mem = new Map<string, string>();
    return {
      getItem: (k) => mem.get(k) ?? null,
      setItem: (k, v) => void mem.set(k, v),
      removeItem: (k) => void mem.delete(k),
    };
  }
}

const root = document.getElementById('app');
if (root) {
  startApp({
    root,
    document,
    storage: pickStorage(),
    location: window.location,
    history: window.history,
    fetch: window.fetch.bind(window),
    onHashChange: (listener) => window.addEventListener('hashchange', listener),
    languages: navigator.languages,
    language: navigator.language,
  });
}
