import type { IdentityService } from '../../stream/identity/identity-service.js';
import type { Principal } from '../auth/roles.js';

export interface CustomerScopeDeps {
  identity?: IdentityService;
  /**
   * Row-level scope of agents and managers by ownership (routing's customerVisible): may this principal see a
   * customer known under any of these ids? Absent (no routing in this process): agents and managers see none.
   */
  scope?: (principal: Principal, customerIds: string[]) => Promise<boolean>;
}

/**
 * May `p` see customer `id` on the workbench routes (profile, timeline, merges, search)? Admins always; agents and
 * managers when they own the customer under its own id or any id of its merge family (conversations keep the
 * customer id they started with, and `GET /v1/customers/{merged id}` answers with the whole merged profile, so
 * looking at the family adds no data, it only lets a search, which answers with the surviving id, be opened);
 * anyone else never (analysts see aggregates; their role check already refuses these routes).
 */
export function customerScope({ identity, scope }: CustomerScopeDeps) {
  return async (p: Principal | undefined, id: string): Promise<boolean> => {
    if (!p) return false;
    if (p.role === 'admin') return true;
    if ((p.role !== 'agent' && p.role !== 'manager') || !scope) return false;
    const profile = identity ? await identity.profile(id) : null;
    const ids = profile ? [...new Set([id, profile.id, ...profile.merged])] : [id];
    return scope(p, ids);
  };
}
