import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/clock.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../../shared/privacy/data-keys.js';
import { LocalMasterKeys } from '../../shared/privacy/master-keys.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { filesContaining, filesUnder } from '../support/files.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * Personal data at rest on the embedded default (issue 14 item 5), checked from outside the code that seals it: a
 * byte search of every file under DATA_DIR (bus segments, state journal, DuckDB file) for a customer's phone,
 * e-mail, WeChat id and message text. The same search over a run with PRIVACY_ENCRYPTION=off must find them, so
 * a pass is not an artefact of the search (or of a compressed file format). After erasure, the sealed copies left
 * on the bus no longer decrypt with anything the deployment holds.
 */
const PHONE_DIGITS = '13912345678';
const EMAIL = 'zhao.lei.secret@example.cn';
const OPENID = 'oWx_secret_openid_77';
const ADDRESS = '上海市浦东新区秘密路88号';
const ORDER = 'SKU-ZX-9981';
const REPLY = 'reply-needle-4471';
/** The words of an event ingest refuses (an unknown type): kept in dead_letters, which must be sealed too. */
const REFUSED_TEXT = 'refused-needle-杭州西湖区3号';
const NEEDLES = [PHONE_DIGITS, EMAIL, OPENID, ADDRESS, ORDER, REPLY, REFUSED_TEXT];
const OTHER_TEXT = 'control-customer-words-5521';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Which needles occur anywhere under `dir`, as UTF-8 bytes (the encoding every Omnilane file uses). */
function found(dir: string, needles: readonly string[]): Map<string, string[]> {
  const hits = new Map<string, string[]>();
  for (const n of needles) {
    const where = filesContaining([dir], n).map((f) => f.slice(dir.length + 1));
    if (where.length > 0) hits.set(n, where);
  }
  return hits;
}

async function feed(om: TestOmnilane): Promise<void> {
  const now = Date.now();
  const at = (s: number) => new Date(now - 300_000 + s * 1000).toISOString();
  const customer = { phone: `+86 139 1234 5678`, email: EMAIL, channel_ids: { wechat: OPENID } };
  const events = [
    { id: 'p-1', type: 'conversation.started', channel: 'wechat', occurred_at: at(0), customer, conversation_id: 'conv-secret' },
    {
      id: 'p-2',
      type: 'message.received',
      channel: 'wechat',
      occurred_at: at(1),
      customer,
      conversation_id: 'conv-secret',
      properties: { text: `请寄到${ADDRESS}，订单 ${ORDER}`, name: '赵磊' },
    },
    {
      id: 'p-3',
      type: 'message.sent',
      channel: 'wechat',
      occurred_at: at(2),
      customer,
      conversation_id: 'conv-secret',
      agent_id: 'ag_wang',
      properties: { text: `好的 ${REPLY}` },
    },
    {
      id: 'p-4',
      type: 'message.received',
      channel: 'sms',
      occurred_at: at(3),
      customer: { phone: '+8613800000042' },
      conversation_id: 'conv-other',
      properties: { text: OTHER_TEXT },
    },
    { id: 'p-5', type: 'no.such.type', channel: 'sms', occurred_at: at(4), customer: { phone: '+8613700000099' }, properties: { text: REFUSED_TEXT } },
  ];
  const res = await om.post('/v1/events', { events });
  expect(res.status).toBe(202);
  expect(await res.json()).toMatchObject({ accepted: 4, rejected: [{ index: 4 }] });
  await om.drained();
}

async function customerOf(om: TestOmnilane, q: string): Promise<string> {
  const res = await om.get(`/v1/customers?${q}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { customers: Array<{ id: string }> };
  expect(body.customers).toHaveLength(1);
  return body.customers[0].id;
}

/** Sealed values (`pd1.…`) in the bus segments, and how many of them a key ring opens as `owner`'s message text. */
async function sealedTextsOpenedAs(dir: string, owner: string): Promise<{ sealed: number; opened: string[] }> {
  const tokens = filesUnder(join(dir, 'bus')).flatMap((f) => readFileSync(f, 'utf8').match(/pd1\.\d+\.[A-Za-z0-9_-]+/g) ?? []);
  const state = new MemoryStateStore({ clock: systemClock, journalPath: join(dir, 'state', 'state.journal') });
  try {
    const ring = new DataKeyRing(new StateStoreDataKeyVault(state), LocalMasterKeys.fromFile(join(dir, 'privacy-master-keys.json')));
    const opened: string[] = [];
    for (const t of tokens) {
      const text = await ring.decrypt(owner, 'event', t).catch(() => null);
      if (text !== null) opened.push(text);
    }
    return { sealed: tokens.length, opened };
  } finally {
    await state.close();
  }
}

describe('personal data at rest (embedded default)', () => {
  it('with PRIVACY_ENCRYPTION=off the byte search finds every needle (the search can see plaintext)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnilane-plain-'));
    dirs.push(dir);
    const om = await startTestOmnilane({ PRIVACY_ENCRYPTION: 'off', IDENTITY_DEFAULT_COUNTRY_CODE: '86' }, { dataDir: dir });
    await feed(om);
    await om.stop();
    expect([...found(dir, NEEDLES).keys()].sort()).toEqual([...NEEDLES].sort());
  });

  it('encrypted (the default): no needle in any file; the API and the console read them; erasure shreds the bus copies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnilane-sealed-'));
    dirs.push(dir);
    let om = await startTestOmnilane({ IDENTITY_DEFAULT_COUNTRY_CODE: '86' }, { dataDir: dir });
    await feed(om);
    const id = await customerOf(om, `email=${encodeURIComponent(EMAIL)}`);
    const other = await customerOf(om, 'phone=%2B8613800000042');

    // Authorised reads open the fields: the timeline, the profile's identifiers, the console's transcript.
    const timeline = (await (await om.get(`/v1/customers/${id}/timeline`)).json()) as { events: Array<{ id: string; properties: Record<string, unknown> }> };
    expect(timeline.events.find((e) => e.id === 'p-2')?.properties).toMatchObject({ text: `请寄到${ADDRESS}，订单 ${ORDER}`, name: '赵磊' });
    const profile = (await (await om.get(`/v1/customers/${id}`)).json()) as { identifiers: string[] };
    expect(profile.identifiers).toEqual(expect.arrayContaining([`email:${EMAIL}`, `phone:+86${PHONE_DIGITS}`, `wechat:${OPENID}`]));
    const exported = JSON.stringify(await (await om.get(`/v1/customers/${id}/export`)).json());
    for (const n of [EMAIL, `phone:+86${PHONE_DIGITS}`, OPENID, ADDRESS, ORDER, REPLY]) expect(exported).toContain(n);
    const dead = (await (await om.get('/v1/dead-letters')).json()) as { dead_letters: Array<{ ref: string; payload: string | null }> };
    expect(dead.dead_letters.find((d) => d.ref.endsWith('/p-5'))?.payload).toContain(REFUSED_TEXT);
    const meta = await om.routing!.desk.meta.get('conv-secret');
    expect(meta?.messages.map((m) => m.text).join(' ')).toContain(ADDRESS);
    expect(meta?.customer.email).toBe(EMAIL);
    await om.stop();

    expect(Object.fromEntries(found(dir, [...NEEDLES, OTHER_TEXT]))).toEqual({});
    const before = await sealedTextsOpenedAs(dir, id);
    expect(before.opened.join(' ')).toContain(ADDRESS);

    om = await startTestOmnilane({ IDENTITY_DEFAULT_COUNTRY_CODE: '86' }, { dataDir: dir });
    const del = await fetch(`${om.url}/v1/customers/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${om.adminKey}` } });
    expect(del.status).toBe(202);
    const job = ((await del.json()) as { job: string }).job;
    for (let i = 0; ; i++) {
      const j = (await (await om.get(`/v1/privacy/erasures/${job}`)).json()) as { status: string; stores: Array<{ store: string; status: string }> };
      if (j.status === 'done') {
        expect(j.stores.find((s) => s.store === 'keys')?.status).toBe('done');
        break;
      }
      expect(i).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The suppression list holds digests of blind indexes: a later event with the same e-mail is refused (drop).
    const again = await om.post('/v1/events', {
      events: [{ id: 'p-9', type: 'message.received', channel: 'email', occurred_at: new Date().toISOString(), customer: { email: EMAIL.toUpperCase() } }],
    });
    expect(((await again.json()) as { rejected: Array<{ code: string }> }).rejected.map((r) => r.code)).toEqual(['ING_ERR_ERASED']);
    await om.stop();

    expect(Object.fromEntries(found(dir, [...NEEDLES, OTHER_TEXT]))).toEqual({});
    const after = await sealedTextsOpenedAs(dir, id);
    expect(after.sealed).toBeGreaterThan(0);
    expect(after.opened).toEqual([]);
    // The other customer's sealed text still opens: the erasure destroyed one customer's keys, not the master key.
    expect((await sealedTextsOpenedAs(dir, other)).opened.join(' ')).toContain(OTHER_TEXT);
  });
});
