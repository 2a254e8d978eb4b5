import type { Clock } from '../../shared/clock.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { AccessBackup } from './access-store.js';

const ID = 'access';

/**
 * The durable copy of the shared access state in the warehouse (`access_snapshots`, one row per change, the
 * highest revision wins), so users and keys survive a Redis that loses its keys (StateAccessStore).
 */
export class WarehouseAccessBackup implements AccessBackup {
  constructor(
    private readonly warehouse: Warehouse,
    private readonly clock: Clock,
  ) {}

  async load(): Promise<{ raw: string; rev: number } | null> {
    const rows = await this.warehouse.query<{ id: string; state: string; rev: number | string }>('access_snapshot_latest');
    const row = rows.find((r) => r.id === ID);
    return row ? { raw: row.state, rev: Number(row.rev) } : null;
  }

  async save(raw: string, rev: number): Promise<void> {
    await this.warehouse.append('access_snapshots', [{ id: ID, state: raw, saved_at: this.clock.now(), version: rev }]);
  }
}
