import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { personalDataFor, sharedPrivacyKeys } from '../../test/support/privacy-keys.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import {
  boundMessages,
  clip,
  KEEP_MESSAGES,
  MESSAGE_CHARS,
  MESSAGE_TEXT_BYTES,
  MetaStore,
  metaKey,
  previewOf,
  type ConsoleMessage,
  type ConversationMeta,
} from './conversation-meta.js';

const msg = (i: number, text: string, direction: 'in' | 'out' = 'in'): ConsoleMessage => ({
  id: `p/e${i}`,
  at: 1_000 + i,
  direction,
  channel: 'sms',
  text,
  agent_id: null,
});
const meta = (id: string): ConversationMeta => ({
  id,
  customer: {},
  customerKey: 'cus_1',
  channel: 'sms',
  tag: 'normal',
  source: '',
  intent: 'other',
  priority: 0,
  slaDueAt: null,
  startedAt: 0,
  preview: '',
  messages: [],
});

describe('conversation meta keeps previews, not whole messages', () => {
  it('clips to the bound with an ellipsis and never splits a surrogate pair', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('abcdefghijk', 5)).toBe('abcd…');
    expect(clip('abc😀def', 5)).toBe('abc…');
    expect(clip('x'.repeat(330_000), MESSAGE_CHARS)).toHaveLength(MESSAGE_CHARS);
    expect(previewOf('y'.repeat(1000)).length).toBeLessThanOrEqual(140);
  });

  it('keeps at most KEEP_MESSAGES newest messages and MESSAGE_TEXT_BYTES of text, oldest first', () => {
    const many = Array.from({ length: 80 }, (_v, i) => msg(i, `m${i}`));
    const kept = boundMessages(many.slice().reverse());
    expect(kept).toHaveLength(KEEP_MESSAGES);
    expect(kept[0].id).toBe('p/e30');
    expect(kept.at(-1)!.id).toBe('p/e79');
    // 280 characters of 3-byte Chinese = 840 bytes each: the byte cap binds before the count does.
    const wide = boundMessages(Array.from({ length: 50 }, (_v, i) => msg(i, '退'.repeat(1000))));
    const bytes = wide.reduce((n, m) => n + Buffer.byteLength(m.text), 0);
    expect(bytes).toBeLessThanOrEqual(MESSAGE_TEXT_BYTES);
    expect(wide.length).toBeGreaterThan(10);
    expect(wide.at(-1)!.id).toBe('p/e49');
    expect(wide.every((m) => m.text.length === MESSAGE_CHARS && m.text.endsWith('…'))).toBe(true);
  });

  it('stores a 330k-character message as a preview: the state value stays small, the console still shows it', async () => {
    const state = new MemoryStateStore({ clock: manualClock(0) });
    const store = new MetaStore(state, 60_000);
    await store.put(meta('c1'));
    for (let i = 0; i < 3; i++) expect(await store.addMessage('c1', msg(i, String(i).repeat(330_000)))).toBe(true);
    expect(await store.addMessage('c1', msg(2, 'again'))).toBe(false);
    await store.addMessage('c1', msg(3, 'thanks', 'out'));
    const raw = (await state.get(metaKey('c1')))!;
    expect(raw.length).toBeLessThan(4_000);
    const m = (await store.get('c1'))!;
    expect(m.messages.map((x) => [x.id, x.text.length, x.direction])).toEqual([
      ['p/e0', MESSAGE_CHARS, 'in'],
      ['p/e1', MESSAGE_CHARS, 'in'],
      ['p/e2', MESSAGE_CHARS, 'in'],
      ['p/e3', 6, 'out'],
    ]);
    expect(m.messages[2].text.startsWith('222')).toBe(true);
    expect(m.preview.startsWith('222')).toBe(true);
    expect(m.preview.length).toBeLessThanOrEqual(140);
    await state.close();
  });

  it('bounds every text a meta carries whoever writes it', async () => {
    const state = new MemoryStateStore({ clock: manualClock(0) });
    const store = new MetaStore(state, 60_000);
    await store.put({ ...meta('big'), preview: 'p'.repeat(10_000), source: 's'.repeat(10_000), messages: [msg(1, 'm'.repeat(10_000))] });
    const m = (await store.get('big'))!;
    expect([m.preview.length, m.source.length, m.messages[0].text.length]).toEqual([140, 200, MESSAGE_CHARS]);
    await state.close();
  });

  it('bounds a meta written before the bound on its next message', async () => {
    const state = new MemoryStateStore({ clock: manualClock(0) });
    const store = new MetaStore(state, 60_000);
    await store.put({ ...meta('old'), messages: Array.from({ length: 50 }, (_v, i) => msg(i, 'z'.repeat(100_000))) });
    await store.addMessage('old', msg(99, 'hi'));
    expect((await state.get(metaKey('old')))!.length).toBeLessThan(MESSAGE_TEXT_BYTES + 8_000);
    await state.close();
  });

  it('sealed: a write that changes no personal part keeps the stored sealed value; a new message seals anew', async () => {
    const state = new MemoryStateStore({ clock: manualClock(0) });
    const store = new MetaStore(state, 0, personalDataFor(sharedPrivacyKeys(), state));
    const sealedPart = async () => (JSON.parse((await state.get(metaKey('c1')))!) as { pd: string }).pd;
    await store.put({ ...meta('c1'), customer: { phone: '+8613900000001' }, preview: '在吗' });
    const first = await sealedPart();
    const m = (await store.get('c1'))!;
    await store.put({ ...m, intent: 'price_inquiry', priority: 3 });
    expect(await sealedPart()).toBe(first);
    expect(await store.get('c1')).toMatchObject({ intent: 'price_inquiry', priority: 3, customer: { phone: '+8613900000001' }, preview: '在吗' });
    await store.addMessage('c1', msg(1, '多少钱'));
    expect(await sealedPart()).not.toBe(first);
    expect((await store.get('c1'))!.messages.map((x) => x.text)).toEqual(['多少钱']);
  });
});
