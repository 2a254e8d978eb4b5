import type { EventEnvelope } from '../shared/envelope.js';
import type { AtomicScript } from '../shared/ports/state-store.js';
import { statedDims } from '../stream/kpis/dims.js';

/** Where ingest remembers a customer's KPI dimensions: acquisition source and current tag. */
export const customerDimsKey = (customer: string) => `cdims:${customer}`;

/**
 * Remembers and reads customers' dimensions, event by event in request order,
 * in one atomic step: the first source stated for a customer stays (where they
 * came from); the latest tag stated wins (a customer can become VIP).
 * keys: one per event (its customer's record; repeats allowed).
 * args: [ttlMs, source_1, tag_1, source_2, tag_2, …] ('' = the event states none).
 * Returns [source_1, tag_1, …]: what is known after each event ('' = nothing).
 */
export const customerDimsScript: AtomicScript<string[]> = {
  name: 'customer_dims',
  lua: `
local ttl = tonumber(ARGV[1])
local out = {}
for i, k in ipairs(KEYS) do
  local s = ARGV[2 * i]
  local t = ARGV[2 * i + 1]
  if s ~= '' then redis.call('HSETNX', k, 'source', s) end
  if t ~= '' then redis.call('HSET', k, 'tag', t) end
  if s ~= '' or t ~= '' then redis.call('PEXPIRE', k, ttl) end
  out[2 * i - 1] = redis.call('HGET', k, 'source') or ''
  out[2 * i] = redis.call('HGET', k, 'tag') or ''
end
return out`,
  local(tx, keys, args) {
    const ttl = Number(args[0]);
    const out: string[] = [];
    keys.forEach((k, i) => {
      const s = args[2 * i + 1];
      const t = args[2 * i + 2];
      if (s !== '' && tx.hget(k, 'source') === null) tx.hset(k, { source: s });
      if (t !== '') tx.hset(k, { tag: t });
      if (s !== '' || t !== '') tx.pexpire(k, ttl);
      out.push(tx.hget(k, 'source') ?? '', tx.hget(k, 'tag') ?? '');
    });
    return out;
  },
  decode: (raw) => (raw as unknown[]).map((v) => (typeof v === 'string' ? v : '')),
};

/** The script's call for a request's events (after identity resolution: keyed by the resolved customer). */
export function customerDimsCall(events: readonly EventEnvelope[], ttlMs: number): { keys: string[]; args: string[] } {
  const args = [String(ttlMs)];
  for (const e of events) {
    const d = statedDims(e);
    args.push(d.source ?? '', d.tag ?? '');
  }
  return { keys: events.map((e) => customerDimsKey(e.customer_key)), args };
}

/**
 * Writes the customer's known source and tag into events that do not state
 * them, so KPI minutes by source and tag also count channel traffic (webhooks
 * carry neither). Done at ingest, the stamped values are part of the stored
 * event: the stream and a batch recount over `events` see the same thing.
 */
export function stampDimensions(events: readonly EventEnvelope[], known: readonly string[]): EventEnvelope[] {
  return events.map((e, i) => {
    const stated = statedDims(e);
    const source = stated.source === null && known[2 * i] ? known[2 * i] : undefined;
    const tag = stated.tag === null && known[2 * i + 1] ? known[2 * i + 1] : undefined;
    if (source === undefined && tag === undefined) return e;
    return { ...e, properties: { ...e.properties, ...(source !== undefined ? { source } : {}), ...(tag !== undefined ? { tag } : {}) } };
  });
}
