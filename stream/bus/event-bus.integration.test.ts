import { createLogger } from '../../shared/logger.js';
import { eventBusContract } from '../../test/contracts/event-bus.contract.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { KafkaBus } from './kafka-bus.js';

// Fast group hand-over for tests: members heartbeat every 500 ms.
let namespace: string | undefined;
const open = async () => {
  const env = requireEngine('kafka');
  namespace ??= uniqueName('bus');
  return new KafkaBus({ brokers: env.kafkaBrokers.split(','), namespace, log: createLogger('error'), heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 });
};

eventBusContract('Kafka', {
  open,
  reopen: async (bus) => {
    await bus.close();
    return open();
  },
  rebalanceMs: 15_000,
  cleanup: async () => {
    const bus = await open();
    await bus.dropNamespace();
    await bus.close();
  },
});
