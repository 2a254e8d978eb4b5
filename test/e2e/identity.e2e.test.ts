import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * One customer across channels, end to end on the embedded engines: an
 * anonymous web visitor and an SMS sender become one customer when the
 * visitor logs in with that phone; a split undoes it.
 */
let om: TestOmnilane;
const t0 = Date.now() - 10 * 60_000;
const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
let seq = 0;
const send = async (e: Record<string, unknown>) => {
  const res = await om.post('/v1/events', { events: [{ id: `idn-${++seq}`, ...e }] });
  expect(res.status).toBe(202);
  expect(await res.json()).toMatchObject({ accepted: 1 });
  // Minutes apart in real life: each event is processed before the next (customers live on different partitions).
  await om.drained();
};
const json = async <T>(path: string, key?: string) => {
  const res = await om.get(path, key);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

interface Profile {
  id: string;
  identifiers: string[];
  merged: string[];
  external_id: string | null;
  tag: string;
  crm: { status: string; fields: Record<string, unknown> };
}
interface Timeline {
  customer_ids: string[];
  events: Array<{ id: string; channel: string }>;
  next_offset: number | null;
}
interface Merges {
  merges: Array<{ kind: string; customer_id: string; other_id: string; identifiers: string[]; evidence: string[]; reason: string; event_ref: string }>;
}

beforeAll(async () => {
  om = await startTestOmnilane({ IDENTITY_DEFAULT_COUNTRY_CODE: '86' });
});
afterAll(async () => {
  await om?.cleanup();
});

describe('identity and sessions end to end', () => {
  it('merges a web visitor who logs in with the SMS sender of the same phone: one customer, one timeline', async () => {
    await send({
      type: 'message.received',
      channel: 'web',
      occurred_at: at(0),
      customer: { anonymous_id: 'web-visitor-1' },
      conversation_id: 'web-c1',
      properties: { text: '你好，企业版多少钱？' },
    });
    await send({
      type: 'message.received',
      channel: 'sms',
      occurred_at: at(1),
      customer: { phone: '138 0000 0000' },
      conversation_id: 'sms-c1',
      properties: { text: '请尽快退款' },
    });
    await send({
      type: 'touchpoint',
      channel: 'web',
      occurred_at: at(2),
      customer: { external_id: 'crm-42', anonymous_id: 'web-visitor-1', phone: '+86 138-0000-0000' },
      properties: { action: 'login', tag: 'VIP' },
    });
    await send({
      type: 'message.received',
      channel: 'sms',
      occurred_at: at(3),
      customer: { phone: '+8613800000000' },
      conversation_id: 'sms-c2',
      properties: { text: 'still there?' },
    });
    await om.drained();

    const p = await json<Profile>('/v1/customers/cus_1');
    expect(p).toMatchObject({ id: 'cus_1', external_id: 'crm-42', merged: ['cus_2'], tag: 'VIP', crm: { status: 'ok' } });
    expect(p.identifiers).toEqual(['anon:web-visitor-1', 'ext:crm-42', 'phone:+8613800000000']);
    expect(p.crm.fields).toHaveProperty('company');
    // The merged-away id answers with the survivor.
    expect((await json<Profile>('/v1/customers/cus_2')).id).toBe('cus_1');

    const tl = await json<Timeline>('/v1/customers/cus_1/timeline?limit=3');
    expect(tl.customer_ids).toEqual(['cus_1', 'cus_2']);
    expect(tl.events.map((e) => e.id)).toEqual(['idn-4', 'idn-3', 'idn-2']);
    expect(tl.next_offset).toBe(3);
    const rest = await json<Timeline>('/v1/customers/cus_1/timeline?limit=3&offset=3');
    expect(rest.events.map((e) => [e.id, e.channel])).toEqual([['idn-1', 'web']]);
    expect(rest.next_offset).toBeNull();

    const m = await json<Merges>('/v1/customers/cus_1/merges');
    expect(m.merges).toHaveLength(1);
    // event_ref is producer/id, and the producer of a batch is the id of the key that posted it (the test's ingest key).
    const producer = (await om.access.authenticateKey(om.ingestKey))?.keyId;
    expect(m.merges[0]).toMatchObject({
      kind: 'merge',
      customer_id: 'cus_1',
      other_id: 'cus_2',
      identifiers: ['phone:+8613800000000'],
      event_ref: `${producer}/idn-3`,
    });
    expect(m.merges[0].evidence).toEqual(['ext:crm-42', 'phone:+8613800000000', 'anon:web-visitor-1']);
  });

  it('keeps the web conversation open across the switch to SMS, with priority for routing', async () => {
    const open = await json<{
      conversations: Array<{
        id: string;
        customer_id: string;
        channels: string[];
        conversation_ids: string[];
        urgent: boolean;
        priority: number;
        status: string;
      }>;
    }>('/v1/conversations?status=open');
    // The login merged the SMS sender's open conversation into the visitor's; the later SMS continued it.
    expect(open.conversations.map((c) => c.id)).toEqual(['web-c1']);
    // The refund request (退款) made it urgent: sms 60 + urgent 50 + VIP 30 (the login stated the VIP tag; ingest
    // stamps the customer's known tag on the later SMS, which state none).
    expect(open.conversations[0]).toMatchObject({
      customer_id: 'cus_1',
      channels: ['web', 'sms'],
      conversation_ids: ['web-c1', 'sms-c1', 'sms-c2'],
      urgent: true,
      priority: 140,
      status: 'open',
    });
    const closed = await json<{ conversations: Array<{ id: string; customer_id: string }> }>('/v1/conversations?status=closed');
    expect(closed.conversations).toContainEqual(expect.objectContaining({ id: 'sms-c1', customer_id: 'cus_2' }));
  });

  it('splits the phone back off: the merged customer returns with its past, new SMS go to it, and the split is audited', async () => {
    const denied = await om.post('/v1/customers/cus_1/split', { identifiers: ['phone:+8613800000000'] });
    expect(denied.status).toBe(403);
    const res = await om.post('/v1/customers/cus_1/split', { identifiers: ['phone:+8613800000000'], reason: 'shared family phone' }, om.adminKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ customer_id: 'cus_1', new_customer_id: 'cus_2', restored: true, moved: ['phone:+8613800000000'] });

    await send({ type: 'message.received', channel: 'sms', occurred_at: at(4), customer: { phone: '13800000000' }, conversation_id: 'sms-c3' });
    await om.drained();
    const p1 = await json<Profile>('/v1/customers/cus_1');
    expect(p1).toMatchObject({ merged: [], identifiers: ['anon:web-visitor-1', 'ext:crm-42'] });
    const t2 = await json<Timeline>('/v1/customers/cus_2/timeline');
    expect(t2.customer_ids).toEqual(['cus_2']);
    expect(t2.events.map((e) => e.id)).toEqual(['idn-5', 'idn-2']);
    const t1 = await json<Timeline>('/v1/customers/cus_1/timeline');
    expect(t1.events.map((e) => e.id)).not.toContain('idn-2');
    const m = await json<Merges>('/v1/customers/cus_2/merges');
    expect(m.merges.map((x) => x.kind)).toEqual(['merge', 'split']);
    expect(m.merges[1]).toMatchObject({ customer_id: 'cus_1', other_id: 'cus_2', identifiers: ['phone:+8613800000000'] });
    expect(m.merges[1].reason).toMatch(/undid the merge of cus_2.*shared family phone/);

    const missing = await om.post('/v1/customers/cus_1/split', { identifiers: ['email:nobody@example.com'] }, om.adminKey);
    expect(missing.status).toBe(404);
    expect((await om.get('/v1/customers/cus_999')).status).toBe(404);
  });

  it('documents the workbench routes in /openapi.json', async () => {
    const spec = (await (await om.get('/openapi.json', '')).json()) as { paths: Record<string, unknown> };
    for (const p of ['/v1/customers/{id}', '/v1/customers/{id}/timeline', '/v1/customers/{id}/merges', '/v1/customers/{id}/split', '/v1/conversations'])
      expect(Object.keys(spec.paths)).toContain(p);
  });
});
