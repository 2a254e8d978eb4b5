import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { changedAssignment, parseExperiment, type ExperimentDefinition } from './definition.js';
import { ExperimentStore, loadUnits } from './experiment-store.js';
import { experimentReport, type ExperimentReport } from './report.js';

/** Define, list and report experiments: what the API routes and `omnilane experiment` share. */
export class ExperimentService {
  readonly store: ExperimentStore;
  constructor(
    private readonly warehouse: Warehouse,
    private readonly clock: Clock,
  ) {
    this.store = new ExperimentStore(warehouse, { now: () => clock.now() });
  }

  /**
   * Creates or updates an experiment from its posted form. A new one gets a random 16-byte salt unless it
   * names one. Once an experiment has left draft, the fields that decide assignment are frozen
   * (EXP_ERR_IMMUTABLE); name, status and the decision windows may change.
   */
  async define(input: unknown): Promise<{ definition: ExperimentDefinition; created: boolean }> {
    const existing =
      typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string'
        ? await this.store.get((input as { id: string }).id)
        : null;
    const parsed = parseExperiment(input, { salt: existing?.salt ?? randomBytes(16).toString('hex'), now: existing?.started_at ?? this.clock.now() });
    if (!parsed.ok) throw new OmnilaneError(parsed.code, parsed.message);
    const def = parsed.definition;
    if (existing && existing.status !== 'draft') {
      const changed = changedAssignment(existing, def);
      if (changed) throw new OmnilaneError('EXP_ERR_IMMUTABLE', `experiment ${def.id} has run: its ${changed} may not change`);
    }
    await this.store.save(def);
    return { definition: def, created: !existing };
  }

  async get(id: string): Promise<ExperimentDefinition> {
    const def = await this.store.get(id);
    if (!def) throw new OmnilaneError('EXP_ERR_NOT_FOUND', `no experiment "${id}"`);
    return def;
  }

  list(): Promise<ExperimentDefinition[]> {
    return this.store.list();
  }

  /** The report as of now (or `asOf`): outcomes read from the warehouse up to then. */
  async report(id: string, asOf = this.clock.now()): Promise<ExperimentReport> {
    const def = await this.get(id);
    return experimentReport(def, await loadUnits(this.warehouse, def, asOf), asOf);
  }
}
