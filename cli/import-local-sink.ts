import type { Batch, ImportSink, SinkReply } from '../ingest/import/index.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { Clock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { OmnilaneError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { EventWorker } from '../stream/event-worker.js';
import { TOPICS } from '../shared/topics.js';
import { composeWorkbench, createIngestService, createStreamWorker } from './compose-pipeline.js';
import { openEngines, type Engines } from './engines.js';
import { checkRolesConfig } from './runtime.js';

/** Unprocessed events the import lets pile up on the embedded bus before it waits for the worker. */
const MAX_LAG = 50_000;

/**
 * The configured engines in this process, without HTTP. With KAFKA_BROKERS the import is an ingest process
 * (dedup and identity in REDIS_URL's store) and the deployment's stream workers do the rest; otherwise the
 * bus is the embedded one under DATA_DIR, which only this process may open, so the import runs the stream
 * worker too and `settle()` waits until it has written every event to the warehouse.
 */
export class LocalSink implements ImportSink {
  private constructor(
    private readonly engines: Engines,
    private readonly ingest: IngestService,
    private readonly producer: string,
    readonly worker: EventWorker | undefined,
  ) {}

  static async open(cfg: Config, clock: Clock, log: Logger, producer: string): Promise<LocalSink> {
    const distributed = Boolean(cfg.kafka.brokers);
    // Names the missing variable (REDIS_URL) when Kafka is set: dedup must share the deployment's store.
    checkRolesConfig(cfg, distributed ? { ingest: true, stream: false, api: false } : { ingest: true, stream: true, api: true });
    let engines: Engines;
    try {
      engines = await openEngines(cfg, clock, log, { bus: true, state: true, warehouse: !distributed });
    } catch (err) {
      if (!(err instanceof OmnilaneError) && /lock/i.test((err as Error).message)) {
        throw new OmnilaneError(
          'IMPORT_ERR_IO',
          `the warehouse under ${cfg.dataDir} is in use (is omnilane start running on it? import into it with --url and an ingest key)`,
          { cause: err },
        );
      }
      throw err;
    }
    let worker: EventWorker | undefined;
    try {
      const workbench = composeWorkbench(cfg, engines.state, clock, true, distributed ? undefined : engines.warehouse);
      if (!distributed) await engines.warehouse.migrate();
      await engines.bus.ensureTopic(TOPICS.events, cfg.bus.partitions);
      await engines.bus.ensureTopic(TOPICS.rejected, 1);
      await engines.bus.ensureTopic(TOPICS.deadLetters, 1);
      if (!distributed) {
        worker = createStreamWorker(cfg, engines, clock, log, workbench);
        await worker.start();
      }
      return new LocalSink(engines, createIngestService(cfg, engines, clock, log, workbench), producer, worker);
    } catch (err) {
      await worker?.stop().catch(() => undefined);
      await closeEngines(engines);
      throw err;
    }
  }

  /** Whether `settle()` waits for the warehouse (this process runs the stream worker). */
  get queryable(): boolean {
    return Boolean(this.worker);
  }

  async send(batch: Batch): Promise<SinkReply> {
    // The bus is durable, but its unread tail is also held in memory: let the worker keep up.
    if (this.worker) while ((await this.worker.lag()) > MAX_LAG) await new Promise((r) => setTimeout(r, 20));
    return this.ingest.ingest(this.producer, { events: batch.events });
  }

  /** Resolves when the worker has processed everything on the bus (no-op with Kafka: remote workers do). */
  async settle(onLag?: (lag: number) => void): Promise<void> {
    if (!this.worker) return;
    for (let lag = await this.worker.lag(); lag > 0; lag = await this.worker.lag()) {
      onLag?.(lag);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await this.worker?.stop();
    await closeEngines(this.engines);
  }
}

async function closeEngines(e: Engines): Promise<void> {
  await e.bus.close();
  await e.state.close();
  await e.warehouse.close();
  e.lock?.release();
}
