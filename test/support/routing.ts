import type { Clock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import type { EventBus } from '../../shared/ports/event-bus.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { seededRng } from '../../shared/random.js';
import { BuiltinIntentClassifier } from '../../stream/intent/builtin-classifier.js';
import type { Roster } from '../../stream/routing/roster.js';
import { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { RoutingService, type RoutingServiceOptions } from '../../stream/routing/routing-service.js';
import { defaultRegistry } from '../../stream/routing/rules.js';
import { defaultPriorityRules } from '../../stream/sessions/priority.js';

/**
 * A routing desk and service for route tests: the roster's rules, the built-in classifier, default priorities, a
 * seeded draw (7) and a day's state TTL; not started (tests call `service.intake` and the desk themselves).
 */
export function testRouting(o: {
  state: StateStore;
  bus: EventBus;
  clock: Clock;
  roster: Roster;
  warehouse: Warehouse;
  suggestions?: RoutingServiceOptions['suggestions'];
}): { desk: RoutingDesk; service: RoutingService } {
  const { state, bus, clock, roster, warehouse, suggestions } = o;
  const desk = new RoutingDesk({
    state,
    bus,
    clock,
    log: silentLogger(),
    roster,
    registry: defaultRegistry(roster.rules),
    rng: seededRng(7),
    ttlMs: 86_400_000,
  });
  const service = new RoutingService({
    desk,
    warehouse,
    classifier: new BuiltinIntentClassifier(),
    priority: defaultPriorityRules(),
    ...(suggestions ? { suggestions } : {}),
  });
  return { desk, service };
}
