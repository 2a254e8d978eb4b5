import type { EventEnvelope } from '../../shared/envelope.js';

/** An event for tests: a message received on WeChat at `at` from customer `x`, nobody assigned; `over` on top. */
export function testEvent(id: string, at: number, over: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id,
    producer: 'test',
    type: 'message.received',
    channel: 'wechat',
    occurred_at: at,
    received_at: at,
    customer_key: 'x',
    customer: {},
    conversation_id: null,
    agent_id: null,
    properties: {},
    ...over,
  };
}

/** An event of conversation `conv` on web chat, from customer `cus_<conv>` (external id `conv`). */
export function conversationEvent(
  id: string,
  at: number,
  conv: string,
  type: EventEnvelope['type'],
  properties: Record<string, unknown>,
  over: Partial<EventEnvelope> = {},
): EventEnvelope {
  return testEvent(id, at, { type, channel: 'web', customer_key: `cus_${conv}`, customer: { external_id: conv }, conversation_id: conv, properties, ...over });
}
