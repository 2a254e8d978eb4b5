/** Default board window, minutes. */
export const DEFAULT_MINUTES = 60;

/** Reads `?minutes=N` (1..1440) from a query string; anything else gives the default. */
export function minutesFromSearch(search: string): number {
  const raw = new URLSearchParams(search).get('minutes');
  if (raw === null || !/^\d+$/.test(raw)) return DEFAULT_MINUTES;
  const n = Number(raw);
  return n >= 1 && n <= 1440 ? n : DEFAULT_MINUTES;
}

/** True when `next` is at least as new as `prev` (an older snapshot arriving late must not roll the board back). */
export function isNewer(prev: { generated_at: string } | null, next: { generated_at: string }): boolean {
  if (!prev) return true;
  const a = Date.parse(prev.generated_at);
  const b = Date.parse(next.generated_at);
  return !Number.isFinite(a) || !Number.isFinite(b) || b >= a;
}

/**
 * The screen named by a URL fragment: `#/attribution` or `#/console` (optionally followed by `&…` or `?…`,
 * so the printed console link `/#/console&key=…` works); anything else, including no fragment, is the board.
 */
export function routeFromHash(hash: string): 'board' | 'attribution' | 'console' | 'experiments' | 'audit' {
  const path = (hash.startsWith('#') ? hash.slice(1) : hash).split(/[&?]/)[0];
  if (path === '/experiments' || path.startsWith('/experiments/')) return 'experiments';
  return path === '/attribution' ? 'attribution' : path === '/console' ? 'console' : path === '/audit' ? 'audit' : 'board';
}

/** `#/experiments/ID` → ID (decoded); null for the list or any other screen. */
export function experimentIdFromHash(hash: string): string | null {
  const path = (hash.startsWith('#') ? hash.slice(1) : hash).split(/[&?]/)[0];
  const m = /^\/experiments\/([^/]+)$/.exec(path);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}
