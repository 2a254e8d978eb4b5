import { normaliseEmail, normalisePhone, type CustomerInput } from '../../shared/envelope.js';

/**
 * Identifiers are strings `kind:value`: `ext:<external_id>`, `email:<lower-cased>`,
 * `phone:<E.164>`, `anon:<anonymous_id>`, `<channel>:<provider id>` (e.g.
 * `wechat:<openid>`, `whatsapp:<wa_id>`). Phones and emails are "weak": people
 * share them (a company switchboard), so the shared-identifier guard applies to
 * them. `ext:` is the strongest: two different external ids are never merged.
 */
export type Identifier = string;

export interface NormaliseOptions {
  /** Country calling code for numbers without one (e.g. `86`: `13800000000` → `+8613800000000`). */
  defaultCountryCode?: string;
}

const MAX_E164_DIGITS = 15;
const MIN_NATIONAL_DIGITS = 9;

/**
 * Normalises a phone number to E.164 (`+<digits>`). Numbers written with `+` or
 * `00` keep their country code; local numbers get `defaultCountryCode` (a
 * leading trunk `0` is dropped; a number that already starts with the code and
 * is long enough is taken as international). Without a default code a local
 * number stays as bare digits (normalisePhone's answer). Null when it is not a
 * phone number (fewer than 5 or more than 15 digits).
 */
export function normalisePhoneE164(raw: string, defaultCountryCode?: string): string | null {
  const p = normalisePhone(raw);
  if (p === null) return null;
  const digits = p.replace(/^\+/, '');
  if (digits.length > MAX_E164_DIGITS) return null;
  if (p.startsWith('+')) return p;
  const cc = defaultCountryCode;
  if (!cc) return digits;
  if (digits.startsWith('0')) {
    const national = digits.replace(/^0+/, '');
    return national.length >= 4 ? `+${cc}${national}`.slice(0, MAX_E164_DIGITS + 1) : null;
  }
  if (digits.startsWith(cc) && digits.length >= cc.length + MIN_NATIONAL_DIGITS) return `+${digits}`;
  const full = `${cc}${digits}`;
  return full.length > MAX_E164_DIGITS ? null : `+${full}`;
}

/** Identifiers carry no newline, tab or NUL (the state scripts join lists with them) and stay short. */
const clean = (s: string) =>
  s
    .replace(/[\r\n\t\0]/g, ' ')
    .trim()
    .slice(0, 300);

/** True for the kinds people share (phone, email): evidence only while few customers use them. */
export function isWeak(id: Identifier): boolean {
  return id.startsWith('phone:') || id.startsWith('email:');
}

/** The kind of an identifier (`ext`, `email`, `phone`, `anon` or a channel name). */
export function kindOf(id: Identifier): string {
  return id.slice(0, id.indexOf(':'));
}

/** Channels whose provider id is the customer's phone number. */
const PHONE_CHANNELS = new Set(['whatsapp', 'sms', 'voice']);

const RANK: Record<string, number> = { ext: 0, email: 1, phone: 2, anon: 9 };
const rank = (id: Identifier) => RANK[kindOf(id)] ?? 5;

/** The canonical order of an identifier list: by kind (ext, email, phone, provider ids, anon), then bytes. */
export function compareIdentifiers(a: Identifier, b: Identifier): number {
  return rank(a) - rank(b) || byteCompare(a, b);
}

/** Byte-wise order (UTF-8), the order Redis' Lua uses, so both script forms sort alike. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The normalised identifiers of an event's customer, each once, in a
 * canonical order (ext, email, phone, provider ids, anon; then bytes).
 * A WhatsApp wa_id (and an SMS or voice channel id) is a phone number, so it also yields `phone:+<digits>`:
 * the same phone on WhatsApp and SMS is one customer.
 */
export function identifiersOf(c: CustomerInput, opts: NormaliseOptions = {}): Identifier[] {
  const out = new Set<string>();
  if (c.external_id && clean(c.external_id)) out.add(`ext:${clean(c.external_id)}`);
  if (c.email) {
    const e = normaliseEmail(c.email);
    if (e) out.add(`email:${clean(e)}`);
  }
  if (c.phone) {
    const p = normalisePhoneE164(c.phone, opts.defaultCountryCode);
    if (p) out.add(`phone:${p}`);
  }
  if (c.anonymous_id && clean(c.anonymous_id)) out.add(`anon:${clean(c.anonymous_id)}`);
  for (const [channel, raw] of Object.entries(c.channel_ids ?? {})) {
    const v = clean(raw);
    if (!v || channel === 'ext' || channel === 'anon') continue;
    out.add(`${channel}:${v}`);
    if (PHONE_CHANNELS.has(channel)) {
      const p = normalisePhoneE164(v.startsWith('+') ? v : `+${v}`);
      if (p) out.add(`phone:${p}`);
    }
  }
  return [...out].sort(compareIdentifiers);
}
