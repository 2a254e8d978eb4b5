import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { ConversationMeta } from './conversation-log.js';
import { parseClientFrame, TokenBucket, WEBCHAT_CLOSE, type ClientFrame, type HelloFrame, type ServerFrame, type WebchatErrorCode } from './protocol.js';
import { checkSite, type WebchatSiteKey } from './site-keys.js';
import type { WebchatService } from './webchat-service.js';

/** The part of a `ws` WebSocket a connection uses (kept narrow so tests can fake it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ConnectionLimits {
  /** Frames allowed at once, and refilled per second. */
  burst: number;
  perSecond: number;
  /** Consecutive refused frames before the socket is closed with 4429. */
  maxRefusals: number;
  helloTimeoutMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = { burst: 20, perSecond: 5, maxRefusals: 20, helloTimeoutMs: 10_000 };

const OPEN = 1;

/**
 * One visitor socket: hello → welcome + replay, then messages, typing and
 * read. Incoming frames are handled one at a time in arrival order; outgoing
 * messages go through one queue that never sends a seq twice and fills any
 * gap from the log, so replay and live pushes interleave without loss.
 */
export class VisitorConnection {
  private meta: ConversationMeta | null = null;
  private sentSeq = 0;
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private readonly bucket: TokenBucket;
  private refusals = 0;
  private closed = false;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: SocketLike,
    private readonly origin: string | undefined,
    private readonly svc: WebchatService,
    private readonly siteKeys: readonly WebchatSiteKey[],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly limits: ConnectionLimits = DEFAULT_LIMITS,
  ) {
    this.bucket = new TokenBucket(limits.burst, limits.perSecond, clock.now());
    this.helloTimer = setTimeout(() => this.close(WEBCHAT_CLOSE.helloTimeout, 'ING_ERR_BAD_PAYLOAD: no hello'), limits.helloTimeoutMs);
    this.helloTimer.unref();
  }

  /** Feed one received frame. */
  receive(data: string | Buffer, isBinary: boolean): void {
    if (this.closed) return;
    const wait = this.bucket.take(this.clock.now());
    const raw = isBinary ? null : data.toString();
    if (wait > 0) {
      if (++this.refusals >= this.limits.maxRefusals) return this.close(WEBCHAT_CLOSE.rateLimited, 'ING_ERR_RATE_LIMITED: too many frames');
      const parsed = raw === null ? null : parseClientFrame(raw);
      if (parsed?.ok && parsed.frame.type === 'message') {
        this.send({
          type: 'error',
          code: 'ING_ERR_RATE_LIMITED',
          message: 'slow down; resend later',
          client_msg_id: parsed.frame.client_msg_id,
          retry_after_ms: wait,
        });
      }
      return;
    }
    this.refusals = 0;
    if (raw === null) return this.error('ING_ERR_BAD_PAYLOAD', 'frames must be JSON text');
    const parsed = parseClientFrame(raw);
    if (!parsed.ok) {
      if (parsed.code === 'ING_ERR_BODY_TOO_LARGE') return this.close(WEBCHAT_CLOSE.tooLarge, `${parsed.code}: frame too large`);
      if (!this.meta) return this.close(WEBCHAT_CLOSE.badPayload, `ING_ERR_BAD_PAYLOAD: ${parsed.message}`.slice(0, 120));
      return this.error(parsed.code, parsed.message, parsed.client_msg_id);
    }
    const frame = parsed.frame;
    this.inbound = this.inbound
      .then(() => this.handle(frame))
      .catch((err: unknown) => {
        this.log.error({ err, conversation_id: this.meta?.id }, 'web chat frame failed');
        this.close(WEBCHAT_CLOSE.unavailable, 'ING_ERR_UNAVAILABLE: try again');
      });
  }

  /** The socket closed (either side). */
  closedBySocket(): void {
    this.closed = true;
    clearTimeout(this.helloTimer);
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (this.closed) return;
    if (frame.type === 'hello') return this.hello(frame);
    const meta = this.meta;
    if (!meta) return this.close(WEBCHAT_CLOSE.badPayload, 'ING_ERR_BAD_PAYLOAD: send hello first');
    switch (frame.type) {
      case 'message': {
        const fresh = (await this.svc.conversations.get(meta.id)) ?? meta;
        const r = await this.svc.visitorMessage(fresh, frame.client_msg_id, frame.text);
        if (r.ok) this.send({ type: 'ack', client_msg_id: frame.client_msg_id, seq: r.seq });
        else this.error(r.code, r.message, frame.client_msg_id);
        return;
      }
      case 'typing':
        return this.svc.hub.publish(meta.id, { type: 'typing', from: 'visitor' });
      case 'read': {
        const seq = await this.svc.conversations.markRead(meta.id, 'visitor', frame.seq);
        return this.svc.hub.publish(meta.id, { type: 'read', from: 'visitor', seq });
      }
      case 'identify':
        return this.svc.conversations.setContact(meta.id, { email: frame.email, phone: frame.phone });
      case 'ping':
        return this.send({ type: 'pong' });
    }
  }

  private async hello(h: HelloFrame): Promise<void> {
    if (this.meta) return this.error('ING_ERR_BAD_PAYLOAD', 'hello was already sent');
    const site = checkSite(this.siteKeys, h.site_key, this.origin);
    if (!site.ok) {
      return site.reason === 'unknown_key'
        ? this.close(WEBCHAT_CLOSE.unauthorized, 'ING_ERR_UNAUTHORIZED: unknown site key')
        : this.close(WEBCHAT_CLOSE.forbiddenOrigin, 'ING_ERR_UNAUTHORIZED: origin not allowed for this site key');
    }
    clearTimeout(this.helloTimer);
    const meta = await this.svc.open(h.visitor_id, h.site_key, h.conversation_id);
    if (this.closed) return;
    this.meta = meta;
    const resumed = meta.id === h.conversation_id;
    this.sentSeq = resumed ? Math.min(h.last_seq ?? 0, meta.seq) : 0;
    // Subscribe before reading the log: a push that races the replay is queued behind it and deduped by seq.
    this.unsubscribe = this.svc.hub.subscribe(meta.id, (f) => this.push(f));
    this.outbound = this.outbound.then(async () => {
      this.send({ type: 'welcome', conversation_id: meta.id, seq: meta.seq, read_seq: meta.read_agent });
      await this.catchUp();
    });
    await this.outbound;
  }

  private push(frame: ServerFrame): void {
    if (this.closed) return;
    if (frame.type !== 'message') return this.send(frame);
    this.outbound = this.outbound
      .then(async () => {
        if (frame.seq <= this.sentSeq) return;
        if (frame.seq === this.sentSeq + 1) {
          this.sentSeq = frame.seq;
          return this.send(frame);
        }
        await this.catchUp();
      })
      .catch((err: unknown) => this.log.error({ err, conversation_id: this.meta?.id }, 'web chat push failed'));
  }

  private async catchUp(): Promise<void> {
    if (!this.meta) return;
    for (const m of await this.svc.conversations.after(this.meta.id, this.sentSeq)) {
      if (m.seq <= this.sentSeq) continue;
      this.sentSeq = m.seq;
      this.send({ type: 'message', ...m });
    }
  }

  private error(code: WebchatErrorCode, message: string, client_msg_id?: string): void {
    this.send({ type: 'error', code, message, ...(client_msg_id ? { client_msg_id } : {}) });
  }

  private send(frame: ServerFrame): void {
    if (this.closed || this.socket.readyState !== OPEN) return;
    this.socket.send(JSON.stringify(frame));
  }

  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.close(code, reason);
    this.closedBySocket();
  }
}
