import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { ExperimentDefinition } from './definition.js';
import type { ExperimentUnit } from './outcomes.js';

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v);
/** The unit query answers 0 for "did not happen" (ClickHouse 18.16 has no NULL-friendly array pick). */
const at = (v: unknown) => (v === null || v === undefined || Number(v) === 0 ? null : Number(v));

/**
 * Experiment definitions in the warehouse table `experiments` (sql/ddl/009_experiments.sql): one row per
 * save, the highest version wins, so every process reads the same definitions and nothing lives only in a
 * cache. `cacheMs` keeps the assignment hook from querying on every message.
 */
export class ExperimentStore {
  private cached: { at: number; list: ExperimentDefinition[] } | null = null;
  constructor(
    private readonly warehouse: Warehouse,
    private readonly o: { now: () => number; cacheMs?: number },
  ) {}

  async list(): Promise<ExperimentDefinition[]> {
    const now = this.o.now();
    if (this.cached && now - this.cached.at < (this.o.cacheMs ?? 10_000)) return this.cached.list;
    const rows = await this.warehouse.query<Row>('experiments_latest');
    const list = rows.map((r) => JSON.parse(String(r.definition)) as ExperimentDefinition).sort((a, b) => a.id.localeCompare(b.id));
    this.cached = { at: now, list };
    return list;
  }

  async get(id: string): Promise<ExperimentDefinition | null> {
    this.cached = null;
    return (await this.list()).find((e) => e.id === id) ?? null;
  }

  /** Saves a definition (a new version of its id). */
  async save(def: ExperimentDefinition): Promise<void> {
    const now = this.o.now();
    await this.warehouse.append('experiments', [{ id: def.id, definition: JSON.stringify(def), updated_at: now, version: now }]);
    this.cached = null;
  }
}

/** The exposed customers of an experiment and their outcomes up to `toMs` (sql/queries/experiment_units.sql). */
export async function loadUnits(warehouse: Warehouse, def: ExperimentDefinition, toMs: number): Promise<ExperimentUnit[]> {
  const rows = await warehouse.query<Row>('experiment_units', { experiment_id: def.id, from_ms: def.started_at, to_ms: toMs });
  const variants = new Set(def.variants.map((v) => v.id));
  return rows
    .filter((r) => variants.has(String(r.variant)))
    .map((r) => ({
      customer_key: String(r.customer_key),
      variant: String(r.variant),
      exposed_at: num(r.exposed_at),
      opportunity_at: at(r.opportunity_at),
      deal_at: at(r.deal_at),
      deal_value: num(r.deal_value ?? 0),
      csat_at: at(r.csat_at),
      csat_score: at(r.csat_at) === null ? null : num(r.csat_score),
      asked_at: at(r.asked_at),
      replied_at: at(r.replied_at),
    }));
}
