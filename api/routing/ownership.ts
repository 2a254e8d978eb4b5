import type { Warehouse } from '../../shared/ports/warehouse.js';

/** At most this many owned rows are read per check (a check names its customers or conversations). */
const LIMIT = 10_000;

/**
 * Ownership by history: which of these customers or conversations were ever assigned (routed, accepted,
 * transferred) to one of `agents`. The truth is the warehouse's conversation.assigned events, so ownership
 * survives a StateStore restart and a conversation closed long ago stays its agent's; the live routing state
 * covers the second before the event reaches the warehouse (api/routing/scope.ts).
 */
export class Ownership {
  constructor(private readonly warehouse: Warehouse) {}

  async owned(
    agents: Iterable<string>,
    of: { customers?: string[]; conversations?: string[] },
  ): Promise<{ customers: Set<string>; conversations: Set<string> }> {
    const list = [...agents];
    const customers = new Set<string>();
    const conversations = new Set<string>();
    const customerIds = of.customers ?? [];
    const conversationIds = of.conversations ?? [];
    if (list.length === 0 || (customerIds.length === 0 && conversationIds.length === 0)) return { customers, conversations };
    const rows = await this.warehouse.query<{ conversation_id: unknown; customer_key: unknown }>('owned_conversations', {
      agents: list,
      customers: customerIds,
      conversations: conversationIds,
      limit: LIMIT,
    });
    for (const r of rows) {
      customers.add(String(r.customer_key));
      conversations.add(String(r.conversation_id));
    }
    return { customers, conversations };
  }
}
