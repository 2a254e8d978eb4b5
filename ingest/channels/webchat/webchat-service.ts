import type { PersonalData } from '../../../shared/privacy/personal-data.js';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../shared/clock.js';
import type { CustomerInput, EventInput } from '../../../shared/envelope.js';
import type { Logger } from '../../../shared/logger.js';
import type { StateStore } from '../../../shared/ports/state-store.js';
import type { EventIngest } from '../../event-ingest.js';
import { ConversationLog, type ConversationMeta } from './conversation-log.js';
import { InProcessHub, type WebchatHub } from './hub.js';
import type { ChatMessage } from './protocol.js';
import type { WebchatSiteKey } from './site-keys.js';

/** Producer name of visitor events (ingest dedups ids per producer). */
export const WEBCHAT_PRODUCER = 'webchat';

export interface WebchatOptions {
  ingest: EventIngest;
  /** Seals the replay buffer and contacts kept in the state store (conversation-log.ts). */
  personal?: Pick<PersonalData, 'seal' | 'open'>;
  state: StateStore;
  clock: Clock;
  log: Logger;
  siteKeys: readonly WebchatSiteKey[];
  /** How long messages are kept for replay after reconnect, ms. */
  replayMs: number;
  /** How long a conversation (and its seq) lives after its last activity, ms; default 30 days. */
  conversationTtlMs?: number;
  /** Fan-out; default in-process (one process only). */
  hub?: WebchatHub;
  /** Conversation id source (injected for tests). */
  newId?: () => string;
}

export type VisitorSendResult = { ok: true; seq: number } | { ok: false; code: 'ING_ERR_UNAVAILABLE' | 'ING_ERR_BAD_PAYLOAD'; message: string };

/** Where a conversation's replies go: what the agent route needs to know. */
export interface ConversationRef {
  id: string;
  channel: string;
  customer: CustomerInput;
  to: Record<string, string>;
}

/** Event id of a visitor message: retries of one client_msg_id share it, so ingest counts it once. */
export const visitorEventId = (conversationId: string, clientMsgId: string) => `wc:${conversationId}:${clientMsgId}`;

/**
 * Web chat's core: conversations in the StateStore, visitor messages stored
 * and ingested, agent messages stored and pushed. Shared by the socket route
 * and the outbound sender.
 */
export class WebchatService {
  /** Channels whose agent typing and read signals this service delivers. */
  readonly channels = ['web'] as const;
  readonly conversations: ConversationLog;
  readonly hub: WebchatHub;
  private readonly newId: () => string;

  constructor(readonly o: WebchatOptions) {
    this.conversations = new ConversationLog({
      state: o.state,
      clock: o.clock,
      replayMs: o.replayMs,
      conversationTtlMs: o.conversationTtlMs ?? 30 * 86_400_000,
      personal: o.personal,
    });
    this.hub = o.hub ?? new InProcessHub();
    this.newId = o.newId ?? (() => `wc_${randomUUID().replace(/-/g, '')}`);
  }

  /** The visitor's conversation when it exists and is theirs on this site; otherwise a new one. */
  async open(visitorId: string, siteKey: string, conversationId?: string | null): Promise<ConversationMeta> {
    if (conversationId) {
      const m = await this.conversations.get(conversationId);
      if (m && m.visitor_id === visitorId && m.site_key === siteKey) return m;
    }
    return this.conversations.create(this.newId(), visitorId, siteKey);
  }

  customerOf(m: ConversationMeta): CustomerInput {
    return { anonymous_id: m.visitor_id, ...(m.email ? { email: m.email } : {}), ...(m.phone ? { phone: m.phone } : {}) };
  }

  /**
   * Stores a visitor message (idempotent by client_msg_id) and ingests it as
   * message.received (plus conversation.started for the first one), then
   * pushes it to the conversation's sockets. Ingest runs on resends too, so a
   * message stored before a crash is still ingested; its event id dedups.
   */
  async visitorMessage(m: ConversationMeta, clientMsgId: string, text: string): Promise<VisitorSendResult> {
    const at = this.o.clock.now();
    const r = await this.conversations.append(m.id, `v:${clientMsgId}`, { from: 'visitor', text, at, client_msg_id: clientMsgId });
    if (r.seq < 0) return { ok: false, code: 'ING_ERR_UNAVAILABLE', message: 'the conversation expired; reconnect to start a new one' };
    const base = { channel: 'web', occurred_at: at, customer: this.customerOf(m), conversation_id: m.id };
    const events: EventInput[] = [];
    if (r.first) events.push({ ...base, id: `wc:${m.id}:started`, type: 'conversation.started', properties: { site_key: m.site_key } });
    events.push({
      ...base,
      id: visitorEventId(m.id, clientMsgId),
      type: 'message.received',
      properties: { seq: r.seq, client_msg_id: clientMsgId, text, site_key: m.site_key },
    });
    try {
      const reply = await this.o.ingest.ingest(WEBCHAT_PRODUCER, { events });
      if (reply.rejected.length > 0) {
        this.o.log.warn({ conversation_id: m.id, code: reply.rejected[0].code }, 'web chat event rejected by ingest');
        return { ok: false, code: 'ING_ERR_BAD_PAYLOAD', message: reply.rejected[0].message };
      }
    } catch (err) {
      this.o.log.error({ err, conversation_id: m.id }, 'web chat message not ingested');
      return { ok: false, code: 'ING_ERR_UNAVAILABLE', message: 'the message could not be recorded; resend it with the same client_msg_id' };
    }
    await this.hub.publish(m.id, { type: 'message', seq: r.seq, from: 'visitor', text, at, client_msg_id: clientMsgId });
    return { ok: true, seq: r.seq };
  }

  /**
   * Stores an agent message idempotently by `outboundId` and pushes it. A
   * visitor who is offline gets it from the replay on reconnect.
   * Returns null when the conversation does not exist.
   */
  async agentMessage(conversationId: string, outboundId: string, text: string, agentId: string | null): Promise<ChatMessage | null> {
    const at = this.o.clock.now();
    const msg = { from: 'agent' as const, text, at, ...(agentId ? { agent_id: agentId } : {}) };
    const r = await this.conversations.append(conversationId, `a:${outboundId}`, msg);
    if (r.seq < 0) return null;
    const stored: ChatMessage = { seq: r.seq, ...msg };
    await this.hub.publish(conversationId, { type: 'message', ...stored });
    return stored;
  }

  /** Ephemeral: agent typing reaches the sockets connected now, nothing is stored. */
  agentTyping(conversationId: string, agentId: string | null): Promise<void> {
    return this.hub.publish(conversationId, { type: 'typing', from: 'agent', ...(agentId ? { agent_id: agentId } : {}) });
  }

  /** Records the agent side's read position and tells the visitor's sockets. */
  async agentRead(conversationId: string, seq: number): Promise<void> {
    const at = await this.conversations.markRead(conversationId, 'agent', seq);
    await this.hub.publish(conversationId, { type: 'read', from: 'agent', seq: at });
  }

  /** What the agent reply route needs: channel, customer and address of a web chat conversation. */
  async lookup(conversationId: string): Promise<ConversationRef | null> {
    const m = await this.conversations.get(conversationId);
    if (!m) return null;
    return { id: m.id, channel: 'web', customer: this.customerOf(m), to: { webchat_visitor: m.visitor_id } };
  }
}
