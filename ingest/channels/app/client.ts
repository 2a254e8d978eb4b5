/**
 * A small client for the app SDK endpoint `POST /v1/channels/app/events`.
 * Batches events, flushes when `maxBatch` are queued or `flushIntervalMs`
 * passes, and retries a failed batch with the SAME event ids (the server
 * counts each id once), backing off on 429, 5xx and network errors. A 4xx
 * other than 429 is a client bug: the batch is dropped and reported.
 * Dependency-free so it runs in React Native, browsers and Node 18+.
 */
export interface AppClientOptions {
  baseUrl: string;
  /** The ingest key. */
  key: string;
  anonymousId?: string;
  userId?: string;
  context?: Record<string, unknown>;
  maxBatch?: number;
  flushIntervalMs?: number;
  maxRetries?: number;
  baseDelayMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  newId?: () => string;
  now?: () => number;
  onError?: (err: Error, events: AppClientEvent[]) => void;
}

export interface AppClientEvent {
  id: string;
  type: string;
  occurred_at: number;
  conversation_id?: string;
  properties?: Record<string, unknown>;
}

export class OmnilaneAppClient {
  private queue: AppClientEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> = Promise.resolve();
  private readonly o: Required<Omit<AppClientOptions, 'anonymousId' | 'userId' | 'context' | 'onError'>> & AppClientOptions;

  constructor(opts: AppClientOptions) {
    if (!opts.anonymousId && !opts.userId) throw new Error('OmnilaneAppClient needs anonymousId or userId');
    this.o = {
      maxBatch: 50,
      flushIntervalMs: 2000,
      maxRetries: 5,
      baseDelayMs: 200,
      fetch: globalThis.fetch.bind(globalThis),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      newId: () => globalThis.crypto.randomUUID(),
      now: () => Date.now(),
      ...opts,
      baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    };
  }

  /** Queues one event; returns its id. */
  track(type: string, properties?: Record<string, unknown>, conversationId?: string): string {
    const ev: AppClientEvent = {
      id: this.o.newId(),
      type,
      occurred_at: this.o.now(),
      ...(properties ? { properties } : {}),
      ...(conversationId ? { conversation_id: conversationId } : {}),
    };
    this.queue.push(ev);
    if (this.queue.length >= this.o.maxBatch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.o.flushIntervalMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
    return ev.id;
  }

  /** Sends everything queued (batches in order); resolves when done or given up. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches: AppClientEvent[][] = [];
    while (this.queue.length > 0) batches.push(this.queue.splice(0, this.o.maxBatch));
    this.sending = this.sending.then(async () => {
      for (const b of batches) await this.send(b);
    });
    return this.sending;
  }

  private async send(events: AppClientEvent[]): Promise<void> {
    const body = JSON.stringify({ anonymous_id: this.o.anonymousId, user_id: this.o.userId, context: this.o.context, events });
    let lastError = new Error('not sent');
    for (let attempt = 0; attempt <= this.o.maxRetries; attempt++) {
      if (attempt > 0) await this.o.sleep(this.o.baseDelayMs * 2 ** (attempt - 1));
      try {
        const res = await this.o.fetch(`${this.o.baseUrl}/v1/channels/app/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.o.key}` },
          body,
        });
        if (res.ok) return;
        lastError = new Error(`omnilane answered ${res.status}: ${await res.text()}`);
        if (res.status !== 429 && res.status < 500) break;
      } catch (err) {
        lastError = err as Error;
      }
    }
    this.o.onError?.(lastError, events);
  }
}
