import { describe, expect, it } from 'vitest';
import { initialConsoleState, reduceConsole, type ConsoleAction, type ConsoleState } from './state.js';
import { suggestionScript, suggestionText, type ConsoleConversation } from './types.js';

const conv = (id: string): ConsoleConversation => ({
  conversation_id: id,
  customer_id: `cus_${id}`,
  agent_id: 'a_li',
  status: 'active',
  channel: 'web',
  tag: 'normal',
  intent: 'price_inquiry',
  group: 'pre_sale',
  offered_at: 1,
  accept_by: 2,
  assigned_at: 1,
  preview: '多少钱',
});
const run = (...actions: ConsoleAction[]) => actions.reduce<ConsoleState>(reduceConsole, initialConsoleState);
const offer = { script_id: 'offer-limited-zh', text: '限时优惠', lang: 'zh' };

describe('console reducer: reply suggestions', () => {
  it('shows the suggestions of the open conversation only, and a detail reload without any keeps them', () => {
    let s = run({ type: 'lists', active: [conv('c1')] }, { type: 'select', id: 'c1' }, { type: 'suggestions', id: 'c1', suggestions: [offer] });
    expect(s.selected?.suggestions).toEqual([offer]);
    s = reduceConsole(s, { type: 'suggestions', id: 'c2', suggestions: [] });
    expect(s.selected?.suggestions).toEqual([offer]);
    s = reduceConsole(s, { type: 'detail', id: 'c1', detail: { conversation: conv('c1'), customer_id: 'cus_c1', messages: [], suggestions: [] } });
    expect(s.selected?.suggestions).toEqual([offer]);
    s = reduceConsole(s, { type: 'select', id: null });
    expect(s.selected).toBeNull();
  });

  it('reads the text and script id of either suggestion shape', () => {
    expect([suggestionText(offer), suggestionScript(offer)]).toEqual(['限时优惠', 'offer-limited-zh']);
    expect([suggestionText('好的'), suggestionScript('好的')]).toEqual(['好的', '']);
  });
});
