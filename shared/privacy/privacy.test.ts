import { MapVault } from '../../test/support/privacy-keys.js';
import { createHmac, webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blindIdentifier, isBlinded } from './blind-index.js';
import { DataKeyRing } from './data-keys.js';
import { decryptField, encryptField, fieldKeyVersion, isEncryptedField } from './field-cipher.js';
import { LocalMasterKeys } from './master-keys.js';
import { EncryptedPersonalData, PLAINTEXT_PERSONAL_DATA } from './personal-data.js';
import type { EventEnvelope } from '../envelope.js';

const key = Buffer.alloc(32, 7);

describe('field cipher (AES-256-GCM)', () => {
  it('round-trips any Unicode text and names its key version', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 1000 }), (text, v) => {
        const c = encryptField(key, v, text, 'cus_1', 'text');
        expect(isEncryptedField(c)).toBe(true);
        expect(fieldKeyVersion(c)).toBe(v);
        expect(decryptField(key, c, 'cus_1', 'text')).toBe(text);
      }),
    );
  });

  it('is standard AES-256-GCM: WebCrypto (a second implementation) opens it', async () => {
    const text = '张伟 +86 138 0000 0000 zhang.wei@example.cn';
    const c = encryptField(key, 3, text, 'cus_9', 'customer.name');
    const raw = Buffer.from(c.split('.')[2], 'base64url');
    const k = await webcrypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
    const plain = await webcrypto.subtle.decrypt(
      { name: 'AES-GCM', iv: raw.subarray(0, 12), additionalData: Buffer.from('cus_9\u0000customer.name'), tagLength: 128 },
      k,
      raw.subarray(12),
    );
    expect(Buffer.from(plain).toString('utf8')).toBe(text);
  });

  it('refuses a flipped byte, another customer, another field and another key', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), (text, at) => {
        const c = encryptField(key, 1, text, 'cus_1', 'text');
        const body = Buffer.from(c.slice(c.lastIndexOf('.') + 1), 'base64url');
        body[at % body.length] ^= 1;
        const tampered = `${c.slice(0, c.lastIndexOf('.') + 1)}${body.toString('base64url')}`;
        expect(() => decryptField(key, tampered, 'cus_1', 'text')).toThrow(/PRIV_ERR_DECRYPT|authentication/);
        expect(() => decryptField(key, c, 'cus_2', 'text')).toThrow();
        expect(() => decryptField(key, c, 'cus_1', 'email')).toThrow();
        expect(() => decryptField(Buffer.alloc(32, 8), c, 'cus_1', 'text')).toThrow();
      }),
      { numRuns: 50 },
    );
  });

  it('two encryptions of one value differ (random IV), so ciphertext does not reveal equal values', () => {
    expect(encryptField(key, 1, 'same', 'c', 'f')).not.toBe(encryptField(key, 1, 'same', 'c', 'f'));
  });
});

describe('blind index', () => {
  const bk = Buffer.alloc(32, 3);
  it('equals an HMAC-SHA-256 computed apart, keeps the kind, and is idempotent', () => {
    const b = blindIdentifier(bk, 'phone:+8613800000000');
    expect(b.startsWith('phone:~')).toBe(true);
    expect(b).toHaveLength('phone:~'.length + 26);
    expect(isBlinded(b)).toBe(true);
    expect(blindIdentifier(bk, b)).toBe(b);
    // Independent: the first 16 bytes of the HMAC, base32 (RFC 4648 alphabet, lower case, no padding).
    const mac = createHmac('sha256', bk).update('phone\u0000+8613800000000').digest().subarray(0, 16);
    const bits = [...mac].map((x) => x.toString(2).padStart(8, '0')).join('') + '00';
    const expected = bits
      .match(/.{5}/g)!
      .map((g) => 'abcdefghijklmnopqrstuvwxyz234567'[parseInt(g, 2)])
      .join('');
    expect(b).toBe(`phone:~${expected}`);
  });
  it('maps different identifiers apart and needs the key', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(blindIdentifier(bk, `email:${a}`)).not.toBe(blindIdentifier(bk, `email:${b}`));
      }),
    );
    expect(blindIdentifier(bk, 'email:a@b.cn')).not.toBe(blindIdentifier(Buffer.alloc(32, 4), 'email:a@b.cn'));
    expect(blindIdentifier(bk, 'email:a@b.cn')).not.toBe(blindIdentifier(bk, 'phone:a@b.cn'));
  });
});

describe('per-customer data keys', () => {
  const master = () => LocalMasterKeys.fromJson(LocalMasterKeys.newKeyRingJson('mk1'));

  it('never stores a data key unwrapped, and one customer key does not open another customer', async () => {
    const vault = new MapVault();
    const ring = new DataKeyRing(vault, master());
    const a = await ring.encrypt('cus_a', 'text', '我要退款');
    await ring.encrypt('cus_b', 'text', 'x');
    const stored = JSON.stringify([...vault.map.values()]);
    const ka = (await ring.keyForWrite('cus_a')).key;
    expect(stored.includes(ka.toString('base64'))).toBe(false);
    expect(stored.includes(ka.toString('base64url'))).toBe(false);
    expect(stored.includes(ka.toString('hex'))).toBe(false);
    await expect(ring.decrypt('cus_b', 'text', a)).rejects.toThrow();
    expect(await ring.decrypt('cus_a', 'text', a)).toBe('我要退款');
  });

  it('racing first writes agree on one key', async () => {
    const vault = new MapVault();
    const m = master();
    const rings = [new DataKeyRing(vault, m), new DataKeyRing(vault, m)];
    const [x, y] = await Promise.all(rings.map((r) => r.encrypt('cus_r', 'f', 'v')));
    expect(await rings[1].decrypt('cus_r', 'f', x)).toBe('v');
    expect(await rings[0].decrypt('cus_r', 'f', y)).toBe('v');
  });

  it('rotates data keys (old values still read, new ones use the new version)', async () => {
    const ring = new DataKeyRing(new MapVault(), master());
    const old = await ring.encrypt('c', 'f', 'before');
    expect(await ring.rotate('c')).toBe(2);
    const neu = await ring.encrypt('c', 'f', 'after');
    expect(fieldKeyVersion(old)).toBe(1);
    expect(fieldKeyVersion(neu)).toBe(2);
    expect(await ring.decrypt('c', 'f', old)).toBe('before');
    expect(await ring.decrypt('c', 'f', neu)).toBe('after');
  });

  it('rotates the master key without losing a value: re-wrap, then the old master key can go', async () => {
    const mk1 = Buffer.alloc(32, 1);
    const mk2 = Buffer.alloc(32, 2);
    const vault = new MapVault();
    const before = new DataKeyRing(vault, new LocalMasterKeys({ mk1 }, 'mk1'));
    const values = await Promise.all(['c1', 'c2', 'c3'].map((c) => before.encrypt(c, 'f', `v-${c}`)));
    const during = new DataKeyRing(vault, new LocalMasterKeys({ mk1, mk2 }, 'mk2'));
    expect(await during.rewrapAll()).toEqual({ rewrapped: 3, skipped: 0 });
    expect(await during.rewrapAll()).toEqual({ rewrapped: 0, skipped: 3 });
    const after = new DataKeyRing(vault, new LocalMasterKeys({ mk2 }, 'mk2'));
    expect(await Promise.all(['c1', 'c2', 'c3'].map((c, i) => after.decrypt(c, 'f', values[i])))).toEqual(['v-c1', 'v-c2', 'v-c3']);
    const stale = new DataKeyRing(vault, new LocalMasterKeys({ mk1 }, 'mk1'));
    await expect(stale.decrypt('c1', 'f', values[0])).rejects.toThrow(/PRIV_ERR_MASTER_KEY|mk2/);
  });

  it('crypto-shreds: after destroy nothing decrypts and no new key is made silently', async () => {
    const vault = new MapVault();
    const m = master();
    const ring = new DataKeyRing(vault, m);
    const v = await ring.encrypt('gone', 'f', 'secret');
    await ring.destroy('gone', 1);
    await expect(ring.decrypt('gone', 'f', v)).rejects.toThrow(/erased|destroyed/);
    await expect(new DataKeyRing(vault, m).decrypt('gone', 'f', v)).rejects.toThrow(/erased|destroyed/);
    await expect(ring.encrypt('gone', 'f', 'new')).rejects.toThrow(/erased|destroyed/);
    expect(vault.map.get('gone')).not.toMatch(/blob/);
  });

  it('rejects a malformed key ring with a code', () => {
    expect(() => LocalMasterKeys.fromJson('nope')).toThrow(/not JSON/);
    expect(() => LocalMasterKeys.fromJson('{"current":"a","keys":{"a":"c2hvcnQ="}}')).toThrow(/32 bytes/);
    expect(() => LocalMasterKeys.fromJson('{"current":"b","keys":{}}')).toThrow(/not in the key ring/);
  });
});

describe('PersonalData: sealing events (the one module personal data goes through)', () => {
  const blindKey = Buffer.alloc(32, 3);
  const setup = () => {
    const ring = new DataKeyRing(new MapVault(), LocalMasterKeys.fromJson(LocalMasterKeys.newKeyRingJson()));
    return new EncryptedPersonalData(ring, blindKey);
  };
  const envelope = (customer: EventEnvelope['customer'], properties: Record<string, unknown>, key = 'cus_7'): EventEnvelope => ({
    id: 'e1',
    producer: 'p',
    type: 'message.received',
    channel: 'wechat',
    occurred_at: 1,
    received_at: 1,
    customer_key: key,
    customer,
    conversation_id: 'c1',
    agent_id: null,
    properties,
  });
  const plainText = fc.string({ minLength: 3, unit: 'grapheme' }).filter((s) => !s.startsWith('pd1.'));

  it('opens what it sealed (strings and JSON), leaves nothing personal readable, and keeps analytics fields as they were', async () => {
    const pd = setup();
    await fc.assert(
      fc.asyncProperty(plainText, plainText, plainText, fc.jsonValue(), fc.integer(), async (email, text, openid, order, score) => {
        const e = envelope({ email, external_id: 'crm-1', channel_ids: { wechat: openid } }, { text, order, score, intent: 'pricing' });
        const [sealed] = await pd.sealEvents([e]);
        const stored = JSON.stringify(sealed);
        // One sealed value per event; the personal fields leave the event.
        expect(isEncryptedField((sealed.customer as Record<string, unknown>).sealed)).toBe(true);
        expect(sealed.customer).not.toHaveProperty('email');
        expect(sealed.customer).not.toHaveProperty('channel_ids');
        expect(sealed.properties).toEqual({ score, intent: 'pricing' });
        expect(sealed.customer.external_id).toBe('crm-1');
        // No personal value survives as a JSON string of its own in what is stored.
        for (const v of [email, text, openid]) expect(stored).not.toContain(JSON.stringify(v));
        const [opened] = await pd.openEvents([sealed]);
        expect(opened).toEqual(JSON.parse(JSON.stringify(e)));
        // Sealing twice changes nothing (a routing or follow-up event re-published with values already sealed).
        expect(await pd.sealEvents([sealed])).toEqual([sealed]);
        // A plain field added beside a sealed value is sealed with it, and both open.
        const [again] = await pd.sealEvents([{ ...sealed, properties: { ...sealed.properties, note: 'later' } }]);
        expect((await pd.openEvents([again]))[0].properties).toMatchObject({ text, note: 'later' });
      }),
      { numRuns: 50 },
    );
  });

  it('a value moved to another customer does not open; an erased owner reads as absent', async () => {
    const pd = setup();
    const [a] = await pd.sealEvents([envelope({ phone: '+8613900000001' }, { text: '你好' }, 'cus_1')]);
    const [b] = await pd.openEvents([{ ...a, customer_key: 'cus_2' }]);
    expect(b.customer.phone).toBeUndefined();
    expect(b.properties.text).toBeUndefined();
    await pd.forget(['cus_1'], 5);
    const [gone] = await pd.openEvents([a]);
    expect(gone.customer.phone).toBeUndefined();
    expect(gone.properties.text).toBeUndefined();
    await expect(pd.sealEvents([envelope({ phone: '1' }, {}, 'cus_1')])).rejects.toThrow(/erased/);
  });

  it('what it keeps opened lately answers only for its owner and field, and no longer than a data key is cached', async () => {
    const vault = new MapVault();
    const master = LocalMasterKeys.fromJson(LocalMasterKeys.newKeyRingJson());
    const ttlMs = 40;
    const here = new EncryptedPersonalData(new DataKeyRing(vault, master, 100, ttlMs), blindKey, undefined, { ttlMs });
    const elsewhere = new EncryptedPersonalData(new DataKeyRing(vault, master), blindKey, undefined, { size: 0 });
    const v = await here.seal('cus_9', 'routing.meta', '王芳 138 0000 0009');
    expect(await here.open('cus_9', 'routing.meta', v)).toBe('王芳 138 0000 0009');
    expect(await here.open('cus_9', 'bot.question', v)).toBeNull();
    expect(await here.open('cus_8', 'routing.meta', v)).toBeNull();
    // Another process (no cache of its own) opens it from the vault alone, then erases the customer.
    expect(await elsewhere.open('cus_9', 'routing.meta', v)).toBe('王芳 138 0000 0009');
    await elsewhere.forget(['cus_9'], 1);
    expect(await elsewhere.open('cus_9', 'routing.meta', v)).toBeNull();
    await new Promise((r) => setTimeout(r, ttlMs * 2));
    expect(await here.open('cus_9', 'routing.meta', v)).toBeNull();
  });

  it('keeps a stored value only when it holds this very plaintext for this owner and field, and not after forget', async () => {
    const pd = setup();
    const v = await pd.seal('cus_7', 'routing.meta', '{"texts":["你好"]}');
    // Unchanged: the stored value as it is (no new IV); changed, another owner or field, or unknown: sealed anew.
    expect(await pd.seal('cus_7', 'routing.meta', '{"texts":["你好"]}', v)).toBe(v);
    const changed = await pd.seal('cus_7', 'routing.meta', '{"texts":["你好","在吗"]}', v);
    expect(changed).not.toBe(v);
    expect(await pd.open('cus_7', 'routing.meta', changed)).toBe('{"texts":["你好","在吗"]}');
    expect(await pd.seal('cus_6', 'routing.meta', '{"texts":["你好"]}', v)).not.toBe(v);
    expect(await pd.seal('cus_7', 'followup.lead', '{"texts":["你好"]}', v)).not.toBe(v);
    const fresh = setup(); // another process: it never saw v opened, so it cannot vouch for its plaintext
    expect(await fresh.seal('cus_7', 'routing.meta', '{"texts":["你好"]}', v)).not.toBe(v);
    await pd.forget(['cus_7'], 1);
    await expect(pd.seal('cus_7', 'routing.meta', '{"texts":["你好"]}', v)).rejects.toThrow(/erased/);
  });

  it('blinds contact identifiers, keeps system ids, and blinds a raw bus key before using it as the owner', async () => {
    const pd = setup();
    expect(pd.blind('phone:+8613900000001')).toBe(blindIdentifier(blindKey, 'phone:+8613900000001'));
    expect(pd.blind('wechat:oX1')).toMatch(/^wechat:~[a-z2-7]{26}$/);
    expect(pd.blind('ext:crm-1')).toBe('ext:crm-1');
    expect(pd.blind('anon:v1')).toBe('anon:v1');
    expect(pd.blind('cus_42')).toBe('cus_42');
    const [e] = await pd.sealEvents([envelope({ email: 'a@b.cn' }, {}, 'email:a@b.cn')]);
    expect(e.customer_key).toBe(pd.blind('email:a@b.cn'));
    expect(JSON.stringify(e)).not.toContain('a@b.cn');
  });

  it('with encryption off everything passes through', async () => {
    const e = envelope({ email: 'a@b.cn' }, { text: 'hi' });
    expect(await PLAINTEXT_PERSONAL_DATA.sealEvents([e])).toEqual([e]);
    expect(PLAINTEXT_PERSONAL_DATA.blind('email:a@b.cn')).toBe('email:a@b.cn');
  });
});
