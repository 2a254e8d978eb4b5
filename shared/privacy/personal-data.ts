import { LRUCache } from 'lru-cache';
import type { CustomerInput, EventEnvelope } from '../envelope.js';
import { OmnilaneError } from '../errors.js';
import { blindIdentifier } from './blind-index.js';
import { KEY_CACHE_TTL_MS, type DataKeyRing } from './data-keys.js';
import { encryptField, isEncryptedField } from './field-cipher.js';

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
  /**
   * Seals one value of `owner` (state records: a conversation's messages, a follow-up's address). `stored`: the
   * sealed value the record holds now; when it holds this very value (this process sealed or opened it lately, for
   * this owner and field) it is returned as it is, so rewriting a record whose personal part did not change costs
   * no AES operation.
   */
  seal(owner: string, field: string, value: string, stored?: string): Promise<string>;
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

/**
 * Whose key seals a dead letter (a refused event or webhook body, kept for inspection and replay): one key per UTC
 * day of refusal. A refused payload names no resolved customer, so an erasure cannot find it; instead the day's
 * key is destroyed after PRIVACY_DEAD_LETTER_DAYS (stream/privacy/dead-letter-retention.ts), and with it every copy
 * of that day's payloads (warehouse, rejected topic, backups). `at`: the refusal time (the row's `failed_at`).
 */
export const deadLetterOwner = (at: number) => `dl:${new Date(at).toISOString().slice(0, 10)}`;
/** The field name bound into a sealed dead-letter payload. */
export const DEAD_LETTER_FIELD = 'dead_letter';

/** Seals a refused payload (ingest, the stream's undecodable messages) under the key of its day of refusal `at`. */
export const sealDeadLetter = (personal: Pick<PersonalData, 'seal'> | undefined, payload: string, at: number): Promise<string> =>
  personal ? personal.seal(deadLetterOwner(at), DEAD_LETTER_FIELD, payload) : Promise.resolve(payload);

/** Opens what sealDeadLetter made (`at`: the row's failed_at); null once that day's key is destroyed. */
export const openDeadLetter = (personal: Pick<PersonalData, 'open'> | undefined, payload: string, at: number): Promise<string | null> =>
  personal ? personal.open(deadLetterOwner(at), DEAD_LETTER_FIELD, payload) : Promise.resolve(payload);

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

/** Where a sealed event keeps its personal fields: one value in the customer object (one AES operation per event). */
export const SEALED_FIELD = 'sealed';
/** The field name bound into a sealed event's associated data. */
const EVENT_FIELD = 'event';
const BLIND_CACHE = 100_000;

/** How many values sealed or opened lately this process keeps in the clear, and for how long (see `recent`). */
export interface RecentlyOpenedLimits {
  size: number;
  /** No longer than the data key cache (DataKeyRing's TTL): an erasure elsewhere then stops both at the same time. */
  ttlMs: number;
}
/*
 * Sized for the consumers' lag, not for one batch: ingest seals an event and routing, follow-up and the stream
 * worker each open it when they reach it, which under load can be tens of thousands of events later. At 32,768
 * entries the bench's 40,000 events cost 36,605 AES decryptions (routing and follow-up lagged past the cache);
 * at 131,072, none, and the sealed whole pipeline ran 21 % faster (2,221 -> 2,686 events/s). Bounded by characters
 * as well (~64 MiB).
 */
const RECENT_DEFAULTS: RecentlyOpenedLimits = { size: 131_072, ttlMs: KEY_CACHE_TTL_MS };
/** Characters the recently opened values may hold, sealed and plain (at most two bytes each: ≤ 64 MiB). */
const RECENT_MAX_CHARS = 32 * 1024 * 1024;

type SealedCustomer = CustomerInput & { [SEALED_FIELD]?: string };
/** The personal part of one event: the customer's contact fields and the personal properties. */
interface PersonalPart {
  c?: Pick<CustomerInput, 'email' | 'phone' | 'channel_ids'>;
  p?: Record<string, unknown>;
}

/** AES-256-GCM field encryption with per-customer data keys (data-keys.ts) and HMAC blind indexes (blind-index.ts). */
export class EncryptedPersonalData implements PersonalData {
  readonly encrypted = true;
  private readonly personal: ReadonlySet<string>;
  /** Blind indexes of recent identifiers: customers come back, and one HMAC costs more than the rest of a lookup. */
  private readonly blinded = new LRUCache<string, string>({ max: BLIND_CACHE });
  /**
   * Values this process sealed or opened lately, by their sealed form. In one process ingest seals an event and,
   * moments later, the sessions fold, the router, follow-up and the routing meta open the same value: each would
   * cost an AES operation and a base64 decode. The plaintext was in this process's memory a moment before, so
   * keeping it here a while longer shows nothing new to someone who can read the heap (who could read the data
   * keys in DataKeyRing's cache too). An entry opens only for the owner and field it was sealed with (the
   * associated data), lives no longer than a data key in the cache, and `forget` drops its owner's entries.
   */
  private readonly recent: LRUCache<string, { owner: string; field: string; plain: string }> | null;

  constructor(
    private readonly ring: DataKeyRing,
    private readonly blindKey: Buffer,
    personalProperties: readonly string[] = DEFAULT_PERSONAL_PROPERTIES,
    limits: Partial<RecentlyOpenedLimits> = {},
  ) {
    const l = { ...RECENT_DEFAULTS, ...limits };
    this.recent =
      l.size > 0
        ? new LRUCache({ max: l.size, ttl: l.ttlMs, maxSize: RECENT_MAX_CHARS, sizeCalculation: (r, sealed) => sealed.length + r.plain.length + 1 })
        : null;
    if (blindKey.length < 32) throw new OmnilaneError('PRIV_ERR_MASTER_KEY', 'the blind-index key must be at least 32 bytes');
    this.personal = new Set(personalProperties);
  }

  blind(identifier: string): string {
    const colon = identifier.indexOf(':');
    // A customer id (`cus_42`) has no kind and names nobody outside Omnilane: it stays as it is.
    if (colon <= 0 || OPAQUE_KINDS.has(identifier.slice(0, colon))) return identifier;
    let b = this.blinded.get(identifier);
    if (b === undefined) {
      b = blindIdentifier(this.blindKey, identifier);
      this.blinded.set(identifier, b);
    }
    return b;
  }

  /**
   * One sealed value per event (`customer.sealed`) holding its contact fields and personal properties, which leave
   * the event. An event that already carries one and no plain personal field is returned as it is.
   */
  async sealEvents<T extends EventEnvelope>(events: T[]): Promise<T[]> {
    const out: T[] = [];
    for (const e of events) {
      const owner = this.blind(e.customer_key);
      const { part, customer, properties } = this.split(e);
      if (!part) {
        out.push(owner === e.customer_key ? e : { ...e, customer_key: owner });
        continue;
      }
      const sealedBefore = (e.customer as SealedCustomer)[SEALED_FIELD];
      // Plain fields beside an older sealed value (rare: a re-published event): both go into one new value.
      const merged = sealedBefore ? mergeParts(await this.openPart(owner, sealedBefore), part) : part;
      const plain = JSON.stringify(merged);
      const { version, key } = await this.ring.keyForWrite(owner);
      const sealed = encryptField(key, version, plain, owner, EVENT_FIELD);
      this.remember(sealed, owner, EVENT_FIELD, plain);
      out.push({ ...e, customer_key: owner, customer: { ...customer, [SEALED_FIELD]: sealed } as CustomerInput, properties });
    }
    return out;
  }

  async openEvents<T extends EventEnvelope>(events: T[]): Promise<T[]> {
    const out: T[] = [];
    for (const e of events) {
      const { [SEALED_FIELD]: sealed, ...customer } = e.customer as SealedCustomer;
      if (sealed === undefined) {
        out.push(e);
        continue;
      }
      const part = await this.openPart(e.customer_key, sealed);
      out.push({ ...e, customer: { ...customer, ...(part?.c ?? {}) }, properties: { ...e.properties, ...(part?.p ?? {}) } });
    }
    return out;
  }

  async seal(owner: string, field: string, value: string, stored?: string): Promise<string> {
    if (isEncryptedField(value)) return value;
    if (stored !== undefined && this.recalled(stored, owner, field) === value) return stored;
    const sealed = await this.ring.encrypt(owner, field, value);
    this.remember(sealed, owner, field, value);
    return sealed;
  }

  async open(owner: string, field: string, value: string): Promise<string | null> {
    if (!isEncryptedField(value)) return value;
    const hit = this.recalled(value, owner, field);
    if (hit !== undefined) return hit;
    try {
      const plain = await this.ring.decrypt(owner, field, value);
      this.remember(value, owner, field, plain);
      return plain;
    } catch {
      return null;
    }
  }

  async forget(owners: readonly string[], now: number): Promise<void> {
    const gone = new Set(owners);
    const held = this.recent ? [...this.recent.entries()].filter(([, r]) => gone.has(r.owner)) : [];
    for (const [sealed] of held) this.recent!.delete(sealed);
    for (const o of gone) await this.ring.destroy(o, now);
  }

  private remember(sealed: string, owner: string, field: string, plain: string): void {
    this.recent?.set(sealed, { owner, field, plain });
  }

  /** The plaintext of a value sealed or opened lately, when it was sealed for this owner and field. */
  private recalled(sealed: string, owner: string, field: string): string | undefined {
    const r = this.recent?.get(sealed);
    return r && r.owner === owner && r.field === field ? r.plain : undefined;
  }

  /** The personal part of an event, and the event's customer and properties without it; no part when nothing is plain. */
  private split(e: EventEnvelope): { part: PersonalPart | null; customer: CustomerInput; properties: Record<string, unknown> } {
    const { email, phone, channel_ids, ...customer } = e.customer;
    const c: PersonalPart['c'] = {};
    if (email !== undefined) c.email = email;
    if (phone !== undefined) c.phone = phone;
    if (channel_ids !== undefined && Object.keys(channel_ids).length > 0) c.channel_ids = channel_ids;
    let p: Record<string, unknown> | undefined;
    let properties = e.properties;
    for (const k of Object.keys(e.properties)) {
      if (!this.personal.has(k) || e.properties[k] === undefined) continue;
      if (!p) {
        p = {};
        properties = { ...e.properties };
      }
      p[k] = e.properties[k];
      delete properties[k];
    }
    const hasC = Object.keys(c).length > 0;
    if (!hasC && !p) return { part: null, customer: e.customer, properties };
    return { part: { ...(hasC ? { c } : {}), ...(p ? { p } : {}) }, customer, properties };
  }

  /** Opens a sealed event part; null when the owner's key is destroyed (erased) or lost, or the value was altered. */
  private async openPart(owner: string, sealed: string): Promise<PersonalPart | null> {
    if (!isEncryptedField(sealed)) return null;
    const text = await this.open(owner, EVENT_FIELD, sealed);
    return text === null ? null : (JSON.parse(text) as PersonalPart);
  }
}

function mergeParts(old: PersonalPart | null, fresh: PersonalPart): PersonalPart {
  if (!old) return fresh;
  return { c: { ...old.c, ...fresh.c }, p: { ...old.p, ...fresh.p } };
}
