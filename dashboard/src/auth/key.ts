/** localStorage key holding the API key. */
export const KEY_STORAGE = 'omnilane.key';

/**
 * Pulls `key=<value>` out of a URL fragment such as `#key=abc` or `#key=abc&x=1`.
 * Returns the key (URL-decoded, trimmed) and the fragment that remains without it ('' when nothing is left).
 */
export function extractKeyFromHash(hash: string): { key: string | null; rest: string } {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!raw) return { key: null, rest: '' };
  let key: string | null = null;
  const kept: string[] = [];
  for (const part of raw.split('&')) {
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    if (name === 'key' && eq !== -1) {
      let value = part.slice(eq + 1);
      try {
        value = decodeURIComponent(value.replace(/\+/g, ' '));
      } catch {
        // keep the raw text: a malformed escape is still the best guess at what was printed
      }
      value = value.trim();
      if (value) key = value;
    } else if (part) {
      kept.push(part);
    }
  }
  return { key, rest: kept.length ? `#${kept.join('&')}` : '' };
}

/** Minimal storage surface so tests can pass a Map-backed fake. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Reads a stored item; storage may be unavailable (privacy mode), which reads as nothing stored. */
export function safeGet(storage: KeyValueStorage, name: string): string | null {
  try {
    return storage.getItem(name);
  } catch {
    return null;
  }
}

/** Writes a stored item, ignoring storage that refuses writes. */
export function safeSet(storage: KeyValueStorage, name: string, value: string | null): void {
  try {
    if (value === null) storage.removeItem(name);
    else storage.setItem(name, value);
  } catch {
    // the session still works; it just will not be remembered
  }
}
