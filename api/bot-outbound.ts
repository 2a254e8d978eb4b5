/**
 * The FAQ bot's way out (BOT_ENABLED): a bot reply leaves through the conversation channel's sender, like an
 * agent's (routes/conversation-messages.ts), and is recorded as `message.sent` from producer `bot` with
 * `properties.bot = true` and no agent. Idempotent by the message id: the sender gets it as its key, and the
 * event id `msg:<conversation>:<id>` is counted once by ingest.
 */
import type { EventIngest } from '../ingest/event-ingest.js';
import type { SenderRegistry } from '../ingest/outbound/sender.js';
import type { Clock } from '../shared/clock.js';
import { OmnilaneError } from '../shared/errors.js';
import type { BotReplyFn } from '../stream/bot/bot-responder.js';
import type { ConversationDirectory } from './routes/conversation-messages.js';

export const BOT_PRODUCER = 'bot';

export function botOutbound(o: { ingest: EventIngest; senders: SenderRegistry; conversations: ConversationDirectory; clock: Clock }): BotReplyFn {
  return async (m) => {
    const conv = await o.conversations.lookup(m.conversationId);
    if (!conv) throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${m.conversationId} not found`);
    const sender = o.senders.get(conv.channel);
    if (!sender) throw new OmnilaneError('API_ERR_NOT_READY', `no sender is registered for channel ${conv.channel}`);
    const sent = await sender.send({ id: m.messageId, conversation_id: conv.id, channel: conv.channel, to: conv.to, text: m.text, agent_id: null });
    const result = await o.ingest.ingest(BOT_PRODUCER, {
      events: [
        {
          id: `msg:${conv.id}:${m.messageId}`,
          type: 'message.sent',
          channel: conv.channel,
          occurred_at: o.clock.now(),
          customer: conv.customer,
          conversation_id: conv.id,
          agent_id: null,
          properties: { ...m.properties, bot: true, text: m.text, provider_id: sent.provider_id },
        },
      ],
    });
    if (result.rejected.length > 0) throw new OmnilaneError(result.rejected[0].code, result.rejected[0].message);
  };
}
