import { Type } from '@sinclair/typebox';
import type { ConversationMeta } from '../../stream/routing/conversation-meta.js';
import type { ConvState } from '../../stream/routing/queue-store.js';

const NullNum = Type.Union([Type.Number(), Type.Null()]);

export const QueueItem = Type.Object({
  conversation_id: Type.String(),
  customer_id: Type.String(),
  channel: Type.String(),
  tag: Type.String(),
  intent: Type.String(),
  priority: Type.Number(),
  enqueued_at: Type.Number({ description: 'epoch ms' }),
  sla_due_at: NullNum,
  wait_ms: Type.Number(),
  predicted_start_at: NullNum,
  breach_predicted: Type.Boolean({ description: 'predicted start (queue position ÷ service rate) is after sla_due_at' }),
  escalated: Type.Boolean({ description: 'priority was raised once because a breach was predicted' }),
  preview: Type.String(),
});

export const ConversationRow = Type.Object({
  conversation_id: Type.String(),
  customer_id: Type.String(),
  agent_id: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  channel: Type.String(),
  tag: Type.String(),
  intent: Type.String(),
  group: Type.String(),
  offered_at: NullNum,
  accept_by: NullNum,
  assigned_at: NullNum,
  preview: Type.String(),
});

export function conversationRow(id: string, cs: ConvState, m: ConversationMeta | null) {
  return {
    conversation_id: id,
    customer_id: m?.customerKey ?? '',
    agent_id: cs.agent || null,
    status: cs.status,
    channel: m?.channel ?? '',
    tag: m?.tag ?? 'normal',
    intent: m?.intent ?? 'other',
    group: cs.group,
    offered_at: cs.offeredAt,
    accept_by: cs.status === 'offered' ? cs.acceptBy : null,
    assigned_at: cs.assignedAt,
    preview: m?.preview ?? '',
  };
}
