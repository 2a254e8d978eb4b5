/**
 * Predictive routing (issue 5): a conversion-probability model trained from
 * the warehouse history (L2 logistic regression on one-hot tag, channel,
 * intent, source, hour of day in Asia/Shanghai and the customer's past
 * conversations and deals), agents' smoothed conversion records, and the
 * `predictive` policy that sends likely buyers to the best converters within
 * capacity and a sliding-window fairness cap. See docs/routing-replay.md.
 */
import type { Conversation } from '../model.js';
import type { RoutingPolicy } from '../policies.js';
import { predictConversion, type ConversionFeatures, type ConversionModel } from './conversion-model.js';
import type { AgentRecord } from './history.js';
import { DEFAULT_PREDICTIVE, predictive, type PredictiveOptions } from './predictive-policy.js';

export * from './conversion-model.js';
export * from './history.js';
export * from './logistic.js';
export * from './metrics.js';
export * from './predictive-policy.js';
export { loadRoutingHistory, type RoutingHistory } from './load-history.js';

/** Features a live conversation carries; callers that know the source or past behaviour pass a richer lookup. */
export function featuresOfConversation(c: Conversation & { source?: string; priorConversations?: number; priorDeals?: number }): ConversionFeatures {
  return {
    tag: c.tag,
    channel: c.channel,
    intent: c.intent,
    source: c.source ?? '',
    at: c.enqueuedAt,
    priorConversations: c.priorConversations ?? 0,
    priorDeals: c.priorDeals ?? 0,
  };
}

export interface PredictiveSetup {
  model: ConversionModel;
  records: ReadonlyMap<string, AgentRecord>;
  options?: Partial<PredictiveOptions>;
  /** Default: `featuresOfConversation`. */
  featuresOf?: (c: Conversation) => ConversionFeatures;
}

/** The predictive policy from a trained model and agent records (pool size defaults to the agents with records). */
export function predictivePolicy(setup: PredictiveSetup): RoutingPolicy {
  const featuresOf = setup.featuresOf ?? featuresOfConversation;
  return predictive({
    probabilityOf: (c) => predictConversion(setup.model, featuresOf(c)),
    factorOf: (id) => setup.records.get(id)?.factor ?? 1,
    options: { ...DEFAULT_PREDICTIVE, poolSize: Math.max(1, setup.records.size), ...setup.options },
  });
}
