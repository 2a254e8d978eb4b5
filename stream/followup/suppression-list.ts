import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { IdentifierSuppression, Suppression } from '../../shared/ports/suppression.js';

// Three identifiers a customer (an external id, a phone, an e-mail) for tens of thousands of active customers.
const DIGEST_CACHE_SIZE = 100_000;

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
  /**
   * Digests of identifiers seen lately: ingest asks about every event's identifiers (ERASURE_POLICY=drop) and the
   * same customers come back, so the SHA-256 is computed once per identifier, not per event. Bounded, least
   * recently used out (emptying it all when full made a working set just above the bound miss on every lookup).
   * Only a cache of a pure function: a marker set after an entry was cached is still found.
   */
  private readonly digests = new LRUCache<string, string>({ max: DIGEST_CACHE_SIZE });
  constructor(private readonly state: StateStore) {}

  private digestOf(identifier: string): string {
    let d = this.digests.get(identifier);
    if (d === undefined) {
      d = identifierDigest(identifier);
      this.digests.set(identifier, d);
    }
    return d;
  }

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
    const v = await this.state.getMany(identifiers.map((i) => `privacy:suppressed:idf:${this.digestOf(i)}`));
    return v.map((x) => x !== null);
  }
}
