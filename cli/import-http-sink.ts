import type { Batch, ImportSink, SinkReply } from '../ingest/import/index.js';
import { OmnilaneError } from '../shared/errors.js';

export interface HttpSinkOptions {
  /** Base URL of a deployment's ingest (POST {url}/v1/events). */
  url: string;
  /** An ingest key; its id is the producer the deployment dedups ids under. */
  key: string;
  /** Attempts per batch before giving up (default 8). */
  attempts?: number;
  /** Injected for tests; default global fetch and setTimeout. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait, for the progress line. */
  onRetry?: (info: { attempt: number; waitMs: number; reason: string }) => void;
}

const RETRIABLE = new Set([408, 429, 500, 502, 503, 504]);
const MAX_WAIT_MS = 60_000;

/**
 * How long to wait before attempt `attempt + 1`: the server's Retry-After (seconds or an HTTP date) when it
 * sent one (429, 503), else exponential backoff from 500 ms with full jitter, capped at a minute. Pure.
 */
export function retryDelayMs(retryAfter: string | null, attempt: number, now: number, random: () => number): number {
  if (retryAfter) {
    const s = Number(retryAfter);
    if (Number.isFinite(s) && s >= 0) return Math.min(MAX_WAIT_MS, Math.round(s * 1000));
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.min(MAX_WAIT_MS, Math.max(0, at - now));
  }
  return Math.round(Math.min(MAX_WAIT_MS, 500 * 2 ** attempt) * (0.5 + random() / 2));
}

/**
 * Sends batches to a running deployment. 202 is acknowledged; 408/429/5xx and network errors are retried
 * with the same body (the ids make a repeat harmless); other answers (bad key, bad batch) stop the import
 * with IMPORT_ERR_REMOTE and the server's code, as do retries running out.
 */
export class HttpSink implements ImportSink {
  private readonly endpoint: string;
  constructor(private readonly o: HttpSinkOptions) {
    this.endpoint = `${o.url.replace(/\/+$/, '')}/v1/events`;
  }

  async send(batch: Batch): Promise<SinkReply> {
    const doFetch = this.o.fetch ?? fetch;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const attempts = this.o.attempts ?? 8;
    const body = batch.body();
    let last = '';
    for (let attempt = 0; attempt < attempts; attempt++) {
      let res: Response;
      try {
        res = await doFetch(this.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${this.o.key}` }, body });
      } catch (err) {
        last = `${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`;
        await this.wait(sleep, null, attempt, attempts, last);
        continue;
      }
      const text = await res.text();
      if (res.status === 202) return JSON.parse(text) as SinkReply;
      const reply = safeJson(text);
      last = `HTTP ${res.status}${reply?.code ? ` ${reply.code}: ${reply.message ?? ''}` : ''}`;
      if (!RETRIABLE.has(res.status)) throw new OmnilaneError('IMPORT_ERR_REMOTE', `${this.endpoint} refused the batch: ${last}`);
      await this.wait(sleep, res.headers.get('retry-after'), attempt, attempts, last);
    }
    throw new OmnilaneError('IMPORT_ERR_REMOTE', `${this.endpoint} did not acknowledge a batch after ${attempts} attempts (last: ${last})`);
  }

  private async wait(sleep: (ms: number) => Promise<void>, retryAfter: string | null, attempt: number, attempts: number, reason: string): Promise<void> {
    if (attempt + 1 >= attempts) return;
    const waitMs = retryDelayMs(retryAfter, attempt, Date.now(), this.o.random ?? Math.random);
    this.o.onRetry?.({ attempt: attempt + 1, waitMs, reason });
    await sleep(waitMs);
  }
}

function safeJson(text: string): { code?: string; message?: string } | null {
  try {
    return JSON.parse(text) as { code?: string; message?: string };
  } catch {
    return null;
  }
}
