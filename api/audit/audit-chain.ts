import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One stored audit entry, as the warehouse keeps it. `actor`, `before` and
 * `after` are JSON text; the hash covers that exact text, so an entry is
 * checked byte for byte whatever the engine does with JSON.
 */
export interface AuditEntry {
  seq: number;
  /** Epoch milliseconds (UTC). */
  at: number;
  actor: string;
  action: string;
  target: string;
  customer_id: string | null;
  ip: string;
  /** HTTP status of the request the entry records (0 when it did not come from a request). */
  status: number;
  before: string;
  after: string;
  prev_hash: string;
  hash: string;
  /** HMAC-SHA256 of `hash` under the audit key: set on checkpoint entries only. */
  signature: string | null;
}

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The action of a signed checkpoint entry. */
export const CHECKPOINT_ACTION = 'audit.checkpoint';

/** SHA-256 (hex) over every field but `hash` and `signature`, in a fixed order. */
export function entryHash(e: Omit<AuditEntry, 'hash' | 'signature'>): string {
  const fields = [e.seq, e.at, e.actor, e.action, e.target, e.customer_id, e.ip, e.status, e.before, e.after, e.prev_hash];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** HMAC-SHA256 (hex) of an entry hash under the audit key: what a checkpoint carries. */
export function signHash(key: Buffer, hash: string): string {
  return createHmac('sha256', key).update(`omnilane-audit:${hash}`).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export type ChainProblemKind = 'edited' | 'removed' | 'reordered' | 'bad_signature';

export interface ChainProblem {
  seq: number;
  kind: ChainProblemKind;
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  /** Entries read. */
  entries: number;
  /** Highest seq read (0 for an empty log) and its hash. */
  head: { seq: number; hash: string };
  /** Checkpoints whose signature checked out, and the seq of the newest one (0: none). */
  checkpoints: number;
  signedThrough: number;
  /** Entries after the newest good checkpoint: protected by the hash chain only. */
  unsignedTail: number;
  /** The first problems found (at most 100). */
  problems: ChainProblem[];
}

/**
 * Verifies the chain one entry at a time, in seq order, so a log of any size
 * is checked page by page. Finds: an edited entry (its hash no longer matches
 * its fields), a removed one (a gap in seq, or a broken link where one was cut
 * out and the seqs renumbered), a reordered one (seqs contiguous but an entry's
 * prev_hash names another entry than the one before it), and a checkpoint whose
 * signature is not the audit key's (a chain rewritten by someone without it).
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private readonly seen = new Map<string, number>();
  private readonly report: ChainReport = {
    ok: true,
    entries: 0,
    head: { seq: 0, hash: GENESIS_HASH },
    checkpoints: 0,
    signedThrough: 0,
    unsignedTail: 0,
    problems: [],
  };

  constructor(private readonly key: Buffer) {}

  private problem(seq: number, kind: ChainProblemKind, detail: string): void {
    this.report.ok = false;
    if (this.report.problems.length < 100) this.report.problems.push({ seq, kind, detail });
  }

  push(e: AuditEntry): void {
    const r = this.report;
    r.entries += 1;
    const recomputed = entryHash(e);
    if (!sameHex(recomputed, e.hash)) this.problem(e.seq, 'edited', 'the stored fields do not hash to the stored hash');
    if (e.seq > this.expectedSeq) this.problem(e.seq, 'removed', `entries ${this.expectedSeq} to ${e.seq - 1} are missing`);
    else if (e.seq < this.expectedSeq) this.problem(e.seq, 'reordered', `seq ${e.seq} comes after ${this.expectedSeq - 1}`);
    if (!sameHex(e.prev_hash, this.prevHash)) {
      // The link names an entry seen earlier (or later) than the one before: moved; else one was cut out.
      const named = this.seen.get(e.prev_hash);
      if (e.seq === this.expectedSeq)
        this.problem(
          e.seq,
          named !== undefined ? 'reordered' : 'removed',
          named !== undefined ? `links to entry ${named}, not to entry ${e.seq - 1}` : 'links to an entry that is not in the log',
        );
    }
    if (e.signature !== null && e.signature !== '') {
      if (sameHex(signHash(this.key, e.hash), e.signature) && sameHex(recomputed, e.hash)) {
        r.checkpoints += 1;
        r.signedThrough = e.seq;
      } else {
        this.problem(e.seq, 'bad_signature', "the checkpoint signature is not the audit key's");
      }
    }
    this.seen.set(e.hash, e.seq);
    this.prevHash = e.hash;
    this.expectedSeq = Math.max(this.expectedSeq, e.seq + 1);
    r.head = { seq: e.seq, hash: e.hash };
  }

  result(): ChainReport {
    return { ...this.report, unsignedTail: this.report.head.seq - this.report.signedThrough, problems: [...this.report.problems] };
  }
}

/** Verifies a whole chain held in memory (tests, small logs). */
export function verifyChain(entries: Iterable<AuditEntry>, key: Buffer): ChainReport {
  const v = new ChainVerifier(key);
  for (const e of entries) v.push(e);
  return v.result();
}

/** A column value as text: drivers return strings and numbers (64-bit integers as strings); anything else as JSON. */
function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** A warehouse row of `audit_chain`/`audit_search` as an entry (64-bit integers may come back as strings). */
export function entryFromRow(r: Record<string, unknown>): AuditEntry {
  const s = (v: unknown) => (v === null || v === undefined ? '' : scalarText(v));
  return {
    seq: Number(r.seq),
    at: Number(r.at_ms),
    actor: s(r.actor),
    action: s(r.action),
    target: s(r.target),
    customer_id: r.customer_id === null || r.customer_id === undefined ? null : scalarText(r.customer_id),
    ip: s(r.ip),
    status: Number(r.status),
    before: s(r.before),
    after: s(r.after),
    prev_hash: s(r.prev_hash),
    hash: s(r.hash),
    signature: r.signature === null || r.signature === undefined || r.signature === '' ? null : scalarText(r.signature),
  };
}
