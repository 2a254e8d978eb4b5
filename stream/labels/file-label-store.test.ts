import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLabelStore, labelPaths } from './file-label-store.js';

const dir = mkdtempSync(join(tmpdir(), 'omnilane-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileLabelStore.eraseConversations (erasure of a customer)', () => {
  it('removes every line of the conversations from both files, keeps the others and foreign lines, and is idempotent', async () => {
    const store = new FileLabelStore(dir);
    const correction = (conversation_id: string, text: string) =>
      store.addIntentCorrection({
        text,
        intent: 'price_inquiry',
        agent_id: 'ag_1',
        at: '2026-12-01T00:00:00Z',
        model_intent: 'other',
        model_confidence: 0.4,
        conversation_id,
        message_id: null,
      });
    await correction('c-erased', '我的手机 13912345678 多少钱');
    await correction('c-kept', 'how much is it');
    await correction('c-erased', 'second words of the erased person');
    await store.addBotFeedback({
      conversation_id: 'c-erased',
      message_id: 'm1',
      verdict: 'wrong',
      note: null,
      answer: 'a',
      question: 'erased question text',
      agent_id: 'ag_1',
      at: '2026-12-01T00:00:00Z',
    });
    expect(await store.eraseConversations(['c-erased', 'c-unknown'])).toBe(3);
    const corrections = readFileSync(labelPaths.corrections(dir), 'utf8');
    expect(corrections).not.toContain('13912345678');
    expect(corrections).not.toContain('second words');
    expect(corrections).toContain('how much is it');
    expect(readFileSync(labelPaths.botFeedback(dir), 'utf8')).toBe('');
    expect(statSync(labelPaths.corrections(dir)).mode & 0o777).toBe(0o600);
    expect(await store.eraseConversations(['c-erased'])).toBe(0);
    // Appends after the rewrite land in the new file.
    await correction('c-new', 'later');
    expect((await store.intentCorrections()).trim().split('\n')).toHaveLength(2);
  });
});
