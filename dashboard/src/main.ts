import { startApp } from './app/app.js';
import type { KeyValueStorage } from './auth/key.js';

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
    languages: navigator.languages,
    language: navigator.language,
  });
}
