import { describe, expect, it } from 'vitest';
import { extractKeyFromHash } from '../auth/session.js';
import { isNewer, minutesFromSearch } from './url.js';

describe('extractKeyFromHash', () => {
  it('reads the key and leaves nothing behind', () => {
    expect(extractKeyFromHash('#key=olk_abc123')).toEqual({ key: 'olk_abc123', rest: '' });
  });

  it('decodes and keeps other fragment parts', () => {
    expect(extractKeyFromHash('#view=board&key=a%2Bb%3D&x')).toEqual({ key: 'a+b=', rest: '#view=board&x' });
  });

  it('treats an empty or missing key as none', () => {
    expect(extractKeyFromHash('')).toEqual({ key: null, rest: '' });
    expect(extractKeyFromHash('#')).toEqual({ key: null, rest: '' });
    expect(extractKeyFromHash('#key=')).toEqual({ key: null, rest: '' });
    expect(extractKeyFromHash('#other=1')).toEqual({ key: null, rest: '#other=1' });
  });

  it('survives a malformed escape', () => {
    expect(extractKeyFromHash('#key=%E0%A4%A')).toEqual({ key: '%E0%A4%A', rest: '' });
  });
});

describe('minutesFromSearch', () => {
  it('reads a sane window and defaults otherwise', () => {
    expect(minutesFromSearch('?minutes=15')).toBe(15);
    expect(minutesFromSearch('')).toBe(60);
    expect(minutesFromSearch('?minutes=0')).toBe(60);
    expect(minutesFromSearch('?minutes=99999')).toBe(60);
    expect(minutesFromSearch('?minutes=abc')).toBe(60);
  });
});

describe('isNewer', () => {
  it('rejects snapshots older than the one shown', () => {
    const a = { generated_at: '2026-11-24T01:00:00.000Z' };
    const b = { generated_at: '2026-11-24T01:00:01.000Z' };
    expect(isNewer(null, a)).toBe(true);
    expect(isNewer(a, b)).toBe(true);
    expect(isNewer(b, a)).toBe(false);
    expect(isNewer(a, a)).toBe(true);
  });
});
