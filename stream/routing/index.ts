/**
 * Routing: which agent gets a conversation (issue 5).
 *
 * The model. Agents have skills with levels, groups, a capacity per channel,
 * a presence (online, away, offline) and working hours in their own time
 * zone. A conversation to route carries its customer tag (VIP, high_value,
 * normal), channel, intent, priority, SLA due time, enqueue time and previous
 * agent. A queue per skill group orders conversations by tag, then priority,
 * then SLA due time, then waiting time (`compareQueued`).
 *
 * A decision is two steps. (1) Pure: `route` keeps the eligible candidates
 * (online, on shift, a free slot in the live snapshot) and ranks them with
 * the policy the queue names now, looked up in a registry by name on every
 * decision, so a queue's policy can change at run time. Policies are
 * `(conversation, candidates with live load and response time, rng, state)
 * → ranked ids, state`: skill_match, least_loaded, round_robin (its cursor is
 * the state passed in and out), sticky, and rules (config such as "VIP or
 * high_value with a pre-sale intent (price_inquiry, feature_comparison, purchase) → senior_sales", validated by `parseRules`).
 * (2) Atomic: the offer script (queue-scripts.ts) takes the first ranked
 * agent still under capacity in one StateStore step (Lua on Redis, `local`
 * embedded), so a stale snapshot or racing workers can never exceed capacity
 * or assign a conversation twice; accept, requeue, transfer and close are
 * single steps too.
 *
 * Live routing (docs/routing.md): queues persisted in the StateStore with
 * atomic enqueue / offer / accept / requeue / transfer / close scripts
 * (queue-scripts.ts, queue-release-scripts.ts, typed by QueueStore), the
 * RoutingDesk (dispatch with the policy read at every decision, agent
 * actions, published events), the RoutingService (its own consumer group:
 * triage on the first event and once more on the customer's first words
 * (triage.ts), enqueue, offer timeouts, SLA breach escalation, routing_gauges),
 * and the roster file (roster.ts, ROUTING_CONFIG). The predictive policy and
 * the replay simulator live in predictive/ and replay/.
 */
export * from './model.js';
export * from './policies.js';
export { defaultRegistry, matchRule, parseRules, rulesPolicy, type RoutingRule } from './rules.js';
export * from './queue-keys.js';
export * from './queue-scripts.js';
export * from './queue-release-scripts.js';
export { QueueStore, MAX_OFFER_CANDIDATES, type ConvState, type SlotCandidate, type TriageMark } from './queue-store.js';
export { groupFor, statedIntent, triageText } from './triage.js';
export { RoutingDesk, type ConsoleEvent, type Outcome, type RoutingDeskOptions } from './routing-desk.js';
export { RoutingService, ROUTING_GROUP, type RoutingServiceOptions } from './routing-service.js';
export { loadRoster, parseRoster, POLICY_NAMES, DEMO_ROSTER_PATH, type Roster, type RosterAgent, type QueueConfig, type PolicyName } from './roster.js';
export * from './sla-prediction.js';
export { queueView, escalateBreaches, gaugeRows, type QueueView, type QueueItemView, type GaugeRow } from './routing-views.js';
export * from './routing-events.js';
