import type { ErasableTable, EraseWhere } from '../shared/erasure.js';
import type { Logger } from '../shared/logger.js';
import { secondsSince, type MetricsRegistry } from '../shared/metrics.js';
import type { OutageLog } from '../shared/outage-log.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { RowOf, TableName } from '../shared/tables.js';

export interface ObservedWarehouseOptions {
  metrics: MetricsRegistry;
  log: Logger;
  /** A write outstanding longer than this is logged at warn, once per write and then every interval, ms. */
  stallWarnMs: number;
  outages?: OutageLog;
  /** How often outstanding writes are checked, ms (default a quarter of stallWarnMs, at most 5 s). */
  checkEveryMs?: number;
}

interface Outstanding {
  table: string;
  rows: number;
  since: number;
  startNs: bigint;
  warnedAt?: number;
}

/**
 * The stream worker's sink seen from the outside: write latency and errors per table
 * (omnilane_sink_*), the oldest outstanding write, and a warn line when a write has been
 * outstanding longer than `stallWarnMs` (a frozen ClickHouse answers nothing for its whole
 * request timeout; without this the log stays silent). Same contract as the wrapped warehouse.
 */
export class ObservedWarehouse implements Warehouse {
  private readonly outstanding = new Set<Outstanding>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly inner: Warehouse,
    private readonly o: ObservedWarehouseOptions,
  ) {
    const { metrics } = o;
    metrics.onCollect(() => {
      const oldest = Math.min(Date.now(), ...[...this.outstanding].map((w) => w.since));
      metrics
        .gauge('omnilane_sink_writes_outstanding', 'Warehouse writes of the stream worker sent and not yet answered.')
        .set(undefined, this.outstanding.size);
      metrics
        .gauge('omnilane_sink_oldest_write_seconds', 'Age of the oldest outstanding warehouse write (0 when none): a stalled sink grows it.')
        .set(undefined, (Date.now() - oldest) / 1000);
    });
    this.timer = setInterval(() => this.checkStalls(), o.checkEveryMs ?? Math.min(5000, Math.max(50, o.stallWarnMs / 4)));
    this.timer.unref();
  }

  private checkStalls(): void {
    const now = Date.now();
    for (const w of this.outstanding) {
      const age = now - w.since;
      if (age < this.o.stallWarnMs || (w.warnedAt !== undefined && now - w.warnedAt < this.o.stallWarnMs)) continue;
      w.warnedAt = now;
      this.o.log.warn(
        { engine: 'warehouse', table: w.table, rows: w.rows, seconds: Math.round(age / 100) / 10, outstanding: this.outstanding.size },
        `warehouse write to ${w.table} outstanding for ${Math.round(age / 1000)} s: the sink is stalled`,
      );
    }
  }

  private async track<T>(table: string, rows: number, op: string, fn: () => Promise<T>): Promise<T> {
    const w: Outstanding = { table, rows, since: Date.now(), startNs: process.hrtime.bigint() };
    this.outstanding.add(w);
    try {
      const r = await fn();
      this.o.metrics
        .histogram('omnilane_sink_write_duration_seconds', 'Warehouse write latency of the stream worker (append per table, discard), seconds.')
        .observe({ table, op }, secondsSince(w.startNs));
      return r;
    } catch (err) {
      const code = String((err as { code?: string | number } | null)?.code ?? 'unknown');
      this.o.metrics
        .counter('omnilane_sink_errors_total', 'Failed warehouse writes of the stream worker, by table and error code (the batch is retried).')
        .inc({ table, code });
      // The adapter reports its own unavailability; other failures (a refused insert) are reported here.
      if (code !== 'WH_ERR_UNAVAILABLE') this.o.outages?.error('warehouse', err, `warehouse ${op} failed`, { table });
      throw err;
    } finally {
      this.outstanding.delete(w);
    }
  }

  migrate(): Promise<string[]> {
    return this.inner.migrate();
  }

  append<T extends TableName>(table: T, rows: ReadonlyArray<RowOf<T>>): Promise<void> {
    if (rows.length === 0) return this.inner.append(table, rows);
    this.o.metrics.counter('omnilane_sink_rows_total', 'Rows the stream worker appended to the warehouse, by table.').inc({ table }, rows.length);
    return this.track(table, rows.length, 'append', () => this.inner.append(table, rows));
  }

  /** The worker (re)builds a partition's contributions from a committed offset: after a start, a rebalance or a failed batch. */
  discardContributions(partition: number, fromOffset: number): Promise<void> {
    this.o.metrics
      .counter(
        'omnilane_stream_state_rebuilds_total',
        'Partitions the stream worker rebuilt from their committed offset (after a start, a rebalance or a failed batch: earlier contributions discarded and recomputed), by partition.',
      )
      .inc({ partition });
    return this.track('contributions', 0, 'discard', () => this.inner.discardContributions(partition, fromOffset));
  }

  eraseRows<T extends ErasableTable>(table: T, where: EraseWhere<T>): Promise<number> {
    return this.inner.eraseRows(table, where);
  }

  query<T = Record<string, unknown>>(name: string, params?: Parameters<Warehouse['query']>[1]): Promise<T[]> {
    return this.inner.query<T>(name, params);
  }

  /** Stops the stall check; the wrapped warehouse is closed by its owner. */
  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
