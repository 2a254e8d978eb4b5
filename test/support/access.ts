import { AccessService } from '../../api/auth/access-service.js';
import { StateAccessStore } from '../../api/auth/access-store.js';
import type { Role } from '../../api/auth/roles.js';
import { generateSecret } from '../../api/auth/secrets.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';

/** Users, keys and sessions in memory for app tests; `keys` are stored as hashes like real ones. */
export async function testAccess(
  keys: Array<{ id: string; role: Role; secret: string; agentId?: string }> = [],
  clock: Clock = systemClock,
): Promise<AccessService> {
  const state = new MemoryStateStore({ clock });
  const access = new AccessService({ store: new StateAccessStore(state, () => clock.now(), 0), sessions: state, clock });
  for (const k of keys) await access.putKey({ id: k.id, name: k.id, role: k.role, secret: k.secret, agentId: k.agentId ?? null });
  return access;
}

/** Access with one key per person role, each key's secret `<role>-secret` (admin-secret, manager-secret, …). */
export function oneKeyPerRole(clock: Clock = systemClock): Promise<AccessService> {
  return testAccess(
    [
      { id: 'a', role: 'admin', secret: 'admin-secret' },
      { id: 'm', role: 'manager', secret: 'manager-secret' },
      { id: 'g', role: 'agent', secret: 'agent-secret' },
      { id: 'v', role: 'analyst', secret: 'analyst-secret' },
    ],
    clock,
  );
}

/**
 * A key per roster member (id `agent:<id>`, the member's role, acting as the member) and admin / analyst / ingest
 * keys, for route tests that call as many people. `key(id)` is the member's secret.
 */
export async function rosterAccess(
  agents: ReadonlyArray<{ id: string; role: 'agent' | 'manager' }>,
  clock: Clock = systemClock,
): Promise<{ access: AccessService; key(agentId: string): string; admin: string; analyst: string; ingest: string }> {
  const secrets = new Map(agents.map((a) => [a.id, generateSecret()]));
  const admin = generateSecret();
  const analyst = generateSecret();
  const ingest = generateSecret();
  const access = await testAccess(
    [
      ...agents.map((a) => ({ id: `agent:${a.id}`, role: a.role, secret: secrets.get(a.id)!, agentId: a.id })),
      { id: 'admin-default', role: 'admin', secret: admin },
      { id: 'analyst', role: 'analyst', secret: analyst },
      { id: 'ingest-default', role: 'ingest', secret: ingest },
    ],
    clock,
  );
  return { access, key: (id) => secrets.get(id)!, admin, analyst, ingest };
}
