import type { Clock } from '../../shared/clock.js';
import type { CustomerInput, EventInput } from '../../shared/envelope.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { assignVariant } from './assignment.js';
import type { ExperimentDefinition, ExperimentTarget } from './definition.js';

/** The producer name exposure events carry (dedup is per producer and id). */
export const EXPOSURE_PRODUCER = 'experiments';

/** Publishes events through ingest (validation, dedup, bus); the API wires it to IngestService. */
export type PublishEvents = (producer: string, events: EventInput[]) => Promise<void>;

export interface Assignment {
  experiment_id: string;
  variant: string;
  /** The variant's config: the hook reads its target's key (EXPERIMENT_TARGETS). */
  config: Record<string, unknown>;
  /** True when this call logged the customer's exposure (the first time). */
  first_exposure: boolean;
}

/**
 * The customer object whose `customerKey()` is `key` again (ext:, email:, phone:, anon:, ch:name:id), so an
 * exposure lands on the same bus partition and warehouse customer as the customer's other events.
 */
export function customerFromKey(key: string): CustomerInput | null {
  const at = key.indexOf(':');
  if (at <= 0) return null;
  const kind = key.slice(0, at);
  const rest = key.slice(at + 1);
  if (!rest) return null;
  switch (kind) {
    case 'ext':
      return { external_id: rest };
    case 'email':
      return { email: rest };
    case 'phone':
      return { phone: rest };
    case 'anon':
      return { anonymous_id: rest };
    case 'ch': {
      const sep = rest.indexOf(':');
      return sep > 0 && sep < rest.length - 1 ? { channel_ids: { [rest.slice(0, sep)]: rest.slice(sep + 1) } } : null;
    }
    default:
      return null;
  }
}

/** The `experiment.exposed` event of one customer in one experiment; its id makes a repeat count once. */
export function exposureEvent(
  def: ExperimentDefinition,
  variant: string,
  customerKey: string,
  channel: string,
  at: number,
  conversationId?: string | null,
): EventInput | null {
  const customer = customerFromKey(customerKey);
  if (!customer) return null;
  return {
    id: `exp:${def.id}:${customerKey}`,
    type: 'experiment.exposed',
    channel,
    occurred_at: at,
    customer,
    conversation_id: conversationId ?? null,
    properties: { experiment_id: def.id, variant, target: def.target },
  };
}

export interface AssignerOptions {
  /** The current definitions (running ones are assigned). */
  experiments: () => Promise<ExperimentDefinition[]>;
  state: StateStore;
  publish: PublishEvents;
  clock: Clock;
}

/**
 * The hook every varied feature calls: `variantFor('routing_policy', customer, channel)` answers the
 * customer's variant of the running experiment on that target (or null: no experiment, use the default) and
 * logs the exposure once per customer per experiment. "Once" holds twice over: a StateStore claim keeps
 * repeats off the bus, and the deterministic event id makes ingest and the warehouse count a repeat once
 * even when the claim was lost (the StateStore is only a cache).
 */
export class ExperimentAssigner {
  constructor(private readonly o: AssignerOptions) {}

  async variantFor(target: ExperimentTarget, customerKey: string, ctx: { channel: string; conversation_id?: string | null }): Promise<Assignment | null> {
    const now = this.o.clock.now();
    const running = (await this.o.experiments()).filter((e) => e.target === target && e.status === 'running' && e.started_at <= now);
    // One running experiment per target decides; the oldest wins so a new one cannot steal its customers.
    const def = running.sort((a, b) => a.started_at - b.started_at || a.id.localeCompare(b.id))[0];
    if (!def) return null;
    const variant = assignVariant(def, customerKey);
    const claimKey = `exp:exposed:${def.id}:${customerKey}`;
    const first = await this.o.state.setIfAbsent(claimKey, variant.id);
    if (first) {
      const event = exposureEvent(def, variant.id, customerKey, ctx.channel, now, ctx.conversation_id);
      if (event) {
        try {
          await this.o.publish(EXPOSURE_PRODUCER, [event]);
        } catch (err) {
          // Let the next call try again; the event id keeps a double publish counted once.
          await this.o.state.del([claimKey]);
          throw err;
        }
      }
    }
    return { experiment_id: def.id, variant: variant.id, config: variant.config, first_exposure: first };
  }
}
