import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRoster } from '../routing/roster.js';
import { botSwitch } from './bot-switch.js';

describe('botSwitch', () => {
  it('is on only for a listed channel and a queue without "bot": false', () => {
    const on = botSwitch({
      channels: ['web', 'SMS'],
      queues: [{ group: 'pre_sale' }, { group: 'complaints', bot: false }, { group: 'after_sale', bot: true }],
    });
    expect(on({ conversationId: 'c', channel: 'web', group: 'pre_sale' })).toBe(true);
    expect(on({ conversationId: 'c', channel: 'sms', group: 'after_sale' })).toBe(true);
    expect(on({ conversationId: 'c', channel: 'email', group: 'pre_sale' })).toBe(false);
    expect(on({ conversationId: 'c', channel: 'web', group: 'complaints' })).toBe(false);
  });

  it('reads the queue flag from the roster, and refuses anything but a boolean', () => {
    const doc = JSON.parse(readFileSync(new URL('../routing/demo-roster.json', import.meta.url), 'utf8')) as { queues: Array<Record<string, unknown>> };
    doc.queues[4].bot = false;
    const r = parseRoster(doc);
    if (typeof r === 'string') throw new Error(r);
    expect(r.queues.map((q) => q.bot)).toEqual([undefined, undefined, undefined, undefined, false]);
    doc.queues[4].bot = 'no';
    expect(parseRoster(doc)).toBe('queues[4].bot must be true or false');
  });
});
