import { authHeaders } from '../api/client.js';
import type { AttributionData, FunnelBy, FunnelData, TransitionsData } from './types.js';

/** Outcome of a request: the body, a rejected key, or any other failure. Never thrown. */
export type ApiResult<T> = { kind: 'ok'; data: T } | { kind: 'unauthorized'; message: string } | { kind: 'error'; message: string };

export async function request<T>(fetchImpl: typeof fetch, key: string, url: string, init: RequestInit = {}): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetchImpl(url, { ...init, headers: { ...authHeaders(key), ...(init.headers as Record<string, string> | undefined) }, cache: 'no-store' });
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // a non-JSON body is reported by status below
  }
  const message = (body as { code?: string; message?: string } | null)?.message
    ? `${(body as { code?: string }).code ?? res.status}: ${(body as { message: string }).message}`
    : `HTTP ${res.status}`;
  if (res.status === 401) return { kind: 'unauthorized', message };
  if (!res.ok || body === null) return { kind: 'error', message };
  return { kind: 'ok', data: body as T };
}

/** The URLs the attribution view reads (relative to the page origin). */
export const attributionUrls = {
  results: () => '/v1/attribution',
  transitions: () => '/v1/attribution/transitions',
  funnel: (by: FunnelBy, windowHours: number) => `/v1/funnel?by=${encodeURIComponent(by)}&window_hours=${encodeURIComponent(String(windowHours))}`,
  run: () => '/v1/attribution/run',
};

export const fetchAttribution = (f: typeof fetch, key: string) => request<AttributionData>(f, key, attributionUrls.results());
export const fetchTransitions = (f: typeof fetch, key: string) => request<TransitionsData>(f, key, attributionUrls.transitions());
export const fetchFunnel = (f: typeof fetch, key: string, by: FunnelBy, windowHours: number) =>
  request<FunnelData>(f, key, attributionUrls.funnel(by, windowHours));
/** POST /v1/attribution/run (admins). */
export const runAttribution = (f: typeof fetch, key: string) =>
  request<{ run_id: string }>(f, key, attributionUrls.run(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
