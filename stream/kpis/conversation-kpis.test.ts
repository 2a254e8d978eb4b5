import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/envelope.js';
import { conversationRows, emptyConversationKpis, foldConversationKpi, responsesOf } from './conversation-kpis.js';
import { dealRows, foldCustomerKpi } from './deal-cycle.js';
import { eventDims, tagOf } from './dims.js';
import { contribution } from './counters.js';
import { kpiEvent } from './kpi-test-support.js';

const T = Date.UTC(2026, 10, 24, 2, 0);
const conv = (over: Partial<EventEnvelope> & Pick<EventEnvelope, 'type' | 'occurred_at'>) => kpiEvent({ conversation_id: 'c1', ...over });
const fold = (events: EventEnvelope[]) => events.reduce(foldConversationKpi, emptyConversationKpis('ext:c1'));

describe('conversation KPIs', () => {
  it('measures each reply from the earliest customer message it answers; replies with nothing to answer have none', () => {
    const s = fold([
      conv({ type: 'conversation.started', occurred_at: T }),
      conv({ type: 'message.received', occurred_at: T + 5000 }),
      conv({ type: 'message.sent', occurred_at: T + 20_000, agent_id: 'a1' }),
      conv({ type: 'message.sent', occurred_at: T + 25_000, agent_id: 'a1' }),
      conv({ type: 'message.received', occurred_at: T + 60_000 }),
      conv({ type: 'message.sent', occurred_at: T + 90_000, agent_id: 'a2' }),
    ]);
    expect(responsesOf(s).map((r) => [r.at - T, r.at - r.inboundAt, r.agent])).toEqual([
      [20_000, 20_000, 'a1'],
      [90_000, 30_000, 'a2'],
    ]);
  });

  it('retracts a reply that stops answering when an earlier reply arrives late (response_ms = -1)', () => {
    const base = [conv({ type: 'message.received', occurred_at: T }), conv({ type: 'message.sent', occurred_at: T + 30_000, agent_id: 'a1' })];
    const s1 = fold(base);
    const r1 = conversationRows('c1', s1, 1);
    expect(r1.responses.map((r) => r.response_ms)).toEqual([30_000]);
    const s2 = foldConversationKpi({ ...s1, written: r1.written }, conv({ type: 'message.sent', occurred_at: T + 10_000, agent_id: 'a2' }));
    const r2 = conversationRows('c1', s2, 2);
    expect(r2.responses.map((r) => [r.agent, r.response_ms]).sort()).toEqual([
      ['a1', -1],
      ['a2', 10_000],
    ]);
    // Nothing changed since: nothing is written again.
    expect(conversationRows('c1', { ...s2, written: r2.written }, 3).responses).toEqual([]);
  });

  it('keeps order-free facts: first response, first wait, latest close and survey, earliest stated source and tag', () => {
    const events = [
      conv({ type: 'message.received', occurred_at: T + 2000, channel: 'sms', properties: { source: 'baidu', tag: ['vip'] } }),
      conv({ type: 'conversation.started', occurred_at: T, channel: 'wechat', properties: { source: '抖音' } }),
      conv({
        type: 'conversation.assigned',
        occurred_at: T + 4000,
        agent_id: 'a1',
        properties: { team: 'east', wait_ms: 4000, sla_due_at: T + 60_000, sla_met: true },
      }),
      conv({ type: 'conversation.assigned', occurred_at: T + 50_000, agent_id: 'a2', properties: { team: 'north', reason: 'transfer' } }),
      conv({ type: 'message.sent', occurred_at: T + 9000, agent_id: 'a1' }),
      conv({ type: 'csat.submitted', occurred_at: T + 70_000, properties: { score: 2 } }),
      conv({ type: 'csat.submitted', occurred_at: T + 80_000, properties: { score: 4 } }),
      conv({ type: 'conversation.closed', occurred_at: T + 100_000, properties: { outcome: 'deal' } }),
    ];
    const facts = conversationRows('c1', fold(events), 7).facts!;
    expect(facts).toMatchObject({
      channel: 'wechat',
      source: '抖音',
      tag: 'VIP',
      agent: 'a2',
      team: 'north',
      started_at: T,
      first_response_ms: 9000,
      wait_ms: 4000,
      sla_met: 1,
      closed_at: T + 100_000,
      outcome: 'deal',
      duration_ms: 100_000,
      csat: 4,
      messages_in: 1,
      messages_out: 1,
      version: 7,
    });
    expect(conversationRows('c1', fold([...events].reverse()), 7).facts).toEqual(facts);
  });

  it('has no facts row before the customer side is seen', () => {
    expect(conversationRows('c1', fold([conv({ type: 'message.sent', occurred_at: T, agent_id: 'a1' })]), 1).facts).toBeNull();
  });
});

describe('dimensions and counters', () => {
  it('reads tags as VIP > high_value > normal, and nothing when absent', () => {
    expect(tagOf({ tag: ['normal', 'VIP'] })).toBe('VIP');
    expect(tagOf({ tag: 'High_Value' })).toBe('high_value');
    expect(tagOf({ tag: 'smb' })).toBe('normal');
    expect(tagOf({})).toBeNull();
    expect(eventDims(kpiEvent({ type: 'touchpoint', occurred_at: T, agent_id: 'a1', properties: { source: ' baidu ' } }))).toEqual({
      channel: 'web',
      source: 'baidu',
      team: '',
      agent: 'a1',
      tag: '',
    });
  });

  it('counts waits and SLA only on the assignment that ended the wait', () => {
    const first = contribution(kpiEvent({ type: 'conversation.assigned', occurred_at: T, properties: { wait_ms: 70_000, sla_met: false } }));
    const transfer = contribution(kpiEvent({ type: 'conversation.assigned', occurred_at: T, properties: { reason: 'transfer' } }));
    expect([first.assigned, first.wait_count, first.wait_ms_sum, first.sla_total, first.sla_met]).toEqual([1, 1, 70_000, 1, 0]);
    expect([transfer.assigned, transfer.wait_count, transfer.sla_total]).toEqual([1, 0, 0]);
    const nps = (score: number) => contribution(kpiEvent({ type: 'nps.submitted', occurred_at: T, properties: { score } }));
    expect([nps(9).nps_promoters, nps(7).nps_promoters + nps(7).nps_detractors, nps(6).nps_detractors]).toEqual([1, 0, 1]);
  });
});

describe('deal cycle', () => {
  it('measures from the first touch, and re-emits deals when an earlier touch arrives late', () => {
    const dims = { channel: 'web', source: '', team: '', agent: '', tag: '' };
    const deal = kpiEvent({ type: 'deal.won', occurred_at: T + 86_400_000, properties: { value: 900 } });
    let s = foldCustomerKpi(undefined, kpiEvent({ type: 'touchpoint', occurred_at: T }), dims);
    s = foldCustomerKpi(s, deal, dims);
    expect(dealRows('ext:c1', s, 1).map((d) => [d.cycle_ms, d.value])).toEqual([[86_400_000, 900]]);
    s = foldCustomerKpi(s, kpiEvent({ type: 'touchpoint', occurred_at: T - 3_600_000 }), dims);
    s = foldCustomerKpi(s, deal, dims);
    expect(dealRows('ext:c1', s, 2).map((d) => d.cycle_ms)).toEqual([90_000_000]);
  });
});
