export { AuditLog, canonicalJson, readChain, verifyStoredChain, type AuditActor, type AuditPort, type AuditRecord } from './audit-log.js';
export { ChainVerifier, verifyChain, type AuditEntry, type ChainReport } from './audit-chain.js';
export { loadOrCreateAuditKey } from './audit-key.js';
export { AUDITED_ROUTES, actorOf, auditRequestsPlugin, recordFor } from './audit-requests.js';
export { auditRoutes, entryView } from './audit-routes.js';
