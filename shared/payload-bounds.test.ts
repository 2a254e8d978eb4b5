import { describe, expect, it } from 'vitest';
import { validateEvent } from './envelope.js';
import { checkBounds, hasLoneSurrogate, NUMBER_BOUNDS, PAYLOAD_BOUNDS } from './payload-bounds.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const base = { id: 'e1', type: 'touchpoint', channel: 'web', occurred_at: '2026-11-24T11:59:00Z', customer: { external_id: 'c1' } };

/** Builds {a:{a:…}} `depth` levels deep without recursion (JSON.stringify itself would overflow). */
function nested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let at = root;
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    at.a = next;
    at = next;
  }
  return root;
}

describe('checkBounds', () => {
  it('walks 200,000 levels without overflowing the stack and names the depth', () => {
    const v = checkBounds(nested(200_000));
    expect(v?.code).toBe('ING_ERR_TOO_DEEP');
  });
  it('accepts nesting up to the documented depth', () => {
    expect(checkBounds({ properties: nested(PAYLOAD_BOUNDS.maxDepth - 2) })).toBeNull();
    expect(checkBounds({ properties: nested(PAYLOAD_BOUNDS.maxDepth) })?.code).toBe('ING_ERR_TOO_DEEP');
  });
  it('finds lone surrogates in values and keys, and accepts pairs', () => {
    expect(hasLoneSurrogate('a\ud800b')).toBe(true);
    expect(hasLoneSurrogate('a\udc00')).toBe(true);
    expect(hasLoneSurrogate('end\ud83d')).toBe(true);
    expect(hasLoneSurrogate('emoji 😀 ok')).toBe(false);
    expect(checkBounds({ p: { ['k\ud800']: 1 } })?.code).toBe('ING_ERR_BAD_UNICODE');
    expect(checkBounds({ p: ['x', 'y\udfff'] })?.message).toContain('event.p[1]');
  });
  it('refuses long strings, too many values and non-finite or huge numbers', () => {
    expect(checkBounds({ t: 'x'.repeat(PAYLOAD_BOUNDS.maxStringLength + 1) })?.code).toBe('ING_ERR_TOO_LARGE_VALUE');
    expect(checkBounds({ list: new Array(PAYLOAD_BOUNDS.maxNodes).fill(1) })?.code).toBe('ING_ERR_TOO_LARGE_VALUE');
    expect(checkBounds({ n: Infinity })?.code).toBe('ING_ERR_OUT_OF_RANGE');
    expect(checkBounds({ n: NaN })?.code).toBe('ING_ERR_OUT_OF_RANGE');
    expect(checkBounds({ n: -1e21 })?.code).toBe('ING_ERR_OUT_OF_RANGE');
    expect(checkBounds({ n: 1.7e18 })).toBeNull();
  });
});

describe('validateEvent bounds', () => {
  it.each([
    [{ ...base, properties: nested(6000) }, 'ING_ERR_TOO_DEEP'],
    [{ ...base, type: 'message.received', properties: { text: 'a\ud800b' } }, 'ING_ERR_BAD_UNICODE'],
    [{ ...base, customer: { external_id: 'c\udc00' } }, 'ING_ERR_BAD_UNICODE'],
    [{ ...base, type: 'deal.won', properties: { value: 1.7e308 } }, 'ING_ERR_OUT_OF_RANGE'],
    [{ ...base, type: 'deal.won', properties: { value: NUMBER_BOUNDS.moneyMax * 2 } }, 'ING_ERR_OUT_OF_RANGE'],
    [{ ...base, type: 'opportunity.created', properties: { value: Infinity } }, 'ING_ERR_OUT_OF_RANGE'],
    [{ ...base, properties: { score: JSON.parse('1e400') as number } }, 'ING_ERR_OUT_OF_RANGE'],
  ])('rejects %#', (input, code) => {
    const r = validateEvent(input, 'p', NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });
  it('accepts a deal at the documented maximum', () => {
    expect(validateEvent({ ...base, type: 'deal.won', properties: { value: NUMBER_BOUNDS.moneyMax } }, 'p', NOW).ok).toBe(true);
  });
});
