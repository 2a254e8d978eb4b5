import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { DEMO_LOAD_DEFAULTS, demoJourneyStats, type DemoLoadPlan, type DeskObservation } from './demo-load.js';
import type { ConversationPacing } from './demo-traffic.js';

/** The roster members a person drives in the demo: the first manager and the first agent (the banner's console links). */
export function consoleAgents<A extends { id: string; role: string }>(agents: readonly A[]): A[] {
  return (['manager', 'agent'] as const).flatMap((role) => {
    const a = agents.find((x) => x.role === role);
    return a ? [a] : [];
  });
}

/** A stable per-conversation delay in [minMs, maxMs): the same conversation waits the same on every tick. */
function delayFor(id: string, minMs: number, maxMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return minMs + ((h >>> 0) % (maxMs - minMs));
}

/** Σ capacity of the roster, counted like the board's agent load (routing_gauges: every slot of every agent). */
export function rosterCapacity(desk: Pick<RoutingDesk, 'roster'>): number {
  return desk.roster.agents.reduce((sum, a) => sum + Object.values(a.capacity).reduce((s, n) => s + n, 0), 0);
}

/**
 * Simulated agents for `omnilane start --demo`: every online agent except the
 * console agents accepts an offer 3–15 s after it was made, like a person
 * reading the preview, so queues, waits, SLA and agent load on the board move
 * like a staffed desk. Closing stays with the demo traffic's own
 * `conversation.closed` events. Each tick also looks at the desk (load, queues)
 * so the demo traffic can pace conversations by it (`pacing()`, demo-load.ts).
 * Demo only: real agents accept in the console.
 */
export class DemoAgents {
  private timer?: NodeJS.Timeout;
  private busy = false;
  private readonly humans: ReadonlySet<string>;
  private seen: DeskObservation | null = null;

  constructor(private readonly o: { desk: RoutingDesk; clock: Clock; log: Logger }) {
    this.humans = new Set(consoleAgents(o.desk.roster.agents).map((a) => a.id));
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  async tick(): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    let accepted = 0;
    try {
      const now = this.o.clock.now();
      const open = Object.entries(await this.o.desk.store.open());
      await this.look(open.length);
      for (const [id, [agent, status, acceptBy]] of open) {
        if (status !== 'offered' || this.humans.has(agent)) continue;
        const offeredAt = acceptBy - this.o.desk.roster.acceptTimeoutMs;
        // Never later than most of the accept timeout, or simulated offers would time out instead.
        if (now < offeredAt + Math.min(delayFor(id, 3000, 15_000), 0.8 * this.o.desk.roster.acceptTimeoutMs)) continue;
        try {
          await this.o.desk.accept(agent, id);
          accepted++;
        } catch (err) {
          // Taken back (timeout, transfer, close) between the read and the accept: nothing to do.
          this.o.log.debug({ err, conversation: id }, 'demo agent could not accept');
        }
      }
    } finally {
      this.busy = false;
    }
    return accepted;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The desk at the last tick: open conversations over the roster's capacity, and how many wait in queues. */
  observe(): DeskObservation | null {
    return this.seen;
  }

  /** Pacing for DemoTraffic: conversations at the rate this roster serves at a 55–85 % load, in waves. */
  pacing(plan: Partial<DemoLoadPlan> = {}): ConversationPacing {
    const full: DemoLoadPlan = { capacity: rosterCapacity(this.o.desk), meanHoldMs: demoJourneyStats().meanHoldMs, ...DEMO_LOAD_DEFAULTS, ...plan };
    return { plan: full, observe: () => this.observe() };
  }

  private async look(open: number): Promise<void> {
    const queues = await Promise.all(this.o.desk.groups().map((g) => this.o.desk.store.queue(g)));
    this.seen = { load: open / Math.max(1, rosterCapacity(this.o.desk)), queued: queues.reduce((n, q) => n + q.length, 0) };
  }
}
