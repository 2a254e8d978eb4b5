import type { LocalTx } from '../../shared/ports/state-store.js';
import { byteCompare, isWeak, type Identifier } from './identifiers.js';

/**
 * The identity graph's decisions, written against a synchronous key/value
 * view (the embedded store's transaction, or a plain map in tests). The Lua
 * forms in identity-scripts.ts mirror these functions line for line; the
 * differential test checks they answer alike on Redis.
 *
 * Keys (all under the store's prefix, never expiring):
 * - `idn:seq`            counter for new customer ids (`cus_<n>`; smaller n = older)
 * - `idn:i:<identifier>` → customer id (always the current root after a merge)
 * - `idn:c:<customer>`   hash: seq, at (created, ms), ext (its external id), into (merged into)
 * - `idn:m:<customer>`   hash: identifier → '1' (member) or '0' (split away)
 * - `idn:a:<survivor>`   hash: merged customer → its identifiers joined by '\n' ('' once split back)
 * - `idn:s:<identifier>` hash: anchors (strongest other identifier of each event) seen with a weak identifier
 * - `idn:x:<customer>`   hash: customers it was split from; never merged again automatically
 */
export type IdTx = Pick<LocalTx, 'get' | 'set' | 'incrBy' | 'hget' | 'hset' | 'hgetall'>;

export interface Resolution {
  customerId: string;
  created: boolean;
  /** Customers merged into `customerId` by this event, with the identifiers they brought. */
  merges: Array<{ merged: string; identifiers: Identifier[] }>;
  /** Customers the event linked but that were not merged: `conflict` (two external ids) or `split` (split apart before). */
  refused: Array<{ other: string; reason: 'conflict' | 'split' }>;
}

export interface SplitResult {
  /** The customer the identifiers now belong to ('' when none of them belonged to `from`). */
  customerId: string;
  /** True when an earlier merge was undone exactly (the merged customer id comes back). */
  restored: boolean;
  from: string;
  moved: Identifier[];
}

const MAX_HOPS = 64;

/** The customer a (possibly merged-away) customer id lives on as. */
export function rootOf(tx: IdTx, p: string, c: string): string {
  for (let i = 0; i < MAX_HOPS; i++) {
    const into = tx.hget(`${p}idn:c:${c}`, 'into');
    if (into === null || into === '') return c;
    c = into;
  }
  return c;
}

function newCustomer(tx: IdTx, p: string, now: string): string {
  const seq = tx.incrBy(`${p}idn:seq`, 1);
  const id = `cus_${seq}`;
  tx.hset(`${p}idn:c:${id}`, { seq: String(seq), at: now });
  return id;
}

const members = (tx: IdTx, p: string, c: string): string[] =>
  Object.entries(tx.hgetall(`${p}idn:m:${c}`))
    .filter(([, v]) => v === '1')
    .map(([k]) => k)
    .sort(byteCompare);

function setMembers(tx: IdTx, p: string, c: string, ids: string[], flag: '0' | '1'): void {
  if (ids.length > 0) tx.hset(`${p}idn:m:${c}`, Object.fromEntries(ids.map((m) => [m, flag])));
}

/**
 * Resolves an event's identifiers (canonical order, see identifiersOf) to one
 * customer, merging the customers they belong to, atomically. Survivor: the
 * oldest customer (smallest seq). Not merge evidence: a weak identifier seen
 * with more than `maxShared` distinct anchors; two customers with different
 * external ids; customers split apart before. Unknown identifiers join the
 * result. Deterministic: same state and input, same answer and writes.
 */
export function resolveLocal(tx: IdTx, p: string, ids: Identifier[], now: string, maxShared: number): Resolution {
  return decide(tx, p, ids, now, maxShared);
}

/** The flat form both script forms return (and memoise): cid, created, n, (merged, ids)…, n, (other, reason)…. */
export function encodeResolution(r: Resolution): string[] {
  return [
    r.customerId,
    r.created ? '1' : '0',
    String(r.merges.length),
    ...r.merges.flatMap((m) => [m.merged, m.identifiers.join('\n')]),
    String(r.refused.length),
    ...r.refused.flatMap((x) => [x.other, x.reason]),
  ];
}

/** Reads consecutive encoded resolutions. */
export function decodeResolutions(r: string[]): Resolution[] {
  const all: Resolution[] = [];
  const ids = (s: string) => (s === '' ? [] : s.split('\n'));
  for (let i = 0; i < r.length;) {
    const out: Resolution = { customerId: r[i], created: r[i + 1] === '1', merges: [], refused: [] };
    const nm = Number(r[i + 2]);
    i += 3;
    for (let k = 0; k < nm; k++, i += 2) out.merges.push({ merged: r[i], identifiers: ids(r[i + 1]) });
    const nr = Number(r[i++]);
    for (let k = 0; k < nr; k++, i += 2) out.refused.push({ other: r[i], reason: r[i + 1] as 'conflict' | 'split' });
    all.push(out);
  }
  return all;
}

/**
 * resolveLocal, remembered per event (`ref` = producer/id) for `memoTtlMs`
 * when it merged or refused anything: an ingest request retried after the
 * bus failed gets the same answer, so its audit records are published after
 * all (the merge itself already happened the first time).
 */
export function resolveEventLocal(tx: IdTx, p: string, ref: string, ids: Identifier[], now: string, maxShared: number, memoTtlMs: number): Resolution {
  const memo = tx.get(`${p}idn:r:${ref}`);
  if (memo !== null) {
    const [r] = decodeResolutions(memo.split('\t'));
    return { ...r, customerId: rootOf(tx, p, r.customerId) };
  }
  const r = decide(tx, p, ids, now, maxShared);
  if (r.merges.length > 0 || r.refused.length > 0) tx.set(`${p}idn:r:${ref}`, encodeResolution(r).join('\t'), memoTtlMs);
  return r;
}

function decide(tx: IdTx, p: string, ids: Identifier[], now: string, maxShared: number): Resolution {
  const anchor = ids.find((id) => !isWeak(id)) ?? '';
  const shared = new Set<string>();
  for (const w of ids) {
    if (!isWeak(w)) continue;
    const h = tx.hgetall(`${p}idn:s:${w}`);
    let n = Object.keys(h).length;
    if (anchor !== '' && h[anchor] === undefined && n <= maxShared) {
      tx.hset(`${p}idn:s:${w}`, { [anchor]: '1' });
      n++;
    }
    if (n > maxShared) shared.add(w);
  }
  const found = new Map<string, string>();
  for (const id of ids) {
    const c = tx.get(`${p}idn:i:${id}`);
    if (c !== null) found.set(id, rootOf(tx, p, c));
  }
  const eventExt = ids.length > 0 && ids[0].startsWith('ext:') ? ids[0].slice(4) : '';
  const seqOf = (c: string) => Number(tx.hget(`${p}idn:c:${c}`, 'seq') ?? 0);
  const cands = [...new Set(ids.filter((id) => !shared.has(id) && found.has(id)).map((id) => found.get(id)!))];
  cands.sort((a, b) => seqOf(a) - seqOf(b) || byteCompare(a, b));

  const out: Resolution = { customerId: '', created: false, merges: [], refused: [] };
  let groupExt = eventExt;
  let survivor = '';
  for (const c of cands) {
    const cext = tx.hget(`${p}idn:c:${c}`, 'ext') ?? '';
    if (groupExt !== '' && cext !== '' && cext !== groupExt) {
      out.refused.push({ other: c, reason: 'conflict' });
    } else if (survivor === '') {
      survivor = c;
      if (groupExt === '') groupExt = cext;
    } else if (tx.hget(`${p}idn:x:${survivor}`, c) === '1') {
      out.refused.push({ other: c, reason: 'split' });
    } else {
      const moved = members(tx, p, c);
      for (const m of moved) tx.set(`${p}idn:i:${m}`, survivor);
      setMembers(tx, p, survivor, moved, '1');
      tx.hset(`${p}idn:c:${c}`, { into: survivor });
      tx.hset(`${p}idn:a:${survivor}`, { [c]: moved.join('\n') });
      if (cext !== '' && (tx.hget(`${p}idn:c:${survivor}`, 'ext') ?? '') === '') tx.hset(`${p}idn:c:${survivor}`, { ext: cext });
      if (groupExt === '') groupExt = cext;
      out.merges.push({ merged: c, identifiers: moved });
    }
  }
  // An event with nothing but shared identifiers goes to the first one's customer; one with any
  // other identifier that links nobody starts a new customer rather than joining the switchboard's.
  if (survivor === '' && ids.every((id) => shared.has(id))) {
    for (const id of ids) {
      const c = found.get(id);
      if (!shared.has(id) || c === undefined) continue;
      const cext = tx.hget(`${p}idn:c:${c}`, 'ext') ?? '';
      if (eventExt === '' || cext === '' || cext === eventExt) {
        survivor = c;
        break;
      }
    }
  }
  if (survivor === '') {
    survivor = newCustomer(tx, p, now);
    out.created = true;
  }
  const fresh = ids.filter((id) => !found.has(id));
  for (const id of fresh) tx.set(`${p}idn:i:${id}`, survivor);
  setMembers(tx, p, survivor, fresh, '1');
  if (eventExt !== '' && (tx.hget(`${p}idn:c:${survivor}`, 'ext') ?? '') === '') tx.hset(`${p}idn:c:${survivor}`, { ext: eventExt });
  out.customerId = survivor;
  return out;
}

/**
 * Detaches identifiers from a customer, atomically. When they are exactly
 * the identifiers an earlier merge brought in, that merge is undone (the
 * merged customer id comes back); otherwise they become a new customer. The
 * two are never merged again automatically (a split is a human decision).
 * Identifiers that do not belong to the customer are ignored.
 */
export function splitLocal(tx: IdTx, p: string, customer: string, ids: Identifier[], now: string): SplitResult {
  const from = rootOf(tx, p, customer);
  const moving = [...new Set(ids)]
    .filter((id) => {
      const c = tx.get(`${p}idn:i:${id}`);
      return c !== null && rootOf(tx, p, c) === from;
    })
    .sort(byteCompare);
  if (moving.length === 0) return { customerId: '', restored: false, from, moved: [] };
  const joined = moving.join('\n');
  const absorbed = tx.hgetall(`${p}idn:a:${from}`);
  let target = Object.keys(absorbed)
    .sort(byteCompare)
    .find((l) => absorbed[l] === joined);
  const restored = target !== undefined;
  if (target !== undefined) {
    tx.hset(`${p}idn:c:${target}`, { into: '' });
    tx.hset(`${p}idn:a:${from}`, { [target]: '' });
  } else {
    target = newCustomer(tx, p, now);
  }
  for (const m of moving) tx.set(`${p}idn:i:${m}`, target);
  setMembers(tx, p, from, moving, '0');
  setMembers(tx, p, target, moving, '1');
  for (const m of moving) {
    if (!m.startsWith('ext:')) continue;
    tx.hset(`${p}idn:c:${target}`, { ext: m.slice(4) });
    if (tx.hget(`${p}idn:c:${from}`, 'ext') === m.slice(4)) tx.hset(`${p}idn:c:${from}`, { ext: '' });
  }
  tx.hset(`${p}idn:x:${from}`, { [target]: '1' });
  tx.hset(`${p}idn:x:${target}`, { [from]: '1' });
  return { customerId: target, restored, from, moved: moving };
}
