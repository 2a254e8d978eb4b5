import type { Clock } from '../../shared/clock.js';

export type Value = string | Map<string, string>;
export interface Entry {
  v: Value;
  /** Absolute expiry, epoch ms; 0 = never. */
  exp: number;
}

/**
 * Journal ops record absolute results (never increments) so replaying twice is
 * harmless, and so a journal rewrite may read each entry at any moment after
 * it began (journal-rewrite.ts): per key or field, the last op replayed wins.
 */
export type Op = ['s', string, string, number] | ['d', string] | ['h', string, Record<string, string>, number] | ['hd', string, string] | ['x', string, number];

/** Applies journal ops to the store's map (writes and replay alike). */
export function applyOps(data: Map<string, Entry>, ops: Op[]): void {
  for (const op of ops) {
    switch (op[0]) {
      case 's':
        data.set(op[1], { v: op[2], exp: op[3] });
        break;
      case 'd':
        data.delete(op[1]);
        break;
      case 'h': {
        const cur = data.get(op[1]);
        const m = cur && cur.v instanceof Map ? cur.v : new Map<string, string>();
        for (const [f, v] of Object.entries(op[2])) m.set(f, v);
        data.set(op[1], { v: m, exp: op[3] });
        break;
      }
      case 'hd': {
        const cur = data.get(op[1]);
        if (cur && cur.v instanceof Map) cur.v.delete(op[2]);
        break;
      }
      case 'x': {
        const cur = data.get(op[1]);
        if (cur) cur.exp = op[2];
        break;
      }
    }
  }
}

/**
 * The live entries as journal lines (one op per line), read lazily by a
 * rewrite across event-loop turns: a Map iterator tolerates the writes in
 * between (deleted entries are skipped, new ones may or may not be visited;
 * the rewrite's captured lines cover both).
 */
export function* snapshotLines(data: Map<string, Entry>, clock: Clock): Generator<string> {
  for (const [k, e] of data) {
    if (e.exp !== 0 && e.exp <= clock.now()) continue;
    const op: Op = e.v instanceof Map ? ['h', k, Object.fromEntries(e.v), e.exp] : ['s', k, e.v, e.exp];
    yield JSON.stringify([op]);
  }
}
