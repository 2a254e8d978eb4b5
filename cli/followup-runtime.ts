import type { PersonalData } from '../shared/privacy/personal-data.js';
import type { SenderRegistry } from '../ingest/outbound/sender.js';
import type { Clock } from '../shared/clock.js';
import type { Config, FollowupConfig as FollowupSettings } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { Suppression } from '../shared/ports/suppression.js';
import { BuiltinIntentClassifier } from '../stream/intent/builtin-classifier.js';
import type { IntentClassifier } from '../stream/intent/intent-port.js';
import { loadFollowupConfig, shippedRulesPath, type FollowupConfig } from '../stream/followup/followup-config.js';
import type { FollowupDelivery } from '../stream/followup/followup-scheduler.js';
import { FollowupService } from '../stream/followup/followup-service.js';
import { FollowupStore } from '../stream/followup/followup-store.js';
import type { SequenceChoice } from '../stream/followup/sequence-choice.js';
import { SuppressionList } from '../stream/followup/suppression-list.js';
import { signUnsubscribe } from '../stream/followup/unsubscribe-token.js';
import type { Engines } from './engines.js';

/** Channels follow-up may send on (web chat and app need the customer's open session: not for follow-ups). */
const FOLLOWUP_CHANNELS = ['sms', 'email', 'whatsapp', 'wechat'];

/** The channel senders (ingest/outbound) as follow-up's delivery port. */
export function deliveryFrom(senders: SenderRegistry): FollowupDelivery {
  return {
    channels: () => new Set(senders.channels().filter((c) => FOLLOWUP_CHANNELS.includes(c))),
    async send(m) {
      const sender = senders.get(m.channel);
      if (!sender) throw new Error(`no sender for channel ${m.channel}`);
      const to = { ...m.to, ...(m.subject ? { subject: m.subject } : {}), ...(m.unsubscribeUrl ? { list_unsubscribe: m.unsubscribeUrl } : {}) };
      return sender.send({ id: `fu-${m.id}`, conversation_id: `followup:${m.customerId}`, channel: m.channel, to, text: m.text, agent_id: null });
    },
  };
}

export interface FollowupRuntime {
  store: FollowupStore;
  fileConfig: FollowupConfig;
  secret: string;
  service?: FollowupService;
  stop(): Promise<void>;
}

/** On when FOLLOWUP_ENABLED says so; by default only with --demo (a real deployment turns it on knowingly). */
export const followupOn = (cfg: Pick<FollowupSettings, 'enabled'>, demo: boolean) => cfg.enabled ?? demo;

/**
 * Follow-up in a process: the store, rules and secret wherever there is a
 * state store (the HTTP routes), and the FollowupService (its own consumer
 * group, the scheduler loop) in a process with the stream role. A bad
 * FOLLOWUP_RULES_FILE throws FOLLOWUP_ERR_BAD_RULES naming the file.
 */
export async function startFollowup(o: {
  cfg: Config;
  engines: Pick<Engines, 'bus' | 'state'>;
  clock: Clock;
  log: Logger;
  demo: boolean;
  service: boolean;
  senders: SenderRegistry;
  /** Where the unsubscribe link points: PUBLIC_BASE_URL, else this process's own address once it listens. */
  baseUrl: () => string | undefined;
  suppression?: Suppression;
  chooseSequence?: SequenceChoice;
  /** Seals leads, outbox and published events; opens consumed events (docs/privacy.md); absent: plain. */
  personal?: PersonalData;
  /** Classifies customers' words (the built-in classifier on this thread when absent). */
  classifier?: IntentClassifier;
}): Promise<FollowupRuntime> {
  const fileConfig = loadFollowupConfig(o.cfg.followup.rulesFile ?? shippedRulesPath(o.demo ? 'demo' : 'example'));
  const store = new FollowupStore(o.engines.state, o.personal);
  const secret = await store.secret(o.cfg.followup.secret);
  let service: FollowupService | undefined;
  if (o.service) {
    const log = o.log.child({ stage: 'followup' });
    service = new FollowupService({
      bus: o.engines.bus,
      personal: o.personal,
      store,
      fileConfig,
      classifier: o.classifier ?? new BuiltinIntentClassifier(),
      lookbackMs: o.cfg.followup.lookbackMs,
      delivery: deliveryFrom(o.senders),
      clock: o.clock,
      log,
      suppression: o.suppression ?? new SuppressionList(o.engines.state),
      chooseSequence: o.chooseSequence,
      defaultTimeZone: o.cfg.kpi.timeZone,
      workerId: `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      unsubscribeUrl: async (customerId, channel) => {
        const base = o.cfg.channels.publicBaseUrl ?? o.baseUrl();
        return base ? `${base.replace(/\/+$/, '')}/v1/followups/unsubscribe?token=${signUnsubscribe(secret, { customerId, channel })}` : null;
      },
    });
    await service.start();
    log.info(
      { rules: fileConfig.rules.length, sequences: fileConfig.sequences.length, channels: [...deliveryFrom(o.senders).channels()] },
      'follow-up sequences on',
    );
  }
  return { store, fileConfig, secret, service, stop: async () => service?.stop() };
}
