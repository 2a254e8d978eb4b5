import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { intentPaths, readLabelled } from '../stream/intent/model-files.js';
import { FileLabelStore } from '../stream/labels/index.js';
import { runIntentCommand } from './intent-command.js';
import { captured } from '../test/support/command-io.js';

const dir = mkdtempSync(join(tmpdir(), 'omnilane-intent-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => captured((io) => runIntentCommand(argv, io, { dataDir: join(dir, 'data') }));

/** The labelling loop end to end: what the label store writes under DATA_DIR is what `intent train` learns from. */
describe('labels → omnilane intent train / agreement', () => {
  it('trains on corrections stored by the FileLabelStore and reports agreement from the same file', async () => {
    const store = new FileLabelStore(join(dir, 'data'));
    const novel = 'zorblax frimble quuxed';
    for (let i = 1; i <= 6; i++) {
      await store.addIntentCorrection({
        text: `${novel} ${'#'.repeat(i)}`,
        intent: 'logistics',
        agent_id: 'ag_zhao',
        at: `2026-03-0${i}T10:00:00.000Z`,
        model_intent: i <= 2 ? 'logistics' : 'other',
        model_confidence: 0.4,
        conversation_id: `c${i}`,
        message_id: `test/m${i}`,
      });
    }
    await store.addBotFeedback({
      conversation_id: 'c1',
      message_id: 'bot/b1',
      verdict: 'wrong',
      note: null,
      answer: 'a',
      question: 'q',
      agent_id: 'ag_zhao',
      at: '2026-03-01T10:00:00.000Z',
    });

    const out = join(dir, 'model.json');
    const r = await run('train', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/6 corrected by agents/);
    expect(JSON.parse(readFileSync(out, 'utf8')).meta.examples).toBe(readLabelled(intentPaths.train()).rows.length + 6);
    const input = join(dir, 'novel.jsonl');
    writeFileSync(input, JSON.stringify({ text: novel }) + '\n');
    expect(JSON.parse((await run('classify', '--input', input, '--model', out)).out).intent).toBe('logistics');

    const a = await run('agreement', '--json');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out)).toMatchObject({ n: 6, agreed: 2, bot: { wrong: 1, right: 0 } });
    expect((await run('agreement')).out).toMatch(/corrections 6 {3}agreed with the model 2 {3}agreement 0\.333/);
  }, 90_000);
});
