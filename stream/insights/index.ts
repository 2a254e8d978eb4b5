export * from './channel-conversion.js';
export * from './agent-deal-cycle.js';
export * from './insights-service.js';
