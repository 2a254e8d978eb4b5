/**
 * Replay simulator (issue 5): recorded conversations replayed through a
 * deterministic discrete-event simulation under a chosen routing policy and
 * under the policy that actually ran, reported side by side (wait p50/p90,
 * SLA misses, load Gini, expected conversions). See docs/routing-replay.md.
 */
export * from './stats.js';
export * from './simulator.js';
export * from './roster.js';
export * from './replay.js';
export * from './report.js';
