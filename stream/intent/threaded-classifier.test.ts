import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BuiltinIntentClassifier } from './builtin-classifier.js';
import { intentPaths, readLabelled } from './model-files.js';
import { ThreadedIntentClassifier } from './threaded-classifier.js';

const here = new BuiltinIntentClassifier();
const threaded = new ThreadedIntentClassifier((err) => {
  throw new Error(`the classifier thread failed: ${String(err)}`);
});
afterAll(() => threaded.close());

describe('the intent classifier on a worker thread', () => {
  it('answers every held-out message exactly as the built-in classifier does on this thread, many calls at once', async () => {
    const texts = readLabelled(intentPaths.heldOut()).rows.map((r) => r.text);
    const answers = await Promise.all(texts.map((t) => threaded.classify(t)));
    expect(answers).toEqual(texts.map((t) => here.classifySync(t)));
    expect(threaded.onThread).toBe(true);
  });

  it('answers any text, Chinese and malformed Unicode included, as the built-in one does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('退款怎么还没到', '能便宜点吗？企业版多少钱', '')),
        async (t) => {
          expect(await threaded.classify(t, { channel: 'wechat' })).toEqual(here.classifySync(t, { channel: 'wechat' }));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps answering on the calling thread once its thread is gone, the calls in flight included', async () => {
    const c = new ThreadedIntentClassifier();
    expect(c.onThread).toBe(true);
    const inFlight = c.classify('我要退款，东西坏了');
    await c.close();
    expect(await inFlight).toEqual(here.classifySync('我要退款，东西坏了'));
    expect(await c.classify('how much is the pro plan?')).toEqual(here.classifySync('how much is the pro plan?'));
    expect(c.onThread).toBe(false);
  });
});
