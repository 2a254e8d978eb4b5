/** Bus topics. Events are keyed by the resolved customer key. */
export const TOPICS = {
  events: 'omnilane.events',
  rejected: 'omnilane.rejected',
  /** Messages the stream could not process, with the reason: for inspection and replay tools. */
  deadLetters: 'omnilane.dead-letters',
} as const;

/** Consumer group of the stream workers. */
export const STREAM_GROUP = 'omnilane-stream';
