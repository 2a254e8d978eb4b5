import { describe, expect, it } from 'vitest';
import { translator, type Locale } from '../../i18n/index.js';
import { sampleBoard } from '../options/fixture.js';
import { KPI_TILES } from './kpi-definitions.js';
import { formatKpiValue } from './kpi-format.js';

const ctx = (locale: Locale) => ({ locale, t: translator(locale) });
const tile = (id: string) => KPI_TILES.find((t) => t.testid === id)!;
const shown = (id: string, locale: Locale = 'en') => {
  const def = tile(id);
  return def.format(def.value(sampleBoard()), ctx(locale));
};

describe('KPI tiles', () => {
  it('cover every KPI of the snapshot summary, each drilling into a KPI except the bot tiles', () => {
    expect(KPI_TILES.map((t) => t.testid)).toEqual([
      'tile-inquiries',
      'tile-inquiry-to-opportunity',
      'tile-opportunity-to-deal',
      'tile-deals',
      'tile-deal-value',
      'tile-csat',
      'tile-csat-satisfied',
      'tile-nps',
      'tile-complaint-rate',
      'tile-response-p50',
      'tile-response-p90',
      'tile-sla',
      'tile-queue-length',
      'tile-agent-load',
      'tile-bot-resolved',
      'tile-bot-handoff',
    ]);
    expect(KPI_TILES.filter((t) => !t.testid.startsWith('tile-bot')).every((t) => t.drill && !t.breakdown)).toBe(true);
    expect(KPI_TILES.filter((t) => t.testid.startsWith('tile-bot')).every((t) => !t.drill)).toBe(true);
  });

  it('show the bot share with CSAT bot against person, and the handoff rate, in both languages', () => {
    expect(shown('tile-bot-resolved')).toBe('25%');
    expect(shown('tile-bot-handoff', 'zh-CN')).toBe('40%');
    const note = (locale: Locale) => tile('tile-bot-resolved').note(sampleBoard(), ctx(locale));
    expect(note('en')).toBe('CSAT bot 4.2 · person 4.5');
    expect(note('zh-CN')).toBe('满意度 机器人 4.2 · 人工 4.5');
  });

  it('format values by unit in both languages', () => {
    expect(shown('tile-inquiries')).toBe('3');
    expect(shown('tile-inquiry-to-opportunity')).toBe('33.3%');
    expect(shown('tile-opportunity-to-deal')).toBe('100%');
    expect(shown('tile-deal-value')).toBe('¥1,288.5');
    expect(shown('tile-csat')).toBe('4');
    expect(shown('tile-csat-satisfied')).toBe('50%');
    expect(shown('tile-nps')).toBe('+50');
    expect(shown('tile-complaint-rate')).toBe('0%');
    expect(shown('tile-response-p50')).toBe('30s');
    expect(shown('tile-response-p90', 'zh-CN')).toBe('1分30秒');
    expect(shown('tile-queue-length')).toBe('1.3');
    expect(shown('tile-agent-load')).toBe('50%');
  });

  it('show "—" for no data, and for a snapshot without KPIs', () => {
    expect(shown('tile-sla')).toBe('—');
    const b = sampleBoard();
    b.kpis = null;
    expect(tile('tile-inquiries').value(b)).toBeNull();
    expect(tile('tile-inquiries').format(null, ctx('zh-CN'))).toBe('—');
    expect(tile('tile-inquiry-to-opportunity').note(b, ctx('en'))).toBeNull();
  });

  it('explain conversion rates with their counts', () => {
    expect(tile('tile-inquiry-to-opportunity').note(sampleBoard(), ctx('en'))).toBe('1 of 3 inquiries');
    expect(tile('tile-opportunity-to-deal').note(sampleBoard(), ctx('zh-CN'))).toBe('1 个商机中 1 个');
  });
});

describe('formatKpiValue', () => {
  it('signs NPS, keeps negative money readable and rejects non-finite input', () => {
    expect(formatKpiValue(-12.5, 'nps', 'en')).toBe('-12.5');
    expect(formatKpiValue(0, 'nps', 'en')).toBe('0');
    expect(formatKpiValue(-3, 'currency', 'zh-CN')).toBe('-¥3');
    expect(formatKpiValue(4.256, 'score', 'en')).toBe('4.26');
    expect(formatKpiValue(Number.NaN, 'count', 'en')).toBe('—');
    expect(formatKpiValue(undefined, 'ratio', 'en')).toBe('—');
  });
});
