import { describe, expect, it } from 'vitest';
import { parseFlags } from './args.js';

const SPECS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  input: { type: 'string' },
  format: { type: 'string', choices: ['jsonl', 'csv'] },
  column: { type: 'string', multiple: true },
  order: { type: 'number', integer: true, min: 1, max: 4 },
  'half-life': { type: 'number', above: 0 },
  seed: { type: 'number', integer: true },
  from: { type: 'time' },
} as const;

const parse = (...argv: string[]) => parseFlags(argv, SPECS, { positionals: 1 });
const message = (...argv: string[]) => {
  const r = parse(...argv);
  return r.ok ? null : r.message;
};

describe('parseFlags', () => {
  it('reads --flag value and --flag=value alike, typed', () => {
    const spaced = parse('file.csv', '--input', 'a.csv', '--order', '2', '--format', 'csv', '--json');
    const joined = parse('file.csv', '--input=a.csv', '--order=2', '--format=csv', '--json');
    expect(spaced).toEqual({ ok: true, flags: { input: 'a.csv', order: 2, format: 'csv', json: true }, positionals: ['file.csv'] });
    expect(joined).toEqual(spaced);
    expect(parse('--input=x=y')).toMatchObject({ ok: true, flags: { input: 'x=y' } });
  });

  it('keeps repeated flags in order, short flags, negative numbers, times, and stops at --', () => {
    expect(parse('--column', 'A=x', '--column=B=y')).toMatchObject({ ok: true, flags: { column: ['A=x', 'B=y'] } });
    expect(parse('-h')).toMatchObject({ ok: true, flags: { help: true } });
    expect(parse('--seed', '-3')).toMatchObject({ ok: true, flags: { seed: -3 } });
    expect(parse('--from', '2026-02-01T00:00:00Z')).toMatchObject({ ok: true, flags: { from: Date.parse('2026-02-01T00:00:00Z') } });
    expect(parse('--', '--json')).toMatchObject({ ok: true, flags: {}, positionals: ['--json'] });
  });

  it('refuses an unknown flag, long or short', () => {
    expect(message('--bogus')).toBe('unknown flag --bogus');
    expect(message('--bogus=1')).toBe('unknown flag --bogus');
    expect(message('-x')).toBe('unknown flag -x');
  });

  it('refuses a missing or empty value, and a value given to a boolean', () => {
    expect(message('--input')).toBe('--input needs a value');
    expect(message('--input', '--json')).toBe('--input needs a value');
    expect(message('--input=')).toBe('--input needs a value');
    expect(message('--json=yes')).toBe('--json takes no value');
  });

  it('refuses a number out of range or not a number, a value outside its choices, a bad time', () => {
    expect(message('--order', '5')).toBe('--order must be an integer from 1 to 4, got 5');
    expect(message('--order=1.5')).toBe('--order must be an integer from 1 to 4, got 1.5');
    expect(message('--half-life', '0')).toBe('--half-life must be a number > 0, got 0');
    expect(message('--seed', '0x10')).toBe('--seed must be an integer, got 0x10');
    expect(message('--format', 'xml')).toBe('--format must be one of jsonl|csv, got xml');
    expect(message('--from', 'yesterday')).toBe('--from must be an ISO-8601 time, got yesterday');
  });

  it('takes only as many plain arguments as the command says', () => {
    expect(message('a', 'b')).toBe('unknown argument b');
    expect(parseFlags(['a'], SPECS)).toEqual({ ok: false, message: 'unknown argument a' });
  });
});
