import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { seededRng, type Rng } from '../../shared/random.js';
import type { IngestService } from '../ingest-service.js';
import { demoJourney, type ScheduledEvent } from './demo-journeys.js';
import { conversationRate, demoJourneyStats, type DemoLoadPlan, type DeskObservation } from './demo-load.js';

/** Paces demo conversations by the desk that serves them (demo-load.ts). */
export interface ConversationPacing {
  plan: DemoLoadPlan;
  /** The desk now; null until the first look (history is generated at the open-loop rate). */
  observe(): DeskObservation | null;
}

export interface DemoTrafficOptions {
  ingest: Pick<IngestService, 'ingest'>;
  clock: Clock;
  log: Logger;
  /** Target events per second, averaged. */
  rate: number;
  /** Minutes of history generated at start so the board is not empty. */
  backfillMinutes?: number;
  seed?: number;
  producer?: string;
  /**
   * With a routing desk: conversations arrive at the rate its roster can serve (waves around a target load) and
   * browsing journeys make up the rest of `rate`. Without: every journey may become a conversation.
   */
  pacing?: ConversationPacing;
}

const EVENTS_PER_JOURNEY = 11; // measured average of demoJourney, for pacing

/** Exponential gap (ms) of a Poisson stream with `perMs` arrivals per ms, at least 1 ms. */
const gap = (rng: Rng, perMs: number) => Math.max(1, Math.round(-Math.log(Math.max(rng(), 1e-9)) / Math.max(perMs, 1e-12)));

/**
 * The demo's journeys in event time: `take(until)` returns the events due by then, in time order. Pure apart
 * from its seeded randomness, so a simulation can drive it with a manual clock.
 */
export class DemoSchedule {
  private queue: ScheduledEvent[] = [];
  private nextArrival: number;
  private nextConversation: number;
  private liveFrom = Number.POSITIVE_INFINITY;
  private readonly stats = demoJourneyStats();

  constructor(
    private readonly rng: Rng,
    private readonly runId: string,
    private readonly rate: number,
    start: number,
    private readonly pacing?: ConversationPacing,
  ) {
    this.nextArrival = start;
    this.nextConversation = start;
  }

  /** From `t` on the desk is live: pacing uses its observation (history before it runs open-loop). */
  goLive(t: number): void {
    this.liveFrom = t;
  }

  private spawnUntil(until: number): void {
    if (!this.pacing) {
      const perMs = this.rate / EVENTS_PER_JOURNEY / 1000;
      while (this.nextArrival <= until) {
        this.queue.push(...demoJourney(this.rng, this.nextArrival, this.runId));
        this.nextArrival += gap(this.rng, perMs);
      }
    } else {
      const { plan } = this.pacing;
      const seen = this.pacing.observe() ?? undefined;
      while (this.nextConversation <= until) {
        this.queue.push(...demoJourney(this.rng, this.nextConversation, this.runId, 'conversation'));
        this.nextConversation += gap(this.rng, conversationRate(plan, this.nextConversation, this.nextConversation >= this.liveFrom ? seen : undefined));
      }
      // browsing visitors make up the rest of the event rate (touchpoints for attribution, no conversation)
      const convEventsPerMs = conversationRate(plan, until) * this.stats.eventsPerConversation;
      const browsePerMs = Math.max(this.rate / 1000 - convEventsPerMs, this.rate / 10_000) / this.stats.eventsPerBrowse;
      while (this.nextArrival <= until) {
        this.queue.push(...demoJourney(this.rng, this.nextArrival, this.runId, 'browse'));
        this.nextArrival += gap(this.rng, browsePerMs);
      }
    }
    this.queue.sort((a, b) => a.at - b.at);
  }

  take(until: number): ScheduledEvent[] {
    this.spawnUntil(until);
    let n = 0;
    while (n < this.queue.length && this.queue[n].at <= until) n++;
    return this.queue.splice(0, n);
  }
}

/**
 * Feeds the ingest service with demo journeys in (event) real time. Events are
 * sent when their time comes, in batches, through the same validation and
 * dedup as posted events.
 */
export class DemoTraffic {
  private timer?: NodeJS.Timeout;
  private inflight: Promise<void> = Promise.resolve();
  private readonly schedule: DemoSchedule;
  sent = 0;

  constructor(private readonly o: DemoTrafficOptions) {
    const now = o.clock.now();
    this.schedule = new DemoSchedule(seededRng(o.seed ?? now % 2 ** 31), `demo${now.toString(36)}`, o.rate, now - (o.backfillMinutes ?? 60) * 60_000, o.pacing);
  }

  private async flushDue(now: number): Promise<void> {
    const due = this.schedule.take(now);
    for (let i = 0; i < due.length; i += 500) {
      const chunk = due.slice(i, i + 500);
      await this.o.ingest.ingest(this.o.producer ?? 'demo', { events: chunk.map((s) => s.event) });
      this.sent += chunk.length;
    }
  }

  async start(): Promise<void> {
    const now = this.o.clock.now();
    await this.flushDue(now);
    this.schedule.goLive(now);
    this.o.log.info({ events: this.sent }, 'demo traffic: history generated, now live');
    this.timer = setInterval(() => {
      this.inflight = this.inflight.then(() => this.flushDue(this.o.clock.now())).catch((err) => this.o.log.warn({ err }, 'demo traffic batch failed'));
    }, 250);
  }

  /** Stops the timer; resolves once a batch in flight is through, so the engines can close after it. */
  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.inflight;
  }
}
