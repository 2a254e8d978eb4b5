import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_TEXT_LENGTH, parseClientFrame, TokenBucket } from './protocol.js';
import { checkSite } from './site-keys.js';

describe('parseClientFrame', () => {
  it('accepts each frame type and trims message text', () => {
    expect(parseClientFrame('{"type":"hello","site_key":"pk_test_1","visitor_id":"visitor-123","last_seq":3}')).toMatchObject({
      ok: true,
      frame: { type: 'hello', last_seq: 3 },
    });
    expect(parseClientFrame('{"type":"message","client_msg_id":"m1","text":"  你好  "}')).toEqual({
      ok: true,
      frame: { type: 'message', client_msg_id: 'm1', text: '你好' },
    });
    for (const f of ['{"type":"typing"}', '{"type":"read","seq":4}', '{"type":"identify","email":"a@b.cn"}', '{"type":"ping"}'])
      expect(parseClientFrame(f).ok).toBe(true);
  });

  it('refuses bad JSON, unknown types and bad fields with ING_ERR_BAD_PAYLOAD', () => {
    expect(parseClientFrame('{nope')).toMatchObject({ ok: false, code: 'ING_ERR_BAD_PAYLOAD' });
    expect(parseClientFrame('{"type":"shout"}')).toMatchObject({ ok: false, code: 'ING_ERR_BAD_PAYLOAD' });
    expect(parseClientFrame('{"type":"hello","site_key":"k","visitor_id":"short"}')).toMatchObject({ ok: false, code: 'ING_ERR_BAD_PAYLOAD' });
    expect(parseClientFrame('{"type":"read","seq":-1}')).toMatchObject({ ok: false });
  });

  it('names the client_msg_id of a refused message so the client can drop it', () => {
    expect(parseClientFrame('{"type":"message","client_msg_id":"m2","text":"   "}')).toMatchObject({
      ok: false,
      code: 'ING_ERR_BAD_PAYLOAD',
      client_msg_id: 'm2',
    });
    const long = JSON.stringify({ type: 'message', client_msg_id: 'm3', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) });
    expect(parseClientFrame(long)).toMatchObject({ ok: false, code: 'ING_ERR_BAD_PAYLOAD', client_msg_id: 'm3' });
    expect(parseClientFrame('{"type":"message","client_msg_id":"m4","text":5}')).toMatchObject({ ok: false, client_msg_id: 'm4' });
  });

  it('refuses frames over the byte limit (multi-byte text counts in bytes)', () => {
    const big = JSON.stringify({ type: 'message', client_msg_id: 'm5', text: '中'.repeat(Math.ceil(MAX_FRAME_BYTES / 3) + 1) });
    expect(parseClientFrame(big)).toMatchObject({ ok: false, code: 'ING_ERR_BODY_TOO_LARGE' });
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket(3, 2, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([0, 0, 0]);
    expect(b.take(0)).toBe(500);
    expect(b.take(499)).toBeGreaterThan(0);
    expect(b.take(1000)).toBe(0);
  });
});

describe('checkSite', () => {
  const keys = [
    { key: 'pk_shop_1234', origins: ['https://shop.example', 'http://localhost:5173'] },
    { key: 'pk_any_1234', origins: ['*'] },
  ];
  it('checks key and origin', () => {
    expect(checkSite(keys, 'pk_shop_1234', 'https://shop.example')).toEqual({ ok: true });
    expect(checkSite(keys, 'pk_shop_1234', 'HTTP://LOCALHOST:5173')).toEqual({ ok: true });
    expect(checkSite(keys, 'pk_shop_1234', 'https://evil.example')).toEqual({ ok: false, reason: 'origin' });
    expect(checkSite(keys, 'pk_shop_1234', undefined)).toEqual({ ok: false, reason: 'origin' });
    expect(checkSite(keys, 'pk_nope_1234', 'https://shop.example')).toEqual({ ok: false, reason: 'unknown_key' });
    expect(checkSite(keys, 'pk_any_1234', undefined)).toEqual({ ok: true });
  });
});
