import type { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';

/** What the warehouse holds for a set of acknowledged ids. */
export interface IdVerdict {
  acked: number;
  /** acked ids with exactly one (producer, id) row after FINAL: the pipeline's contract */
  presentOnce: number;
  /** acked ids with no row at all */
  lost: number;
  /** rows for one id under FINAL beyond the first (with one producer none can exist: ReplacingMergeTree's key) */
  finalDuplicates: number;
  /** rows in `events` without FINAL beyond one per id: ReplacingMergeTree copies not merged yet (informational) */
  physicalCopies: number;
  /** ids in the warehouse under this prefix that no 202 acknowledged (a request given up on, or a stray) */
  unacked: number;
}

/** The aggregates of some minutes against their recount from `events FINAL`. */
export interface AggregateVerdict {
  channelMinutesEqual: boolean;
  kpiMinutesEqual: boolean;
  /** per differing key: aggregate events minus recounted events, and both rows */
  channel: Map<string, { d: number; text: string }>;
  kpi: Map<string, { d: number; text: string }>;
}

type Row = Record<string, string | number>;

const key = (r: Row, cols: string[]) => cols.map((c) => String(r[c])).join('|');

function compare(agg: Row[], recount: Row[], keyCols: string[], label: string) {
  const a = new Map(agg.map((r) => [key(r, keyCols), r]));
  const b = new Map(recount.map((r) => [key(r, keyCols), r]));
  const diff = new Map<string, { d: number; text: string }>();
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    diff.set(k, {
      d: Number(x?.events ?? 0) - Number(y?.events ?? 0),
      text: `${label} ${k}: aggregate ${JSON.stringify(x ?? null)} recount ${JSON.stringify(y ?? null)}`,
    });
  }
  return { equal: agg.length > 0 && diff.size === 0, diff };
}

/** Checks the ids that start with `prefix-` against `acked`. */
export async function verifyIds(wh: ClickHouseWarehouse, prefix: string, acked: Set<string>): Promise<IdVerdict> {
  if (!/^[A-Za-z0-9-]+$/.test(prefix)) throw new Error(`bad prefix ${prefix}`);
  const like = `id LIKE '${prefix}-%'`;
  const physical = await wh.sql<{ id: string; c: string }>(`SELECT id, toInt64(count()) AS c FROM events WHERE ${like} GROUP BY id`);
  const final = await wh.sql<{ id: string; c: string }>(`SELECT id, toInt64(count()) AS c FROM events FINAL WHERE ${like} GROUP BY id`);
  const finalCount = new Map(final.map((r) => [r.id, Number(r.c)]));
  let presentOnce = 0;
  let lost = 0;
  let finalDuplicates = 0;
  for (const id of acked) {
    const c = finalCount.get(id) ?? 0;
    if (c === 0) lost++;
    else if (c === 1) presentOnce++;
    else finalDuplicates += c - 1;
  }
  return {
    acked: acked.size,
    presentOnce,
    lost,
    finalDuplicates,
    physicalCopies: physical.reduce((a, r) => a + Number(r.c) - 1, 0),
    unacked: final.filter((r) => !acked.has(r.id)).length,
  };
}

/**
 * The aggregates of the minutes [fromMs, toMs) against a recount from `events FINAL`, as
 * test/e2e/stack.integration.test.ts compares them: metric_channel_counts against a count per minute and channel,
 * kpi_minute_totals against kpi_recount_minutes.
 */
export async function verifyAggregates(wh: ClickHouseWarehouse, fromMs: number, toMs: number): Promise<AggregateVerdict> {
  const window = { from_ms: fromMs, to_ms: toMs, bucket_s: 60, channel: null };
  const channelAgg = await wh.query<Row>('metric_channel_counts', window);
  const channelRecount = await wh.sql<Row>(
    `SELECT toInt64(intDiv(occurred_at_ms, 60000) * 60000) AS bucket_ms, channel, toInt64(count()) AS events,
            toInt64(countIf(type = 'conversation.started')) AS conversations
     FROM events FINAL WHERE occurred_at_ms >= ${Math.trunc(fromMs)} AND occurred_at_ms < ${Math.trunc(toMs)}
     GROUP BY bucket_ms, channel ORDER BY bucket_ms, channel`,
  );
  const ch = compare(channelAgg, channelRecount, ['bucket_ms', 'channel'], 'channel minute');
  const range = { from_ms: fromMs, to_ms: toMs };
  const kpi = compare(
    await wh.query<Row>('kpi_minute_totals', range),
    await wh.query<Row>('kpi_recount_minutes', range),
    ['minute_ms', 'channel', 'source', 'team', 'agent', 'tag'],
    'KPI minute',
  );
  return { channelMinutesEqual: ch.equal, kpiMinutesEqual: kpi.equal, channel: ch.diff, kpi: kpi.diff };
}

/**
 * What changed between two aggregate verdicts: events counted beyond (over) or below (under) the recount that
 * were not so before, and the changed rows. An aggregate that was already off by 125 and still is adds nothing.
 */
export function newErrors(
  now: AggregateVerdict,
  before?: AggregateVerdict,
): { channelOver: number; channelUnder: number; kpiOver: number; kpiUnder: number; changed: string[] } {
  const delta = (a: Map<string, { d: number; text: string }>, b?: Map<string, { d: number; text: string }>) => {
    let over = 0;
    let under = 0;
    const changed: string[] = [];
    for (const k of new Set([...a.keys(), ...(b?.keys() ?? [])])) {
      const x = a.get(k);
      const y = b?.get(k);
      if (Boolean(x) === Boolean(y) && (x?.d ?? 0) === (y?.d ?? 0)) continue; // unchanged (the minute may have grown)
      const d = (x?.d ?? 0) - (y?.d ?? 0);
      if (d > 0) over += d;
      else under -= d;
      if (changed.length < 4) changed.push(x ? x.text : `${y!.text} (now equal)`);
    }
    return { over, under, changed };
  };
  const c = delta(now.channel, before?.channel);
  const k = delta(now.kpi, before?.kpi);
  return { channelOver: c.over, channelUnder: c.under, kpiOver: k.over, kpiUnder: k.under, changed: [...c.changed, ...k.changed] };
}
