import type { CrmLookupKey, CrmOpportunity, CrmPort, CrmRecord } from './crm-port.js';

export interface HttpCrmOptions {
  /** Base URL; the adapter calls `GET <url>/customers/<external id or customer id>?identifier=…`. */
  url: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Attempts per write, first included (default 4); a write is never tried more often than this. */
  maxAttempts?: number;
  /** First backoff, ms, doubled per attempt (default 250). */
  backoffMs?: number;
  /** Cap on any one wait, Retry-After included, ms (default 10 000). */
  maxDelayMs?: number;
  /** Waits between attempts (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After as ms (delta-seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const s = Number(header.trim());
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * CRM over HTTP. The CRM answers `{"fields":{…},"orders":[…]}` (200) or 404
 * when it does not know the customer; anything else is a failure (thrown), so
 * the workbench can say the CRM is unavailable instead of "no orders".
 *
 * Opportunities: `PUT <url>/opportunities/<id>` with the opportunity as JSON
 * (201 created, 200 updated: the id makes it idempotent), retried on 429, 5xx
 * and network errors with exponential backoff, honouring Retry-After, at most
 * `maxAttempts` times; `GET <url>/customers/<id>/opportunities` lists them
 * (`{"opportunities":[…]}`, 404 = none).
 */
export class HttpCrm implements CrmPort {
  constructor(private readonly o: HttpCrmOptions) {}

  private get base(): string {
    return this.o.url.replace(/\/+$/, '');
  }

  private call(u: URL | string, init: RequestInit = {}): Promise<Response> {
    return (this.o.fetch ?? fetch)(u, {
      ...init,
      headers: { accept: 'application/json', ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 3000),
    });
  }

  async lookup(key: CrmLookupKey): Promise<CrmRecord | null> {
    const u = new URL(`${this.base}/customers/${encodeURIComponent(key.external_id ?? key.customer_id)}`);
    for (const id of key.identifiers) u.searchParams.append('identifier', id);
    const res = await this.call(u);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`CRM answered ${res.status}`);
    const body = (await res.json()) as Partial<CrmRecord> | null;
    return {
      fields: body && typeof body.fields === 'object' && body.fields !== null ? body.fields : {},
      orders: Array.isArray(body?.orders) ? body.orders : [],
    };
  }

  async upsertOpportunity(opp: CrmOpportunity): Promise<{ id: string; created: boolean }> {
    const attempts = Math.max(1, this.o.maxAttempts ?? 4);
    const sleep = this.o.sleep ?? wait;
    const cap = this.o.maxDelayMs ?? 10_000;
    let last: unknown;
    for (let n = 1; n <= attempts; n++) {
      let delay = Math.min(cap, (this.o.backoffMs ?? 250) * 2 ** (n - 1));
      try {
        const res = await this.call(`${this.base}/opportunities/${encodeURIComponent(opp.id)}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(opp),
        });
        if (res.ok) {
          await res.body?.cancel().catch(() => undefined);
          return { id: opp.id, created: res.status === 201 };
        }
        await res.body?.cancel().catch(() => undefined);
        last = new Error(`CRM answered ${res.status} to PUT opportunity ${opp.id}`);
        // Other 4xx: the CRM refused this opportunity; trying again would be refused the same way.
        if (res.status !== 429 && res.status < 500) throw last;
        const ra = retryAfterMs(res.headers.get('retry-after'), Date.now());
        if (ra !== null) delay = Math.min(cap, ra);
      } catch (err) {
        if (err === last) throw err;
        last = err; // network error or timeout: transient
      }
      if (n < attempts) await sleep(delay);
    }
    throw new Error(`CRM did not take opportunity ${opp.id} after ${attempts} attempts: ${String((last as Error)?.message ?? last)}`, { cause: last });
  }

  async opportunities(key: CrmLookupKey): Promise<CrmOpportunity[]> {
    const res = await this.call(`${this.base}/customers/${encodeURIComponent(key.customer_id)}/opportunities`);
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`CRM answered ${res.status}`);
    const body = (await res.json()) as { opportunities?: unknown } | null;
    return Array.isArray(body?.opportunities) ? (body.opportunities as CrmOpportunity[]) : [];
  }
}
