import type { IdentityService } from '../../stream/identity/identity-service.js';
import type { Principal } from '../auth/key-ring.js';

export interface CustomerScopeDeps {
  identity?: IdentityService;
  /** Row-level scope of agent and manager keys (routing's customerVisible); absent: agents see no customer, managers are viewers. */
  scope?: (principal: Principal, customerId: string) => Promise<boolean>;
}

/**
 * May `p` see customer `id` on the workbench routes (profile, timeline, search)? Keys other than agent and
 * manager always may (their role check already passed). Agents and managers may when routing shows them a
 * conversation of the customer, under its own id or any id of its merge family: conversations keep the customer
 * id they started with, and `GET /v1/customers/{merged id}` already answers with the whole merged profile, so
 * looking at the family adds no data, it only lets a search (which answers with the surviving id) be opened.
 */
export function customerScope({ identity, scope }: CustomerScopeDeps) {
  return async (p: Principal | undefined, id: string): Promise<boolean> => {
    if (!p || (p.role !== 'agent' && p.role !== 'manager')) return true;
    if (!scope) return p.role === 'manager';
    if (await scope(p, id)) return true;
    const profile = identity ? await identity.profile(id) : null;
    if (!profile) return false;
    for (const other of [profile.id, ...profile.merged]) if (other !== id && (await scope(p, other))) return true;
    return false;
  };
}
