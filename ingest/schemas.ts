import { Type } from '@sinclair/typebox';
import { EVENT_TYPES, EventInput } from '../shared/envelope.js';

/** The body and reply of POST /v1/events (ingest/events-routes.ts); the app SDK's route answers with IngestReply too. */
export const IngestBody = Type.Object(
  { events: Type.Array(EventInput, { minItems: 1, maxItems: 1000, description: `Event types: ${EVENT_TYPES.join(', ')}` }) },
  { description: 'Up to 1000 events and 1 MiB. Each event is validated by itself: an invalid one is rejected, its siblings still land.' },
);

export const IngestReply = Type.Object({
  accepted: Type.Integer({ description: 'Events stored now.' }),
  duplicates: Type.Integer({ description: 'Events whose (producer, id) was already accepted; counted once.' }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), message: Type.String() })),
});
