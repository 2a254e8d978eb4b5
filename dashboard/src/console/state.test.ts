import { describe, expect, it } from 'vitest';
import { consoleEventsFrom } from './console-live.js';
import {
  canAct,
  closeRequest,
  formatCountdown,
  initialConsoleState,
  isManager,
  mergeMessage,
  newClientMsgId,
  reduceConsole,
  secondsLeft,
  transferRequest,
  transferTargets,
  type ChatEntry,
  type ConsoleAction,
  type ConsoleState,
} from './state.js';
import { toMs, type ConsoleConversation, type Me } from './types.js';
import { initialSseState } from '../live/sse-parser.js';
import { routeFromHash } from '../app/url.js';

const me: Me = {
  role: 'agent',
  agent: { id: 'a_li', name: '李娜', role: 'agent', team: 'team_east', groups: ['pre_sale'], manages: [], presence: 'offline', capacity: { '*': 3 } },
};
const conv = (id: string, status: string, extra: Partial<ConsoleConversation> = {}): ConsoleConversation => ({
  conversation_id: id,
  customer_id: `cus_${id}`,
  agent_id: 'a_li',
  status,
  channel: 'web',
  tag: 'VIP',
  intent: 'pre_sale',
  group: 'pre_sale',
  offered_at: 1000,
  accept_by: 61_000,
  assigned_at: null,
  preview: '你好，这款手机多少钱？',
  ...extra,
});
const run = (...actions: ConsoleAction[]) => actions.reduce<ConsoleState>(reduceConsole, initialConsoleState);
const entry = (at: number, direction: 'in' | 'out', text: string, pending?: string): ChatEntry => ({
  at,
  direction,
  channel: 'web',
  text,
  agent_id: direction === 'out' ? 'a_li' : null,
  ...(pending ? { pending } : {}),
});

describe('console reducer', () => {
  it('accepting moves an offer to my active list and keeps the selection in step', () => {
    let s = run({ type: 'me', me }, { type: 'lists', offered: [conv('c1', 'offered')], active: [], queues: [] }, { type: 'select', id: 'c1' });
    expect(s.selected?.conversation?.status).toBe('offered');
    s = reduceConsole(s, { type: 'status', conversationId: 'c1', status: 'active', agentId: 'a_li' });
    expect(s.offered).toEqual([]);
    expect(s.active.map((c) => [c.conversation_id, c.status])).toEqual([['c1', 'active']]);
    expect(s.selected?.conversation?.status).toBe('active');
  });

  it('a transfer to someone else takes the conversation off my lists and the queue', () => {
    const queued = {
      conversation_id: 'c2',
      customer_id: 'x',
      channel: 'web',
      tag: 'normal',
      intent: 'other',
      priority: 1,
      enqueued_at: 0,
      sla_due_at: 0,
      wait_ms: 5,
      predicted_start_at: null,
      breach_predicted: false,
      escalated: false,
      preview: '',
    };
    let s = run(
      { type: 'me', me },
      { type: 'lists', active: [conv('c2', 'active')], queues: [{ group: 'pre_sale', policy: 'skill_match', length: 1, items: [queued] }] },
      { type: 'select', id: 'c2' },
    );
    s = reduceConsole(s, { type: 'status', conversationId: 'c2', status: 'offered', agentId: 'a_wang' });
    expect(s.active).toEqual([]);
    expect(s.queues[0].items).toEqual([]);
    expect(s.selected?.conversation).toMatchObject({ status: 'offered', agent_id: 'a_wang' });
    expect(canAct(s)).toBe(false);
  });

  it('only the holder (or a manager) may act on an active conversation', () => {
    const s = run({ type: 'me', me }, { type: 'lists', active: [conv('c3', 'active')] }, { type: 'select', id: 'c3' });
    expect(canAct(s)).toBe(true);
    const moved = reduceConsole(s, { type: 'status', conversationId: 'c3', status: 'active', agentId: 'a_wang' });
    expect(moved.active).toEqual([]);
    expect(canAct(moved)).toBe(false);
    expect(canAct({ ...moved, me: { role: 'manager', agent: null } })).toBe(true);
    expect(canAct(reduceConsole(s, { type: 'status', conversationId: 'c3', status: 'closed' }))).toBe(false);
  });

  it('live messages go to the open chat, or count as unread elsewhere; Chinese text is kept intact', () => {
    let s = run({ type: 'me', me }, { type: 'lists', active: [conv('c1', 'active'), conv('c9', 'active')] }, { type: 'select', id: 'c1' });
    s = reduceConsole(s, {
      type: 'message',
      message: { conversation_id: 'c1', at: '2026-11-24T03:00:00.000Z', direction: 'in', channel: 'web', text: '请问有现货吗？😀', agent_id: null },
    });
    s = reduceConsole(s, { type: 'message', message: { conversation_id: 'c9', at: 5, direction: 'in', channel: 'web', text: '在吗', agent_id: null } });
    s = reduceConsole(s, { type: 'message', message: { conversation_id: 'c9', at: 6, direction: 'in', channel: 'web', text: '?', agent_id: null } });
    expect(s.selected?.messages.map((m) => [m.at, m.text])).toEqual([[Date.parse('2026-11-24T03:00:00.000Z'), '请问有现货吗？😀']]);
    expect(s.unread).toEqual({ c9: 2 });
    s = reduceConsole(s, { type: 'select', id: 'c9' });
    expect(s.unread).toEqual({});
    expect(s.selected?.messages).toEqual([]);
  });

  it('a reload of the detail keeps pending replies and does not duplicate streamed lines', () => {
    let s = run({ type: 'me', me }, { type: 'lists', active: [conv('c1', 'active')] }, { type: 'select', id: 'c1' });
    s = reduceConsole(s, { type: 'message', message: { conversation_id: 'c1', at: 10, direction: 'in', channel: 'web', text: '你好', agent_id: null } });
    s = reduceConsole(s, { type: 'sending', conversationId: 'c1', clientMsgId: 'm1', text: '您好，有现货', agentId: 'a_li', at: 20 });
    s = reduceConsole(s, {
      type: 'detail',
      id: 'c1',
      detail: {
        conversation: conv('c1', 'active'),
        customer_id: 'cus_c1',
        messages: [{ at: 10, direction: 'in', channel: 'web', text: '你好', agent_id: null }],
        suggestions: ['好的'],
      },
    });
    expect(s.selected?.messages.map((m) => [m.text, !!m.pending])).toEqual([
      ['你好', false],
      ['您好，有现货', true],
    ]);
    expect(s.selected?.suggestions).toEqual(['好的']);
    expect(s.selected?.loaded).toBe(true);
    // the server echoes the reply: it replaces the pending line
    s = reduceConsole(s, {
      type: 'message',
      message: { conversation_id: 'c1', at: 25, direction: 'out', channel: 'web', text: '您好，有现货', agent_id: 'a_li' },
    });
    expect(s.selected?.messages.map((m) => [m.at, m.text, !!m.pending])).toEqual([
      [10, '你好', false],
      [25, '您好，有现货', false],
    ]);
  });

  it('a failed send marks only that line', () => {
    let s = run({ type: 'lists', active: [conv('c1', 'active')] }, { type: 'select', id: 'c1' });
    s = reduceConsole(s, { type: 'sending', conversationId: 'c1', clientMsgId: 'm1', text: 'a', agentId: 'x', at: 1 });
    s = reduceConsole(s, { type: 'sending', conversationId: 'c1', clientMsgId: 'm2', text: 'b', agentId: 'x', at: 2 });
    s = reduceConsole(s, { type: 'sendFailed', conversationId: 'c1', clientMsgId: 'm2' });
    expect(s.selected?.messages.map((m) => !!m.failed)).toEqual([false, true]);
  });

  it('presence changes only apply to a signed-in agent', () => {
    expect(run({ type: 'presence', presence: 'online' }).me).toBeNull();
    expect(run({ type: 'me', me }, { type: 'presence', presence: 'online' }).me?.agent?.presence).toBe('online');
  });

  it('customer data arrives in parts and is dropped when another conversation is picked', () => {
    let s = run({ type: 'lists', active: [conv('c1', 'active'), conv('c2', 'active')] }, { type: 'select', id: 'c1' });
    s = reduceConsole(s, { type: 'customer', id: 'cus_c1', timeline: [] });
    s = reduceConsole(s, { type: 'customer', id: 'cus_c1', error: 'CRM down' });
    expect(s.customer).toEqual({ id: 'cus_c1', profile: null, timeline: [], error: 'CRM down' });
    s = reduceConsole(s, { type: 'select', id: 'c2' });
    expect(s.customer).toBeNull();
  });
});

describe('mergeMessage', () => {
  it('orders by time and puts late-arriving older lines before newer ones', () => {
    const out = mergeMessage([entry(10, 'in', 'a'), entry(30, 'in', 'c')], entry(20, 'in', 'b'));
    expect(out.map((m) => m.text)).toEqual(['a', 'b', 'c']);
  });
  it('ignores an exact repeat', () => {
    const list = [entry(10, 'in', 'a')];
    expect(mergeMessage(list, entry(10, 'in', 'a'))).toHaveLength(1);
  });
  it('takes a stored preview and the live whole text of one message as one line, either order', () => {
    const whole = 'w'.repeat(500);
    const preview = `${'w'.repeat(279)}…`;
    expect(mergeMessage([entry(10, 'in', whole)], entry(10, 'in', preview))).toHaveLength(1);
    expect(mergeMessage([entry(10, 'in', preview)], entry(10, 'in', whole))).toHaveLength(1);
    expect(mergeMessage([entry(10, 'in', 'other…')], entry(10, 'in', whole))).toHaveLength(2);
  });
  it('keeps pending lines last', () => {
    const out = mergeMessage([entry(10, 'in', 'a'), entry(50, 'out', 'mine', 'p1')], entry(60, 'in', 'b'));
    expect(out.map((m) => m.text)).toEqual(['a', 'b', 'mine']);
  });
});

describe('form rules and helpers', () => {
  it('a deal needs a value ≥ 0; other outcomes send none', () => {
    expect(closeRequest('deal', ' 1999.5 ')).toEqual({ ok: true, outcome: 'deal', value: 1999.5 });
    expect(closeRequest('deal', '0')).toEqual({ ok: true, outcome: 'deal', value: 0 });
    expect(closeRequest('deal', '')).toEqual({ ok: false, key: 'console.close.valueRequired' });
    expect(closeRequest('deal', '-3')).toEqual({ ok: false, key: 'console.close.valueRequired' });
    expect(closeRequest('deal', 'abc')).toEqual({ ok: false, key: 'console.close.valueRequired' });
    expect(closeRequest('lost', '12')).toEqual({ ok: true, outcome: 'lost' });
  });

  it('a transfer names exactly one target', () => {
    expect(transferRequest('agent', ' a_wang ', '')).toEqual({ ok: true, body: { to_agent: 'a_wang' } });
    expect(transferRequest('group', 'senior_sales', ' VIP 客户 ')).toEqual({ ok: true, body: { to_group: 'senior_sales', note: 'VIP 客户' } });
    expect(transferRequest('agent', '  ', 'x')).toEqual({ ok: false, key: 'console.transfer.targetRequired' });
  });

  it('transfer targets come from what the key sees, without me', () => {
    const s = run(
      { type: 'me', me },
      { type: 'lists', queues: [{ group: 'tech_support', policy: 'round_robin', length: 0, items: [] }] },
      {
        type: 'routing',
        routing: {
          queues: [{ group: 'complaints', policy: 'sticky', length: 0, oldest_wait_ms: 0 }],
          agents: [
            { id: 'a_li', team: 't', presence: 'online', open: 0, capacity: 3 },
            { id: 'a_zhao', team: 't', presence: 'online', open: 1, capacity: 3 },
          ],
        },
      },
    );
    expect(transferTargets(s)).toEqual({ groups: ['complaints', 'pre_sale', 'tech_support'], agents: ['a_zhao'] });
  });

  it('countdowns', () => {
    expect(secondsLeft(61_000, 1_000)).toBe(60);
    expect(secondsLeft(61_000, 60_500)).toBe(1);
    expect(secondsLeft(61_000, 99_000)).toBe(0);
    expect(secondsLeft(null, 0)).toBeNull();
    expect(secondsLeft(new Date(61_000).toISOString(), 1_000)).toBe(60);
    expect(formatCountdown(60)).toBe('1:00');
    expect(formatCountdown(9)).toBe('0:09');
  });

  it('times, roles and message ids', () => {
    expect(toMs('1700000000000')).toBe(1_700_000_000_000);
    expect(toMs('not a date')).toBeNull();
    expect(isManager(me)).toBe(false);
    expect(isManager({ role: 'manager', agent: null })).toBe(true);
    expect(isManager({ role: 'admin', agent: null })).toBe(true);
    const id = newClientMsgId(1_700_000_000_000, () => 0.5);
    expect(id).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
    expect(newClientMsgId(1_700_000_000_000, () => 0.25)).not.toBe(id);
  });

  it('routes #/console, also with the key after it', () => {
    expect(routeFromHash('#/console')).toBe('console');
    expect(routeFromHash('#/console&x=1')).toBe('console');
    expect(routeFromHash('#/consoles')).toBe('board');
  });
});

describe('console live events', () => {
  it('parses split chunks with Chinese text and skips unknown or malformed events', () => {
    const payload = JSON.stringify({ conversation_id: 'c1', at: 1, direction: 'in', channel: 'web', text: '你好，我要买两台', agent_id: null });
    const full = `retry: 2000\n\nevent: message\ndata: ${payload}\n\nevent: board\ndata: {}\n\nevent: queue\ndata: {not json\n\nevent: offer\ndata: {"conversation_id":"c2"}\n\n`;
    const cut = 37;
    const a = consoleEventsFrom(initialSseState, full.slice(0, cut));
    const b = consoleEventsFrom(a.state, full.slice(cut));
    expect(a.retryMs).toBe(2000);
    const events = [...a.events, ...b.events];
    expect(events.map((e) => e.name)).toEqual(['message', 'offer']);
    expect((events[0].data as { text: string }).text).toBe('你好，我要买两台');
  });
});
