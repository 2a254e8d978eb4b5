import { createHash } from 'node:crypto';
import type { EventEnvelope } from '../shared/envelope.js';
import type { StateStore } from '../shared/ports/state-store.js';
import { openConversationCall, openConversationScript, type OpenConversationDecision } from '../stream/sessions/open-conversation.js';

// As channels/common fitId (kept here so the ingest core does not load the HTTP layer).
const fitId = (id: string) => (id.length <= 128 ? id : `h:${createHash('sha256').update(id).digest('hex')}`);

/** A customer message the provider sent without a conversation: ingest assigns one. */
export const needsConversation = (e: EventEnvelope): boolean => e.type === 'message.received' && !e.conversation_id;

/** The `conversation.started` that opens a conversation for `msg`, id `<message id>:start` like e-mail's. */
export function startedFor(msg: EventEnvelope, conversationId: string): EventEnvelope {
  const provider = msg.properties.provider;
  return {
    id: fitId(`${msg.id}:start`),
    producer: msg.producer,
    type: 'conversation.started',
    channel: msg.channel,
    occurred_at: msg.occurred_at,
    received_at: msg.received_at,
    customer_key: msg.customer_key,
    customer: msg.customer,
    conversation_id: conversationId,
    agent_id: null,
    properties: provider === undefined ? {} : { provider },
  };
}

/**
 * Pure: puts the decisions (one per message needing a conversation, in order)
 * on the events, a `conversation.started` right before each message that
 * opens one, so routing, the console and the inquiry count see it first.
 */
export function applyConversations(events: EventEnvelope[], decisions: OpenConversationDecision[]): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let i = 0;
  for (const e of events) {
    if (!needsConversation(e)) {
      out.push(e);
      continue;
    }
    const d = decisions[i++];
    if (d.started) out.push(startedFor(e, d.conversationId));
    out.push({ ...e, conversation_id: d.conversationId });
  }
  return out;
}

/**
 * Joins each message without a conversation to its customer's open one on
 * that channel, or opens one (stream/sessions/open-conversation.ts), in one
 * atomic StateStore call for the whole request. Runs after identity, so the
 * record is per resolved customer id. Throws only when the store fails.
 */
export async function assignConversations(state: StateStore, expiryMs: number, events: EventEnvelope[]): Promise<EventEnvelope[]> {
  const asking = events.filter(needsConversation);
  if (asking.length === 0) return events;
  const { keys, args } = openConversationCall(
    asking.map((e) => ({ channel: e.channel, customerKey: e.customer_key, eventId: e.id, at: e.occurred_at })),
    expiryMs,
  );
  return applyConversations(events, await state.atomic(openConversationScript, keys, args));
}
