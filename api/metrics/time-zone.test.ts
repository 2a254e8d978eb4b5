import { describe, expect, it } from 'vitest';
import { isTimeZone, labelToInstant, offsetAt, tzParams, wholeWindow } from './time-zone.js';

describe('KPI time zones', () => {
  it('reads offsets, including a non-whole-hour one', () => {
    expect(offsetAt('Asia/Kolkata', Date.UTC(2025, 0, 1))).toBe(5.5 * 3600_000);
    expect(offsetAt('Asia/Shanghai', Date.UTC(2025, 6, 1))).toBe(8 * 3600_000);
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('finds each offset change to the second and maps labels back to instants', () => {
    expect(tzParams('America/New_York', Date.UTC(2025, 0, 1), Date.UTC(2025, 11, 31))).toEqual({
      tz_offset_ms: -5 * 3600_000,
      tz_change_at_ms: [Date.UTC(2025, 2, 9, 7), Date.UTC(2025, 10, 2, 6)],
      tz_change_offset_ms: [-4 * 3600_000, -5 * 3600_000],
    });
    expect(tzParams('Asia/Shanghai', Date.UTC(2025, 0, 1), Date.UTC(2025, 11, 31)).tz_change_at_ms).toEqual([]);
    expect(labelToInstant('Asia/Shanghai', Date.UTC(2025, 2, 3))).toBe(Date.UTC(2025, 2, 2, 16));
    expect(labelToInstant('Asia/Kolkata', Date.UTC(2025, 2, 3, 9))).toBe(Date.UTC(2025, 2, 3, 3, 30));
    // New York's local midnight on the day clocks go forward is still EST.
    expect(labelToInstant('America/New_York', Date.UTC(2025, 2, 9))).toBe(Date.UTC(2025, 2, 9, 5));
    expect(labelToInstant('America/New_York', Date.UTC(2025, 2, 10))).toBe(Date.UTC(2025, 2, 10, 4));
  });

  it('puts a whole window into one bucket', () => {
    const w = wholeWindow(1_000_000, 4_600_000);
    expect(w).toEqual({ bucket_s: 3600, tz_offset_ms: -1_000_000, tz_change_at_ms: [], tz_change_offset_ms: [] });
  });
});
