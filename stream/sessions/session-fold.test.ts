import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/envelope.js';
import type { OffsetEvent } from '../metrics/first-metrics.js';
import { conversationPriority, defaultPriorityRules, isUrgent, parseChannelPriority, parseKeywords } from './priority.js';
import { foldSessions, type SessionRules, type SessionState } from './session-fold.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0);
const MIN = 60_000;
const rules: SessionRules = { switchWindowMs: 30 * MIN, expiryMs: 24 * 60 * MIN, priority: defaultPriorityRules() };

let n = 0;
function ev(type: string, channel: string, at: number, extra: Partial<EventEnvelope> = {}): OffsetEvent {
  n++;
  return {
    offset: n,
    event: {
      id: `e${n}`,
      producer: 'p',
      type: type as EventEnvelope['type'],
      channel,
      occurred_at: at,
      received_at: at,
      customer_key: 'cus_1',
      customer: {},
      conversation_id: null,
      agent_id: null,
      properties: {},
      ...extra,
    },
  };
}

describe('channel priority', () => {
  it('parses the rules and rejects bad ones', () => {
    expect(parseChannelPriority('voice:100, email:20')).toEqual({ voice: 100, email: 20 });
    expect(parseChannelPriority('voice=100')).toMatch(/not channel:weight/);
    expect(parseKeywords('投诉, URGENT,,urgent')).toEqual(['投诉', 'urgent']);
  });

  it('voice and WhatsApp before email; urgent words in zh and en and VIP tags raise it', () => {
    const r = defaultPriorityRules();
    const p = (channels: string[], urgent = false, tags: string[] = []) => conversationPriority({ channels, urgent, tags }, r);
    expect(p(['voice'])).toBeGreaterThan(p(['whatsapp']));
    expect(p(['whatsapp'])).toBeGreaterThan(p(['email']));
    expect(p(['email', 'voice'])).toBe(p(['voice']));
    expect(p(['carrier_pigeon'])).toBe(10);
    expect(p(['email'], true)).toBe(70);
    expect(p(['email'], false, ['VIP'])).toBe(50);
    expect(isUrgent('我要投诉你们的服务', r.urgentKeywords)).toBe(true);
    expect(isUrgent('请尽快退款', r.urgentKeywords)).toBe(true);
    expect(isUrgent('This is URGENT!', r.urgentKeywords)).toBe(true);
    expect(isUrgent('你好，请问价格？', r.urgentKeywords)).toBe(false);
  });

  it('property: priority never drops when a conversation becomes urgent or gains a channel', () => {
    const r = defaultPriorityRules();
    const ch = fc.constantFrom('voice', 'whatsapp', 'wechat', 'sms', 'web', 'app', 'email', 'other');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 5 }), ch, fc.array(fc.constantFrom('vip', 'high_value', 'normal'), { maxLength: 2 }), (chs, extra, tags) => {
        const base = conversationPriority({ channels: chs, urgent: false, tags }, r);
        expect(conversationPriority({ channels: chs, urgent: true, tags }, r)).toBeGreaterThan(base);
        if (chs.length > 0) expect(conversationPriority({ channels: [...chs, extra], urgent: false, tags }, r)).toBeGreaterThanOrEqual(base);
      }),
    );
  });
});

describe('session fold', () => {
  it('continues one session when the customer switches channel within the window', () => {
    const out = foldSessions({
      rules,
      sessions: new Map(),
      events: [
        ev('conversation.started', 'web', T0, { conversation_id: 'web-1' }),
        ev('message.received', 'web', T0 + MIN, { conversation_id: 'web-1', properties: { text: '价格？', intent: 'pricing', tag: 'VIP' } }),
        ev('message.sent', 'web', T0 + 2 * MIN, { conversation_id: 'web-1', agent_id: 'agent-li' }),
        ev('message.received', 'sms', T0 + 20 * MIN, { conversation_id: 'sms-7', properties: { text: 'I want a refund' } }),
      ],
    });
    const s = out.sessions.get('cus_1')!;
    expect(s).toMatchObject({
      id: 'web-1',
      conversation_ids: ['web-1', 'sms-7'],
      channels: ['web', 'sms'],
      last_agent: 'agent-li',
      intent: 'pricing',
      tags: ['vip'],
      urgent: true,
      status: 'open',
    });
    expect(s.priority).toBe(60 + 50 + 30);
    expect(out.rows).toHaveLength(1);
    expect(out.rows[0]).toMatchObject({ id: 'web-1', customer_id: 'cus_1', channels: '["web","sms"]', status: 'open', urgent: 1 });
  });

  it('starts a new session after the switch window on another channel, after expiry, or after a close', () => {
    const a = foldSessions({
      rules,
      sessions: new Map(),
      events: [ev('message.received', 'web', T0, { conversation_id: 'w1' }), ev('message.received', 'email', T0 + 31 * MIN, { conversation_id: 'm1' })],
    });
    expect(a.rows.map((r) => [r.id, r.status])).toEqual([
      ['w1', 'closed'],
      ['m1', 'open'],
    ]);
    const b = foldSessions({
      rules,
      sessions: a.sessions,
      events: [ev('message.received', 'email', T0 + 31 * MIN + 25 * 60 * MIN, { conversation_id: 'm1' })],
    });
    expect(b.rows.map((r) => [r.id, r.status])).toEqual([
      ['m1', 'closed'],
      [`m1~${T0 + 31 * MIN + 25 * 60 * MIN}`, 'open'],
    ]);
    const c = foldSessions({
      rules,
      sessions: b.sessions,
      events: [ev('conversation.closed', 'email', T0 + 27 * 60 * MIN), ev('message.received', 'email', T0 + 27 * 60 * MIN + MIN)],
    });
    expect(c.rows.map((r) => r.status)).toEqual(['closed', 'open']);
    expect(c.sessions.get('cus_1')!.id).toBe(`cus_1@${T0 + 27 * 60 * MIN + MIN}`);
  });

  it('ignores touchpoints and deals and never mutates its input', () => {
    const prev: SessionState = {
      id: 'x',
      customer_id: 'cus_1',
      conversation_ids: ['x'],
      channels: ['web'],
      last_channel: 'web',
      started_at: T0,
      last_event_at: T0,
      last_agent: null,
      intent: null,
      tags: [],
      urgent: false,
      priority: 50,
      status: 'open',
    };
    const copy = structuredClone(prev);
    const out = foldSessions({
      rules,
      sessions: new Map([['cus_1', prev]]),
      events: [ev('touchpoint', 'ad', T0 + MIN), ev('message.received', 'sms', T0 + 2 * MIN)],
    });
    expect(prev).toEqual(copy);
    expect(out.sessions.get('cus_1')!.channels).toEqual(['web', 'sms']);
  });

  it('joins the open sessions of merged customers: the survivor absorbs the other, or takes it over', () => {
    const base = {
      conversation_ids: [] as string[],
      last_agent: null,
      intent: null,
      tags: [] as string[],
      urgent: false,
      priority: 0,
      status: 'open' as const,
    };
    const web: SessionState = {
      ...base,
      id: 'web-c1',
      customer_id: 'cus_1',
      conversation_ids: ['web-c1'],
      channels: ['web'],
      last_channel: 'web',
      started_at: T0,
      last_event_at: T0,
      priority: 50,
    };
    const sms: SessionState = {
      ...base,
      id: 'sms-c1',
      customer_id: 'cus_2',
      conversation_ids: ['sms-c1'],
      channels: ['sms'],
      last_channel: 'sms',
      started_at: T0 + MIN,
      last_event_at: T0 + MIN,
      urgent: true,
      priority: 110,
    };
    const login = ev('touchpoint', 'web', T0 + 2 * MIN, { customer_key: 'cus_1' });
    (login.event as EventEnvelope & { identity_records: unknown[] }).identity_records = [{ kind: 'merge', customer_id: 'cus_1', other_id: 'cus_2' }];
    const out = foldSessions({
      rules,
      sessions: new Map([
        ['cus_1', web],
        ['cus_2', sms],
      ]),
      events: [login],
    });
    expect(out.sessions.get('cus_1')).toMatchObject({
      id: 'web-c1',
      conversation_ids: ['web-c1', 'sms-c1'],
      channels: ['web', 'sms'],
      urgent: true,
      priority: 110,
      status: 'open',
    });
    expect(out.sessions.get('cus_2')).toMatchObject({ id: 'sms-c1', status: 'closed' });
    expect(out.rows.map((r) => [r.id, r.customer_id, r.status])).toEqual([
      ['web-c1', 'cus_1', 'open'],
      ['sms-c1', 'cus_2', 'closed'],
    ]);
    const takeover = foldSessions({ rules, sessions: new Map([['cus_2', sms]]), events: [login] });
    expect(takeover.sessions.get('cus_1')).toMatchObject({ id: 'sms-c1', customer_id: 'cus_1', status: 'open' });
    expect(takeover.rows.map((r) => [r.id, r.customer_id, r.status])).toEqual([['sms-c1', 'cus_1', 'open']]);
  });

  it('property: folding in several batches equals folding at once (the worker sees arbitrary batch cuts)', () => {
    const evArb = fc.record({
      type: fc.constantFrom('conversation.started', 'message.received', 'message.sent', 'conversation.closed', 'touchpoint', 'complaint.filed'),
      channel: fc.constantFrom('web', 'sms', 'voice', 'email'),
      gapMin: fc.integer({ min: 0, max: 2000 }),
      customer: fc.constantFrom('cus_1', 'cus_2'),
      conv: fc.option(fc.constantFrom('c1', 'c2', 'c3'), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(evArb, { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 29 }), { maxLength: 4 }), (specs, cuts) => {
        let t = T0;
        const events = specs.map((s, i) => {
          t += s.gapMin * MIN;
          return { offset: i, event: { ...ev(s.type, s.channel, t).event, customer_key: s.customer, conversation_id: s.conv } };
        });
        const all = foldSessions({ rules, sessions: new Map(), events });
        let state = new Map<string, SessionState>();
        const rows = new Map<string, unknown>();
        const points = [...new Set([0, ...cuts.filter((c) => c < events.length), events.length])].sort((a, b) => a - b);
        for (let i = 0; i + 1 < points.length; i++) {
          const o = foldSessions({ rules, sessions: state, events: events.slice(points[i], points[i + 1]) });
          state = new Map([...state, ...o.sessions]);
          for (const r of o.rows) rows.set(r.id, r);
        }
        expect(state).toEqual(new Map([...all.sessions]));
        expect(rows).toEqual(new Map(all.rows.map((r) => [r.id, r])));
      }),
      { numRuns: 300, seed: 31 },
    );
  });
});
