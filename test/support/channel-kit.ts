/** Test support for the channel webhooks: a small app with the channel routes over an in-memory bus and store. */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { testAccess } from '../../test/support/access.js';
import { authPlugin } from '../../api/plugins/auth.js';
import { errorsPlugin } from '../../api/plugins/errors.js';
import { manualClock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import { silentLogger } from '../../shared/logger.js';
import { InProcessBus } from '../../stream/bus/in-process-bus.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { TOPICS } from '../../shared/topics.js';
import { IngestService } from '../../ingest/ingest-service.js';
import type { ChannelsConfig } from '../../ingest/channels/common.js';
import { channelRoutes } from '../../ingest/channels/index.js';
import { twilioSignature } from '../../ingest/channels/twilio/twilio.js';

export const TEST_SECRETS = {
  publicBaseUrl: 'https://crm.example.com',
  twilioAuthToken: '12345678901234567890123456789012',
  whatsappAppSecret: 'wa-app-secret-for-tests',
  whatsappVerifyToken: 'verify-me-please',
  wechatToken: 'wechattoken123',
  emailSigningKey: 'key-email-signing-for-tests',
} as const;

/** The conversation window the test app uses (SESSION_EXPIRY_MIN's default, 1440 min). */
export const SESSION_EXPIRY_MS = 1440 * 60_000;

export const INGEST_KEY = 'ingest-key-for-channel-tests-0001';

export interface ChannelTestApp {
  app: FastifyInstance;
  clock: ReturnType<typeof manualClock>;
  state: MemoryStateStore;
  /** Envelopes published to the events topic, in order. */
  events(): EventEnvelope[];
  /** Records published to the rejected topic (dead_letters), parsed. */
  rejected(): Array<{ ref: string; source?: string; code: string; reason: string; payload: string }>;
  close(): Promise<void>;
}

/** Builds the app; `config` overrides the test secrets and a generous rate limit. */
export async function channelTestApp(config: Partial<ChannelsConfig> = {}): Promise<ChannelTestApp> {
  const clock = manualClock(Date.UTC(2026, 0, 2, 8, 0, 0));
  const bus = new InProcessBus({ clock });
  await bus.ensureTopic(TOPICS.events, 2);
  await bus.ensureTopic(TOPICS.rejected, 1);
  const published: Array<{ topic: string; value: string }> = [];
  const publish = bus.publish.bind(bus);
  bus.publish = async (topic, records) => {
    await publish(topic, records);
    for (const r of records) published.push({ topic, value: r.value });
  };
  const state = new MemoryStateStore({ clock });
  const log = silentLogger();
  const ingest = new IngestService({ bus, state, clock, log, dedupTtlMs: 3600_000, conversationExpiryMs: SESSION_EXPIRY_MS });
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  await app.register(errorsPlugin);
  await app.register(authPlugin, { access: await testAccess([{ id: 'k-ingest', role: 'ingest', secret: INGEST_KEY }]) });
  const cfg: ChannelsConfig = { ...TEST_SECRETS, emailThreadTtlMs: 86_400_000, ratePerSecond: 1000, rateBurst: 1000, ...config };
  await app.register(async (scope) => channelRoutes(scope, { ingest, state, config: cfg, clock, log }));
  await app.ready();
  const of = (topic: string) => published.filter((p) => p.topic === topic).map((p) => JSON.parse(p.value));
  return {
    app,
    clock,
    state,
    events: () => of(TOPICS.events) as EventEnvelope[],
    rejected: () => of(TOPICS.rejected),
    async close() {
      await app.close();
      await bus.close();
      await state.close();
    },
  };
}

/** A fixture file's text (fixtures are the providers' real formats). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../ingest/channels/fixtures/${name}`, import.meta.url), 'utf8');
}

/** Headers of a correctly signed Twilio form post to `path`. */
export function twilioSigned(path: string, form: string, token: string = TEST_SECRETS.twilioAuthToken): Record<string, string> {
  const pairs = [...new URLSearchParams(form).entries()];
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(token, TEST_SECRETS.publicBaseUrl + path, pairs) };
}
