export { createAttributionView, type AttributionViewDeps } from './attribution-view.js';
export * from './options.js';
export type * from './types.js';
export { FUNNEL_BY } from './types.js';
