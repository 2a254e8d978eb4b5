export { IngestService, MAX_EVENTS_PER_REQUEST, type IngestReply, type Rejection } from './ingest-service.js';
export { claimIdsScript, CLAIM } from './dedup-scripts.js';
