import type { CrmLookupKey, CrmPort, CrmRecord } from './crm-port.js';

export interface HttpCrmOptions {
  /** Base URL; the adapter calls `GET <url>/customers/<external id or customer id>?identifier=…`. */
  url: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * CRM over HTTP. The CRM answers `{"fields":{…},"orders":[…]}` (200) or 404
 * when it does not know the customer; anything else is a failure (thrown), so
 * the workbench can say the CRM is unavailable instead of "no orders".
 */
export class HttpCrm implements CrmPort {
  constructor(private readonly o: HttpCrmOptions) {}

  async lookup(key: CrmLookupKey): Promise<CrmRecord | null> {
    const u = new URL(`${this.o.url.replace(/\/+$/, '')}/customers/${encodeURIComponent(key.external_id ?? key.customer_id)}`);
    for (const id of key.identifiers) u.searchParams.append('identifier', id);
    const res = await (this.o.fetch ?? fetch)(u, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.o.timeoutMs ?? 3000) });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`CRM answered ${res.status}`);
    const body = (await res.json()) as Partial<CrmRecord> | null;
    return {
      fields: body && typeof body.fields === 'object' && body.fields !== null ? body.fields : {},
      orders: Array.isArray(body?.orders) ? body.orders : [],
    };
  }
}
