export { EventWorker, type BatchDone } from './event-worker.js';
export { InProcessBus } from './bus/in-process-bus.js';
export { partitionFor, murmur2 } from './bus/partitioner.js';
export { MemoryStateStore } from './state/memory-state-store.js';
export { channelContributions, minuteOf, minuteKey } from './metrics/first-metrics.js';
export { TOPICS, STREAM_GROUP } from '../shared/topics.js';
