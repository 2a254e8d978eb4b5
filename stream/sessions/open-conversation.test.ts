import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { closedConversationKey, conversationIdFor, openConversationCall, openConversationScript, type OpenConversationRequest } from './open-conversation.js';

const T0 = 1_764_000_000_000;
const MIN = 60_000;
let st: MemoryStateStore;
afterEach(async () => st?.close());

const decide = (reqs: OpenConversationRequest[], expiryMs = 30 * MIN) => {
  const { keys, args } = openConversationCall(reqs, expiryMs);
  return st.atomic(openConversationScript, keys, args);
};
const msg = (eventId: string, at: number, customerKey = 'cus_1', channel = 'sms'): OpenConversationRequest => ({ channel, customerKey, eventId, at });

describe('openConversationScript (embedded form; Redis agreement: stream/state/state-store.integration.test.ts)', () => {
  it('opens on the first message, joins within the window by event time, opens again after it', async () => {
    st = new MemoryStateStore({ clock: manualClock(T0) });
    expect(await decide([msg('a', T0), msg('b', T0 + 29 * MIN)])).toEqual([
      { conversationId: 'sms:a', started: true },
      { conversationId: 'sms:a', started: false },
    ]);
    // The window runs from the latest message (b), not the first.
    expect(await decide([msg('c', T0 + 58 * MIN)])).toEqual([{ conversationId: 'sms:a', started: false }]);
    expect(await decide([msg('d', T0 + 89 * MIN)])).toEqual([{ conversationId: 'sms:d', started: true }]);
  });

  it('a late message (older event time) joins and does not move the window back', async () => {
    st = new MemoryStateStore({ clock: manualClock(T0) });
    await decide([msg('a', T0 + 10 * MIN)]);
    expect(await decide([msg('late', T0), msg('b', T0 + 39 * MIN)])).toEqual([
      { conversationId: 'sms:a', started: false },
      { conversationId: 'sms:a', started: false },
    ]);
  });

  it('a retried opener gets its own conversation and started again (same event ids, dedup keeps one)', async () => {
    st = new MemoryStateStore({ clock: manualClock(T0) });
    await decide([msg('a', T0)]);
    expect(await decide([msg('a', T0)])).toEqual([{ conversationId: 'sms:a', started: true }]);
  });

  it('a closed marker ends the conversation; customers and channels are apart', async () => {
    st = new MemoryStateStore({ clock: manualClock(T0) });
    await decide([msg('a', T0), msg('w', T0, 'cus_1', 'wechat'), msg('x', T0, 'cus_2')]);
    await st.set(closedConversationKey('sms:a'), '1');
    expect(await decide([msg('b', T0 + MIN), msg('w2', T0 + MIN, 'cus_1', 'wechat'), msg('x2', T0 + MIN, 'cus_2')])).toEqual([
      { conversationId: 'sms:b', started: true },
      { conversationId: 'wechat:w', started: false },
      { conversationId: 'sms:x', started: false },
    ]);
  });

  it('names conversations after the message, within the envelope limit', () => {
    expect(conversationIdFor('whatsapp', 'wamid.1')).toBe('whatsapp:wamid.1');
    const long = conversationIdFor('whatsapp', 'w'.repeat(200));
    expect(long).toMatch(/^whatsapp:h:[0-9a-f]{64}$/);
    expect(long.length).toBeLessThanOrEqual(128);
  });
});
