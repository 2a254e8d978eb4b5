export { createExperimentsView } from './experiments-view.js';
export { createInsightsPanel } from './insights-panel.js';
