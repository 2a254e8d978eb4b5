import type { PersonalData } from '../../shared/privacy/personal-data.js';
import type { Clock } from '../../shared/clock.js';
import { validateEvent } from '../../shared/envelope.js';
import type { EventBus } from '../../shared/ports/event-bus.js';
import { TOPICS } from '../../shared/topics.js';
import type { PublishEvents } from './exposure.js';

/**
 * Exposure publishing for stream processes (the routing desk's hook), where no ingest service runs: each event is
 * validated like ingest validates it and published to the events topic keyed by its customer, as the routing
 * desk publishes its own events. Its deterministic id makes the warehouse count a repeat once.
 */
export function busPublisher(bus: EventBus, clock: Clock, personal?: Pick<PersonalData, 'sealEvents'>): PublishEvents {
  return async (producer, events) => {
    const now = clock.now();
    const valid = events.map((input) => {
      const r = validateEvent(input, producer, now);
      if (!r.ok) throw new Error(`exposure event rejected: ${r.code} ${r.message}`);
      return r.event;
    });
    const sealed = personal ? await personal.sealEvents(valid) : valid;
    await bus.publish(
      TOPICS.events,
      sealed.map((e) => ({ key: e.customer_key, value: JSON.stringify(e) })),
    );
  };
}
