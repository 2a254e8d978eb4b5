import type { SetEntry, StateStore } from '../../shared/ports/state-store.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { IdentityMergeRow } from '../../shared/tables.js';
import type { ResolvedEnvelope } from '../identity/identity-service.js';
import type { OffsetEvent } from '../metrics/first-metrics.js';
import { SESSION_TYPES, foldSessions, mergedAway, type SessionRules, type SessionState } from './session-fold.js';

/** The StateStore key of a customer's current session. */
export const sessionKey = (customerId: string) => `sess:${customerId}`;

/** The customers whose sessions the events touch (their own and those merged away from them). */
function sessionCustomers(events: readonly OffsetEvent[]): string[] {
  return [
    ...new Set(
      events.flatMap((d) => {
        const merged = mergedAway(d.event);
        return SESSION_TYPES.has(d.event.type) || merged.length > 0 ? [d.event.customer_key, ...merged] : [];
      }),
    ),
  ];
}

/** What the worker does with one batch's sessions: warehouse rows first, then the state entries in its setMany. */
export interface SessionBatch {
  /** Appends `conversations` and `identity_merges` rows (idempotent). */
  write(warehouse: Warehouse): Promise<void>;
  /** Session states to persist in the worker's one atomic setMany. */
  entries: SetEntry[];
}

/**
 * The small step the EventWorker calls beside the first-metrics fold: loads
 * the sessions the batch touches, folds, and hands back rows and state.
 * It also carries the identity records ingest attached to events
 * (`identity_records`) into `identity_merges`, exactly once like every row.
 */
export class SessionStep {
  constructor(private readonly o: { state: StateStore; rules: SessionRules; ttlMs: number }) {}

  /** The StateStore keys `fold` reads for these events (the worker reads them with its own, in one call). */
  keysFor(events: readonly OffsetEvent[]): string[] {
    return sessionCustomers(events).map(sessionKey);
  }

  /** `reader`: where the session states are read from (default the store; the worker passes its one up-front read). */
  async fold(events: OffsetEvent[], reader: Pick<StateStore, 'getMany'> = this.o.state): Promise<SessionBatch> {
    const keys = sessionCustomers(events);
    const vals = await reader.getMany(keys.map(sessionKey));
    const sessions = new Map<string, SessionState>();
    keys.forEach((k, i) => vals[i] && sessions.set(k, JSON.parse(vals[i]) as SessionState));
    const out = foldSessions({ events, sessions, rules: this.o.rules });
    const merges: IdentityMergeRow[] = events.flatMap((d) => (d.event as ResolvedEnvelope).identity_records ?? []);
    return {
      write: async (wh) => {
        await Promise.all([wh.append('conversations', out.rows), wh.append('identity_merges', merges)]);
      },
      entries: [...out.sessions].map(([k, s]) => ({ key: sessionKey(k), value: JSON.stringify(s), ttlMs: this.o.ttlMs })),
    };
  }
}
