/**
 * Pulls `key=<value>` out of a URL fragment such as `#key=abc` or `#key=abc&x=1`. Old printed links carried an
 * API key there: the app takes it out of the address bar and history and never uses or stores it (people sign
 * in with a password now; no secret belongs in a URL).
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

/** Who is signed in, as GET /v1/auth/session answers. */
export interface SessionInfo {
  role: string;
  username: string | null;
  /** The cookie session's CSRF token: kept in memory only, sent in X-CSRF-Token. */
  csrf: string;
}

export type SessionResult = { kind: 'ok'; session: SessionInfo } | { kind: 'unauthorized' } | { kind: 'error'; message: string };

const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' };

async function asSession(res: Response): Promise<SessionResult> {
  if (res.status === 401) return { kind: 'unauthorized' };
  if (!res.ok) return { kind: 'error', message: `HTTP ${res.status}` };
  const b = (await res.json()) as { role?: string; user?: { username?: string; role?: string } | null; csrf_token?: string | null };
  const role = b.user?.role ?? b.role;
  const csrf = b.csrf_token;
  if (typeof role !== 'string' || typeof csrf !== 'string') return { kind: 'unauthorized' };
  return { kind: 'ok', session: { role, username: b.user?.username ?? null, csrf } };
}

/**
 * The current cookie session (the cookie is HttpOnly: the page never sees it, the browser sends it with every
 * same-origin request). Never throws: failures come back as a result.
 */
export async function fetchSession(fetchImpl: typeof fetch): Promise<SessionResult> {
  try {
    return await asSession(await fetchImpl('/v1/auth/session', { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' }));
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

/** Signs in with a username and password: the server sets the session cookie and answers the CSRF token. */
export async function signInWithPassword(fetchImpl: typeof fetch, username: string, password: string): Promise<SessionResult> {
  try {
    const res = await fetchImpl('/v1/auth/sign-in', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ username, password }),
      cache: 'no-store',
      credentials: 'same-origin',
    });
    if (res.status === 401 || res.status === 400) return { kind: 'unauthorized' };
    if (!res.ok) return { kind: 'error', message: `HTTP ${res.status}` };
    const b = (await res.json()) as { user: { username: string; role: string }; csrf_token: string };
    return { kind: 'ok', session: { role: b.user.role, username: b.user.username, csrf: b.csrf_token } };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

/** Ends the session on the server (the cookie is cleared); errors are ignored: the page forgets the token anyway. */
export async function signOutSession(fetchImpl: typeof fetch, csrf: string): Promise<void> {
  try {
    await fetchImpl('/v1/auth/sign-out', {
      method: 'POST',
      headers: { Accept: 'application/json', 'X-CSRF-Token': csrf },
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch {
    // offline: the cookie expires on its own
  }
}
