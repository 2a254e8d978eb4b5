import type { CustomerInput, EventEnvelope } from '../envelope.js';
import { OmnilaneError } from '../errors.js';
import { blindIdentifier } from './blind-index.js';
import type { DataKeyRing } from './data-keys.js';
import { decryptField, encryptField, fieldKeyVersion, isEncryptedField } from './field-cipher.js';

/**
 * The one module personal data goes through (docs/privacy.md): which fields of an event are personal, sealing them
 * with the owner's data key before anything is published or stored, opening them in memory where a step must read
 * them (triage, the bot, a follow-up's address, an authorised API read), and blinding identifiers for lookups.
 *
 * The owner of a sealed value is the customer the event resolved to (`customer_key`, `cus_N` after identity), so
 * destroying that customer's data keys (erasure) makes every copy unreadable wherever it lies: crypto-shredding.
 */
export interface PersonalData {
  readonly encrypted: boolean;
  /** `kind:value` → `kind:~<blind index>` for the kinds that name a person (phone, e-mail, channel ids). */
  blind(identifier: string): string;
  /** Seals every personal field of each event under its owner's data key; already sealed values stay as they are. */
  sealEvents<T extends EventEnvelope>(events: T[]): Promise<T[]>;
  /** The events with personal fields opened, in memory only; a field whose key is gone (erased) is left out. */
  openEvents<T extends EventEnvelope>(events: T[]): Promise<T[]>;
  /** Seals one value of `owner` (state records: a conversation's messages, a follow-up's address). */
  seal(owner: string, field: string, value: string): Promise<string>;
  /** Opens what `seal` made; plain text passes through; null when the owner's key is destroyed or the value tampered. */
  open(owner: string, field: string, value: string): Promise<string | null>;
  /** Crypto-shredding: destroys the data keys of these owners (erasure). */
  forget(owners: readonly string[], now: number): Promise<void>;
}

/**
 * Properties of an event that hold personal data unless configured otherwise (PRIVACY_PERSONAL_PROPERTIES adds
 * names): message text, names, addresses, contact details, order contents, free-text notes. Analytics never read
 * these (they read ids, types, channels, scores, values, intents and tags).
 */
export const DEFAULT_PERSONAL_PROPERTIES: readonly string[] = [
  'text',
  'message',
  'body',
  'subject',
  'name',
  'first_name',
  'last_name',
  'full_name',
  'nickname',
  'address',
  'shipping_address',
  'billing_address',
  'email',
  'phone',
  'order',
  'order_items',
  'items',
  'comment',
  'note',
  'notes',
  'feedback',
  'description',
  'transcript',
];

/** Identifier kinds that are system ids, not a person's contact: kept readable (like `cus_N`). */
const OPAQUE_KINDS = new Set(['ext', 'anon']);

/**
 * Whose data key seals what is kept per conversation before its customer is known (the web chat replay buffer):
 * the conversation's own key, which an erasure of the customer destroys with their conversations.
 */
export const conversationOwner = (conversationId: string) => `conv:${conversationId}`;

/** Encryption off (PRIVACY_ENCRYPTION=off): values pass through; identifiers stay as they are. */
export const PLAINTEXT_PERSONAL_DATA: PersonalData = {
  encrypted: false,
  blind: (id) => id,
  sealEvents: (events) => Promise.resolve(events),
  openEvents: (events) => Promise.resolve(events),
  seal: (_o, _f, v) => Promise.resolve(v),
  open: (_o, _f, v) => Promise.resolve(v),
  forget: () => Promise.resolve(),
};

// A sealed property remembers whether it was a string or JSON (an order object): one type letter before the text.
const STRING_TAG = 's';
const JSON_TAG = 'j';

/** AES-256-GCM field encryption with per-customer data keys (data-keys.ts) and HMAC blind indexes (blind-index.ts). */
export class EncryptedPersonalData implements PersonalData {
  readonly encrypted = true;
  private readonly personal: ReadonlySet<string>;

  constructor(
    private readonly ring: DataKeyRing,
    private readonly blindKey: Buffer,
    personalProperties: readonly string[] = DEFAULT_PERSONAL_PROPERTIES,
  ) {
    if (blindKey.length < 32) throw new OmnilaneError('PRIV_ERR_MASTER_KEY', 'the blind-index key must be at least 32 bytes');
    this.personal = new Set(personalProperties);
  }

  blind(identifier: string): string {
    const colon = identifier.indexOf(':');
    // A customer id (`cus_42`) has no kind and names nobody outside Omnilane: it stays as it is.
    if (colon <= 0 || OPAQUE_KINDS.has(identifier.slice(0, colon))) return identifier;
    return blindIdentifier(this.blindKey, identifier);
  }

  async sealEvents<T extends EventEnvelope>(events: T[]): Promise<T[]> {
    const keys = new Map<string, { version: number; key: Buffer }>();
    for (const e of events) {
      const owner = this.ownerOf(e);
      if (!keys.has(owner) && this.hasPlainField(e)) keys.set(owner, await this.ring.keyForWrite(owner));
    }
    return events.map((e) => {
      const owner = this.ownerOf(e);
      const k = keys.get(owner);
      if (!k) return owner === e.customer_key ? e : { ...e, customer_key: owner };
      const seal = (field: string, v: string) => (isEncryptedField(v) ? v : encryptField(k.key, k.version, v, owner, field));
      return { ...e, customer_key: owner, customer: this.mapCustomer(e.customer, seal), properties: this.mapProperties(e.properties, seal, true) };
    });
  }

  async openEvents<T extends EventEnvelope>(events: T[]): Promise<T[]> {
    const out: T[] = [];
    for (const e of events) {
      if (!this.hasSealedField(e)) {
        out.push(e);
        continue;
      }
      const keys = await this.readKeys(e.customer_key, e);
      const open = (field: string, v: string): string | null => {
        if (!isEncryptedField(v)) return v;
        const key = keys.get(fieldKeyVersion(v));
        if (!key) return null;
        try {
          return decryptField(key, v, e.customer_key, field);
        } catch {
          return null;
        }
      };
      out.push({ ...e, customer: this.mapCustomer(e.customer, open), properties: this.mapProperties(e.properties, open, false) });
    }
    return out;
  }

  seal(owner: string, field: string, value: string): Promise<string> {
    return isEncryptedField(value) ? Promise.resolve(value) : this.ring.encrypt(owner, field, value);
  }

  async open(owner: string, field: string, value: string): Promise<string | null> {
    if (!isEncryptedField(value)) return value;
    try {
      return await this.ring.decrypt(owner, field, value);
    } catch {
      return null;
    }
  }

  async forget(owners: readonly string[], now: number): Promise<void> {
    for (const o of new Set(owners)) await this.ring.destroy(o, now);
  }

  /** The bus key is a customer id after identity; a raw `email:`/`phone:` key (no identity graph) is blinded first. */
  private ownerOf(e: EventEnvelope): string {
    return this.blind(e.customer_key);
  }

  private hasPlainField(e: EventEnvelope): boolean {
    let found = false;
    this.mapCustomer(e.customer, (_f, v) => ((found ||= !isEncryptedField(v)), v));
    this.mapProperties(e.properties, (_f, v) => ((found ||= !isEncryptedField(v)), v), true);
    return found;
  }

  private hasSealedField(e: EventEnvelope): boolean {
    let found = false;
    this.mapCustomer(e.customer, (_f, v) => ((found ||= isEncryptedField(v)), v));
    for (const k of Object.keys(e.properties)) found ||= isEncryptedField(e.properties[k]);
    return found;
  }

  /** The data keys an event's sealed values name (an erased owner has none: its fields read as absent). */
  private async readKeys(owner: string, e: EventEnvelope): Promise<Map<number, Buffer>> {
    const versions = new Set<number>();
    const note = (v: unknown) => isEncryptedField(v) && versions.add(fieldKeyVersion(v));
    this.mapCustomer(e.customer, (_f, v) => (note(v), v));
    for (const v of Object.values(e.properties)) note(v);
    const keys = new Map<number, Buffer>();
    for (const v of versions) {
      try {
        keys.set(v, await this.ring.keyForRead(owner, v));
      } catch {
        // destroyed or lost: the values of this version stay unreadable
      }
    }
    return keys;
  }

  /** The customer object with each personal value (e-mail, phone, channel ids) mapped; ids of the system stay. */
  private mapCustomer(c: CustomerInput, f: (field: string, v: string) => string | null): CustomerInput {
    const out: CustomerInput = { ...c };
    const put = (name: 'email' | 'phone', v: string | undefined) => {
      if (v === undefined) return;
      const m = f(`customer.${name}`, v);
      if (m === null) delete out[name];
      else out[name] = m;
    };
    put('email', c.email);
    put('phone', c.phone);
    if (c.channel_ids) {
      const ids: Record<string, string> = {};
      for (const [ch, v] of Object.entries(c.channel_ids)) {
        const m = f(`customer.channel_ids.${ch}`, v);
        if (m !== null) ids[ch] = m;
      }
      out.channel_ids = ids;
    }
    return out;
  }

  /** Personal properties mapped; sealing tags each value with its type so opening gives back a string or JSON. */
  private mapProperties(p: Record<string, unknown>, f: (field: string, v: string) => string | null, sealing: boolean): Record<string, unknown> {
    let out: Record<string, unknown> | null = null;
    for (const k of Object.keys(p)) {
      const v = p[k];
      if (!this.personal.has(k) || v === null || v === undefined) continue;
      let m: unknown;
      if (sealing) {
        m = isEncryptedField(v) ? v : f(`properties.${k}`, typeof v === 'string' ? STRING_TAG + v : JSON_TAG + JSON.stringify(v));
      } else {
        if (!isEncryptedField(v)) continue;
        const t = f(`properties.${k}`, v);
        m = t === null ? null : t.startsWith(JSON_TAG) ? (JSON.parse(t.slice(1)) as unknown) : t.slice(1);
      }
      out ??= { ...p };
      out[k] = m;
    }
    return out ?? p;
  }
}
