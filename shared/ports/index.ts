export type * from './event-bus.js';
export type * from './state-store.js';
export type * from './warehouse.js';
export type * from './suppression.js';
