import { describe, expect, it } from 'vitest';
import { translator } from '../../i18n/index.js';
import { sampleBoard } from '../options/fixture.js';
import { TILES } from './definitions.js';

const ctx = { locale: 'zh-CN' as const, t: translator('zh-CN') };
const tile = (id: string) => TILES.find((t) => t.testid === id)!;

describe('KPI tiles', () => {
  it('are the four the browser test looks for', () => {
    expect(TILES.map((t) => t.testid)).toEqual(['tile-events', 'tile-conversations', 'tile-frt-p50', 'tile-frt-p90']);
  });

  it('take their values from the totals', () => {
    const b = sampleBoard();
    expect(tile('tile-events').value(b)).toBe(33);
    expect(tile('tile-conversations').value(b)).toBe(6);
    expect(tile('tile-frt-p50').value(b)).toBe(25000);
    expect(tile('tile-frt-p90').format(tile('tile-frt-p90').value(b), ctx)).toBe('1分20秒');
    expect(tile('tile-frt-p50').note(b, ctx)).toBe('基于 4 个会话');
  });

  it('break counts down by channel, largest first, with shares', () => {
    const rows = tile('tile-events').breakdown!(sampleBoard(), ctx);
    expect(rows.map((r) => [r.channel, r.label, r.raw])).toEqual([
      ['web', '网站', 20],
      ['wechat', '微信', 10],
      ['fax', 'fax', 3],
    ]);
    expect(rows.reduce((s, r) => s + (r.share ?? 0), 0)).toBeCloseTo(1);
  });

  it('break percentiles down by channel, leaving out channels with no responses', () => {
    const rows = tile('tile-frt-p90').breakdown!(sampleBoard(), ctx);
    expect(rows.map((r) => [r.channel, r.raw, r.text, r.note])).toEqual([
      ['web', 90000, '1分30秒', 'n=2'],
      ['wechat', 40000, '40秒', 'n=2'],
    ]);
  });

  it('show a dash for a percentile with no data', () => {
    const b = sampleBoard();
    b.totals.first_response = { count: 0, avg_ms: null, p50_ms: null, p90_ms: null };
    expect(tile('tile-frt-p50').value(b)).toBeNull();
    expect(tile('tile-frt-p50').format(null, ctx)).toBe('—');
  });
});
