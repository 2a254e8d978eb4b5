import { describe, expect, it } from 'vitest';
import { customerKey, normalisePhone, parseTimestamp, validateEvent } from './envelope.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const base = { id: 'e1', type: 'message.received', channel: 'web', occurred_at: '2026-11-24T11:59:00Z', customer: { external_id: 'c1' } };

describe('validateEvent', () => {
  it('normalises a valid event into an envelope', () => {
    const r = validateEvent({ ...base, conversation_id: 'conv1', properties: { text: '你好' } }, 'p1', NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event).toMatchObject({
      id: 'e1',
      producer: 'p1',
      occurred_at: Date.UTC(2026, 10, 24, 11, 59),
      received_at: NOW,
      customer_key: 'ext:c1',
      conversation_id: 'conv1',
      agent_id: null,
    });
    expect(r.event.properties.text).toBe('你好');
  });

  it.each([
    [{ ...base, id: '' }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, id: 'x'.repeat(129) }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, type: 'message.deleted' }, 'ING_ERR_UNKNOWN_TYPE'],
    [{ ...base, channel: 'Web Chat' }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, occurred_at: 'yesterday' }, 'ING_ERR_BAD_TIMESTAMP'],
    [{ ...base, occurred_at: NOW + 2 * 86_400_000 }, 'ING_ERR_BAD_TIMESTAMP'],
    [{ ...base, occurred_at: '1999-12-31T00:00:00Z' }, 'ING_ERR_BAD_TIMESTAMP'],
    [{ ...base, customer: {} }, 'ING_ERR_NO_CUSTOMER_ID'],
    [{ ...base, extra: 1 }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, type: 'csat.submitted', properties: { score: 6 } }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, type: 'nps.submitted', properties: { score: 7.5 } }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, type: 'deal.won', properties: { value: -5 } }, 'ING_ERR_OUT_OF_RANGE'],
    [{ ...base, type: 'deal.won', properties: { value: '5' } }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, type: 'experiment.exposed', properties: { variant: 'b' } }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, type: 'experiment.exposed', properties: { experiment_id: 'Bad Id', variant: 'b' } }, 'ING_ERR_INVALID_EVENT'],
    [{ ...base, type: 'experiment.exposed', properties: { experiment_id: 'x1', variant: 7 } }, 'ING_ERR_INVALID_EVENT'],
    ['not an object', 'ING_ERR_INVALID_EVENT'],
  ])('rejects %j with %s', (input, code) => {
    const r = validateEvent(input, 'p1', NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message.length).toBeGreaterThan(5);
    }
  });

  it('accepts an experiment exposure that names its experiment and variant', () => {
    const r = validateEvent({ ...base, type: 'experiment.exposed', properties: { experiment_id: 'script-test', variant: 'control' } }, 'experiments', NOW);
    expect(r.ok && r.event.type).toBe('experiment.exposed');
  });

  it('names the failing field', () => {
    const r = validateEvent({ ...base, customer: { email: 5 } }, 'p1', NOW);
    expect(r.ok || r.message).toMatch(/customer\.email/);
  });
});

describe('parseTimestamp', () => {
  it('reads ISO with offsets, without zone as UTC, and epoch ms', () => {
    expect(parseTimestamp('2026-11-24T20:00:00+08:00')).toBe(Date.UTC(2026, 10, 24, 12));
    expect(parseTimestamp('2026-11-24T12:00:00')).toBe(Date.UTC(2026, 10, 24, 12));
    expect(parseTimestamp('2026-11-24T12:00:00.123Z')).toBe(Date.UTC(2026, 10, 24, 12, 0, 0, 123));
    expect(parseTimestamp(1764000000000)).toBe(1764000000000);
    expect(parseTimestamp('1764000000000')).toBe(1764000000000);
    expect(parseTimestamp('24/11/2026')).toBeNull();
    expect(parseTimestamp(Number.NaN)).toBeNull();
  });
});

describe('customer keys', () => {
  it('prefers the producer id, then email, phone, anonymous id, channel id', () => {
    expect(customerKey({ external_id: 'a', email: 'X@Y.com' })).toBe('ext:a');
    expect(customerKey({ email: ' X@Y.com ', phone: '+86 138 0000 0000' })).toBe('email:x@y.com');
    expect(customerKey({ phone: '+86 138-0000-0000' })).toBe('phone:+8613800000000');
    expect(customerKey({ anonymous_id: 'anon1' })).toBe('anon:anon1');
    expect(customerKey({ channel_ids: { wechat: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' } })).toBe('ch:wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M');
    expect(customerKey({})).toBeNull();
  });
  it('normalises 00-prefixed phones to +', () => {
    expect(normalisePhone('0044 20 7946 0958')).toBe('+442079460958');
    expect(normalisePhone('12')).toBeNull();
  });
});
