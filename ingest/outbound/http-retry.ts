import { LRUCache } from 'lru-cache';

/**
 * POST with retries for outbound senders: retries network errors, 429 and
 * 5xx with exponential backoff (honouring Retry-After up to `maxDelayMs`),
 * gives up on other 4xx at once. Throws the last failure.
 */
export interface RetryOptions {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

export const defaultRetry: RetryOptions = {
  retries: 4,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  fetch: (...a) => globalThis.fetch(...a),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export async function postWithRetry(url: string, init: RequestInit, o: RetryOptions): Promise<{ status: number; headers: Headers; body: string }> {
  let last: ProviderError = new ProviderError('not sent', null, true);
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    try {
      const res = await o.fetch(url, { ...init, method: 'POST' });
      const body = await res.text();
      if (res.ok) return { status: res.status, headers: res.headers, body };
      const retryable = res.status === 429 || res.status >= 500;
      last = new ProviderError(`provider answered ${res.status}: ${body.slice(0, 300)}`, res.status, retryable);
      if (!retryable) throw last;
      const after = Number(res.headers.get('retry-after'));
      if (attempt < o.retries) await o.sleep(Math.min(o.maxDelayMs, Number.isFinite(after) && after > 0 ? after * 1000 : o.baseDelayMs * 2 ** attempt));
    } catch (err) {
      if (err instanceof ProviderError && !err.retryable) throw err;
      if (!(err instanceof ProviderError)) last = new ProviderError(`provider unreachable: ${(err as Error).message}`, null, true);
      if (attempt < o.retries && !(err instanceof ProviderError)) await o.sleep(Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt));
    }
  }
  throw last;
}

/**
 * Remembers sends by outbound id so a repeated send of the same id returns
 * the first result instead of sending twice (in memory, per process; the
 * provider's idempotency key covers the rest where it has one).
 */
export class SendOnce<T> {
  private readonly done: LRUCache<string, Promise<T>>;
  constructor(max = 10_000) {
    this.done = new LRUCache({ max });
  }
  run(id: string, send: () => Promise<T>): Promise<T> {
    const prior = this.done.get(id);
    if (prior) return prior;
    const p = send();
    this.done.set(id, p);
    p.catch(() => this.done.delete(id));
    return p;
  }
}
