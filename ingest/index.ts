export { IngestService, MAX_EVENTS_PER_REQUEST, type IngestOptions, type IngestReply, type Rejection } from './ingest-service.js';
export { claimIdsScript, CLAIM } from './dedup-scripts.js';
export { applyConversations, assignConversations, needsConversation, startedFor } from './open-conversations.js';
