// Readiness probe for the local Kafka started by scripts/stack.sh, using the same client Omnilane uses
// (kafkajs, resolved from the repo's node_modules).
//
//   node scripts/stack/kafka-ready.mjs <host:port> <timeoutSeconds>
//
// Exit 0 once the broker answers metadata AND the coordinators a consumer group and an idempotent producer
// need are serving: on a fresh data dir the first FindCoordinator creates __consumer_offsets and the first
// InitProducerId loads __transaction_state, which otherwise shows up as "The group coordinator is not
// available" / "The coordinator is loading" in the first test that touches Kafka.
// Exit 2 when kafkajs is not installed (the caller falls back to a TCP + log check), 1 on timeout.
const [broker = '127.0.0.1:19092', timeoutArg = '60'] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg) * 1000;

let kafkajs;
try {
  kafkajs = await import('kafkajs');
} catch {
  process.exit(2);
}
const { Kafka, logLevel } = kafkajs.default ?? kafkajs;

const kafka = new Kafka({
  clientId: 'omnilane-stack-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 5000,
  retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function step(name, fn) {
  let last;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      await sleep(250);
    }
  }
  throw new Error(`${name}: ${last?.message ?? 'timed out'}`);
}

const admin = kafka.admin();
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
try {
  await step('connect', () => admin.connect());
  const cluster = await step('describeCluster', () => admin.describeCluster());
  if (!cluster.brokers?.length) throw new Error('no brokers in metadata');
  // FindCoordinator(GROUP): creates/loads __consumer_offsets.
  await step('group coordinator', () => admin.describeGroups(['omnilane-stack-ready']));
  // InitProducerId: needs the transaction coordinator loaded.
  await step('idempotent producer', async () => {
    try {
      await producer.connect();
    } catch (e) {
      await producer.disconnect().catch(() => {});
      throw e;
    }
  });
  process.stdout.write(`kafka ready: ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')} controller=${cluster.controller}\n`);
  await producer.disconnect().catch(() => {});
  await admin.disconnect().catch(() => {});
  process.exit(0);
} catch (e) {
  process.stderr.write(`kafka not ready: ${e.message}\n`);
  process.exit(1);
}
