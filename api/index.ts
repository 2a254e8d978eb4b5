export { buildApp, type AppDeps } from './app.js';
export { AccessService, type UserView, type KeyView } from './auth/access-service.js';
export { FileAccessStore, StateAccessStore, type AccessStore } from './auth/access-store.js';
export { bootstrapAccess } from './auth/access-bootstrap.js';
export { auditActor, actorId, ROLES, type Role, type Principal, type AuditActor } from './auth/roles.js';
export { PERMISSIONS, rolesFor, type Permission } from './auth/permissions.js';
export { BoardService, type BoardSnapshot } from './board/board-service.js';
export { LiveHub } from './board/live-hub.js';
export type { HealthProbe } from './routes/health.js';
