import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBotCommand } from './bot-command.js';
import { captured } from '../test/support/command-io.js';

const dir = mkdtempSync(join(tmpdir(), 'omnilane-bot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => captured((io) => runBotCommand(argv, io, { minConfidence: 0.5 }));

describe('omnilane bot ask', () => {
  it('answers a covered question with the article, as JSON', async () => {
    const r = await run('ask', '发票抬头写错了能重开吗', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['article_id', 'confidence', 'answer', 'handoff']);
    expect(j.article_id).toBe('invoice-zh');
    expect(j.confidence).toBeGreaterThanOrEqual(0.5);
    expect(j.answer).toContain('作废重开');
    expect(j.handoff).toBeNull();
  });
  it('hands a complaint over and tells the customer a person is coming', async () => {
    const j = JSON.parse((await run('ask', '你们的客服太差劲了，我要投诉', '--json')).out);
    expect(j.article_id).toBeNull();
    expect(j.answer).toMatch(/人工客服/);
    expect(j.handoff).toMatchObject({ reason: 'intent', intent: 'complaint' });
    const en = JSON.parse((await run('ask', 'I want to speak to a human agent', '--json')).out);
    expect(en).toMatchObject({ article_id: null, handoff: { intent: 'human_agent' } });
    expect(en.answer).toMatch(/person/);
  });
  it('a higher threshold hands a weaker match over; text output names the outcome', async () => {
    const r = await run('ask', 'My account is locked after too many login attempts', '--min-confidence', '0.95');
    expect(r.out).toMatch(/^\[handoff: /);
    expect((await run('ask', 'I forgot my password')).out).toMatch(/^\[password-en, confidence/);
  });
  it('usage errors exit 2 with the code', async () => {
    for (const argv of [['ask'], ['ask', 'x', '--min-confidence', '2'], ['nope'], ['eval'], ['ask', 'x', '--bogus']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('BOT_ERR_BAD_ARGS');
    }
  });
  it('uses --knowledge and reports bad articles (exit 1) while answering from the good ones', async () => {
    const kb = join(dir, 'kb');
    mkdirSync(kb);
    writeFileSync(join(kb, 'wifi.md'), '---\nid: wifi\ntitle: Office wifi\nlang: en\n---\nThe wifi password is on the fridge.');
    writeFileSync(join(kb, 'bad.md'), '---\nid: bad\ntitle: x\nlang: de\n---\nx');
    const r = await run('ask', 'what is the office wifi password', '--knowledge', kb, '--json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.md: BOT_ERR_BAD_FIELD/);
    expect(JSON.parse(r.out).article_id).toBe('wifi');
  });
});

describe('omnilane bot eval', () => {
  it('prints precision and handoff accuracy, reports bad lines', async () => {
    const input = join(dir, 'eval.jsonl');
    writeFileSync(
      input,
      [
        '{"question":"I forgot my password","expected":"password-en"}',
        '{"question":"转人工","expected":"handoff"}',
        'not json',
        '{"question":"忘记密码怎么办","expected":"handoff"}',
      ].join('\n'),
    );
    const r = await run('eval', '--input', input, '--json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 3: BOT_ERR_BAD_EVAL/);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ questions: 3, answered: 2, answer_precision: 0.5, handoff_accuracy: 0.6667, handoff_recall: 0.5, answer_coverage: 1 });
    expect(j.misses).toEqual([{ question: '忘记密码怎么办', expected: 'handoff', got: 'password-zh', confidence: expect.any(Number) }]);
    const text = await run('eval', '--input', input);
    expect(text.out).toMatch(/answer precision {2}50\.0%/);
  });
  it('the shipped eval set: precision ≥ 0.9 and handoff accuracy ≥ 0.8 at the default threshold', async () => {
    const r = await run('eval', '--input', join(import.meta.dirname, '..', 'stream', 'bot', 'data', 'bot-eval.jsonl'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.questions).toBeGreaterThanOrEqual(60);
    expect(j.answer_precision).toBeGreaterThanOrEqual(0.9);
    expect(j.handoff_accuracy).toBeGreaterThanOrEqual(0.8);
  });
});

describe('bot configuration', () => {
  it('defaults to off, 0.5, the shipped base; validates BOT_MIN_CONFIDENCE', async () => {
    const { loadConfig } = await import('../shared/config.js');
    const c = loadConfig({});
    expect([c.bot.enabled, c.bot.minConfidence, c.bot.knowledgeDir]).toEqual([false, 0.5, undefined]);
    expect(c.bot.channels).toEqual(['web', 'app', 'whatsapp', 'wechat', 'sms', 'email']);
    expect(loadConfig({ BOT_MIN_CONFIDENCE: '0.65', BOT_CHANNELS: 'Web, SMS' })).toMatchObject({ bot: { minConfidence: 0.65, channels: ['web', 'sms'] } });
    expect(() => loadConfig({ BOT_MIN_CONFIDENCE: '1.5' })).toThrow(/BOT_MIN_CONFIDENCE: must be a number from 0 to 1/);
    expect(() => loadConfig({ BOT_MIN_CONFIDENCE: 'high' })).toThrow(/BOT_MIN_CONFIDENCE/);
  });
});
