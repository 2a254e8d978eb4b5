import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { manualClock, type Clock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import { silentLogger } from '../../shared/logger.js';
import type { EventBus } from '../../shared/ports/event-bus.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { seededRng } from '../../shared/random.js';
import { BuiltinIntentClassifier } from '../../stream/intent/builtin-classifier.js';
import { InProcessBus } from '../../stream/bus/in-process-bus.js';
import { loadRoster, type Roster } from '../../stream/routing/roster.js';
import { RoutingDesk, type RoutingDeskOptions } from '../../stream/routing/routing-desk.js';
import { RoutingService, type RoutingServiceOptions } from '../../stream/routing/routing-service.js';
import { defaultRegistry } from '../../stream/routing/rules.js';
import { defaultPriorityRules } from '../../stream/sessions/priority.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { rosterAccess } from './access.js';
import { conversationEvent } from './events.js';

/** Where a test desk lives and how it draws: the roster's rules, seed 7 and a day's state TTL unless given. */
export interface TestDeskOptions {
  state: StateStore;
  bus: EventBus;
  clock: Clock;
  roster: Roster;
  seed?: number;
  ttlMs?: number;
  defaultPresence?: RoutingDeskOptions['defaultPresence'];
}

/** A routing desk for tests (see TestDeskOptions for its defaults). */
export function testDesk(o: TestDeskOptions): RoutingDesk {
  const { state, bus, clock, roster } = o;
  return new RoutingDesk({
    state,
    bus,
    clock,
    log: silentLogger(),
    roster,
    registry: defaultRegistry(roster.rules),
    rng: seededRng(o.seed ?? 7),
    ttlMs: o.ttlMs ?? 86_400_000,
    ...(o.defaultPresence ? { defaultPresence: o.defaultPresence } : {}),
  });
}

/**
 * A routing desk and service for tests: the desk of {@link testDesk}, the built-in classifier, default priorities;
 * not started (tests call `service.intake` and the desk themselves). Without a warehouse, gauges go nowhere.
 */
export function testRouting(o: TestDeskOptions & { warehouse?: RoutingServiceOptions['warehouse']; suggestions?: RoutingServiceOptions['suggestions'] }): {
  desk: RoutingDesk;
  service: RoutingService;
} {
  const desk = testDesk(o);
  const service = new RoutingService({
    desk,
    warehouse: o.warehouse ?? { append: async () => undefined },
    classifier: new BuiltinIntentClassifier(),
    priority: defaultPriorityRules(),
    ...(o.suggestions ? { suggestions: o.suggestions } : {}),
  });
  return { desk, service };
}

/**
 * What the console route tests stand on: the demo roster, in-memory state and an in-process bus at `now`, and a
 * DuckDB warehouse in a temporary folder (`dir`). `open()` (in beforeAll) migrates the warehouse, makes the events
 * topic and a key per roster member (`key(id)`); `close(app)` (in afterAll) closes the app, the bus and the
 * warehouse and removes the folder.
 */
export function routeTestBed(name: string, now: number) {
  const dir = mkdtempSync(join(tmpdir(), `omnilane-${name}-`));
  const clock = manualClock(now);
  const roster = loadRoster(undefined);
  const state = new MemoryStateStore({ clock });
  const bus = new InProcessBus({ clock });
  let warehouse: DuckDbWarehouse | undefined;
  let keys: Awaited<ReturnType<typeof rosterAccess>> | undefined;
  return {
    dir,
    clock,
    roster,
    state,
    bus,
    key: (id: string) => keys!.key(id),
    /** An event of conversation `conv` now, from customer `cus_<conv>` on web chat (see conversationEvent). */
    event: (id: string, type: EventEnvelope['type'], conv: string, props: Record<string, unknown>, producer = 'test') =>
      conversationEvent(id, clock.now(), conv, type, props, { producer }),
    /** The roster members' keys and the admin, analyst and ingest keys (after `open()`). */
    keys: () => keys!,
    async open() {
      warehouse = await DuckDbWarehouse.open(join(dir, 'w.duckdb'));
      await warehouse.migrate();
      await bus.ensureTopic('omnilane.events', 2);
      keys = await rosterAccess(roster.agents);
      return { warehouse, keys };
    },
    async close(app?: FastifyInstance) {
      await app?.close();
      await bus.close();
      await warehouse?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
