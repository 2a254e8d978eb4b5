import type { Role } from './roles.js';

/**
 * Every route declares one permission (`config.permission`, shown as `x-permission` in /openapi.json); this
 * catalogue says which roles hold it. `admin` holds every permission. Row scope (which customers and
 * conversations) is decided in the routes on top of this: docs/security.md, "Roles and what each sees".
 */
export const PERMISSIONS = {
  /** No authentication: health, docs, sign-in, the dashboard's files, signed webhooks. */
  public: [],
  /** Any signed-in person or key: who am I, sign out. */
  session: ['ingest', 'analyst', 'agent', 'manager'],
  /** Post events (machine keys). */
  'events:write': ['ingest'],
  /** Boards, KPIs, funnels, attribution, alerts, ops metrics: aggregates without personal data. */
  'metrics:read': ['analyst', 'manager'],
  /** KPI drill-downs: conversations behind a bucket (analyst: personal fields masked; manager: own teams). */
  'metrics:drill': ['analyst', 'manager'],
  /** Re-run attribution now. */
  'attribution:run': [],
  /** Customer profile, timeline, search, merges: agent their own customers, manager their teams'. */
  'customers:read': ['agent', 'manager'],
  /** Split a wrong merge. */
  'customers:split': [],
  /**
   * Data-subject export (GDPR access, CCPA right to know, PIPL): everything held about one customer. Admins only
   * by default: managers see their teams' customers but are not data controllers.
   */
  'customers:export': [],
  /** Erasure (GDPR art. 17, CCPA delete, PIPL): deletes a customer everywhere. Admins only, like the export. */
  'customers:erase': [],
  /** Conversation sessions list: agent their own, manager their teams', analyst masked. */
  'conversations:read': ['analyst', 'agent', 'manager'],
  /** Reply in a conversation one holds (manager: of their teams), always under one's own name. */
  'conversations:reply': ['agent', 'manager'],
  /** The agent console: queues, offers, accept, transfer, close, live feed, suggestions, labels. */
  'console:work': ['agent', 'manager'],
  /** Routing policies, team supervision, suggestion and label reports of a team. */
  'routing:manage': ['manager'],
  /** Label agreement reports (aggregates). */
  'labels:report': ['analyst', 'manager'],
  /** A customer's follow-up sequence and consent (agent: their own customers; manager: their teams'). */
  'followups:read': ['agent', 'manager'],
  /** Cancel a customer's follow-up sequence. */
  'followups:cancel': ['agent', 'manager'],
  /** The follow-up rules and templates in force (no personal data). */
  'followups:rules': ['analyst', 'agent', 'manager'],
  /** Replace or reset the follow-up rules. */
  'followups:configure': [],
  /** Define, change and stop A/B experiments (reading them and their reports is metrics:read). */
  'experiments:manage': ['manager'],
  /** Ask which variant a customer gets (claims and logs the exposure once). */
  'experiments:assign': ['agent', 'manager'],
  /** Refused events and payloads with their content opened (they may hold anything a sender sent). */
  'dead_letters:read': [],
  /** The audit log: read, filter, export. */
  'audit:read': [],
  /** Users and keys. */
  'access:admin': [],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** The roles that hold `permission` (admin always; `public` lists none because it needs no sign-in). */
export function rolesFor(permission: Permission): Role[] {
  if (permission === 'public') return [];
  return [...new Set<Role>([...PERMISSIONS[permission], 'admin'])];
}

/** True when `role` holds `permission`. */
export function allows(role: Role, permission: Permission): boolean {
  return permission === 'public' || role === 'admin' || (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
