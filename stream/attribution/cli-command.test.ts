import { describe, expect, it } from 'vitest';
import { runAttributionCommand } from '../../cli/attribution-command.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

async function run(argv: string[], deps = {}) {
  let out = '';
  let err = '';
  const code = await runAttributionCommand(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) }, deps);
  return { code, out, err };
}

describe('omnilane attribution', () => {
  it('--json markov prints exactly the public shape with the known answer', async () => {
    const { code, out } = await run(['--input', fixture('known-answer.csv'), '--model', 'markov', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(Object.keys(r)).toEqual(['model', 'order', 'total_conversions', 'total_value', 'base_conversion_rate', 'channels']);
    expect(r.model).toBe('markov');
    expect(r.order).toBe(1);
    expect(r.total_value).toBe(60);
    expect(r.channels.map((c: { channel: string }) => c.channel)).toEqual(['A', 'B']);
    expect(Object.keys(r.channels[0])).toEqual(['channel', 'removal_effect', 'conversions', 'value']);
    expect(r.channels[0].conversions).toBeCloseTo(2, 12);
    expect(r.channels[1].conversions).toBeCloseTo(1, 12);
    expect(r.channels[0].value).toBeCloseTo(40, 10);
  });

  it('--model all --json prints an array of every model; other flags pass through', async () => {
    const { code, out } = await run([`--input=${fixture('sales-paths.csv')}`, '--model', 'all', '--json', '--order', '2']);
    expect(code).toBe(0);
    const rs = JSON.parse(out);
    expect(rs.map((r: { model: string }) => r.model)).toEqual(['first', 'last', 'linear', 'time_decay', 'position', 'markov', 'shapley']);
    expect(rs[5].order).toBe(2);
    expect('order' in rs[0]).toBe(false);
    expect('removal_effect' in rs[0].channels[0]).toBe(false);
    const prob = JSON.parse((await run(['--input', fixture('sales-paths.csv'), '--model', 'shapley', '--shapley', 'probability', '--json'])).out);
    expect(prob.model).toBe('shapley_probability');
  });

  it('prints an aligned table without --json', async () => {
    const { code, out } = await run(['--input', fixture('known-answer.csv')]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toContain('model markov (order 1)');
    expect(lines[1]).toMatch(/^channel\s+removal_effect\s+conversions\s+share\s+value$/);
    expect(lines[3]).toMatch(/^A\s+1\.000000\s+2\.0000\s+66\.67 %\s+40\.00$/);
    expect(new Set(lines.slice(1).map((l) => l.length)).size).toBe(1);
  });

  it('bad CSV: exit 2 with the code and the line', async () => {
    const { code, err } = await run(['--input', fixture('bad-number.csv')]);
    expect(code).toBe(2);
    expect(err).toMatch(/ATTR_ERR_BAD_CSV/);
    expect(err).toMatch(/line 3/);
  });

  it('bad arguments and unreadable files exit 2', async () => {
    expect((await run(['--input', fixture('known-answer.csv'), '--model', 'nope'])).err).toMatch(/ATTR_ERR_BAD_ARGS/);
    expect((await run(['--input', fixture('known-answer.csv'), '--order', '5'])).code).toBe(2);
    expect((await run(['--frobnicate'])).code).toBe(2);
    const io = await run(['--input', fixture('nope.csv')]);
    expect(io.code).toBe(2);
    expect(io.err).toMatch(/ATTR_ERR_IO/);
  });

  it('without --input: exit 2 (warehouse not wired) unless a loader is injected', async () => {
    const none = await run(['--json']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/ATTR_ERR_NO_SOURCE.*warehouse/);
    const loaded = await run(['--json', '--model', 'first'], {
      loadPaths: async () => [{ path: ['x', 'y'], conversions: 2, value: 5, nulls: 1 }],
    });
    expect(loaded.code).toBe(0);
    expect(JSON.parse(loaded.out).channels).toEqual([
      { channel: 'x', conversions: 2, value: 5 },
      { channel: 'y', conversions: 0, value: 0 },
    ]);
  });
});
