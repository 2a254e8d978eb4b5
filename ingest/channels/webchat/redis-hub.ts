import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../../../shared/logger.js';
import { InProcessHub, type HubListener, type WebchatHub } from './hub.js';
import type { ChatMessage, ServerFrame } from './protocol.js';

export interface RedisHubOptions {
  /** `redis[s]://[user:pass@]host:port[/db]`. Pub/sub ignores the db number, hence the namespace. */
  url: string;
  /** OMNILANE_NAMESPACE: channels become `<namespace>:wc:{<conversation>}`, as state keys get `<namespace>:`. */
  namespace?: string;
  /**
   * Reads a conversation's retained messages with seq > afterSeq, in seq order
   * (ConversationLog.after). Used after a (re)subscribe to deliver what was
   * published while this process was not listening.
   */
  catchUp: (conversationId: string, afterSeq: number) => Promise<ChatMessage[]>;
  log?: Logger;
  /** Delay before the subscriber's reconnect attempt n (1, 2, …), ms; default min(100·n, 2000). */
  retryDelayMs?: (attempt: number) => number;
  /** TLS with a private CA or a client certificate (REDIS_TLS_*), as the state store uses. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

/** What travels on a channel: the publishing hub's id (so it skips its own echo) and the frame. */
interface Envelope {
  o: string;
  f: ServerFrame;
}

const SUBSCRIBE_CHUNK = 1000;

/**
 * WebchatHub over Redis pub/sub, for several ingest processes.
 *
 * One channel per conversation (`<ns>:wc:{<id>}`), SUBSCRIBEd on a dedicated
 * connection when the first local socket of that conversation appears and
 * UNSUBSCRIBEd after the last leaves: each process receives only the traffic
 * of conversations it holds sockets for, where one pattern channel would
 * send every push to every process. (The `{id}` hash tag also keeps the
 * channel next to the conversation's keys should this move to sharded pub/sub.)
 *
 * `publish` delivers to local sockets at once and PUBLISHes with this hub's
 * id; the echo that comes back is skipped, so a socket never gets a frame
 * twice from its own process. Pub/sub is at-most-once; the conversation log
 * is the source of truth. Whenever a subscription becomes live (first
 * subscribe, or resubscribe after the subscriber connection dropped) the hub
 * reads the log after the highest seq it has delivered for that conversation
 * and hands those messages to its sockets, which drop seqs they already sent
 * and fill any gap from the log themselves. So a message stored while this
 * process was not listening still reaches its sockets, exactly once.
 */
export class RedisHub implements WebchatHub {
  private readonly local = new InProcessHub();
  private readonly sub: Redis;
  private readonly pub: Redis;
  private readonly prefix: string;
  private readonly origin = randomUUID();
  /** Conversations with local sockets, i.e. the channels this process must be subscribed to. */
  private readonly held = new Set<string>();
  /** Highest message seq delivered to local sockets, per held conversation. */
  private readonly seen = new Map<string, number>();
  private everReady = false;
  private closed = false;
  /** Completed resubscriptions after a lost subscriber connection (for tests and health). */
  resubscribes = 0;

  constructor(private readonly o: RedisHubOptions) {
    this.prefix = `${o.namespace ? `${o.namespace}:` : ''}wc:{`;
    const retryStrategy = (n: number) => (o.retryDelayMs ?? ((k: number) => Math.min(k * 100, 2000)))(n);
    const name = `omnilane${o.namespace ? `-${o.namespace}` : ''}-webchat`;
    // We resubscribe ourselves so the catch-up read starts only after Redis confirmed the subscription.
    const tls = o.tls ? { tls: o.tls } : {};
    this.sub = new Redis(o.url, { autoResubscribe: false, maxRetriesPerRequest: null, retryStrategy, connectionName: `${name}-sub`, ...tls });
    this.pub = new Redis(o.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true, connectionName: `${name}-pub`, ...tls });
    this.logErrors(this.sub, 'subscriber');
    this.logErrors(this.pub, 'publisher');
    this.sub.on('message', (channel: string, message: string) => this.receive(channel, message));
    this.sub.on('ready', () => {
      if (this.everReady) void this.resubscribeAll();
      this.everReady = true;
    });
  }

  subscribe(conversationId: string, listener: HubListener): () => void {
    const first = !this.held.has(conversationId);
    const off = this.local.subscribe(conversationId, listener);
    if (first && !this.closed) {
      this.held.add(conversationId);
      this.sub.subscribe(this.channel(conversationId)).then(
        () => this.resync(conversationId),
        (err: unknown) => this.o.log?.warn({ err, conversation_id: conversationId }, 'web chat hub subscribe failed; resubscribing on reconnect'),
      );
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      if (this.local.listeners(conversationId) > 0 || !this.held.delete(conversationId)) return;
      this.seen.delete(conversationId);
      if (this.closed) return;
      this.sub.unsubscribe(this.channel(conversationId)).catch(() => undefined);
    };
  }

  async publish(conversationId: string, frame: ServerFrame): Promise<void> {
    this.deliver(conversationId, frame);
    if (this.closed) return;
    try {
      await this.pub.publish(this.channel(conversationId), JSON.stringify({ o: this.origin, f: frame } satisfies Envelope));
    } catch (err) {
      // The message is in the log already: other processes' sockets get it on their next push or resume.
      this.o.log?.warn({ err, conversation_id: conversationId }, 'web chat hub publish failed');
    }
  }

  listeners(conversationId: string): number {
    return this.local.listeners(conversationId);
  }

  /** Closes both connections; local listeners get nothing more. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.held.clear();
    this.seen.clear();
    // The subscriber has nothing to flush; the publisher sends what it has if it is connected.
    this.sub.disconnect();
    if (this.pub.status === 'ready') await this.pub.quit().catch(() => this.pub.disconnect());
    else this.pub.disconnect();
  }

  private channel(conversationId: string): string {
    return `${this.prefix}${conversationId}}`;
  }

  private deliver(conversationId: string, frame: ServerFrame): void {
    if (frame.type === 'message' && this.held.has(conversationId) && frame.seq > (this.seen.get(conversationId) ?? 0)) {
      this.seen.set(conversationId, frame.seq);
    }
    void this.local.publish(conversationId, frame);
  }

  private receive(channel: string, message: string): void {
    if (!channel.startsWith(this.prefix) || !channel.endsWith('}')) return;
    let env: Envelope;
    try {
      env = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (env?.o === this.origin || typeof env?.f?.type !== 'string') return;
    this.deliver(channel.slice(this.prefix.length, -1), env.f);
  }

  /** After a lost subscriber connection: subscribe again to every conversation held here, then catch up. */
  private async resubscribeAll(): Promise<void> {
    const ids = [...this.held];
    try {
      for (let i = 0; i < ids.length; i += SUBSCRIBE_CHUNK) {
        await this.sub.subscribe(...ids.slice(i, i + SUBSCRIBE_CHUNK).map((id) => this.channel(id)));
      }
    } catch (err) {
      // The connection dropped again; its next 'ready' runs this again.
      this.o.log?.warn({ err }, 'web chat hub resubscribe failed');
      return;
    }
    this.resubscribes++;
    this.o.log?.info({ conversations: ids.length }, 'web chat hub resubscribed; catching up from the log');
    await Promise.all(ids.map((id) => this.resync(id)));
  }

  /** Hands local sockets the messages stored after the last one delivered here; they dedup by seq. */
  private async resync(conversationId: string, attempt = 1): Promise<void> {
    if (this.closed || !this.held.has(conversationId)) return;
    let missed: ChatMessage[];
    try {
      missed = await this.o.catchUp(conversationId, this.seen.get(conversationId) ?? 0);
    } catch (err) {
      this.o.log?.warn({ err, conversation_id: conversationId, attempt }, 'web chat hub catch-up read failed');
      if (attempt < 5) setTimeout(() => void this.resync(conversationId, attempt + 1), 200 * attempt).unref();
      return;
    }
    for (const m of missed) this.deliver(conversationId, { type: 'message', ...m });
  }

  private logErrors(redis: Redis, role: string): void {
    // Without a listener ioredis prints every reconnect error; log each distinct one once per outage.
    let last = '';
    redis.on('error', (err: Error) => {
      if (err.message === last) return;
      last = err.message;
      this.o.log?.error({ err, role }, 'web chat hub redis connection error');
    });
    redis.on('ready', () => {
      last = '';
    });
  }
}
