import type { IngestService } from './ingest-service.js';

/**
 * What publishers of events need of ingest (the event route, agent and bot replies, web chat, experiment
 * exposures): `ingest(producer, body)`. A process without the ingest role hands them one that refuses.
 */
export type EventIngest = Pick<IngestService, 'ingest'>;
