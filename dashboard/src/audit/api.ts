import { authHeaders } from '../api/client.js';

/** One audit entry as GET /v1/audit returns it. */
export interface AuditEntryView {
  seq: number;
  at: string;
  actor: { id?: string; role?: string; keyId?: string; userId?: string; agentId?: string };
  action: string;
  target: string;
  customer_id: string | null;
  ip: string;
  status: number;
  before: unknown;
  after: unknown;
  hash: string;
  checkpoint: boolean;
}

/** GET /v1/audit/verify. */
export interface ChainStatusView {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  checkpoints: number;
  signedThrough: number;
  unsignedTail: number;
  problems: Array<{ seq: number; kind: string; detail: string }>;
}

export interface AuditFilters {
  actor: string;
  action: string;
  customer: string;
}

export type AuditResult<T> = { kind: 'ok'; data: T } | { kind: 'unauthorized' } | { kind: 'forbidden' } | { kind: 'error'; message: string };

async function get<T>(f: typeof fetch, key: string, url: string): Promise<AuditResult<T>> {
  try {
    const res = await f(url, { headers: authHeaders(key), cache: 'no-store' });
    if (res.status === 401) return { kind: 'unauthorized' };
    if (res.status === 403) return { kind: 'forbidden' };
    const body = (await res.json().catch(() => null)) as (T & { message?: string }) | null;
    if (!res.ok || body === null) return { kind: 'error', message: body?.message ?? `HTTP ${res.status}` };
    return { kind: 'ok', data: body };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

/** The query string of the entries request: only the filters that are set. */
export function auditUrl(filters: AuditFilters, limit = 200): string {
  const q = new URLSearchParams({ limit: String(limit) });
  for (const [k, v] of Object.entries(filters) as Array<[string, string]>) if (v.trim()) q.set(k, v.trim());
  return `/v1/audit?${q.toString()}`;
}

export const fetchAuditEntries = (f: typeof fetch, key: string, filters: AuditFilters) => get<{ entries: AuditEntryView[] }>(f, key, auditUrl(filters));
export const fetchChainStatus = (f: typeof fetch, key: string) => get<ChainStatusView>(f, key, '/v1/audit/verify');
