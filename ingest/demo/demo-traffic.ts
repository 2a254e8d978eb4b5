import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { seededRng, type Rng } from '../../shared/random.js';
import type { IngestService } from '../ingest-service.js';
import { demoJourney, type ScheduledEvent } from './demo-journeys.js';

export interface DemoTrafficOptions {
  ingest: IngestService;
  clock: Clock;
  log: Logger;
  /** Target events per second, averaged. */
  rate: number;
  /** Minutes of history generated at start so the board is not empty. */
  backfillMinutes?: number;
  seed?: number;
  producer?: string;
}

const EVENTS_PER_JOURNEY = 11; // measured average of demoJourney, for pacing

/**
 * Feeds the ingest service with demo journeys in (event) real time. Events are
 * sent when their time comes, in batches, through the same validation and
 * dedup as posted events.
 */
export class DemoTraffic {
  private queue: ScheduledEvent[] = [];
  private timer?: NodeJS.Timeout;
  private readonly rng: Rng;
  private readonly runId: string;
  private nextArrival = 0;
  sent = 0;

  constructor(private readonly o: DemoTrafficOptions) {
    this.rng = seededRng(o.seed ?? o.clock.now() % 2 ** 31);
    this.runId = `demo${o.clock.now().toString(36)}`;
  }

  private spawnUntil(until: number): void {
    const perMs = this.o.rate / EVENTS_PER_JOURNEY / 1000;
    while (this.nextArrival <= until) {
      this.queue.push(...demoJourney(this.rng, this.nextArrival, this.runId));
      this.nextArrival += Math.max(1, Math.round(-Math.log(Math.max(this.rng(), 1e-9)) / perMs));
    }
    this.queue.sort((a, b) => a.at - b.at);
  }

  private async flushDue(now: number): Promise<void> {
    let n = 0;
    while (n < this.queue.length && this.queue[n].at <= now) n++;
    if (n === 0) return;
    const due = this.queue.splice(0, n);
    for (let i = 0; i < due.length; i += 500) {
      const chunk = due.slice(i, i + 500);
      await this.o.ingest.ingest(this.o.producer ?? 'demo', { events: chunk.map((s) => s.event) });
      this.sent += chunk.length;
    }
  }

  async start(): Promise<void> {
    const now = this.o.clock.now();
    this.nextArrival = now - (this.o.backfillMinutes ?? 60) * 60_000;
    this.spawnUntil(now);
    await this.flushDue(now);
    this.o.log.info({ events: this.sent }, 'demo traffic: history generated, now live');
    this.timer = setInterval(() => {
      const t = this.o.clock.now();
      this.spawnUntil(t);
      this.flushDue(t).catch((err) => this.o.log.warn({ err }, 'demo traffic batch failed'));
    }, 250);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
