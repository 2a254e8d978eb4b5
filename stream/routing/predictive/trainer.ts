import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { Warehouse } from '../../../shared/ports/warehouse.js';
import type { RoutingPolicy } from '../policies.js';
import { trainConversionModel } from './conversion-model.js';
import { agentRecords, DAY_MS, foldConversations, labelled } from './history.js';
import { predictivePolicy, type PredictiveSetup } from './index.js';
import { loadRoutingHistory } from './load-history.js';

export interface PredictiveTrainerOptions {
  warehouse: Warehouse;
  /** The live registry decisions look policies up in: a trained policy replaces `predictive` there. */
  registry: Map<string, RoutingPolicy>;
  clock: Clock;
  log: Logger;
  /** How often the model is retrained from the warehouse, ms. */
  intervalMs: number;
  /** How much history it learns from, days. */
  lookbackDays: number;
  /** Fewer labelled conversations than this (or one outcome only) and the model is not (re)placed. */
  minLabelled?: number;
  /** A conversation converts when its customer wins a deal within this many days. */
  dealWindowDays?: number;
  options?: PredictiveSetup['options'];
}

export type TrainResult =
  { trained: true; conversations: number; agents: number; baseRate: number } | { trained: false; conversations: number; reason: string };

/**
 * Keeps the live `predictive` policy trained: loads the recorded conversations
 * of the lookback from the warehouse, fits the conversion model and the
 * agents' records, and swaps the policy in the registry (decisions read it by
 * name each time, so no restart). Until a first model exists a queue naming
 * `predictive` is ranked by the desk's fallback.
 */
export class PredictiveTrainer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly o: PredictiveTrainerOptions) {}

  async trainOnce(): Promise<TrainResult> {
    const now = this.o.clock.now();
    const history = await loadRoutingHistory(this.o.warehouse, now - this.o.lookbackDays * DAY_MS, now);
    const known = labelled(foldConversations(history.events, this.o.dealWindowDays ?? 7, now));
    const positives = known.filter((c) => c.converted).length;
    if (known.length < (this.o.minLabelled ?? 30) || positives === 0 || positives === known.length) {
      return { trained: false, conversations: known.length, reason: 'not enough labelled conversations with both outcomes yet' };
    }
    const model = trainConversionModel(known);
    const records = agentRecords(history.agents);
    this.o.registry.set('predictive', predictivePolicy({ model, records, options: this.o.options }));
    return { trained: true, conversations: known.length, agents: records.size, baseRate: model.baseRate };
  }

  start(): void {
    const run = () => {
      if (this.running) return;
      this.running = this.trainOnce()
        .then((r) => this.o.log.info(r, r.trained ? 'predictive routing model trained' : 'predictive routing model not trained'))
        .catch((err: unknown) => this.o.log.error({ err }, 'predictive routing training failed; keeping the previous model'))
        .finally(() => (this.running = undefined));
    };
    run();
    this.timer = setInterval(run, this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
