import { authHeaders } from './client.js';
import {
  FILTER_NAMES,
  KPI_UNITS,
  type DrillConversation,
  type DrillQuery,
  type GroupBy,
  type Granularity,
  type KpiUnit,
  type MetricFilters,
  type MetricQuery,
  type MetricSeries,
} from './metric-types.js';
import { prefersArrow } from './series-policy.js';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** Outcome of a KPI request: the data, a rejected key, or any other failure. Never thrown. */
export type MetricResult<T> = { kind: 'ok'; data: T } | { kind: 'unauthorized'; message: string } | { kind: 'error'; message: string };

/** A series plus the transport that brought it (the board shows it, the browser test checks it). */
export type LoadedSeries = MetricSeries & { transport: 'json' | 'arrow' };

function appendFilters(p: URLSearchParams, filters: MetricFilters | undefined): void {
  for (const name of FILTER_NAMES) {
    const v = filters?.[name];
    if (v) p.set(name, v);
  }
}

/** `/v1/metrics/{kpi}?from&to&granularity&group_by&<filters>` (times as ISO). */
export function metricUrl(q: MetricQuery): string {
  const p = new URLSearchParams({
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    granularity: q.granularity,
    group_by: q.group_by,
  });
  appendFilters(p, q.filters);
  return `/v1/metrics/${encodeURIComponent(q.kpi)}?${p.toString()}`;
}

/** `/v1/metrics/{kpi}/conversations?…`: one bucket (bucket, granularity, group_by, group) or a window (from, to). */
export function drillUrl(q: DrillQuery): string {
  const p = new URLSearchParams();
  if ('bucket' in q) {
    p.set('bucket', new Date(q.bucket).toISOString());
    p.set('granularity', q.granularity);
    p.set('group_by', q.group_by);
    if (q.group !== null) p.set('group', q.group);
  } else {
    p.set('from', new Date(q.from).toISOString());
    p.set('to', new Date(q.to).toISOString());
  }
  appendFilters(p, q.filters);
  return `/v1/metrics/${encodeURIComponent(q.kpi)}/conversations?${p.toString()}`;
}

async function failure(res: Response): Promise<MetricResult<never>> {
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { code?: string; message?: string };
    if (body?.message) message = `${body.code ?? res.status}: ${body.message}`;
  } catch {
    // not JSON: the status says enough
  }
  return res.status === 401 ? { kind: 'unauthorized', message } : { kind: 'error', message };
}

const errorOf = (err: unknown): MetricResult<never> => ({ kind: 'error', message: err instanceof Error ? err.message : String(err) });

/** Fills what a reply may leave out with what was asked for, so views can rely on every field. */
function normalise(q: MetricQuery, body: Partial<MetricSeries> & { series?: unknown }, meta: Record<string, string> = {}): MetricSeries {
  const unit = (body.unit ?? meta.unit ?? KPI_UNITS[q.kpi]) as KpiUnit;
  const series = Array.isArray(body.series) ? body.series : [];
  return {
    kpi: body.kpi ?? meta.kpi ?? q.kpi,
    unit,
    granularity: (body.granularity ?? meta.granularity ?? q.granularity) as Granularity,
    time_zone: body.time_zone ?? meta.time_zone ?? 'Asia/Shanghai',
    group_by: (body.group_by ?? meta.group_by ?? q.group_by) as GroupBy,
    from: body.from ?? new Date(q.from).toISOString(),
    to: body.to ?? new Date(q.to).toISOString(),
    // Older replies name the group `channel` only.
    series: series.map((p) => ({ ...p, group: p.group !== undefined ? p.group : ((p.channel as string | undefined) ?? null) })),
  };
}

/**
 * `GET /v1/metrics/{kpi}`: as Arrow IPC when `prefersArrow` says the series is long (the decoder is loaded
 * only then), as JSON otherwise. A server that answers an Arrow request with JSON is accepted too.
 */
export async function fetchMetric(fetchImpl: typeof fetch, key: string, q: MetricQuery, signal?: AbortSignal): Promise<MetricResult<LoadedSeries>> {
  const arrow = prefersArrow(q);
  let res: Response;
  try {
    res = await fetchImpl(metricUrl(q), { headers: authHeaders(key, arrow ? ARROW_STREAM : 'application/json'), cache: 'no-store', signal });
  } catch (err) {
    return errorOf(err);
  }
  if (!res.ok) return failure(res);
  try {
    const type = res.headers.get('content-type') ?? '';
    if (type.includes(ARROW_STREAM)) {
      const { decodeArrowSeries } = await import('./arrow-series.js');
      const decoded = decodeArrowSeries(new Uint8Array(await res.arrayBuffer()));
      return { kind: 'ok', data: { ...normalise(q, { series: decoded.series }, decoded.metadata), transport: 'arrow' } };
    }
    return { kind: 'ok', data: { ...normalise(q, (await res.json()) as Partial<MetricSeries>), transport: 'json' } };
  } catch (err) {
    return errorOf(err);
  }
}

/** `GET /v1/metrics/{kpi}/conversations`: the conversations behind a tile or a chart bucket. */
export async function fetchDrill(fetchImpl: typeof fetch, key: string, q: DrillQuery, signal?: AbortSignal): Promise<MetricResult<DrillConversation[]>> {
  let res: Response;
  try {
    res = await fetchImpl(drillUrl(q), { headers: authHeaders(key), cache: 'no-store', signal });
  } catch (err) {
    return errorOf(err);
  }
  if (!res.ok) return failure(res);
  try {
    const body = (await res.json()) as { conversations?: unknown };
    return { kind: 'ok', data: Array.isArray(body.conversations) ? (body.conversations as DrillConversation[]) : [] };
  } catch (err) {
    return errorOf(err);
  }
}
