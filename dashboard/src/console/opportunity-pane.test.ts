import { describe, expect, it } from 'vitest';
import { canQualify, qualifyRequest } from './opportunity-pane.js';
import { initialConsoleState, type ConsoleState } from './state.js';
import type { ConsoleConversation } from './types.js';

const withConversation = (c: Partial<ConsoleConversation>, agentId = 'ag_zhang'): ConsoleState => {
  const s = initialConsoleState;
  const conversation = {
    conversation_id: 'c1',
    customer_id: 'cus_1',
    agent_id: agentId,
    status: 'active',
    channel: 'web',
    tag: 'normal',
    intent: 'purchase',
    group: 'pre_sale',
    offered_at: null,
    accept_by: null,
    assigned_at: 1,
    preview: '',
    ...c,
  };
  return {
    ...s,
    me: { role: 'agent', agent: { id: 'ag_zhang' } } as ConsoleState['me'],
    selected: { id: 'c1', conversation, messages: [], suggestions: [], loaded: true },
  };
};

describe('qualify as opportunity (console)', () => {
  it('builds the body: value optional and ≥ 0, product trimmed', () => {
    expect(qualifyRequest('', '')).toEqual({ ok: true, body: {} });
    expect(qualifyRequest(' 9800 ', ' 企业版 ')).toEqual({ ok: true, body: { value: 9800, product: '企业版' } });
    expect(qualifyRequest('0', '')).toEqual({ ok: true, body: { value: 0 } });
    expect(qualifyRequest('-5', '')).toEqual({ ok: false, key: 'console.opportunity.valueInvalid' });
    expect(qualifyRequest('abc', '')).toEqual({ ok: false, key: 'console.opportunity.valueInvalid' });
  });

  it('offers it only for my active sales conversations', () => {
    for (const intent of ['price_inquiry', 'feature_comparison', 'purchase']) expect(canQualify(withConversation({ intent }))).toBe(true);
    expect(canQualify(withConversation({ intent: 'complaint' }))).toBe(false);
    expect(canQualify(withConversation({ status: 'offered' }))).toBe(false);
    expect(canQualify(withConversation({}, 'ag_wang'))).toBe(false);
    expect(canQualify(initialConsoleState)).toBe(false);
  });
});
