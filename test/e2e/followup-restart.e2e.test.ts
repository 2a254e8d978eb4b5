import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, sleep } from '../contracts/engines.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * Durable timers in the embedded default: a sequence started before a stop
 * sends its next step after the restart, once; an opportunity stops another
 * lead's sequence as `converted`.
 */
const rules = {
  quiet_hours: null,
  frequency_cap: { max: 10, per_hours: 1 },
  links: {},
  rules: [{ id: 'lead', when: { idle_minutes: 0 }, sequence: 'two' }],
  sequences: [
    {
      id: 'two',
      steps: [
        { wait_minutes: 0, channels: ['sms'], template: 't' },
        { wait_minutes: 0.1, channels: ['sms'], template: 't' },
      ],
    },
  ],
  templates: { t: { zh: { text: '您好 {opt_out}' }, en: { text: 'Hello {opt_out}' } } },
};

const dirs: string[] = [];
let provider: FakeProvider;
let om: TestOmnilane | undefined;
afterAll(async () => {
  await om?.cleanup();
  await provider?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('follow-up across a restart', () => {
  it('keeps the timer: the second step goes out after the restart, exactly once; a conversion stops another sequence', async () => {
    provider = await startFakeProvider();
    const dataDir = mkdtempSync(join(tmpdir(), 'followup-restart-'));
    const rulesDir = mkdtempSync(join(tmpdir(), 'followup-rules-'));
    dirs.push(dataDir, rulesDir);
    writeFileSync(join(rulesDir, 'rules.json'), JSON.stringify(rules));
    const env = {
      FOLLOWUP_ENABLED: 'true',
      FOLLOWUP_RULES_FILE: join(rulesDir, 'rules.json'),
      TWILIO_ACCOUNT_SID: 'ACrs',
      TWILIO_AUTH_TOKEN: 'restart-token-0123456789abcdef',
      SMS_FROM: '+14155550100',
      SMS_PROVIDER_URL: provider.url,
      OMNILANE_INGEST_KEY: 'ingest-key-followup-restart-01',
      OMNILANE_ADMIN_KEY: 'admin-key-followup-restart-001',
    };
    const smsTo = (phone: string) => provider.requests.filter((r) => r.url.includes('/Messages.json') && new URLSearchParams(r.body).get('To') === phone);
    const lead = (id: string, phone: string) => ({
      id,
      type: 'message.received',
      channel: 'sms',
      occurred_at: Date.now(),
      customer: { phone },
      conversation_id: `conv-${id}`,
      properties: { text: '多少钱？' },
    });

    om = await startTestOmnilane(env, { dataDir });
    expect((await om.post('/v1/events', { events: [lead('r1', '+8613700000001'), lead('r2', '+8613700000002')] })).status).toBe(202);
    await eventually('the first step to both leads', () => smsTo('+8613700000001').length === 1 && smsTo('+8613700000002').length === 1);
    // Lead 2 becomes an opportunity: its sequence stops before the second step.
    expect(
      (await om.post('/v1/events', { events: [{ ...lead('r2-opp', '+8613700000002'), type: 'opportunity.created', properties: { value: 100 } }] })).status,
    ).toBe(202);
    const search = async (phone: string) =>
      ((await (await om!.get(`/v1/customers?phone=${encodeURIComponent(phone)}`)).json()) as { customers: Array<{ id: string }> }).customers[0]?.id;
    const id2 = await search('+8613700000002');
    await eventually(
      'lead 2 stopped as converted',
      async () => ((await (await om!.get(`/v1/customers/${id2}/followups`)).json()) as { stop: { reason: string } | null }).stop?.reason === 'converted',
    );
    await om.stop();
    om = undefined;

    await sleep(6500); // the second step falls due while nothing runs
    expect(smsTo('+8613700000001')).toHaveLength(1);
    om = await startTestOmnilane(env, { dataDir });
    await eventually('the second step after the restart', () => smsTo('+8613700000001').length === 2, 20_000);
    const id1 = await search('+8613700000001');
    await eventually('lead 1 completed', async () => ((await (await om!.get(`/v1/customers/${id1}/followups`)).json()) as { state: string }).state === 'done');
    await sleep(2000);
    expect(smsTo('+8613700000001')).toHaveLength(2);
    expect(smsTo('+8613700000002')).toHaveLength(1);
  });
});
