import type { Clock } from '../../shared/clock.js';
import { deadLetterOwner, type PersonalData } from '../../shared/privacy/personal-data.js';

const DAY_MS = 86_400_000;
/** How many days past the retention a run looks back: a process down for a week still shreds what it missed. */
const LOOK_BACK_DAYS = 14;
const EVERY_MS = 3_600_000;

/**
 * Retention of dead letters (docs/privacy.md, "Dead letters"): refused payloads are sealed under one key per UTC
 * day (deadLetterOwner); once a day is older than `days`, its key is destroyed, so every copy of that day's
 * payloads (the warehouse rows, the rejected topic, backups) stops opening. The rows stay: their ref, code and
 * reason still say what was refused. Runs hourly in the process with the stream role; destroying is idempotent.
 */
export class DeadLetterRetention {
  private readonly shredded = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly o: { personal: Pick<PersonalData, 'forget'>; clock: Clock; days: number }) {}

  /** Destroys the keys of the expired days not destroyed yet by this process; returns their owners. */
  async run(): Promise<string[]> {
    const now = this.o.clock.now();
    const due: string[] = [];
    for (let d = this.o.days + 1; d <= this.o.days + LOOK_BACK_DAYS; d++) {
      const owner = deadLetterOwner(now - d * DAY_MS);
      if (!this.shredded.has(owner)) due.push(owner);
    }
    if (due.length > 0) await this.o.personal.forget(due, now);
    for (const o of due) this.shredded.add(o);
    return due;
  }

  start(onError: (err: unknown) => void): void {
    const tick = () => void this.run().catch(onError);
    tick();
    this.timer = setInterval(tick, EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
