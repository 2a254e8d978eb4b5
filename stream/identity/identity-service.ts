import type { Clock } from '../../shared/clock.js';
import type { CustomerInput, EventEnvelope } from '../../shared/envelope.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { IdentityMergeRow } from '../../shared/tables.js';
import { compareIdentifiers, identifiersOf, type Identifier } from './identifiers.js';
import { IDENTITY_SEQ_KEY, resolveArgs, resolveIdentityScript, splitIdentityScript } from './identity-scripts.js';
import type { Resolution, SplitResult } from './identity-core.js';

/**
 * What IngestService needs: events in, the same events with `customer_key`
 * set to the resolved customer id out. Throws only when the store fails.
 */
export interface IdentityResolver {
  resolve(events: EventEnvelope[]): Promise<EventEnvelope[]>;
}

/** An envelope that carries the identity records its resolution produced (to the warehouse, via the bus). */
export type ResolvedEnvelope = EventEnvelope & { identity_records?: IdentityMergeRow[] };

export interface IdentityOptions {
  state: StateStore;
  clock: Clock;
  /** Country code for local phone numbers (e.g. `86`); none keeps them as bare digits. */
  defaultCountryCode?: string;
  /** A phone or email seen with more than this many customers is not merge evidence. */
  maxSharedCustomers: number;
  /** How long a merging event's answer is remembered for a retried request, ms (default 7 days, like dedup). */
  memoTtlMs?: number;
  /**
   * The highest customer seq already handed out, read from the warehouse at start where this process has one. With
   * the seqs this service sees, it is the floor the id counter restarts from if the store loses its keys.
   */
  seqFloor?: () => Promise<number>;
  /**
   * Where `split()` records its `identity_merges` row: that table belongs to the stream, so the API's split route
   * goes through this service instead of appending itself. Absent (a process without a warehouse), nothing is recorded.
   */
  mergeLog?: Pick<Warehouse, 'append'>;
  /**
   * The blind index of an identifier (PersonalData.blind): the graph stores and compares only these, so no phone or
   * e-mail is ever a state key or an `identity_merges` value. Absent: identifiers are kept as they are.
   */
  blind?: (identifier: Identifier) => Identifier;
}

const DEFAULT_MEMO_TTL_MS = 7 * 86_400_000;

export interface CustomerIdentity {
  id: string;
  /** Set when the asked-for id was merged into `id`. */
  merged_into_from?: string;
  external_id: string | null;
  created_at: number | null;
  identifiers: Identifier[];
  /** Customer ids merged into this one (their past events belong to its timeline). */
  merged: string[];
}

const ref = (e: EventEnvelope) => `${e.producer}/${e.id}`;

/**
 * The identity graph on the StateStore: resolves events at ingest (one
 * atomic script per event), splits customers on request and reads profiles.
 * Every merge, refused merge and split becomes an `identity_merges` row.
 */
const seqOf = (id: string): number => {
  const m = /^cus_(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
};

export class IdentityService implements IdentityResolver {
  /** Highest customer seq this process has seen (resolved, merged or read at start). */
  private seqFloor = 0;
  private floorLoaded?: Promise<void>;
  /** identifiersOf answers by customer object (see there). */
  private readonly asked = new WeakMap<CustomerInput, readonly Identifier[]>();

  constructor(private readonly o: IdentityOptions) {}

  private loadFloor(): Promise<void> {
    this.floorLoaded ??= (this.o.seqFloor?.() ?? Promise.resolve(0)).then(
      (n) => void (this.seqFloor = Math.max(this.seqFloor, n)),
      () => undefined, // no floor from the warehouse: the seqs seen in this process still guard
    );
    return this.floorLoaded;
  }

  /** Resolves a batch in order, in one atomic step; events without identifiers keep their key. */
  async resolve(events: EventEnvelope[]): Promise<ResolvedEnvelope[]> {
    const ids = events.map((e) => this.identifiersOf(e.customer));
    const requests = events.flatMap((e, i) => (ids[i].length > 0 ? [{ ref: ref(e), ids: ids[i] }] : []));
    if (requests.length === 0) return events;
    const now = this.o.clock.now();
    await this.loadFloor();
    const rs = await this.o.state.atomic(
      resolveIdentityScript,
      [IDENTITY_SEQ_KEY],
      resolveArgs(now, this.o.maxSharedCustomers, this.o.memoTtlMs ?? DEFAULT_MEMO_TTL_MS, requests, this.seqFloor),
    );
    for (const r of rs) {
      this.seqFloor = Math.max(this.seqFloor, seqOf(r.customerId));
      for (const m of r.merges) this.seqFloor = Math.max(this.seqFloor, seqOf(m.merged));
    }
    let k = 0;
    return events.map((e, i) => (ids[i].length === 0 ? e : this.toResolved(e, ids[i], rs[k++], now)));
  }

  private toResolved(e: EventEnvelope, ids: readonly Identifier[], r: Resolution, now: number): ResolvedEnvelope {
    const base = { customer_id: r.customerId, evidence: JSON.stringify(ids), event_ref: ref(e), merged_at: now };
    const records: IdentityMergeRow[] = [
      ...r.merges.map((m) => ({
        ...base,
        merge_id: `merge:${ref(e)}:${m.merged}`,
        kind: 'merge',
        other_id: m.merged,
        identifiers: JSON.stringify(m.identifiers),
        reason: `event ${ref(e)} on ${e.channel} carried ${ids.join(', ')}, linking ${m.merged} to ${r.customerId}`,
      })),
      ...r.refused.map((x) => ({
        ...base,
        merge_id: `refused:${ref(e)}:${x.other}`,
        kind: 'refused',
        other_id: x.other,
        identifiers: '[]',
        reason: x.reason === 'conflict' ? 'the two customers have different external ids' : 'the two customers were split apart before',
      })),
    ];
    const out: ResolvedEnvelope = { ...e, customer_key: r.customerId };
    if (records.length > 0) out.identity_records = records;
    return out;
  }

  /**
   * Detaches identifiers from a customer (POST /v1/customers/{id}/split). The
   * row describes it for `identity_merges` and is appended there (`mergeLog`);
   * `who` names the key that asked.
   */
  async split(customerId: string, identifiers: Identifier[], who: string, why: string): Promise<{ result: SplitResult; row: IdentityMergeRow | null }> {
    const now = this.o.clock.now();
    const result = await this.o.state.atomic(splitIdentityScript, [IDENTITY_SEQ_KEY], [String(now), customerId, ...identifiers]);
    if (result.customerId === '') return { result, row: null };
    const row: IdentityMergeRow = {
      merge_id: `split:${result.from}:${result.customerId}:${now}`,
      kind: 'split',
      customer_id: result.from,
      other_id: result.customerId,
      identifiers: JSON.stringify(result.moved),
      evidence: JSON.stringify(identifiers),
      reason: `${result.restored ? 'undid the merge of' : 'split off as'} ${result.customerId} by ${who}${why ? `: ${why}` : ''}`,
      event_ref: `api/${who}`,
      merged_at: now,
    };
    await this.o.mergeLog?.append('identity_merges', [row]);
    return { result, row };
  }

  /** The identifiers of a customer object before blinding (to show a person their own identifiers). */
  plainIdentifiersOf(c: CustomerInput): Identifier[] {
    return identifiersOf(c, { defaultCountryCode: this.o.defaultCountryCode });
  }

  /** The form the graph stores an identifier in (its blind index when personal data is encrypted). */
  stored(identifier: Identifier): Identifier {
    return this.o.blind ? this.o.blind(identifier) : identifier;
  }

  /**
   * The identifiers a customer object names, normalised with this graph's options and blinded: the very call
   * ingest makes for an event (same default country code), so a search finds what ingest stored. Empty when
   * nothing usable. Ingest asks twice per event (the erasure guard, then resolution), so the answer is kept per
   * customer object until that object is collected. The result is shared: callers must not change it.
   */
  identifiersOf(c: CustomerInput): readonly Identifier[] {
    let ids = this.asked.get(c);
    if (ids === undefined) {
      const plain = identifiersOf(c, { defaultCountryCode: this.o.defaultCountryCode });
      const blind = this.o.blind;
      ids = blind ? [...new Set(plain.map((i) => blind(i)))].sort(compareIdentifiers) : plain;
      this.asked.set(c, ids);
    }
    return ids;
  }

  /**
   * The current customer of each identifier (following merges), in order; null where no customer has it.
   * Reads only: a lookup never creates a customer or counts as evidence.
   */
  async lookup(identifiers: Identifier[]): Promise<Array<string | null>> {
    if (identifiers.length === 0) return [];
    const direct = await this.o.state.getMany(identifiers.map((i) => `idn:i:${i}`));
    return Promise.all(direct.map(async (c) => (c === null ? null : this.root(c))));
  }

  /** The customer an id lives on as (follows merges); null when unknown. */
  async root(customerId: string): Promise<string | null> {
    let c = customerId;
    for (let i = 0; i < 64; i++) {
      const h = await this.o.state.hgetall(`idn:c:${c}`);
      if (Object.keys(h).length === 0) return i === 0 ? null : c;
      if (!h.into) return c;
      c = h.into;
    }
    return c;
  }

  /**
   * Erasure (docs/privacy.md): forgets `customerId` and every id merged into it: the identifier index entries that
   * point at them (`idn:i:<identifier>`, left alone when they already point at a customer created since) and
   * their records (`idn:c`, `idn:m`, `idn:a`, `idn:x`). Idempotent: an unknown id deletes nothing. Returns the
   * number of keys deleted. An event later carrying the same identifiers resolves to a new customer unless the
   * privacy suppression list drops it first (ERASURE_POLICY).
   */
  async erase(customerId: string): Promise<number> {
    const p = await this.profile(customerId);
    const ids = [...new Set([customerId, ...(p ? [p.id, ...p.merged] : [])])];
    const idfs = p?.identifiers ?? [];
    const owners = idfs.length > 0 ? await this.o.state.getMany(idfs.map((i) => `idn:i:${i}`)) : [];
    const indexKeys = idfs.filter((_i, k) => owners[k] !== null && ids.includes(owners[k])).map((i) => `idn:i:${i}`);
    // The index first, the records last: a crash in between leaves a profile the next run finds again.
    const n = indexKeys.length > 0 ? await this.o.state.del(indexKeys) : 0;
    return n + (await this.o.state.del(ids.flatMap((c) => [`idn:m:${c}`, `idn:a:${c}`, `idn:x:${c}`, `idn:c:${c}`])));
  }

  /** The identity side of a profile: identifiers, external id and merged customers; null when unknown. */
  async profile(customerId: string): Promise<CustomerIdentity | null> {
    const id = await this.root(customerId);
    if (id === null) return null;
    const [c, m, a] = await Promise.all([this.o.state.hgetall(`idn:c:${id}`), this.o.state.hgetall(`idn:m:${id}`), this.o.state.hgetall(`idn:a:${id}`)]);
    const merged: string[] = [];
    const walk = async (cid: string, depth: number) => {
      if (depth > 16) return;
      const abs = cid === id ? a : await this.o.state.hgetall(`idn:a:${cid}`);
      for (const [l, v] of Object.entries(abs)) {
        if (v === '' || merged.includes(l)) continue;
        merged.push(l);
        await walk(l, depth + 1);
      }
    };
    await walk(id, 0);
    return {
      id,
      ...(id !== customerId ? { merged_into_from: customerId } : {}),
      external_id: c.ext ? c.ext : null,
      created_at: c.at ? Number(c.at) : null,
      identifiers: Object.entries(m)
        .filter(([, v]) => v === '1')
        .map(([k]) => k)
        .sort(),
      merged: merged.sort(),
    };
  }
}
