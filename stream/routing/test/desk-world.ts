import fc from 'fast-check';
import { manualClock } from '../../../shared/clock.js';
import type { EventEnvelope } from '../../../shared/envelope.js';
import { silentLogger } from '../../../shared/logger.js';
import type { StateStore } from '../../../shared/ports/state-store.js';
import { seededRng } from '../../../shared/random.js';
import { InProcessBus } from '../../bus/in-process-bus.js';
import { BuiltinIntentClassifier } from '../../intent/builtin-classifier.js';
import { defaultPriorityRules } from '../../sessions/priority.js';
import type { Warehouse } from '../../../shared/ports/warehouse.js';
import { RoutingDesk, type RoutingDeskOptions } from '../routing-desk.js';
import type { PolicyRegistry } from '../policies.js';
import { RoutingService } from '../routing-service.js';
import { parseRoster, type Roster } from '../roster.js';
import { defaultRegistry } from '../rules.js';
import { violation } from './queue-guarantees.js';

/** A small roster: two groups, three agents with tiny capacities, so conflicts are frequent. */
export const SMALL_ROSTER = parseRoster({
  acceptTimeoutMs: 5000,
  agents: [
    { id: 'a1', name: 'A 一', role: 'agent', team: 't1', groups: ['g1'], capacity: { '*': 1 } },
    { id: 'a2', name: 'B 二', role: 'agent', team: 't1', groups: ['g1', 'g2'], capacity: { '*': 2 } },
    { id: 'a3', name: 'C 三', role: 'manager', team: 't2', groups: ['g2'], capacity: { web: 1 } },
  ],
  queues: [
    { group: 'g1', policy: 'least_loaded', slaMs: 60000 },
    { group: 'g2', policy: 'round_robin', slaMs: 60000 },
  ],
  intentGroups: {
    price_inquiry: 'g1',
    feature_comparison: 'g1',
    purchase: 'g1',
    other: 'g2',
    human_agent: 'g2',
    tech_support: 'g2',
    after_sale: 'g2',
    logistics: 'g2',
    complaint: 'g2',
  },
}) as Roster;

export type DeskOp =
  | { k: 'start'; c: number; buy: boolean; empty?: boolean }
  | { k: 'say'; c: number; buy: boolean }
  | { k: 'dispatch'; g: number }
  | { k: 'accept' | 'close'; c: number; a: number }
  | { k: 'transfer'; c: number; a: number; toGroup: boolean }
  | { k: 'presence'; a: number; p: 'online' | 'away' | 'offline' }
  | { k: 'tick'; ms: number };

const c = fc.integer({ min: 0, max: 5 });
const a = fc.integer({ min: 0, max: 2 });
export const deskOpArb: fc.Arbitrary<DeskOp> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('start' as const), c, buy: fc.boolean(), empty: fc.boolean() }), weight: 3 },
  // The customer's words after a start without them: re-triage races dispatch, accepts and transfers.
  { arbitrary: fc.record({ k: fc.constant('say' as const), c, buy: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('dispatch' as const), g: fc.integer({ min: 0, max: 1 }) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constantFrom('accept' as const, 'close' as const), c, a }), weight: 3 },
  fc.record({ k: fc.constant('transfer' as const), c, a, toGroup: fc.boolean() }),
  fc.record({ k: fc.constant('presence' as const), a, p: fc.constantFrom('online' as const, 'away' as const, 'offline' as const) }),
  fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 8000 }) }),
);

const noWarehouse: Pick<Warehouse, 'append'> = { append: async () => undefined };

/** Several routing workers (desk + service each) on the given store connections, one shared clock and bus. */
export async function deskWorld(
  stores: StateStore[],
  opts: { roster?: Roster; defaultPresence?: 'online' | 'offline'; registry?: PolicyRegistry; experiments?: RoutingDeskOptions['experiments'] } = {},
) {
  const roster = opts.roster ?? SMALL_ROSTER;
  const clock = manualClock(1_764_000_000_000);
  const bus = new InProcessBus({ clock });
  await bus.ensureTopic('omnilane.events', 1);
  const workers = stores.map((state, i) => {
    const desk = new RoutingDesk({
      state,
      bus,
      clock,
      log: silentLogger(),
      roster,
      registry: opts.registry ?? defaultRegistry(roster.rules),
      rng: seededRng(i + 1),
      ttlMs: 0,
      defaultPresence: opts.defaultPresence ?? 'online',
      experiments: opts.experiments,
    });
    return { desk, service: new RoutingService({ desk, warehouse: noWarehouse, classifier: new BuiltinIntentClassifier(), priority: defaultPriorityRules() }) };
  });
  const ids = new Set<string>();
  const agents = roster.agents;
  const run = async (op: DeskOp, w: number) => {
    const { desk, service } = workers[w % workers.length];
    const id = `c${'c' in op ? op.c : 0}`;
    const text = (buy: boolean) => (buy ? 'I want to buy it, what is the price?' : 'the app crashes when I log in');
    const ev = (buy: boolean, empty = false): EventEnvelope => ({
      id: `s-${id}`,
      producer: 'test',
      type: 'conversation.started',
      channel: 'web',
      occurred_at: clock.now(),
      received_at: clock.now(),
      customer_key: `k-${id}`,
      customer: { external_id: id },
      conversation_id: id,
      agent_id: null,
      properties: empty ? {} : { text: text(buy) },
    });
    const said = (buy: boolean): EventEnvelope => ({ ...ev(buy), id: `m-${id}-${buy}`, type: 'message.received', properties: { text: text(buy) } });
    try {
      switch (op.k) {
        case 'start':
          ids.add(id);
          await service.intake(ev(op.buy, op.empty));
          return;
        case 'say':
          ids.add(id);
          await service.intake(said(op.buy));
          return;
        case 'dispatch':
          await desk.dispatch(roster.queues[op.g].group);
          return;
        case 'accept':
          await desk.accept(agents[op.a].id, id);
          return;
        case 'close':
          await desk.close(op.a === 0 ? null : agents[op.a].id, id, 'resolved');
          return;
        case 'transfer': {
          const cs = await desk.store.conv(id);
          if (cs?.agent) await desk.transfer(cs.agent, id, op.toGroup ? { group: 'g2' } : { agent: agents[op.a].id });
          return;
        }
        case 'presence':
          await desk.setPresence(agents[op.a].id, op.p);
          return;
        case 'tick':
          clock.advance(op.ms);
          await service.onTick();
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ROUTE_ERR_CONFLICT' && code !== 'API_ERR_NOT_FOUND' && code !== 'API_ERR_FORBIDDEN') throw err;
    }
  };
  const check = () =>
    violation(
      stores[0],
      ids,
      roster.queues.map((q) => q.group),
      agents.map((x) => desk0.slotFor(x, 'web')),
    );
  const desk0 = workers[0].desk;
  return { run, check, bus, clock, workers };
}
