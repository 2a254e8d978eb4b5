export * from './definition.js';
export * from './assignment.js';
export * from './exposure.js';
export * from './outcomes.js';
export * from './report.js';
export * from './experiment-store.js';
export * as stats from './stats/index.js';
export * from './experiment-service.js';
export * from './bus-publish.js';
