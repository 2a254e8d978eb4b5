/** Bus topics. Events are keyed by the resolved customer key. */
export const TOPICS = {
  events: 'omnilane.events',
  rejected: 'omnilane.rejected',
} as const;

/** Consumer group of the stream workers. */
export const STREAM_GROUP = 'omnilane-stream';
