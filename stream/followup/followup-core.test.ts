import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/envelope.js';
import { validateEvent } from '../../shared/envelope.js';
import { decideStart, decideStep } from './decide.js';
import { loadFollowupConfig, parseFollowupConfig, shippedRulesPath } from './followup-config.js';
import { addressOn, foldLead, timeZoneOf } from './lead.js';
import { consentWord } from './opt-out.js';
import { afterFrequencyCap, afterQuietHours, inQuietHours } from './send-window.js';
import { sequenceByVariant } from './sequence-choice.js';
import { renderTemplate } from './templates.js';
import { signUnsubscribe, verifyUnsubscribe } from './unsubscribe-token.js';

const H = 3600_000;
const ev = (type: EventEnvelope['type'], at: number, properties: Record<string, unknown> = {}, extra: Partial<EventEnvelope> = {}): EventEnvelope => ({
  id: `e${at}`,
  producer: 'p',
  type,
  channel: 'sms',
  occurred_at: at,
  received_at: at,
  customer_key: 'cus_1',
  customer: { phone: '+86 138 0000 0001' },
  conversation_id: 'c',
  agent_id: null,
  properties,
  ...extra,
});

describe('opt-out words', () => {
  it.each([
    ['STOP', 'opt_out'],
    [' stop. ', 'opt_out'],
    ['退订', 'opt_out'],
    ['TD', 'opt_out'],
    ['Unsubscribe', 'opt_out'],
    ['取消订阅！', 'opt_out'],
    ['START', 'opt_in'],
    ['UNSTOP', 'opt_in'],
    ['unsubscribe\n\n> On Monday you wrote:\n> hello', 'opt_out'],
  ] as const)('%j is %s', (text, want) => {
    expect(consentWord(text)).toBe(want);
  });
  it.each(["don't stop sending offers", '如何退订？我还想再看看', 'stop by tomorrow', '', 'TDD'])('%j is not a consent word', (text) => {
    expect(consentWord(text)).toBeNull();
  });
});

describe('quiet hours and frequency cap', () => {
  const q = { start: '21:00', end: '09:00' };
  it('waits for the end of the quiet hours in the customer zone', () => {
    const t = Date.parse('2026-12-02T15:30:00Z'); // 23:30 in Shanghai, 10:30 in New York
    expect(inQuietHours(t, 'Asia/Shanghai', q)).toBe(true);
    expect(inQuietHours(t, 'America/New_York', q)).toBe(false);
    expect(new Date(afterQuietHours(t, 'Asia/Shanghai', q)).toISOString()).toBe('2026-12-03T01:00:00.000Z');
    expect(afterQuietHours(t, 'America/New_York', q)).toBe(t);
  });
  it('crosses a DST change to the local end of the quiet hours', () => {
    const t = Date.parse('2026-03-08T06:30:00Z'); // 01:30 EST, the night clocks go forward
    expect(new Date(afterQuietHours(t, 'America/New_York', q)).toISOString()).toBe('2026-03-08T13:00:00.000Z'); // 09:00 EDT
  });
  it('lets the next message go when the oldest counted one leaves the window', () => {
    const cap = { max: 2, per_hours: 24 };
    expect(afterFrequencyCap(100 * H, [90 * H], cap)).toBe(100 * H);
    expect(afterFrequencyCap(100 * H, [80 * H, 90 * H], cap)).toBe(104 * H);
    expect(afterFrequencyCap(100 * H, [70 * H, 90 * H], cap)).toBe(100 * H);
  });
});

describe('rules, leads and templates', () => {
  const cfg = loadFollowupConfig(shippedRulesPath('example'));
  it('ships valid zh/en example and demo rules, and names the bad field of a broken one', () => {
    expect(loadFollowupConfig(shippedRulesPath('demo')).rules.length).toBeGreaterThan(0);
    expect(() => parseFollowupConfig({ ...cfg, rules: [{ ...cfg.rules[0], sequence: 'nope' }] })).toThrow(/unknown sequence nope/);
    expect(() => parseFollowupConfig({ ...cfg, quiet_hours: { start: '25:00', end: '09:00' } })).toThrow(/quiet_hours/);
  });

  it('starts a rule for a sales lead once it has been idle long enough, never after a conversion', () => {
    let lead = foldLead(null, ev('message.received', 0, { text: '企业版多少钱？' }), 'price_inquiry')!;
    lead = foldLead(lead, ev('conversation.closed', 1000, {}), null)!;
    expect(lead).toMatchObject({ intent: 'price_inquiry', stage: 'closed', lang: 'zh', lastAt: 0 });
    expect(decideStart(cfg, lead, [], 23 * H)).toEqual({ kind: 'wait', due: 24 * H });
    expect(decideStart(cfg, lead, [], 24 * H)).toMatchObject({ kind: 'start', rule: { id: 'sales-lead-no-reply' } });
    expect(decideStart(cfg, lead, ['sales-lead-no-reply'], 24 * H)).toEqual({ kind: 'none' });
    expect(decideStart(cfg, foldLead(lead, ev('opportunity.created', 2000), null)!, [], 99 * H)).toEqual({ kind: 'none' });
  });

  it('uses the first reachable consented channel, defers in quiet hours, and skips a step nobody can receive', () => {
    const lead = foldLead(
      null,
      ev('message.received', 0, { text: 'how much is it?' }, { channel: 'wechat', customer: { channel_ids: { wechat: 'oU1' }, phone: '+8613800000001' } }),
      'price_inquiry',
    )!;
    const base = { seqId: 'sales-nurture', step: 0, lead, sentAt: [], tz: timeZoneOf(lead, 'UTC'), senders: new Set(['sms', 'wechat', 'email']) };
    const noon = Date.parse('2026-12-02T04:00:00Z'); // 12:00 in Shanghai (+86)
    expect(decideStep(cfg, { ...base, optedOut: new Set(), now: noon })).toEqual({
      kind: 'send',
      channel: 'wechat',
      to: { wechat_openid: 'oU1' },
      template: 'guide',
    });
    expect(decideStep(cfg, { ...base, optedOut: new Set(['wechat']), now: noon })).toMatchObject({
      kind: 'send',
      channel: 'sms',
      to: { phone: '+8613800000001' },
    });
    expect(decideStep(cfg, { ...base, optedOut: new Set(['wechat']), now: noon + 10 * H })).toEqual({ kind: 'defer', due: Date.parse('2026-12-03T01:00:00Z') });
    expect(decideStep(cfg, { ...base, optedOut: new Set(['wechat', 'sms']), now: noon })).toEqual({ kind: 'skip', template: 'guide' });
    expect(decideStep(cfg, { ...base, step: 9, optedOut: new Set(), now: noon })).toEqual({ kind: 'done' });
    expect(addressOn(lead, 'email')).toBeNull();
  });

  it('fills names, links by intent and the channel opt-out line in both languages', () => {
    const zh = renderTemplate(cfg, 'guide', 'zh', { name: '王先生', intent: 'price_inquiry', unsubscribeUrl: null, channel: 'sms' });
    expect(zh.text).toBe('王先生您好，感谢您对我们的关注！这是为您整理的产品指南：https://example.com/guide/pricing 如有疑问直接回复即可。回复TD退订');
    const en = renderTemplate(cfg, 'case', 'en', { name: '', intent: 'purchase', unsubscribeUrl: 'https://x.test/u?token=t', channel: 'email' });
    expect(en).toEqual({
      subject: 'How a customer like you did it',
      text: 'Hi there, here is a customer story close to your situation: https://example.com/cases/rollout-in-30-days We are happy to arrange a demo. Unsubscribe: https://x.test/u?token=t',
    });
  });

  it('lets an experiment pick the sequence by variant, falling back to the rule', () => {
    const choose = sequenceByVariant((id) => (id === 'a' ? 'short' : id === 'b' ? 'unmapped' : null), { short: 'sales-nurture-short' });
    const rule = cfg.rules[0];
    expect([choose({ customerId: 'a', rule, now: 0 }), choose({ customerId: 'b', rule, now: 0 }), choose({ customerId: 'c', rule, now: 0 })]).toEqual([
      'sales-nurture-short',
      'sales-nurture',
      'sales-nurture',
    ]);
  });
});

describe('unsubscribe tokens and follow-up events', () => {
  it('verifies its own tokens and refuses altered ones', () => {
    const t = signUnsubscribe('s3cret', { customerId: 'cus_7', channel: 'email' });
    expect(verifyUnsubscribe('s3cret', t)).toEqual({ customerId: 'cus_7', channel: 'email' });
    expect(verifyUnsubscribe('other', t)).toBeNull();
    const forged = `${Buffer.from('{"c":"cus_8","ch":"email"}').toString('base64url')}.${t.split('.')[1]}`;
    expect(verifyUnsubscribe('s3cret', forged)).toBeNull();
    expect(verifyUnsubscribe('s3cret', `${t}x`)).toBeNull();
  });

  it('validates the new event types', () => {
    const base = { id: 'x', channel: 'sms', occurred_at: 1_764_000_000_000, customer: { external_id: 'c' } };
    expect(validateEvent({ ...base, type: 'followup.sent', properties: { sequence_id: 's', step: 0 } }, 'p', 1_764_000_000_000).ok).toBe(true);
    expect(validateEvent({ ...base, type: 'followup.sent', properties: { sequence_id: 's' } }, 'p', 1_764_000_000_000)).toMatchObject({
      ok: false,
      code: 'ING_ERR_INVALID_EVENT',
    });
    expect(validateEvent({ ...base, type: 'followup.stopped', properties: { sequence_id: 's', reason: 'bored' } }, 'p', 1_764_000_000_000)).toMatchObject({
      ok: false,
    });
    expect(validateEvent({ ...base, type: 'consent.changed', properties: { consent_channel: 'sms', state: 'opted_out' } }, 'p', 1_764_000_000_000).ok).toBe(
      true,
    );
    expect(
      validateEvent({ ...base, type: 'consent.changed', properties: { consent_channel: 'SMS!', state: 'opted_out' } }, 'p', 1_764_000_000_000),
    ).toMatchObject({ ok: false });
  });
});
