import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRoles, type RunningRoles } from '../../cli/runtime.js';
import { silentLogger } from '../../shared/logger.js';
import { eventually, sleep } from '../contracts/engines.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { STACK_ADMIN_KEY as ADMIN_KEY, STACK_INGEST_KEY as INGEST_KEY, stackDeployment } from '../support/stack-deployment.js';

/**
 * Follow-up in the distributed mode on Kafka, Redis and ClickHouse: an ingest
 * process, two stream processes (each with the follow-up consumer group and a
 * scheduler loop) and an api process. Every step of every lead goes out once,
 * the events reach ClickHouse, and the api process's summary counts them.
 */
const LEADS = 8;

describe('follow-up on Kafka, Redis and ClickHouse', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('two stream processes send each step of each lead once; the api summary counts them', async () => {
    const provider: FakeProvider = await startFakeProvider();
    const d = stackDeployment('followup', {
      STREAM_METRICS_PORT: '0',
      FOLLOWUP_ENABLED: 'true',
      TWILIO_ACCOUNT_SID: 'ACstack',
      TWILIO_AUTH_TOKEN: 'followup-stack-token-0123456789',
      SMS_FROM: '+14155550100',
      SMS_PROVIDER_URL: provider.url,
    });
    cleanups.push(async () => {
      await provider.close();
      await d.cleanup();
    });
    writeFileSync(
      join(d.dataDir, 'rules.json'),
      JSON.stringify({
        quiet_hours: null,
        frequency_cap: { max: 10, per_hours: 1 },
        links: {},
        rules: [{ id: 'lead', when: { idle_minutes: 0 }, sequence: 's' }],
        sequences: [
          {
            id: 's',
            steps: [
              { wait_minutes: 0, channels: ['sms'], template: 't' },
              { wait_minutes: 0.02, channels: ['sms'], template: 't' },
            ],
          },
        ],
        templates: { t: { zh: { text: '您好 {opt_out}' }, en: { text: 'Hello {opt_out}' } } },
      }),
    );
    const start = async (roles: { ingest: boolean; stream: boolean; api: boolean }): Promise<RunningRoles> => {
      const r = await startRoles({ config: d.config({ FOLLOWUP_RULES_FILE: join(d.dataDir, 'rules.json') }), roles, log: silentLogger() });
      cleanups.push(() => r.stop());
      return r;
    };
    const streams = [await start({ ingest: false, stream: true, api: false }), await start({ ingest: false, stream: true, api: false })];
    expect(streams.every((s) => s.followup?.service)).toBe(true);
    const ingest = await start({ ingest: true, stream: false, api: false });
    const api = await start({ ingest: false, stream: false, api: true });
    expect(ingest.followup?.service).toBeUndefined();

    const now = Date.now();
    const res = await fetch(`${ingest.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
      body: JSON.stringify({
        events: Array.from({ length: LEADS }, (_, i) => ({
          id: `lead-${i}`,
          type: 'message.received',
          channel: 'sms',
          occurred_at: now,
          customer: { phone: `+861370000${String(i).padStart(4, '0')}` },
          conversation_id: `c-${i}`,
          properties: { text: '价格？' },
        })),
      }),
    });
    expect(res.status).toBe(202);
    const sms = () => provider.requests.filter((r) => r.url.includes('/Messages.json'));
    await eventually(`${LEADS * 2} follow-up SMS`, () => sms().length >= LEADS * 2, 60_000, 100);
    await sleep(3000);
    const keys = sms().map((r) => r.headers['i-twilio-idempotency-token']);
    expect(keys).toHaveLength(LEADS * 2);
    expect(new Set(keys).size).toBe(LEADS * 2);

    const summary = async () =>
      (await (await fetch(`${api.url}/v1/followups/summary?minutes=60`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as {
        sent: number;
        completed: number;
        running: number;
      };
    await eventually(
      'the api summary counts every send',
      async () => {
        const s = await summary();
        return s.sent === LEADS * 2 && s.completed === LEADS && s.running === 0;
      },
      60_000,
      250,
    );
  }, 180_000);
});
