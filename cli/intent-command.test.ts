import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../shared/paths.js';
import { INTENTS } from '../stream/intent/intent-port.js';
import { intentPaths, readLabelled } from '../stream/intent/model-files.js';
import { runIntentCommand } from './intent-command.js';
import { captured } from '../test/support/command-io.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'omnilane-intent-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => captured((io) => runIntentCommand(argv, io, { dataDir: join(dir, 'data') }));

describe('omnilane intent classify', () => {
  it('writes one {"text","intent","confidence"} line per input line, through the real CLI', () => {
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, ['{"text":"我的快递到哪了"}', '{"text":"I want to talk to a real person"}', '', '{"text":"退款什么时候到账？"}'].join('\n'));
    const res = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), 'intent', 'classify', '--input', input], {
      encoding: 'utf8',
      env: { ...process.env, OMNILANE_FROM_SOURCE: '1', DATA_DIR: join(dir, 'data') },
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.text, l.intent])).toEqual([
      ['我的快递到哪了', 'logistics'],
      ['I want to talk to a real person', 'human_agent'],
      ['退款什么时候到账？', 'after_sale'],
    ]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['text', 'intent', 'confidence']);
      expect(l.confidence).toBeGreaterThan(0);
      expect(l.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('reports bad lines on stderr, keeps the good ones and exits 1', async () => {
    const input = join(dir, 'bad.jsonl');
    writeFileSync(input, '{"text":"hi"}\nnot json\n{"message":"x"}\n');
    const r = await run('classify', '--input', input);
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/line 2/);
    expect(r.err).toMatch(/line 3/);
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await run('classify')).code).toBe(2);
    expect((await run('classify', '--input', join(dir, 'missing.jsonl'))).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    // Each subcommand takes only its own flags: classify has no --json, train's --seed is an integer.
    const unknown = await run('classify', '--json');
    expect([unknown.code, unknown.err.split('\n')[0]]).toEqual([2, 'omnilane intent: unknown flag --json']);
    expect((await run('train', '--seed=1.5')).err).toMatch(/^omnilane intent: --seed must be an integer, got 1\.5/);
    expect((await run('--help')).code).toBe(0);
  });
});

describe('omnilane intent eval', () => {
  it('prints accuracy, macro-F1, ECE and the confusion matrix, or the same as JSON', async () => {
    const r = await run('eval', '--input', intentPaths.heldOut());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/messages 216 {3}accuracy 0\.\d{3} {3}macro-F1 0\.\d{3} {3}ECE 0\.\d{3}/);
    expect(r.out).toMatch(/confusion matrix \(rows = truth, columns = predicted\)/);
    for (const l of INTENTS) expect(r.out).toContain(l);
    const j = JSON.parse((await run('eval', '--input', intentPaths.heldOut(), '--json')).out);
    expect(j.n).toBe(216);
    expect(j.macroF1).toBeGreaterThanOrEqual(0.85);
    expect(Object.values(j.confusion.logistics as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(24);
  });
});

describe('omnilane intent train', () => {
  it('rebuilds the shipped model byte for byte from the repository data (no corrections)', async () => {
    const out = join(dir, 'model.json');
    const r = await run('train', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/trained on \d+ messages .* 0 corrected by agents/);
    expect(r.out).toMatch(/held-out \(216 messages, never trained on\): accuracy/);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(intentPaths.model(), 'utf8'));
  }, 60_000);

  it("learns from agents' corrections under DATA_DIR/labels and uses the new model for classify", async () => {
    const novel = 'zorblax frimble quuxed';
    mkdirSync(join(dir, 'data', 'labels'), { recursive: true });
    const corr = [1, 2, 3, 4, 5, 6].map((i) =>
      JSON.stringify({ text: `${novel} ${'#'.repeat(i)}`, intent: 'logistics', agent_id: 'ag_zhao', at: `2026-03-0${i}T10:00:00Z` }),
    );
    writeFileSync(
      join(dir, 'data', 'labels', 'intent-corrections.jsonl'),
      corr.join('\n') + '\n{"text":"bad","intent":"pre_sale","agent_id":"a","at":"2026-03-01T00:00:00Z"}\n',
    );
    const out = join(dir, 'model-corrected.json');
    const r = await run('train', '--out', out);
    expect(r.out).toMatch(/6 corrected by agents/);
    expect(r.err).toMatch(/intent-corrections\.jsonl:7: "intent" must be one of/);
    expect(r.code).toBe(1);
    const input = join(dir, 'novel.jsonl');
    writeFileSync(input, JSON.stringify({ text: novel }) + '\n');
    const c = await run('classify', '--input', input, '--model', out);
    expect(JSON.parse(c.out).intent).toBe('logistics');
    const team = readLabelled(intentPaths.train()).rows.length;
    expect(JSON.parse(readFileSync(out, 'utf8')).meta.examples).toBe(team + 6);
  }, 60_000);
});
