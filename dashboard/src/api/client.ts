import { asBoardSnapshot, type BoardSnapshot } from './types.js';

/** Outcome of a board request: the snapshot, a rejected key, or any other failure (network, 5xx, bad body). */
export type BoardResult = { kind: 'ok'; board: BoardSnapshot } | { kind: 'unauthorized'; message: string } | { kind: 'error'; message: string };

/** Builds `/v1/<path>?minutes=N` relative to the page origin. */
export function apiUrl(path: 'board' | 'live', minutes: number): string {
  return `/v1/${path}?minutes=${encodeURIComponent(String(minutes))}`;
}

/**
 * Request headers for every /v1 call: the session cookie goes by itself (same origin); `token` is the session's
 * CSRF token, which the server requires on POST, PUT, PATCH and DELETE (and ignores on reads).
 */
export function authHeaders(token: string, accept = 'application/json'): Record<string, string> {
  return { 'X-CSRF-Token': token, Accept: accept };
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { code?: string; message?: string };
    return body.message ? `${body.code ?? res.status}: ${body.message}` : `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/** `GET /v1/board?minutes=N`. Never throws: failures come back as a result. */
export async function fetchBoard(fetchImpl: typeof fetch, key: string, minutes: number): Promise<BoardResult> {
  let res: Response;
  try {
    res = await fetchImpl(apiUrl('board', minutes), { headers: authHeaders(key), cache: 'no-store' });
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (res.status === 401) return { kind: 'unauthorized', message: await errorMessage(res) };
  if (!res.ok) return { kind: 'error', message: await errorMessage(res) };
  try {
    const board = asBoardSnapshot(await res.json());
    return board ? { kind: 'ok', board } : { kind: 'error', message: 'malformed board snapshot' };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
