import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.js';
import { formatClock, formatInt, formatPercent } from './number.js';

describe('formatDuration', () => {
  it('formats seconds', () => {
    expect(formatDuration(25_000, 'en')).toBe('25s');
    expect(formatDuration(25_000, 'zh-CN')).toBe('25秒');
    expect(formatDuration(59_400, 'en')).toBe('59s');
  });

  it('formats minutes and seconds', () => {
    expect(formatDuration(80_000, 'en')).toBe('1m 20s');
    expect(formatDuration(80_000, 'zh-CN')).toBe('1分20秒');
    expect(formatDuration(120_000, 'en')).toBe('2m');
    expect(formatDuration(120_000, 'zh-CN')).toBe('2分钟');
  });

  it('rounds to the nearest second, carrying into minutes', () => {
    expect(formatDuration(59_600, 'en')).toBe('1m');
    expect(formatDuration(31_499, 'en')).toBe('31s');
  });

  it('formats hours', () => {
    expect(formatDuration(3_900_000, 'en')).toBe('1h 5m');
    expect(formatDuration(3_900_000, 'zh-CN')).toBe('1小时5分');
    expect(formatDuration(7_200_000, 'en')).toBe('2h');
    expect(formatDuration(7_200_000, 'zh-CN')).toBe('2小时');
  });

  it('handles zero, sub-second and missing values', () => {
    expect(formatDuration(0, 'en')).toBe('0s');
    expect(formatDuration(0, 'zh-CN')).toBe('0秒');
    expect(formatDuration(300, 'en')).toBe('<1s');
    expect(formatDuration(300, 'zh-CN')).toBe('<1秒');
    expect(formatDuration(700, 'en')).toBe('1s');
    expect(formatDuration(null, 'en')).toBe('—');
    expect(formatDuration(undefined, 'zh-CN')).toBe('—');
    expect(formatDuration(Number.NaN, 'en')).toBe('—');
    expect(formatDuration(-5, 'en')).toBe('—');
  });
});

describe('number formatting', () => {
  it('groups thousands', () => {
    expect(formatInt(1234567, 'en')).toBe('1,234,567');
    expect(formatInt(1234, 'zh-CN')).toBe('1,234');
  });

  it('formats shares', () => {
    expect(formatPercent(0.125, 'en')).toBe('12.5%');
    expect(formatPercent(1 / 3, 'zh-CN')).toBe('33.3%');
    expect(formatPercent(Number.NaN, 'en')).toBe('0%');
  });
});

describe('formatClock in a zone', () => {
  it('writes the instant in the given zone, the board header and drill rows alike', () => {
    expect(formatClock('2026-11-24T06:01:05.000Z', 'en', 'Asia/Shanghai')).toBe('14:01:05');
    expect(formatClock('2026-11-24T06:01:05.000Z', 'en', 'America/New_York')).toBe('01:01:05');
    expect(formatClock('2026-11-24T06:01:05.000Z', 'en', 'Not/AZone')).toMatch(/^\d\d:01:05$/);
  });
});
