import type { Clock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { isOmnilaneError } from '../shared/errors.js';
import { engineOf } from '../shared/outage-log.js';
import type { BusBatch } from '../shared/ports/event-bus.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { IngestService } from '../ingest/ingest-service.js';
import type { CrmPort } from '../stream/crm/crm-port.js';
import { EmbeddedCrm } from '../stream/crm/embedded-crm.js';
import { HttpCrm } from '../stream/crm/http-crm.js';
import { EventWorker } from '../stream/event-worker.js';
import { IdentityService } from '../stream/identity/identity-service.js';
import { FollowupStore } from '../stream/followup/followup-store.js';
import { SuppressionList } from '../stream/followup/suppression-list.js';
import { CustomerErasure, erasedIdentifiersGuard } from '../stream/privacy/customer-erasure.js';
import { KpiStep } from '../stream/kpis/kpi-step.js';
import { FileLabelStore } from '../stream/labels/file-label-store.js';
import type { LabelStore } from '../stream/labels/label-store.js';
import type { CustomerExportSources } from '../stream/privacy/customer-export.js';
import type { ObservedWarehouse } from '../stream/observed-warehouse.js';
import { SessionStep } from '../stream/sessions/session-step.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../shared/privacy/data-keys.js';
import { checkPrivacyKeys } from '../shared/privacy/key-check.js';
import { loadPrivacyKeys } from '../shared/privacy/key-files.js';
import { DEFAULT_PERSONAL_PROPERTIES, EncryptedPersonalData, PLAINTEXT_PERSONAL_DATA, type PersonalData } from '../shared/privacy/personal-data.js';
import type { Engines } from './engines.js';
import { observeWorker, type Observability } from './observability.js';

// The pipeline's objects (identity, sessions, CRM, stream worker, ingest service), as every process that runs them builds them.

export interface Workbench {
  /** Absent when IDENTITY_ENABLED=false or the process has no state store. */
  identity?: IdentityService;
  sessions: SessionStep;
  crm: CrmPort;
  sessionExpiryMs: number;
  /** Sealing, opening and blinding of personal data (docs/privacy.md); pass-through with PRIVACY_ENCRYPTION=off. */
  personal: PersonalData;
}

/** Refuses to start with keys other than the deployment's (shared/privacy/key-check.ts); nothing to check when off. */
export async function verifyPrivacyKeys(cfg: Config, state: StateStore, log: Logger): Promise<void> {
  if (!cfg.privacy.encryption) return;
  const { master, blindKey } = loadPrivacyKeys(cfg.dataDir, cfg.privacy);
  try {
    await checkPrivacyKeys(state, master, blindKey);
  } catch (err) {
    if (isOmnilaneError(err) && err.code === 'PRIV_ERR_MASTER_KEY') throw err;
    // The state store is down at start: the process starts (ingest answers 503 until it is back), unchecked.
    log.warn({ err }, 'privacy key check skipped: the state store did not answer');
  }
}

/** The process's one PersonalData: its key cache is shared, so an erasure here stops reads here at once. */
export function composePersonalData(cfg: Config, state: StateStore): PersonalData {
  if (!cfg.privacy.encryption) return PLAINTEXT_PERSONAL_DATA;
  const { master, blindKey } = loadPrivacyKeys(cfg.dataDir, cfg.privacy);
  return new EncryptedPersonalData(new DataKeyRing(new StateStoreDataKeyVault(state), master), blindKey, [
    ...DEFAULT_PERSONAL_PROPERTIES,
    ...cfg.privacy.extraPersonalProperties,
  ]);
}

/**
 * Identity, sessions, priority and CRM. `warehouse`: where this process has one, the identity counter's floor is
 * read from it (see IdentityOptions.seqFloor) and customer splits are recorded in it (`identity_merges`).
 */
export function composeWorkbench(cfg: Config, state: StateStore, clock: Clock, hasState: boolean, warehouse?: Warehouse): Workbench {
  const personal = composePersonalData(cfg, state);
  const identity =
    hasState && cfg.identity.enabled
      ? new IdentityService({
          state,
          clock,
          defaultCountryCode: cfg.identity.defaultCountryCode,
          maxSharedCustomers: cfg.identity.maxShared,
          blind: (i: string) => personal.blind(i),
          ...(warehouse ? { seqFloor: warehouseSeqFloor(warehouse), mergeLog: warehouse } : {}),
        })
      : undefined;
  const sessions = new SessionStep({
    state,
    ttlMs: Math.max(cfg.state.ttlMs, cfg.sessions.expiryMs),
    rules: {
      switchWindowMs: cfg.sessions.switchWindowMs,
      expiryMs: cfg.sessions.expiryMs,
      priority: {
        channels: { ...cfg.routing.channelPriority },
        defaultChannel: 10,
        urgentKeywords: [...cfg.routing.urgentKeywords],
        urgentBoost: cfg.routing.urgentPriorityBoost,
      },
    },
  });
  const crm = cfg.crm.url ? new HttpCrm({ url: cfg.crm.url }) : new EmbeddedCrm();
  return { identity, sessions, crm, sessionExpiryMs: cfg.sessions.expiryMs, personal };
}

/**
 * What the data-subject export reads (`omnilane privacy export`): the warehouse, the identity graph and the
 * follow-up store on this process's state store (the embedded journal under DATA_DIR, or Redis).
 */
export function composeExportSources(
  cfg: Config,
  engines: Pick<Engines, 'state' | 'warehouse'>,
  clock: Clock,
  workbench = composeWorkbench(cfg, engines.state, clock, true, engines.warehouse),
): CustomerExportSources {
  const { identity, personal } = workbench;
  return { warehouse: engines.warehouse, clock, identity, personal, followups: new FollowupStore(engines.state, personal) };
}

/**
 * The erasure job (docs/privacy.md, "Erasure") over this process's warehouse and state store: the identity graph,
 * the follow-up store and the suppression list all live in the state store.
 */
export function composeErasure(
  cfg: Config,
  engines: Pick<Engines, 'state' | 'warehouse'>,
  clock: Clock,
  workbench = composeWorkbench(cfg, engines.state, clock, true, engines.warehouse),
  labels: LabelStore = new FileLabelStore(cfg.dataDir),
): CustomerErasure {
  const { identity, personal } = workbench;
  return new CustomerErasure({
    personal,
    labels,
    warehouse: engines.warehouse,
    state: engines.state,
    clock,
    identity,
    followups: new FollowupStore(engines.state, personal),
    suppression: new SuppressionList(engines.state),
  });
}

/**
 * The stream worker as every process that has the stream role builds it
 * (`omnilane start`, `omnilane stream`, `omnilane import` on the embedded
 * engines), so an import goes through exactly the steps live traffic does.
 * Not started: call `start()`.
 */
export function createStreamWorker(
  cfg: Config,
  engines: Pick<Engines, 'bus' | 'state' | 'warehouse'>,
  clock: Clock,
  log: Logger,
  workbench: Workbench,
  obs?: Observability & { sink?: ObservedWarehouse },
): EventWorker {
  const warehouse = obs?.sink ?? engines.warehouse;
  const streamLog = log.child({ stage: 'stream' });
  // An engine outage fails every batch of every partition until it ends: one line per engine per interval.
  const onBatchError = obs
    ? (err: unknown, b: BusBatch) => {
        const engine = engineOf(err);
        if (engine) obs.outages.error(engine, err, 'stream batch failed; will retry', { topic: b.topic, partition: b.partition, offset: b.messages[0].offset });
        else streamLog.error({ err, topic: b.topic, partition: b.partition, offset: b.messages[0].offset }, 'stream batch failed; will retry');
      }
    : undefined;
  const worker = new EventWorker({
    onBatchError,
    bus: engines.bus,
    state: engines.state,
    warehouse,
    clock,
    log: log.child({ stage: 'stream' }),
    dedupTtlMs: cfg.state.dedupTtlMs,
    stateTtlMs: cfg.state.ttlMs,
    sessions: workbench.sessions,
    personal: workbench.personal,
    kpis: new KpiStep({
      state: engines.state,
      ttlMs: cfg.state.ttlMs,
      outOfOrdernessMs: cfg.kpi.outOfOrdernessMs,
      allowedLatenessMs: cfg.kpi.allowedLatenessMs,
    }),
  });
  worker.setMaxListeners(100);
  if (obs) observeWorker(worker, obs.metrics);
  return worker;
}

/** The ingest service as POST /v1/events uses it (dedup, identity, customer dimensions); `omnilane import` shares it. */
export function createIngestService(
  cfg: Config,
  engines: Pick<Engines, 'bus' | 'state'>,
  clock: Clock,
  log: Logger,
  workbench: Workbench,
  obs?: Observability,
): IngestService {
  const ingest = new IngestService({
    bus: engines.bus,
    state: engines.state,
    clock,
    log: log.child({ stage: 'ingest' }),
    dedupTtlMs: cfg.state.dedupTtlMs,
    identity: workbench.identity,
    personal: workbench.personal,
    erased: erasedIdentifiersGuard(cfg.identity.erasurePolicy, new SuppressionList(engines.state), workbench.identity),
    dimensionsTtlMs: cfg.state.ttlMs,
    conversationExpiryMs: cfg.sessions.expiryMs,
    rejectedQuota: {
      perSource: cfg.channels.rejectedKeepPerSource,
      unsignedBytes: cfg.channels.rejectedKeepUnsignedBytes,
      bytesPerWindow: cfg.channels.rejectedKeepBytesPerMin,
    },
    metrics: obs?.metrics,
    outages: obs?.outages,
  });
  obs?.metrics.onCollect(() => {
    const { dropped } = ingest.rejectedStats();
    obs.metrics
      .counter(
        'omnilane_rejected_payloads_dropped_total',
        'Refused webhook payloads not stored because their source or the overall per-minute quota was used up (REJECTED_KEEP_*).',
      )
      .set(undefined, dropped.source + dropped.total);
  });
  return ingest;
}

/** The identity counter's floor from the warehouse (an ingest-only process has none: the seqs it sees guard it). */
function warehouseSeqFloor(warehouse: Warehouse): () => Promise<number> {
  return async () => Number((await warehouse.query<{ seq: unknown }>('customer_seq_max'))[0]?.seq ?? 0);
}
