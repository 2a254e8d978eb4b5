import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { AtomicScript, StateStore } from '../../shared/ports/state-store.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { CHECKPOINT_ACTION, ChainVerifier, GENESIS_HASH, entryFromRow, entryHash, signHash, type AuditEntry, type ChainReport } from './audit-chain.js';

/**
 * Who acted. Today a request's principal (API key id, role, roster agent);
 * sign-in (api/auth) adds the user id. `id` is what the audit filters by:
 * the user id when there is one, else the key id, else `system`/`anonymous`.
 */
export interface AuditActor {
  id: string;
  role?: string;
  keyId?: string;
  userId?: string;
  agentId?: string;
}

/** One thing worth keeping: who, what (action and target), before and after, from where. */
export interface AuditRecord {
  actor: AuditActor;
  /** Dotted verb, e.g. `customer.read`, `routing.policy.change`, `auth.sign_in.failed`. */
  action: string;
  /** What it acted on, e.g. `customer:cus_12` or `queue:presales`. */
  target?: string;
  /** The customer whose personal data was read or changed, so an admin finds every access to one person. */
  customer?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string;
  /** HTTP status of the request (0 when the entry is not a request's). */
  status?: number;
}

/**
 * The one way to write the audit log. Every audited action in the codebase goes through `record`; nothing
 * appends to `audit_log` directly.
 */
export interface AuditPort {
  /** Appends one entry to the chain; resolves once it is stored. Never throws for the entry's content. */
  record(r: AuditRecord): Promise<void>;
}

export interface AuditLogOptions {
  warehouse: Warehouse;
  clock: Clock;
  /** Signs checkpoints (api/audit/audit-key.ts). */
  key: Buffer;
  log: Logger;
  /** Shares the chain's head between processes (Redis in distributed mode); absent, this process is the only writer. */
  state?: StateStore;
  /** A signed checkpoint entry after this many entries (AUDIT_CHECKPOINT_EVERY). */
  checkpointEvery?: number;
  /** And at least this often while entries arrive, ms (AUDIT_CHECKPOINT_INTERVAL_S); 0 turns the timer off. */
  checkpointIntervalMs?: number;
}

/** JSON with object keys sorted, so the same value is always the same text (and the same hash). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v === undefined ? null : v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/**
 * The chain head shared through the StateStore, as "<seq> <hash>": a writer moves it from what it last saw to
 * its new entry only if nobody moved it meanwhile (compare-and-set); otherwise it gets the current head and
 * recomputes. A missing key (first start, or Redis restarted empty) accepts the writer's head, read from the
 * warehouse. Returns "" when set, else the current head.
 */
export const auditHeadScript: AtomicScript<string> = {
  name: 'audit_head_cas',
  lua: `
local cur = redis.call('GET', KEYS[1])
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return ''
end
return cur`,
  local(tx, keys, args) {
    const cur = tx.get(keys[0]);
    if (cur === null || cur === args[0]) {
      tx.set(keys[0], args[1]);
      return '';
    }
    return cur;
  },
  decode: (raw) => (typeof raw === 'string' ? raw : ''),
};

const HEAD_KEY = 'audit:head';
const PAGE = 5000;

interface Head {
  seq: number;
  hash: string;
}

const headText = (h: Head) => `${h.seq} ${h.hash}`;
const parseHead = (s: string): Head => {
  const [seq, hash] = s.split(' ');
  return { seq: Number(seq), hash: hash ?? GENESIS_HASH };
};

/**
 * The hash-chained audit log on the warehouse's `audit_log` table. Entries are written one at a time in
 * order (a queue in this process, the head's compare-and-set across processes); each carries the SHA-256 of
 * the one before. Every `checkpointEvery` entries, and on a timer while entries arrive, a checkpoint entry
 * signs the chain's hash with the audit key.
 */
export class AuditLog implements AuditPort {
  private head: Head | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private sinceCheckpoint = 0;
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: AuditLogOptions) {
    const every = opts.checkpointIntervalMs ?? 0;
    if (every > 0) {
      this.timer = setInterval(() => void this.checkpoint().catch(() => undefined), every);
      this.timer.unref();
    }
  }

  /** The checkpoint key, for verifying this log's chain. */
  get key(): Buffer {
    return this.opts.key;
  }

  record(r: AuditRecord): Promise<void> {
    const entry = {
      at: this.opts.clock.now(),
      actor: canonicalJson(r.actor),
      action: r.action,
      target: r.target ?? '',
      customer_id: r.customer ?? null,
      ip: r.ip ?? '',
      status: r.status ?? 0,
      before: canonicalJson(r.before ?? null),
      after: canonicalJson(r.after ?? null),
    };
    return this.enqueue(async () => {
      await this.write(entry, false);
      this.sinceCheckpoint += 1;
      if (this.sinceCheckpoint >= (this.opts.checkpointEvery ?? 100)) await this.write(this.checkpointFields(), true);
    });
  }

  /** Writes a signed checkpoint now if entries came since the last one. */
  checkpoint(): Promise<void> {
    return this.enqueue(async () => {
      if (this.sinceCheckpoint > 0) await this.write(this.checkpointFields(), true);
    });
  }

  /** Resolves once every entry recorded so far is stored (or has failed and been logged). */
  async idle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  /** Signs what is unsigned and stops the timer; the warehouse stays open (its owner closes it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.checkpoint().catch(() => undefined);
    await this.idle();
  }

  private checkpointFields() {
    return {
      at: this.opts.clock.now(),
      actor: canonicalJson({ id: 'system' }),
      action: CHECKPOINT_ACTION,
      target: '',
      customer_id: null,
      ip: '',
      status: 0,
      before: 'null',
      after: canonicalJson({ entries: this.sinceCheckpoint }),
    };
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step, step);
    this.queue = run.catch((err: unknown) => this.opts.log.error({ err }, 'audit entry not stored'));
    return run;
  }

  private async loadHead(): Promise<Head> {
    if (this.head) return this.head;
    const [row] = await this.opts.warehouse.query<{ seq: unknown; hash: unknown }>('audit_head');
    this.head = row ? { seq: Number(row.seq), hash: String(row.hash) } : { seq: 0, hash: GENESIS_HASH };
    return this.head;
  }

  private async write(fields: Omit<AuditEntry, 'seq' | 'prev_hash' | 'hash' | 'signature'>, sign: boolean): Promise<void> {
    let head = await this.loadHead();
    let entry: AuditEntry;
    for (let attempt = 0; ; attempt++) {
      const base = { ...fields, seq: head.seq + 1, prev_hash: head.hash };
      const hash = entryHash(base);
      entry = { ...base, hash, signature: sign ? signHash(this.opts.key, hash) : null };
      if (!this.opts.state) break;
      const current = await this.opts.state.atomic(auditHeadScript, [HEAD_KEY], [headText(head), headText(entry)]);
      if (current === '') break;
      // Another process wrote since: chain onto its entry.
      head = parseHead(current);
      if (attempt > 100) throw new Error('audit head kept moving: too many writers racing');
    }
    this.head = { seq: entry.seq, hash: entry.hash };
    if (sign) this.sinceCheckpoint = 0;
    const { at, ...rest } = entry;
    await this.opts.warehouse.append('audit_log', [{ ...rest, recorded_at: at }]);
  }
}

/** Reads the whole chain from the warehouse in seq order, a page at a time. */
export async function* readChain(warehouse: Warehouse, fromSeq = 1): AsyncGenerator<AuditEntry> {
  let next = fromSeq;
  for (;;) {
    const rows = await warehouse.query<Record<string, unknown>>('audit_chain', { from_seq: next, limit: PAGE });
    for (const r of rows) yield entryFromRow(r);
    if (rows.length < PAGE) return;
    next = Number(rows[rows.length - 1].seq) + 1;
  }
}

/** Verifies the stored chain (`omnilane audit verify`, GET /v1/audit/verify). */
export async function verifyStoredChain(warehouse: Warehouse, key: Buffer): Promise<ChainReport> {
  const v = new ChainVerifier(key);
  for await (const e of readChain(warehouse)) v.push(e);
  return v.result();
}
