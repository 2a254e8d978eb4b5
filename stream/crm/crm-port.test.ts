import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../test/support/fake-provider.js';
import type { CrmOpportunity, CrmPort } from './crm-port.js';
import { EmbeddedCrm } from './embedded-crm.js';
import { HttpCrm, retryAfterMs } from './http-crm.js';

/** A fake CRM's opportunity endpoints on the fake provider: PUT stores by id (201 new, 200 update), GET lists a customer's. */
function fakeCrm(fake: FakeProvider): Map<string, CrmOpportunity> {
  const store = new Map<string, CrmOpportunity>();
  fake.reply((req) => {
    const u = new URL(req.url, 'http://fake');
    const put = /^\/opportunities\/([^/]+)$/.exec(u.pathname);
    if (put && req.method === 'PUT') {
      const id = decodeURIComponent(put[1]);
      const created = !store.has(id);
      store.set(id, JSON.parse(req.body) as CrmOpportunity);
      return { status: created ? 201 : 200, body: { id } };
    }
    const list = /^\/customers\/([^/]+)\/opportunities$/.exec(u.pathname);
    if (list && req.method === 'GET') {
      const cid = decodeURIComponent(list[1]);
      return { status: 200, body: { opportunities: [...store.values()].filter((o) => o.customer_id === cid) } };
    }
    return { status: 404, body: {} };
  });
  return store;
}

const opp = (over: Partial<CrmOpportunity> = {}): CrmOpportunity => ({
  id: 'opp:c-1',
  customer_id: 'cus_1',
  conversation_id: 'c-1',
  stage: 'qualified',
  intent: 'purchase',
  value: 9800,
  currency: 'CNY',
  product: '企业版年度订阅',
  owner_agent: 'ag_zhang',
  ...over,
});
const key = (customer_id: string) => ({ customer_id, external_id: null, identifiers: [] });

let fake: FakeProvider;
const sleeps: number[] = [];
beforeAll(async () => {
  fake = await startFakeProvider();
  fakeCrm(fake);
});
afterAll(() => fake.close());

/** The CrmPort write-side contract, against every adapter. */
describe.each([
  ['embedded', () => new EmbeddedCrm() as CrmPort],
  ['http', () => new HttpCrm({ url: `${fake.url}/`, sleep: async (ms) => void sleeps.push(ms) }) as CrmPort],
])('CrmPort opportunities (%s)', (_name, make) => {
  it('creates once, then updates the same id in place (idempotent)', async () => {
    const crm = make();
    const id = `opp:${_name}-1`;
    expect(await crm.upsertOpportunity(opp({ id, customer_id: `cus_${_name}` }))).toEqual({ id, created: true });
    // The same write again (a retry) and a later stage: still one opportunity, with the latest fields.
    expect(await crm.upsertOpportunity(opp({ id, customer_id: `cus_${_name}` }))).toEqual({ id, created: false });
    expect(await crm.upsertOpportunity(opp({ id, customer_id: `cus_${_name}`, stage: 'proposal', value: 12000 }))).toEqual({ id, created: false });
    const list = await crm.opportunities(key(`cus_${_name}`));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id, stage: 'proposal', value: 12000, conversation_id: 'c-1', intent: 'purchase' });
    expect(await crm.opportunities(key('cus_nobody'))).toEqual([]);
  });
});

describe('HttpCrm opportunity writes', () => {
  const crm = () => new HttpCrm({ url: fake.url, maxAttempts: 4, backoffMs: 100, maxDelayMs: 5000, sleep: async (ms) => void sleeps.push(ms) });

  it('PUTs JSON to /opportunities/{id}', async () => {
    const before = fake.requests.length;
    await crm().upsertOpportunity(opp({ id: 'opp:a/b' }));
    const r = fake.requests[before];
    expect(r).toMatchObject({ method: 'PUT', url: '/opportunities/opp%3Aa%2Fb' });
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toMatchObject({ id: 'opp:a/b', stage: 'qualified', value: 9800 });
  });

  it('retries 5xx and 429 with exponential backoff, honouring Retry-After, and lands once', async () => {
    sleeps.length = 0;
    fake.failNext(2, 503);
    const before = fake.requests.length;
    expect(await crm().upsertOpportunity(opp({ id: 'opp:retry-1', customer_id: 'cus_r' }))).toEqual({ id: 'opp:retry-1', created: true });
    expect(fake.requests.length - before).toBe(3);
    expect(sleeps).toEqual([100, 200]);

    sleeps.length = 0;
    fake.failNext(1, 429, 2);
    expect(await crm().upsertOpportunity(opp({ id: 'opp:retry-1', customer_id: 'cus_r' }))).toEqual({ id: 'opp:retry-1', created: false });
    expect(sleeps).toEqual([2000]);
    expect(await crm().opportunities(key('cus_r'))).toHaveLength(1);
  });

  it('gives up after maxAttempts, and does not retry a 4xx refusal', async () => {
    sleeps.length = 0;
    fake.failNext(10, 500);
    let before = fake.requests.length;
    await expect(crm().upsertOpportunity(opp({ id: 'opp:down' }))).rejects.toThrow(/after 4 attempts.*500/);
    expect(fake.requests.length - before).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);
    fake.failNext(0);

    fake.failNext(1, 422);
    before = fake.requests.length;
    await expect(crm().upsertOpportunity(opp({ id: 'opp:bad' }))).rejects.toThrow(/422/);
    expect(fake.requests.length - before).toBe(1);
  });

  it('retries network errors (nothing listening)', async () => {
    sleeps.length = 0;
    const dead = new HttpCrm({ url: 'http://127.0.0.1:1', maxAttempts: 3, backoffMs: 10, sleep: async (ms) => void sleeps.push(ms) });
    await expect(dead.upsertOpportunity(opp())).rejects.toThrow(/after 3 attempts/);
    expect(sleeps).toEqual([10, 20]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect(retryAfterMs(null, 0)).toBeNull();
  });
});
