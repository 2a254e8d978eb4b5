import { createHash } from 'node:crypto';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { IdentifierSuppression, Suppression } from '../../shared/ports/suppression.js';

/**
 * The marker key of an identifier: a SHA-256 digest, so the list never stores the phone or e-mail itself. (An
 * unkeyed digest of a phone number can be guessed by brute force; a keyed blind index replaces it when personal
 * data is encrypted, docs/privacy.md.)
 */
export const identifierDigest = (identifier: string): string => createHash('sha256').update(`omnilane-erased:${identifier}`).digest('hex');

/**
 * The default Suppression adapter: a StateStore marker per customer and per identifier digest. The privacy
 * erasure (stream/privacy/customer-erasure.ts) calls `suppress(id)` and `suppressDigests(...)`; follow-up never
 * contacts a suppressed customer again and ingest can refuse events carrying a suppressed identifier.
 */
export class SuppressionList implements Suppression, IdentifierSuppression {
  constructor(private readonly state: StateStore) {}
  async isSuppressed(customerId: string): Promise<boolean> {
    return (await this.state.get(`privacy:suppressed:${customerId}`)) !== null;
  }
  async suppress(customerId: string): Promise<void> {
    await this.state.set(`privacy:suppressed:${customerId}`, '1');
  }
  /** Marks identifiers by their digest (`identifierDigest`); idempotent. */
  async suppressDigests(digests: readonly string[]): Promise<void> {
    if (digests.length > 0) await this.state.setMany(digests.map((d) => ({ key: `privacy:suppressed:idf:${d}`, value: '1' })));
  }
  async suppressedIdentifiers(identifiers: readonly string[]): Promise<boolean[]> {
    if (identifiers.length === 0) return [];
    const v = await this.state.getMany(identifiers.map((i) => `privacy:suppressed:idf:${identifierDigest(i)}`));
    return v.map((x) => x !== null);
  }
}
