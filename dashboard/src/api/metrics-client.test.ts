import { Float64, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { asFiringAlerts, asKpiSummary } from './kpi-snapshot.js';
import { ARROW_STREAM, drillUrl, fetchMetric, fetchDrill, metricUrl } from './metrics-client.js';
import type { MetricQuery } from './metric-types.js';
import { expectedBuckets, prefersArrow } from './series-policy.js';
import { asBoardSnapshot } from './types.js';

const T0 = Date.parse('2026-11-24T00:00:00.000Z');
const HOUR = 3_600_000;
const q = (over: Partial<MetricQuery> = {}): MetricQuery => ({
  kpi: 'inquiries',
  from: T0,
  to: T0 + HOUR,
  granularity: 'minute',
  group_by: 'channel',
  ...over,
});

function arrowBody(): Uint8Array {
  const table = new Table({
    bucket: vectorFromArray([T0, T0 + 60_000], new TimestampMillisecond()),
    group: vectorFromArray(['web', null], new Utf8()),
    value: vectorFromArray([2, null], new Float64()),
    count: vectorFromArray([2, 0], new Float64()),
  });
  return tableToIPC(table, 'stream');
}

/** A fetch that records the request and answers with the given body and content type. */
function fakeFetch(status: number, body: string | Uint8Array, type: string) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const f = (async (url: string, init?: RequestInit) => {
    calls.push({ url, headers: init?.headers as Record<string, string> });
    return new Response(body as BodyInit, { status, headers: { 'content-type': type } });
  }) as unknown as typeof fetch;
  return { f, calls };
}

describe('metric URLs', () => {
  it('puts times as ISO, granularity, grouping and only the filters given', () => {
    const url = metricUrl(q({ kpi: 'csat', filters: { channel: 'web', tag: '' } }));
    expect(url).toBe('/v1/metrics/csat?from=2026-11-24T00%3A00%3A00.000Z&to=2026-11-24T01%3A00%3A00.000Z&granularity=minute&group_by=channel&channel=web');
  });

  it('drills into one bucket of one group, or into a window', () => {
    expect(drillUrl({ kpi: 'deals', bucket: T0, granularity: 'hour', group_by: 'agent', group: 'a 1' })).toBe(
      '/v1/metrics/deals/conversations?bucket=2026-11-24T00%3A00%3A00.000Z&granularity=hour&group_by=agent&group=a+1',
    );
    expect(drillUrl({ kpi: 'deals', bucket: T0, granularity: 'hour', group_by: 'none', group: null })).not.toContain('group=');
    expect(drillUrl({ kpi: 'inquiries', from: T0, to: T0 + HOUR })).toBe(
      '/v1/metrics/inquiries/conversations?from=2026-11-24T00%3A00%3A00.000Z&to=2026-11-24T01%3A00%3A00.000Z',
    );
  });
});

describe('prefersArrow', () => {
  it('keeps short series as JSON', () => {
    expect(expectedBuckets(q())).toBe(60);
    expect(prefersArrow(q())).toBe(false);
    expect(prefersArrow(q({ granularity: 'hour', to: T0 + 7 * 24 * HOUR, group_by: 'none' }))).toBe(false); // 168 points
  });

  it('asks for Arrow past 500 expected points, and always for minute granularity over more than 6 hours', () => {
    expect(prefersArrow(q({ granularity: 'hour', to: T0 + 7 * 24 * HOUR }))).toBe(true); // 168 × 3 groups
    expect(prefersArrow(q({ to: T0 + 6 * HOUR, group_by: 'none' }))).toBe(false); // 360 buckets, exactly 6 h
    expect(prefersArrow(q({ to: T0 + 6 * HOUR + 60_000, group_by: 'none' }))).toBe(true);
    expect(prefersArrow(q({ granularity: 'day', to: T0 + 30 * 24 * HOUR }))).toBe(false);
  });
});

describe('fetchMetric', () => {
  it('decodes an Arrow IPC reply into the same points as JSON, filling metadata from the query', async () => {
    const { f, calls } = fakeFetch(200, arrowBody(), ARROW_STREAM);
    const res = await fetchMetric(f, 'k', q({ kpi: 'first_response', to: T0 + 24 * HOUR }));
    expect(calls[0].headers.Accept).toBe(ARROW_STREAM);
    expect(calls[0].headers['X-CSRF-Token']).toBe('k');
    expect(calls[0].headers.Authorization).toBeUndefined();
    if (res.kind !== 'ok') throw new Error(res.message);
    expect(res.data.transport).toBe('arrow');
    expect(res.data.unit).toBe('ms');
    expect(res.data.series).toEqual([
      { bucket: '2026-11-24T00:00:00.000Z', group: 'web', value: 2, count: 2 },
      { bucket: '2026-11-24T00:01:00.000Z', group: null, value: null, count: 0 },
    ]);
  });

  it('reads JSON, taking the group from `channel` when an older reply has no `group`', async () => {
    const body = {
      kpi: 'events',
      unit: 'count',
      granularity: 'minute',
      from: 'a',
      to: 'b',
      series: [{ bucket: '2026-11-24T00:00:00.000Z', channel: 'web', value: 4 }],
    };
    const { f, calls } = fakeFetch(200, JSON.stringify(body), 'application/json');
    const res = await fetchMetric(f, 'k', q({ kpi: 'events' }));
    expect(calls[0].headers.Accept).toBe('application/json');
    if (res.kind !== 'ok') throw new Error(res.message);
    expect(res.data.transport).toBe('json');
    expect(res.data.group_by).toBe('channel');
    expect(res.data.series[0].group).toBe('web');
  });

  it('reports a rejected key and server errors with their code', async () => {
    const denied = await fetchMetric(fakeFetch(401, '{"code":"API_ERR_UNAUTHORIZED","message":"no"}', 'application/json').f, 'k', q());
    expect(denied).toEqual({ kind: 'unauthorized', message: 'API_ERR_UNAUTHORIZED: no' });
    const missing = await fetchDrill(fakeFetch(404, '{"code":"API_ERR_NOT_FOUND","message":"unknown kpi"}', 'application/json').f, 'k', {
      kpi: 'deals',
      from: 0,
      to: 1,
    });
    expect(missing).toEqual({ kind: 'error', message: 'API_ERR_NOT_FOUND: unknown kpi' });
  });
});

describe('snapshot KPIs and alerts', () => {
  it('normalises numbers, numeric strings and nulls, and is null when absent', () => {
    const k = asKpiSummary({ inquiries: '3', deal_value: 12.5, nps: null, csat_avg: 'x' }, 60)!;
    expect(k.window_minutes).toBe(60);
    expect(k.inquiries).toBe(3);
    expect(k.deal_value).toBe(12.5);
    expect(k.nps).toBeNull();
    expect(k.csat_avg).toBeNull();
    expect(k.agent_load).toBeNull();
    expect(asKpiSummary(undefined, 60)).toBeNull();
  });

  it('keeps well-formed alerts and drops the rest', () => {
    const alerts = asFiringAlerts([
      { rule_id: 'frt_p90', kpi: 'first_response', stat: 'p90', op: '>', threshold: 60000, value: '90000', since: 'x', message_en: 'slow', message_zh: '慢' },
      { kpi: 'x' },
      null,
    ]);
    expect(alerts).toEqual([
      { rule_id: 'frt_p90', kpi: 'first_response', stat: 'p90', op: '>', threshold: 60000, value: 90000, since: 'x', message_en: 'slow', message_zh: '慢' },
    ]);
    expect(asFiringAlerts('nope')).toEqual([]);
  });

  it('are part of the board snapshot, defaulting when the server has not sent them', () => {
    const b = asBoardSnapshot({ generated_at: 'x', window_minutes: 5, totals: { events: 1, conversations: 1 } })!;
    expect(b.kpis).toBeNull();
    expect(b.alerts).toEqual([]);
  });
});
