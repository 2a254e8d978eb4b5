import { sleep } from './private-stack.js';

const CHANNELS = ['web', 'sms', 'whatsapp', 'email', 'wechat', 'app'];
const SOURCES = ['ads', 'organic', 'referral'];
const TEAMS = ['north', 'south'];

/** One generated event: a mix of types that moves every KPI counter (inquiries, deals, CSAT, NPS, complaints). */
export function makeEvent(id: string, seq: number, occurredAt: number): Record<string, unknown> {
  const kinds = [
    'conversation.started',
    'message.received',
    'message.sent',
    'message.received',
    'opportunity.created',
    'deal.won',
    'csat.submitted',
    'nps.submitted',
    'complaint.filed',
    'touchpoint',
  ];
  const type = kinds[seq % kinds.length];
  const properties: Record<string, unknown> = { source: SOURCES[seq % 3], team: TEAMS[seq % 2], text: `load n°${seq}` };
  if (seq % 13 === 0) properties.tag = 'vip';
  if (type === 'deal.won' || type === 'opportunity.created') properties.value = (seq % 50) * 10 + 0.5;
  if (type === 'csat.submitted') properties.score = 1 + (seq % 5);
  if (type === 'nps.submitted') properties.score = seq % 11;
  return {
    id,
    type,
    channel: CHANNELS[seq % CHANNELS.length],
    occurred_at: occurredAt,
    customer: { external_id: `cust-${seq % 400}` },
    conversation_id: `conv-${seq % 257}`,
    ...(type === 'message.sent' ? { agent_id: `agent-${seq % 7}` } : {}),
    properties,
  };
}

export interface LoadOptions {
  url: string;
  ingestKey: string;
  /** events per second */
  rate: number;
  /** events per request */
  batch: number;
  /** client timeout of one request; after it the same ids are posted again */
  timeoutMs: number;
  /** requests in flight at most; at the limit the generator waits (bounded load) */
  maxInFlight: number;
  /**
   * Every n-th request re-posts an already acknowledged batch of the running phase, as a client does whose
   * 202 got lost on the way back (it retries with the same ids). 0: never.
   */
  resendEvery: number;
}

export interface PostStats {
  requests: number;
  retries: number;
  timeouts: number;
  httpErrors: Record<string, number>;
  rejected: number;
  /** acknowledged batches posted again (a client whose acknowledgement was lost) */
  resent: number;
  /** events of those that ingest accepted again instead of answering as duplicates (its dedup keys were gone) */
  reaccepted: number;
}

/**
 * Posts events with unique ids at a bounded rate and records which ids were
 * acknowledged (HTTP 202: accepted, or answered as a duplicate of an earlier
 * attempt). A request that fails or times out is posted again with the same
 * ids until it is acknowledged, as clients are told to.
 */
export class LoadGenerator {
  readonly acked = new Set<string>();
  readonly stats: PostStats = { requests: 0, retries: 0, timeouts: 0, httpErrors: {}, rejected: 0, resent: 0, reaccepted: 0 };
  private seq = 0;
  private phaseBatches: Array<Array<Record<string, unknown>>> = [];
  private inFlight = new Set<Promise<void>>();
  private running = false;
  private loop?: Promise<void>;
  /** bumped when `stop` gives up on requests in flight: they stop retrying (their ids stay unacknowledged) */
  private generation = 0;

  constructor(private readonly o: LoadOptions) {}

  /** Starts generating ids `${prefix}-${n}`; occurred_at is the wall clock at generation. */
  start(prefix: string): void {
    if (this.running) throw new Error('load already running');
    this.running = true;
    this.phaseBatches = [];
    let tick = 0;
    const everyMs = (this.o.batch / this.o.rate) * 1000;
    this.loop = (async () => {
      let next = Date.now();
      while (this.running) {
        if (this.inFlight.size < this.o.maxInFlight && this.o.resendEvery > 0 && ++tick % this.o.resendEvery === 0 && this.phaseBatches.length > 0) {
          const again = this.phaseBatches[Math.floor(Math.random() * this.phaseBatches.length)];
          this.stats.resent++;
          this.track(this.postUntilAcked(again, true));
        } else if (this.inFlight.size < this.o.maxInFlight) {
          const now = Date.now();
          const events = Array.from({ length: this.o.batch }, () => {
            const n = this.seq++;
            return makeEvent(`${prefix}-${n}`, n, now);
          });
          this.track(this.postUntilAcked(events));
        }
        next += everyMs;
        const wait = next - Date.now();
        if (wait > 0) await sleep(wait);
        else next = Date.now(); // behind (in-flight limit or a slow loop): never burst to catch up
      }
    })();
  }

  /** Posts one event until acknowledged; resolves when it is. */
  async postOne(event: Record<string, unknown>): Promise<void> {
    const p = this.postUntilAcked([event]);
    this.track(p);
    await p;
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Stops generating and waits until every request in flight is acknowledged (or `deadlineMs` passes). Returns the ids still unacknowledged. */
  async stop(deadlineMs: number): Promise<number> {
    this.running = false;
    await this.loop;
    const until = Date.now() + deadlineMs;
    while (this.inFlight.size > 0 && Date.now() < until) await sleep(100);
    const left = this.inFlight.size;
    if (left > 0) this.generation++; // give up on them: they stay unacknowledged (never counted as acked)
    return left;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  private async postUntilAcked(events: Array<Record<string, unknown>>, resend = false): Promise<void> {
    const body = JSON.stringify({ events });
    const generation = this.generation;
    for (let attempt = 0; generation === this.generation; attempt++) {
      if (attempt > 0) {
        this.stats.retries++;
        await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
      }
      this.stats.requests++;
      try {
        const res = await fetch(`${this.o.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.o.ingestKey}` },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        const text = await res.text();
        if (res.status !== 202) {
          this.stats.httpErrors[res.status] = (this.stats.httpErrors[res.status] ?? 0) + 1;
          continue;
        }
        const reply = JSON.parse(text) as { accepted: number; duplicates: number; rejected: Array<{ index: number }> };
        const bad = new Set(reply.rejected.map((r) => r.index));
        this.stats.rejected += bad.size;
        if (resend) this.stats.reaccepted += reply.accepted;
        else if (this.running && bad.size === 0) this.phaseBatches.push(events);
        events.forEach((e, i) => {
          if (!bad.has(i)) this.acked.add(e.id as string);
        });
        return;
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') this.stats.timeouts++;
        else this.stats.httpErrors[`network`] = (this.stats.httpErrors.network ?? 0) + 1;
      }
    }
  }
}
