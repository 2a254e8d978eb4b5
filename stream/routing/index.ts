/**
 * Routing: which agent gets a conversation (issue 5, first stone).
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
 * high_value with pre_sale intent → senior_sales", validated by `parseRules`).
 * (2) Atomic: `assignConversationScript` takes the first ranked agent still
 * under capacity in one StateStore step (Lua on Redis, `local` embedded), so
 * a stale snapshot or racing workers can never exceed capacity or assign a
 * conversation twice; `releaseConversationScript` frees the slot on close or
 * transfer, idempotently and never below zero.
 *
 * Not built yet (nothing here is wired into the stream worker): queues
 * persisted in the StateStore and "no conversation lost from a queue";
 * re-routing an assignment not answered in time; transfer as one atomic step
 * (today: release, then assign); SLA breach prediction and escalation; the
 * predictive conversion policy; intent triage; the agent console; the replay
 * simulator; the decisions/s bench.
 */
export * from './model.js';
export * from './policies.js';
export { defaultRegistry, matchRule, parseRules, rulesPolicy, type RoutingRule } from './rules.js';
export * from './assign-scripts.js';
