import { conversationOwner, type PersonalData } from '../../shared/privacy/personal-data.js';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import type { IdentifierSuppression } from '../../shared/ports/suppression.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { FollowupStore } from '../followup/followup-store.js';
import { identifierDigest, type SuppressionList } from '../followup/suppression-list.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { LabelStore } from '../labels/label-store.js';
import { discoverCustomer } from './customer-export.js';

/** The stores an erasure works through, in order: suppression first (nothing new lands), the identity graph last. */
export const ERASURE_STORES = [
  'suppression',
  'keys',
  'events',
  'conversations',
  'conversation_facts',
  'response_times',
  'deal_facts',
  'identity_merges',
  'followups',
  'labels',
  'identity',
] as const;
export type ErasureStore = (typeof ERASURE_STORES)[number];

export interface ErasureStoreReport {
  store: ErasureStore;
  status: 'pending' | 'done' | 'skipped';
  /** Rows (warehouse) or keys (state store) deleted; null while pending or when the store does not count. */
  deleted: number | null;
  at_ms: number | null;
  note?: string;
}

/** A durable erasure job (StateStore key `privacy:erasure:<job>`). Holds ids and counts only, never personal data. */
export interface ErasureJob {
  job: string;
  customer_id: string;
  requested_id: string;
  customer_ids: string[];
  /** Conversation ids found at the start (the warehouse rows that named them are gone once the job ran). */
  conversations: string[];
  /** Digests of the customer's identifiers (suppression-list.ts), never the identifiers themselves. */
  identifier_digests: string[];
  status: 'running' | 'done';
  created_at_ms: number;
  finished_at_ms: number | null;
  stores: ErasureStoreReport[];
}

export interface CustomerErasureDeps {
  warehouse: Pick<Warehouse, 'query' | 'eraseRows'>;
  state: StateStore;
  clock: Clock;
  suppression: Pick<SuppressionList, 'suppress' | 'suppressDigests'>;
  /** The identity graph; absent (no state store), only the asked-for id is erased and the identity store is skipped. */
  identity?: Pick<IdentityService, 'profile' | 'erase'>;
  followups?: Pick<FollowupStore, 'erase'>;
  /** Agents' intent and bot labels (message text per conversation, DATA_DIR/labels); absent: skipped. */
  labels?: Pick<LabelStore, 'eraseConversations'>;
  /** Destroys the customer's data keys (crypto-shredding); absent or PRIVACY_ENCRYPTION=off: nothing to destroy. */
  personal?: Pick<PersonalData, 'forget' | 'encrypted'>;
  newJobId?: () => string;
}

const jobKey = (job: string) => `privacy:erasure:${job}`;
const erasedKey = (customerId: string) => `privacy:erased:${customerId}`;

/** Which rows of each table belong to the customer: by their ids, and by their conversations. */
const WAREHOUSE_STEPS: Record<
  Exclude<ErasureStore, 'suppression' | 'keys' | 'followups' | 'labels' | 'identity'>,
  Array<{ column: string; by: 'ids' | 'conversations' }>
> = {
  events: [
    { column: 'customer_key', by: 'ids' },
    { column: 'conversation_id', by: 'conversations' },
  ],
  conversations: [{ column: 'customer_id', by: 'ids' }],
  conversation_facts: [
    { column: 'customer_key', by: 'ids' },
    { column: 'conversation_id', by: 'conversations' },
  ],
  response_times: [{ column: 'conversation_id', by: 'conversations' }],
  deal_facts: [
    { column: 'customer_key', by: 'ids' },
    { column: 'conversation_id', by: 'conversations' },
  ],
  identity_merges: [
    { column: 'customer_id', by: 'ids' },
    { column: 'other_id', by: 'ids' },
  ],
};

/**
 * Erasure of one customer (GDPR art. 17, CCPA delete, PIPL art. 47; docs/privacy.md, "Erasure"): a durable job that
 * works through `ERASURE_STORES`, recording each store's outcome in the StateStore before the next, so a crash
 * resumes where it stopped and a second request for the same customer (or any id merged into it) is a no-op that
 * answers the finished job. Audit entries and aggregates stay.
 */
export class CustomerErasure {
  private readonly running = new Map<string, Promise<ErasureJob>>();

  constructor(private readonly d: CustomerErasureDeps) {}

  /** The job, or null when unknown. */
  async job(job: string): Promise<ErasureJob | null> {
    const v = await this.d.state.get(jobKey(job));
    return v === null ? null : (JSON.parse(v) as ErasureJob);
  }

  /**
   * Finds or creates the job for `requestedId`: the existing one when this customer was (or is being) erased,
   * else a new one from `discoverCustomer`. Null when nothing is held under that id. Does not run it.
   */
  async start(requestedId: string): Promise<{ job: ErasureJob; created: boolean } | null> {
    const existing = await this.d.state.get(erasedKey(requestedId));
    if (existing !== null) {
      const job = await this.job(existing);
      if (job) return { job, created: false };
    }
    const found = await discoverCustomer({ warehouse: this.d.warehouse, identity: this.d.identity }, requestedId);
    if (!found) return null;
    const now = this.d.clock.now();
    const job: ErasureJob = {
      job: `era_${(this.d.newJobId ?? randomUUID)()}`,
      customer_id: found.id,
      requested_id: requestedId,
      customer_ids: found.ids,
      conversations: found.conversations,
      identifier_digests: (found.profile?.identifiers ?? []).map(identifierDigest),
      status: 'running',
      created_at_ms: now,
      finished_at_ms: null,
      stores: ERASURE_STORES.map((store) => ({ store, status: 'pending', deleted: null, at_ms: null })),
    };
    // The job first, then the pointers from every id: a crash in between leaves an orphan job, never a lost one.
    await this.save(job);
    await this.d.state.setMany(found.idsAsked.map((c) => ({ key: erasedKey(c), value: job.job })));
    return { job, created: true };
  }

  /** Runs the job to the end (resuming after the last store done); concurrent calls share one run. */
  run(job: ErasureJob): Promise<ErasureJob> {
    let p = this.running.get(job.job);
    if (!p) {
      p = this.runSteps(job).finally(() => this.running.delete(job.job));
      this.running.set(job.job, p);
    }
    return p;
  }

  private async runSteps(initial: ErasureJob): Promise<ErasureJob> {
    const job = (await this.job(initial.job)) ?? initial;
    for (const s of job.stores) {
      if (s.status !== 'pending') continue;
      const r = await this.eraseStore(job, s.store);
      Object.assign(s, { status: r.skipped ? 'skipped' : 'done', deleted: r.deleted, at_ms: this.d.clock.now() }, r.note ? { note: r.note } : {});
      await this.save(job);
    }
    if (job.status !== 'done') {
      job.status = 'done';
      job.finished_at_ms = this.d.clock.now();
      await this.save(job);
    }
    return job;
  }

  private async eraseStore(job: ErasureJob, store: ErasureStore): Promise<{ deleted: number | null; skipped?: boolean; note?: string }> {
    const ids = job.customer_ids;
    switch (store) {
      case 'suppression':
        for (const c of ids) await this.d.suppression.suppress(c);
        await this.d.suppression.suppressDigests(job.identifier_digests);
        return { deleted: null, note: `${ids.length} customer ids and ${job.identifier_digests.length} identifier digests suppressed` };
      case 'keys':
        if (!this.d.personal?.encrypted) return { deleted: null, skipped: true, note: 'personal data is not encrypted (PRIVACY_ENCRYPTION=off)' };
        // The customer's keys, and the keys of their conversations' web chat logs (ingest seals those per conversation).
        await this.d.personal.forget([...ids, ...job.conversations.map(conversationOwner)], this.d.clock.now());
        return {
          deleted: ids.length + job.conversations.length,
          note: 'data keys destroyed: sealed copies on the bus, in Kafka, in backups and old files can no longer be read',
        };
      case 'followups': {
        if (!this.d.followups) return { deleted: null, skipped: true, note: 'this process has no follow-up store' };
        let n = 0;
        for (const c of ids) if (await this.d.followups.erase(c)) n++;
        return { deleted: n, note: 'follow-up timers and leads; consent records stay as proof of opt-outs' };
      }
      case 'labels':
        if (!this.d.labels) return { deleted: null, skipped: true, note: 'this process keeps no labels' };
        return { deleted: await this.d.labels.eraseConversations(job.conversations), note: 'intent corrections and bot verdicts of their conversations' };
      case 'identity': {
        if (!this.d.identity) return { deleted: null, skipped: true, note: 'this process has no identity graph' };
        let n = 0;
        for (const c of ids) n += await this.d.identity.erase(c);
        return { deleted: n };
      }
      default: {
        let n = 0;
        for (const step of WAREHOUSE_STEPS[store]) {
          const values = step.by === 'ids' ? ids : job.conversations;
          n += await this.d.warehouse.eraseRows(store, { column: step.column as never, in: values });
        }
        return { deleted: n };
      }
    }
  }

  private save(job: ErasureJob): Promise<void> {
    return this.d.state.set(jobKey(job.job), JSON.stringify(job));
  }
}

/**
 * Under ERASURE_POLICY=drop, which events carry an identifier of an erased person (ingest asks before it claims,
 * resolves or publishes anything); undefined under `new_identity` or without an identity graph.
 */
export function erasedIdentifiersGuard(
  policy: 'drop' | 'new_identity',
  list: IdentifierSuppression,
  identity: Pick<IdentityService, 'identifiersOf'> | undefined,
): ((events: EventEnvelope[]) => Promise<boolean[]>) | undefined {
  if (policy !== 'drop' || !identity) return undefined;
  return async (events) => {
    const ids = events.map((e) => identity.identifiersOf(e.customer));
    const flat = await list.suppressedIdentifiers(ids.flat());
    let k = 0;
    return ids.map((l) => l.map(() => flat[k++]).some(Boolean));
  };
}
