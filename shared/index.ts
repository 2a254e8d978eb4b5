export * from './clock.js';
export * from './config.js';
export * from './envelope.js';
export * from './errors.js';
export * from './logger.js';
export * from './paths.js';
export * from './results.js';
export type * from './ports/index.js';
