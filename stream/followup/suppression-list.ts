import type { StateStore } from '../../shared/ports/state-store.js';
import type { Suppression } from '../../shared/ports/suppression.js';

/**
 * The default Suppression adapter: a StateStore marker per customer. The
 * privacy work's erasure calls `suppress(id)` (or replaces this adapter
 * with its own list); follow-up never contacts a suppressed customer again.
 */
export class SuppressionList implements Suppression {
  constructor(private readonly state: StateStore) {}
  async isSuppressed(customerId: string): Promise<boolean> {
    return (await this.state.get(`privacy:suppressed:${customerId}`)) !== null;
  }
  async suppress(customerId: string): Promise<void> {
    await this.state.set(`privacy:suppressed:${customerId}`, '1');
  }
}
