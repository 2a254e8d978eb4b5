import type { AtomicScript } from '../shared/ports/state-store.js';

/** Claim states of an event id at ingest. */
export const CLAIM = { new: 0, duplicate: 1, pending: 2 } as const;

/**
 * Claims event ids for publishing, all keys in one atomic step. A key holding
 * "done" is a duplicate; "pending" means another request (or one that died)
 * is publishing it: it is published again and the sinks' dedup keeps it once.
 * Pending markers need not survive a restart: after a crash the request's
 * client retries and the sinks' dedup keeps each event once.
 * args: [pendingTtlMs]. Returns one CLAIM value per key.
 */
export const claimIdsScript: AtomicScript<number[]> = {
  name: 'claim_ids',
  lua: `
local out = {}
for i, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v == 'done' then out[i] = 1
  elseif v == 'pending' then out[i] = 2
  else redis.call('SET', k, 'pending', 'PX', tonumber(ARGV[1])); out[i] = 0 end
end
return out`,
  local(tx, keys, args) {
    return keys.map((k) => {
      const v = tx.get(k);
      if (v === 'done') return CLAIM.duplicate;
      if (v === 'pending') return CLAIM.pending;
      tx.setEphemeral(k, 'pending', Number(args[0]));
      return CLAIM.new;
    });
  },
  decode: (raw) => (raw as Array<number | string>).map(Number),
};
