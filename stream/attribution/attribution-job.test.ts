import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import type { AttributionResultRow } from '../../shared/tables.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { AttributionJob, JOB_MODELS } from './attribution-job.js';
import { knownAnswerEvents, toEventRows } from './journey-fixtures.js';

const END = Date.parse('2026-11-24T12:00:00Z');

type Row = Record<string, unknown>;
let wh: DuckDbWarehouse;
const clock = manualClock(END);
const job = (extra: Partial<ConstructorParameters<typeof AttributionJob>[0]> = {}) =>
  new AttributionJob({ warehouse: wh, clock, log: silentLogger(), intervalMs: 60_000, lookbackDays: 30, bootstrapResamples: 50, ...extra });

beforeEach(async () => {
  clock.set(END);
  wh = await DuckDbWarehouse.open(':memory:');
  await wh.migrate();
});
afterEach(async () => {
  await wh.close();
});

describe('AttributionJob', () => {
  it('builds journeys from the warehouse and stores every model with the known answer', async () => {
    await wh.append('events', toEventRows(knownAnswerEvents(END), END));
    const summary = await job().runOnce();
    expect(summary).toMatchObject({ journeys: 3, conversions: 3, value: 600, nulls: 0, open: 2, unattributed_conversions: 0, channels: ['ad', 'web_chat'] });
    expect(summary.models).toEqual(JOB_MODELS);
    expect(summary.window_to).toBe(END);
    expect(summary.window_from).toBe(END - 30 * 86_400_000);

    const rows = await wh.query<Row>('attribution_latest', { from_ms: null, to_ms: null });
    expect(rows).toHaveLength(JOB_MODELS.length * 2);
    const get = (model: string, channel: string) => rows.find((r) => r.model === model && r.channel === channel)!;
    expect(Number(get('markov', 'ad').conversions)).toBeCloseTo(2, 9);
    expect(Number(get('markov', 'web_chat').conversions)).toBeCloseTo(1, 9);
    expect(Number(get('markov', 'ad').value)).toBeCloseTo(400, 9);
    expect(Number(get('markov', 'ad').removal_effect)).toBeCloseTo(1, 9);
    expect(Number(get('markov', 'web_chat').removal_effect)).toBeCloseTo(0.5, 9);
    expect(Number(get('markov', 'ad').model_order)).toBe(1);
    expect(Number(get('shapley', 'ad').conversions)).toBeCloseTo(2, 9);
    expect(Number(get('first', 'ad').conversions)).toBe(3);
    expect(Number(get('last', 'web_chat').conversions)).toBe(0);
    expect(Number(get('linear', 'ad').conversions)).toBeCloseTo(0.5 + 0.6 + 1, 9);
    expect(get('first', 'ad').removal_effect).toBeNull();
    expect(Number(get('first', 'ad').model_order)).toBe(0);
    for (const r of rows) {
      expect(Number(r.journeys)).toBe(3);
      expect(Number(r.conversions_lower)).toBeLessThanOrEqual(Number(r.conversions_upper));
      expect(Number(r.window_to_ms)).toBe(END);
    }

    const tr = await wh.query<Row>('attribution_transitions_latest', { from_ms: null, to_ms: null });
    const p = (from: string, to: string) => Number(tr.find((t) => t.from_state === from && t.to_state === to)?.probability ?? 0);
    expect(p('(start)', 'ad')).toBe(1);
    // out of ad: ad 2, web_chat 3, conversion 3 (of 8)
    expect(p('ad', 'web_chat')).toBeCloseTo(3 / 8, 12);
    expect(p('ad', '(conversion)')).toBeCloseTo(3 / 8, 12);
    for (const from of new Set(tr.map((t) => String(t.from_state)))) {
      const sum = tr.filter((t) => t.from_state === from).reduce((s, t) => s + Number(t.probability), 0);
      expect(sum).toBeCloseTo(1, 12);
    }
  });

  it('returns the latest run per model and honours a window filter', async () => {
    await wh.append('events', toEventRows(knownAnswerEvents(END), END));
    const j = job({ bootstrapResamples: 0 });
    const first = await j.runOnce();
    clock.advance(1000);
    const second = await j.runOnce();
    expect(second.run_id).not.toBe(first.run_id);
    const rows = await wh.query<Row>('attribution_latest', { from_ms: null, to_ms: null });
    expect(new Set(rows.map((r) => r.run_id))).toEqual(new Set([second.run_id]));
    expect(rows[0].conversions_lower).toBeNull();
    const older = await wh.query<Row>('attribution_latest', { from_ms: null, to_ms: END });
    expect(new Set(older.map((r) => r.run_id))).toEqual(new Set([first.run_id]));
    // an explicit window: only the journeys that ended in it
    const narrow = await j.runOnce({ from: END - 2.5 * 86_400_000, to: END });
    expect(narrow).toMatchObject({ journeys: 2, conversions: 2, value: 500 });
  });

  it('runs on schedule only when new conversions arrived', async () => {
    const j = job({ bootstrapResamples: 0 });
    expect(await j.check()).toBe(false); // nothing at all
    await wh.append('events', toEventRows(knownAnswerEvents(END), END));
    expect(await j.check()).toBe(true);
    expect(await j.check()).toBe(false); // nothing new
    const more = knownAnswerEvents(END, 'kb').filter((e) => e.type !== 'deal.won');
    await wh.append('events', toEventRows(more, END + 1));
    expect(await j.check()).toBe(false); // touches alone do not trigger a run
    await wh.append('events', toEventRows(knownAnswerEvents(END, 'kb'), END + 2));
    expect(await j.check()).toBe(true);
    expect(j.status().last_run?.conversions).toBe(6);
  });

  it('start() checks at once and on an interval; stop() waits for the run', async () => {
    await wh.append('events', toEventRows(knownAnswerEvents(END), END));
    const j = job({ intervalMs: 20, bootstrapResamples: 0 });
    j.start();
    await expect.poll(() => j.status().last_run?.journeys, { timeout: 5000 }).toBe(3);
    await j.stop();
    const rows = await wh.query<Row>('attribution_latest', { from_ms: null, to_ms: null });
    expect(rows.length).toBeGreaterThan(0);
  });

  it('stores nothing but reports a run when there are no journeys', async () => {
    const s = await job().runOnce();
    expect(s).toMatchObject({ journeys: 0, result_rows: 0, models: [] });
    expect(await wh.query('attribution_latest', { from_ms: null, to_ms: null })).toEqual([]);
    expect(await wh.query('attribution_transitions_latest', { from_ms: null, to_ms: null })).toEqual([]);
  });

  it('appending a run again is idempotent', async () => {
    await wh.append('events', toEventRows(knownAnswerEvents(END), END));
    await job({ bootstrapResamples: 0 }).runOnce();
    const before = await wh.sql<Row>('SELECT count(*) AS n FROM attribution_results');
    const rows = await wh.sql<Row>(
      'SELECT run_id, epoch_ms(run_at) AS run_at, model, model_order, epoch_ms(window_from) AS window_from, epoch_ms(window_to) AS window_to, channel, removal_effect, conversions, value, conversions_lower, conversions_upper, value_lower, value_upper, journeys FROM attribution_results',
    );
    await wh.append(
      'attribution_results',
      rows.map((r) => ({ ...r, run_at: Number(r.run_at), window_from: Number(r.window_from), window_to: Number(r.window_to) }) as AttributionResultRow),
    );
    expect(await wh.sql<Row>('SELECT count(*) AS n FROM attribution_results')).toEqual(before);
  });
});

describe('funnel query', () => {
  it('counts inquiry → opportunity → deal per channel, source and segment with a per-step window', async () => {
    await wh.append('events', toEventRows(knownAnswerEvents(END), END));
    const q = (by: string, window_h = 24) => wh.query<Row>('funnel', { from_ms: END - 7 * 86_400_000, to_ms: END, window_ms: window_h * 3_600_000, by });
    const num = (rows: Row[]) =>
      rows.map((r) => ({
        ...r,
        ...Object.fromEntries(
          Object.entries(r)
            .filter(([k]) => k !== 'key')
            .map(([k, v]) => [k, v === null ? null : Number(v)]),
        ),
      }));
    const byChannel = num(await q('channel'));
    expect(byChannel).toEqual([
      {
        key: 'web',
        inquiries: 3,
        opportunities: 3,
        deals: 2,
        deal_value: 300,
        avg_inquiry_to_opportunity_ms: 240_000,
        avg_opportunity_to_deal_ms: 79 * 60_000,
        avg_inquiry_to_deal_ms: 80 * 60_000,
      },
      {
        key: 'wechat',
        inquiries: 1,
        opportunities: 0,
        deals: 0,
        deal_value: 0,
        avg_inquiry_to_opportunity_ms: null,
        avg_opportunity_to_deal_ms: null,
        avg_inquiry_to_deal_ms: null,
      },
    ]);
    const bySource = num(await q('source'));
    expect(bySource.map((r) => [r.key, r.inquiries, r.opportunities, r.deals])).toEqual([
      ['baidu', 2, 1, 0],
      ['google', 2, 2, 2],
    ]);
    const bySegment = num(await q('segment'));
    expect(bySegment.map((r) => [r.key, r.inquiries, r.deals])).toEqual([
      ['normal', 3, 1],
      ['VIP', 1, 1],
    ]);
    // a one-hour window per step: the deals (79 min after the opportunity) fall outside it
    const tight = num(await q('channel', 1));
    expect(tight[0]).toMatchObject({ key: 'web', opportunities: 3, deals: 0 });
  });
});
