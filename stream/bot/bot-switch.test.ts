import { describe, expect, it } from 'vitest';
import { botSwitch } from './bot-switch.js';

describe('botSwitch', () => {
  it('is on only for a listed channel and a queue without "bot": false', () => {
    const on = botSwitch({ channels: ['web', 'SMS'], queues: [{ group: 'pre_sale' }, { group: 'complaints', bot: false }, { group: 'after_sale', bot: true }] });
    expect(on({ conversationId: 'c', channel: 'web', group: 'pre_sale' })).toBe(true);
    expect(on({ conversationId: 'c', channel: 'sms', group: 'after_sale' })).toBe(true);
    expect(on({ conversationId: 'c', channel: 'email', group: 'pre_sale' })).toBe(false);
    expect(on({ conversationId: 'c', channel: 'web', group: 'complaints' })).toBe(false);
  });
});
