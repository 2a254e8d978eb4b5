import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyAck, applyMessage, applyRefused, applyWelcome, backoffMs, emptyState, enqueue, lastAgentSeq, type ChatState } from './chat-state.js';
import { pickMessages } from './i18n.js';

const msg = (seq: number, from: 'visitor' | 'agent' = 'agent', client_msg_id?: string) => ({
  seq,
  from,
  text: `t${seq}`,
  at: seq,
  ...(client_msg_id ? { client_msg_id } : {}),
});

describe('widget chat state', () => {
  it('shows each seq once whatever order replay, pushes and acks arrive in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 40 }), (seqs) => {
        let s: ChatState = applyWelcome(emptyState(), 'c1', 0);
        for (const q of seqs) s = applyMessage(s, msg(q));
        const shown = s.messages.map((m) => m.seq);
        expect(shown).toEqual([...new Set(seqs)].sort((a, b) => a - b));
        expect(s.lastSeq).toBe(seqs.length ? Math.max(...seqs) : 0);
      }),
    );
  });

  it('keeps a message queued until acked, merging the pending copy with the stored one', () => {
    let s = enqueue(applyWelcome(emptyState(), 'c1', 0), { client_msg_id: 'm1', text: '你好' }, 1);
    expect(s.queue).toHaveLength(1);
    expect(s.messages[0].status).toBe('pending');
    s = applyMessage(s, { seq: 1, from: 'visitor', text: '你好', at: 2, client_msg_id: 'm1' });
    s = applyAck(s, 'm1', 1);
    expect(s.queue).toEqual([]);
    expect(s.messages).toEqual([{ seq: 1, from: 'visitor', text: '你好', at: 2, client_msg_id: 'm1', status: 'sent' }]);

    let t = enqueue(s, { client_msg_id: 'm2', text: 'b' }, 3);
    t = applyAck(t, 'm2', 2);
    t = applyMessage(t, msg(2, 'visitor', 'm2'));
    expect(t.messages.map((m) => [m.seq, m.status])).toEqual([
      [1, 'sent'],
      [2, 'sent'],
    ]);
  });

  it('starts clean on a new conversation but keeps unsent messages; drops refused ones', () => {
    let s = applyMessage(applyWelcome(emptyState(), 'c1', 0), msg(5));
    s = enqueue(s, { client_msg_id: 'm9', text: 'later' }, 9);
    const fresh = applyWelcome(s, 'c2', 0);
    expect(fresh.lastSeq).toBe(0);
    expect(fresh.messages.map((m) => m.client_msg_id)).toEqual(['m9']);
    expect(fresh.queue).toHaveLength(1);
    const refused = applyRefused(fresh, 'm9');
    expect(refused.queue).toEqual([]);
    expect(refused.messages[0].status).toBe('failed');
    expect(lastAgentSeq(s)).toBe(5);
  });

  it('backs off exponentially with jitter up to 15 s', () => {
    expect(backoffMs(0, 0.5)).toBe(500);
    expect(backoffMs(3, 0.5)).toBe(4000);
    expect(backoffMs(20, 0.999)).toBeLessThanOrEqual(18_000);
    expect(backoffMs(20, 0)).toBe(12_000);
  });

  it('speaks Chinese to Chinese browsers', () => {
    expect(pickMessages(['zh-CN', 'en']).lang).toBe('zh-CN');
    expect(pickMessages(['zh-TW']).t.send).toBe('发送');
    expect(pickMessages(['en-US', 'zh-CN']).lang).toBe('en');
    expect(pickMessages(['fr']).lang).toBe('en');
  });
});
