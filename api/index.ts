export { buildApp, type AppDeps } from './app.js';
export { KeyRing, loadOrCreateKeys, generateSecret, ROLES, type Role, type Principal, type ApiKey } from './auth/key-ring.js';
export { BoardService, type BoardSnapshot } from './board/board-service.js';
export { LiveHub } from './board/live-hub.js';
export type { HealthProbe } from './routes/health.js';
