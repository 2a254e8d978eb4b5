import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { statField } from '../../shared/kpi-catalogue.js';
import type { KpiService } from '../metrics/kpi-service.js';
import type { AlertOp, AlertRule } from '../../shared/alert-rules.js';
import type { AlertTransition, AlertWebhook } from './webhook.js';

/** A rule that is firing now, as the board and GET /v1/alerts show it. */
export type { FiringAlert } from '../reply-types.js';
import type { FiringAlert } from '../reply-types.js';

/** Whether `value op threshold` holds; a missing value (no data in the window) never fires. */
export function breaches(value: number | null, op: AlertOp, threshold: number): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  switch (op) {
    case '>':
      return value > threshold;
    case '<':
      return value < threshold;
    case '>=':
      return value >= threshold;
    case '<=':
      return value <= threshold;
  }
}

export interface AlertEvaluatorOptions {
  rules: AlertRule[];
  kpis: Pick<KpiService, 'window'>;
  clock: Clock;
  intervalMs: number;
  webhook?: AlertWebhook;
  log?: Logger;
}

/**
 * Evaluates the alert rules every interval over the last `window_minutes` of each KPI, keeps which rules fire
 * (since when), and posts each firing/resolved transition to the webhook. State lives in this process: an api
 * process that restarts re-fires what still breaches (one more webhook call, never a lost resolve).
 */
export class AlertEvaluator {
  private readonly active = new Map<string, FiringAlert>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly deliveries = new Set<Promise<unknown>>();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: AlertEvaluatorOptions) {}

  get rules(): readonly AlertRule[] {
    return this.opts.rules;
  }

  /** The firing rules, in rule order. */
  firing(): FiringAlert[] {
    return this.opts.rules.map((r) => this.active.get(r.id)).filter((a): a is FiringAlert => a !== undefined);
  }

  start(): void {
    if (this.timer || this.opts.rules.length === 0) return;
    this.timer = setInterval(() => void this.tick().catch((err) => this.opts.log?.error({ err }, 'alert evaluation failed')), this.opts.intervalMs);
    this.timer.unref();
    void this.tick().catch((err) => this.opts.log?.error({ err }, 'alert evaluation failed'));
  }

  /** Stops the schedule and waits for the evaluation and webhook deliveries in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    await Promise.allSettled([...this.deliveries]);
  }

  /** One evaluation of every rule (overlapping calls share the one in flight). */
  tick(): Promise<void> {
    if (!this.running) this.running = this.evaluate().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves when the webhook deliveries started so far have settled (tests). */
  async flushed(): Promise<void> {
    await Promise.allSettled([...this.deliveries]);
  }

  private async evaluate(): Promise<void> {
    const now = this.opts.clock.now();
    for (const rule of this.opts.rules) {
      let value: number | null;
      try {
        const [point] = await this.opts.kpis.window(rule.kpi, now - rule.window_minutes * 60_000, now, rule.filters);
        const v = point?.[statField(rule.stat)];
        value = v === undefined || v === null ? null : Number(v);
      } catch (err) {
        // A failed read changes nothing: a firing rule stays firing until a read says otherwise.
        this.opts.log?.error({ err, rule_id: rule.id }, 'alert rule could not be evaluated');
        continue;
      }
      const was = this.active.get(rule.id);
      if (breaches(value, rule.op, rule.threshold)) {
        if (was) was.value = value;
        else {
          this.active.set(rule.id, {
            rule_id: rule.id,
            kpi: rule.kpi,
            stat: rule.stat,
            op: rule.op,
            threshold: rule.threshold,
            value,
            since: new Date(now).toISOString(),
            message_en: rule.message.en,
            message_zh: rule.message.zh,
          });
          this.notify({ rule_id: rule.id, state: 'firing', value, threshold: rule.threshold, at: new Date(now).toISOString() });
        }
      } else if (was) {
        this.active.delete(rule.id);
        this.notify({ rule_id: rule.id, state: 'resolved', value, threshold: rule.threshold, at: new Date(now).toISOString() });
      }
    }
  }

  private notify(t: AlertTransition): void {
    this.opts.log?.info({ rule_id: t.rule_id, state: t.state, value: t.value }, 'alert transition');
    if (!this.opts.webhook) return;
    // Deliveries run beside the schedule so a slow receiver never delays the next evaluation; per rule they
    // are chained, so a receiver sees firing before its resolved even while retrying.
    const webhook = this.opts.webhook;
    const p: Promise<unknown> = (this.chains.get(t.rule_id) ?? Promise.resolve()).then(() => webhook.send(t));
    this.chains.set(t.rule_id, p);
    this.deliveries.add(p);
    void p.finally(() => {
      this.deliveries.delete(p);
      if (this.chains.get(t.rule_id) === p) this.chains.delete(t.rule_id);
    });
  }
}
