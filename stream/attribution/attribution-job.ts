import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { AttributionResultRow, AttributionTransitionRow } from '../../shared/tables.js';
import { bootstrapAttribution } from './bootstrap.js';
import { encodePaths } from './encode.js';
import { buildJourneys, DAY_MS, DEFAULT_JOURNEY_CONFIG, journeysToPaths, type JourneyConfig, type JourneyEvent } from './journeys.js';
import { markovAttribution } from './markov.js';
import { runModel } from './models.js';
import type { AttributionResult, EncodedPaths, ModelName } from './types.js';
import { jsonObject } from '../../shared/json.js';

/** The models every run computes, in this order. Markov is order 1 (with its transition matrix). */
export const JOB_MODELS: readonly ModelName[] = ['markov', 'shapley', 'first', 'last', 'linear', 'time_decay', 'position'];

export interface AttributionJobDeps {
  warehouse: Warehouse;
  clock: Clock;
  log: Logger;
  /** how often to check for new conversions; a run starts at most once per interval (ms) */
  intervalMs: number;
  /** the rolling window a scheduled run covers: journeys that ended in the last `lookbackDays` days */
  lookbackDays: number;
  /** what counts as a touchpoint and a conversion; `lookbackMs` defaults to `lookbackDays` */
  journeys?: Partial<JourneyConfig>;
  /** bootstrap resamples per model for the confidence intervals (default 100; 0: no intervals) */
  bootstrapResamples?: number;
  /** seed of the bootstrap (default 1): the same data give the same intervals */
  seed?: number;
  /** time-decay half-life in touches (default 1) */
  halfLife?: number;
}

export interface RunSummary {
  run_id: string;
  /** epoch ms */
  run_at: number;
  window_from: number;
  window_to: number;
  /** converting + non-converting journeys that ended in the window */
  journeys: number;
  conversions: number;
  value: number;
  nulls: number;
  /** journeys still inside their lookback window at `window_to` (not counted yet) */
  open: number;
  unattributed_conversions: number;
  channels: string[];
  models: ModelName[];
  result_rows: number;
  transition_rows: number;
  duration_ms: number;
}

interface EventRowJson {
  producer: string;
  id: string;
  customer_key: string;
  type: string;
  channel: string;
  occurred_at_ms: number | string;
  properties: string | Record<string, unknown> | null;
}

interface Watermark {
  conversions: number;
  max_received_ms: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const parseProps = jsonObject;

/** Loads a window's journey events through the `journey_events` named query. */
export async function loadJourneyEvents(warehouse: Warehouse, fromMs: number, toMs: number, config: JourneyConfig): Promise<JourneyEvent[]> {
  const types = [...new Set([...Object.keys(config.touchpoints), ...config.conversionTypes])].sort();
  const rows = await warehouse.query<EventRowJson>('journey_events', { from_ms: fromMs, to_ms: toMs, types });
  return rows.map((r) => ({
    producer: r.producer,
    id: r.id,
    customer_key: r.customer_key,
    type: r.type,
    channel: r.channel,
    occurred_at: Number(r.occurred_at_ms),
    properties: parseProps(r.properties),
  }));
}

/**
 * Attribution in the pipeline. A run loads the journey events of its window from the warehouse, cuts them into
 * journeys (`buildJourneys`), runs every model of `JOB_MODELS` (with bootstrap intervals) and appends the
 * results and the Markov transition matrix under a new run id. Scheduled runs cover the rolling window
 * [now − lookbackDays, now): every `intervalMs` the job asks the warehouse (one aggregate over conversion events)
 * whether conversions arrived since the last run, and runs only then. Runs never overlap; a failed run is
 * logged and retried at the next check. Only infrastructure failures throw (from `runOnce`).
 */
export class AttributionJob {
  private readonly config: JourneyConfig;
  private timer?: NodeJS.Timeout;
  private tail: Promise<unknown> = Promise.resolve();
  private checking = false;
  private stopped = false;
  private seen?: Watermark;
  private seq = 0;
  private last?: RunSummary;
  private running = false;

  constructor(private readonly deps: AttributionJobDeps) {
    if (!(deps.intervalMs > 0)) throw new RangeError('intervalMs must be > 0');
    if (!(deps.lookbackDays > 0)) throw new RangeError('lookbackDays must be > 0');
    this.config = {
      ...DEFAULT_JOURNEY_CONFIG,
      lookbackMs: deps.lookbackDays * DAY_MS,
      ...deps.journeys,
    };
  }

  /** Starts the schedule: a check now, then one every `intervalMs`. Idempotent. */
  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => void this.check(), this.deps.intervalMs);
    this.timer.unref();
    void this.check();
  }

  /** Stops the schedule and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.tail.catch(() => undefined);
  }

  /** The last completed run of this process and whether one is running now. */
  status(): { running: boolean; last_run: RunSummary | null } {
    return { running: this.running, last_run: this.last ?? null };
  }

  /** The rolling window of a scheduled run ending now. */
  currentWindow(): { from: number; to: number } {
    const to = this.deps.clock.now();
    return { from: to - this.deps.lookbackDays * DAY_MS, to };
  }

  /** One scheduled check: runs when the conversion watermark moved since the last run. Never throws. */
  async check(): Promise<boolean> {
    if (this.checking || this.stopped) return false;
    this.checking = true;
    try {
      const wm = await this.watermark(this.currentWindow().from);
      if (this.seen && this.seen.conversions === wm.conversions && this.seen.max_received_ms === wm.max_received_ms) return false;
      if (!this.seen && wm.conversions === 0) {
        this.seen = wm;
        return false;
      }
      await this.runOnce();
      return true;
    } catch (err) {
      this.deps.log.error({ err }, 'attribution run failed; retrying at the next check');
      return false;
    } finally {
      this.checking = false;
    }
  }

  private async watermark(fromMs: number): Promise<Watermark> {
    const [row] = await this.deps.warehouse.query<{ conversions: number | string; max_received_ms: number | string | null }>(
      'attribution_conversion_watermark',
      {
        from_ms: fromMs,
        types: [...this.config.conversionTypes],
      },
    );
    return { conversions: Number(row?.conversions ?? 0), max_received_ms: Number(row?.max_received_ms ?? 0) };
  }

  /**
   * Runs now (after any run in progress) over `window` (default: the rolling window ending now) and appends the
   * results. Resolves with the run's summary; rejects when the warehouse fails.
   */
  runOnce(window?: { from: number; to: number }): Promise<RunSummary> {
    const next = this.tail.then(() => this.run(window));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async run(window?: { from: number; to: number }): Promise<RunSummary> {
    this.running = true;
    try {
      const { warehouse, clock, log } = this.deps;
      const started = clock.now();
      const win = window ?? this.currentWindow();
      const wm = window ? undefined : await this.watermark(win.from);
      // journeys ending in the window started at most one lookback earlier
      const events = await loadJourneyEvents(warehouse, win.from - this.config.lookbackMs, win.to, this.config);
      const built = buildJourneys(events, this.config, win.to);
      const journeys = built.journeys.filter((j) => j.ended_at >= win.from && j.ended_at < win.to);
      const paths = journeysToPaths(journeys);
      const runAt = clock.now();
      const runId = `run-${new Date(runAt).toISOString()}-${(++this.seq).toString(36)}`;
      const base = { run_id: runId, run_at: runAt, window_from: win.from, window_to: win.to };
      const results: AttributionResultRow[] = [];
      let transitions: AttributionTransitionRow[] = [];
      let totals = { conversions: 0, value: 0, nulls: 0 };
      let channels: string[] = [];
      if (paths.length > 0) {
        const enc = encodePaths(paths);
        channels = [...enc.channels].sort();
        for (const model of JOB_MODELS) {
          await yieldToLoop();
          const { estimate, intervals } = this.compute(model, enc);
          const ivByChannel = new Map(intervals.map((iv) => [iv.channel, iv]));
          totals = { conversions: estimate.total_conversions, value: estimate.total_value, nulls: paths.reduce((s, p) => s + p.nulls, 0) };
          for (const c of estimate.channels) {
            const iv = ivByChannel.get(c.channel);
            results.push({
              ...base,
              model,
              model_order: estimate.order ?? 0,
              channel: c.channel,
              removal_effect: c.removal_effect ?? null,
              conversions: c.conversions,
              value: c.value,
              conversions_lower: iv ? iv.conversions[0] : null,
              conversions_upper: iv ? iv.conversions[1] : null,
              value_lower: iv ? iv.value[0] : null,
              value_upper: iv ? iv.value[1] : null,
              journeys: journeys.length,
            });
          }
          if (model === 'markov') {
            const m = markovAttribution(enc, { order: 1 });
            transitions = m.transitions.map((t) => ({ ...base, model_order: 1, from_state: t.from, to_state: t.to, probability: t.probability }));
          }
        }
        await warehouse.append('attribution_results', results);
        await warehouse.append('attribution_transitions', transitions);
      }
      if (wm) this.seen = wm;
      const summary: RunSummary = {
        ...base,
        journeys: journeys.length,
        conversions: totals.conversions,
        value: totals.value,
        nulls: totals.nulls,
        open: built.stats.open,
        unattributed_conversions: built.stats.unattributed_conversions,
        channels,
        models: paths.length > 0 ? [...JOB_MODELS] : [],
        result_rows: results.length,
        transition_rows: transitions.length,
        duration_ms: clock.now() - started,
      };
      this.last = summary;
      log.info(
        { run_id: runId, journeys: summary.journeys, conversions: summary.conversions, channels: channels.length, ms: summary.duration_ms },
        'attribution run done',
      );
      return summary;
    } finally {
      this.running = false;
    }
  }

  private compute(
    model: ModelName,
    enc: EncodedPaths,
  ): { estimate: AttributionResult; intervals: Array<{ channel: string; conversions: [number, number]; value: [number, number] }> } {
    const opts = { markov: { order: 1, includeTransitions: false }, halfLife: this.deps.halfLife ?? 1 };
    const fn = (p: EncodedPaths) => runModel(model, p, opts);
    const resamples = this.deps.bootstrapResamples ?? 100;
    if (resamples <= 0) return { estimate: fn(enc), intervals: [] };
    const b = bootstrapAttribution(enc, fn, { resamples, seed: this.deps.seed ?? 1 });
    return { estimate: b.estimate, intervals: b.intervals };
  }
}
