import type { EventInput } from '../../../shared/envelope.js';
import { fitId, secondsToMs } from '../common.js';

export type MetaMapResult = { ok: true; events: EventInput[] } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const MEDIA = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** A WhatsApp id is the full international number without '+'. */
function waCustomer(waId: string): EventInput['customer'] {
  return /^\d{5,15}$/.test(waId) ? { phone: `+${waId}`, channel_ids: { whatsapp: waId } } : { channel_ids: { whatsapp: waId } };
}

/** What the customer said or chose, as text plus structured detail; media are placeholders (ids only, never fetched). */
function messageContent(m: Obj): Obj {
  const type = str(m.type) ?? 'unknown';
  const part = isObj(m[type]) ? m[type] : {};
  if (type === 'text') return { text: str(part.body) ?? '' };
  if (type === 'interactive') {
    const kind = str(part.type) ?? 'interactive';
    const choice = isObj(part[kind]) ? part[kind] : {};
    return { text: str(choice.title) ?? '', reply: { kind, id: str(choice.id) ?? null, title: str(choice.title) ?? null } };
  }
  if (type === 'button') return { text: str(part.text) ?? '', reply: { kind: 'button', id: str(part.payload) ?? null, title: str(part.text) ?? null } };
  if (MEDIA.has(type))
    return {
      text: str(part.caption) ?? `[${type}]`,
      media: { type, id: str(part.id) ?? null, mime_type: str(part.mime_type) ?? null, filename: str(part.filename) ?? null },
    };
  if (type === 'location')
    return { text: '[location]', location: { latitude: part.latitude ?? null, longitude: part.longitude ?? null, name: str(part.name) ?? null } };
  if (type === 'reaction') return { text: str(part.emoji) ?? '', reaction_to: str(part.message_id) ?? null };
  return { text: `[${type}]` };
}

function mapWhatsAppValue(value: Obj, now: number, out: EventInput[]): string | null {
  const meta = isObj(value.metadata) ? value.metadata : {};
  const business = str(meta.phone_number_id) ?? null;
  const names = new Map<string, string>();
  for (const c of Array.isArray(value.contacts) ? value.contacts : []) {
    if (isObj(c) && str(c.wa_id) && isObj(c.profile) && str(c.profile.name)) names.set(c.wa_id as string, c.profile.name as string);
  }
  for (const m of Array.isArray(value.messages) ? value.messages : []) {
    if (!isObj(m) || !str(m.id) || !str(m.from)) return 'a message lacks id or from';
    const from = m.from as string;
    out.push({
      id: fitId(m.id as string),
      type: 'message.received',
      channel: 'whatsapp',
      occurred_at: secondsToMs(m.timestamp, now),
      customer: waCustomer(from),
      properties: {
        provider: 'whatsapp_cloud',
        direction: 'inbound',
        message_type: str(m.type) ?? 'unknown',
        business_phone_id: business,
        ...(names.has(from) ? { profile_name: names.get(from) } : {}),
        ...(isObj(m.context) && str(m.context.id) ? { reply_to: m.context.id } : {}),
        ...messageContent(m),
      },
    });
  }
  for (const s of Array.isArray(value.statuses) ? value.statuses : []) {
    if (!isObj(s) || !str(s.id) || !str(s.status) || !str(s.recipient_id)) return 'a status lacks id, status or recipient_id';
    const errors = Array.isArray(s.errors) ? s.errors.filter(isObj).map((e) => ({ code: e.code ?? null, title: str(e.title) ?? null })) : [];
    out.push({
      id: fitId(`${s.id as string}:${s.status as string}`),
      type: 'message.sent',
      channel: 'whatsapp',
      occurred_at: secondsToMs(s.timestamp, now),
      customer: waCustomer(s.recipient_id as string),
      properties: {
        provider: 'whatsapp_cloud',
        status_update: true,
        delivery_status: s.status,
        provider_message_id: s.id,
        business_phone_id: business,
        ...(errors.length ? { errors } : {}),
      },
    });
  }
  return null;
}

function mapMessengerEntry(entry: Obj, now: number, out: EventInput[]): string | null {
  for (const ev of Array.isArray(entry.messaging) ? entry.messaging : []) {
    if (!isObj(ev) || !isObj(ev.sender) || !str(ev.sender.id)) return 'a messaging item lacks sender.id';
    const psid = ev.sender.id as string;
    const at = typeof ev.timestamp === 'number' ? ev.timestamp : now;
    const msg = isObj(ev.message) ? ev.message : null;
    const postback = isObj(ev.postback) ? ev.postback : null;
    if (msg && !msg.is_echo && str(msg.mid)) {
      out.push({
        id: fitId(msg.mid as string),
        type: 'message.received',
        channel: 'messenger',
        occurred_at: at,
        customer: { channel_ids: { messenger: psid } },
        properties: { provider: 'messenger', direction: 'inbound', text: str(msg.text) ?? '[attachment]' },
      });
    } else if (postback) {
      const id = str(postback.mid) ?? `${psid}:${at}:postback`;
      out.push({
        id: fitId(id),
        type: 'message.received',
        channel: 'messenger',
        occurred_at: at,
        customer: { channel_ids: { messenger: psid } },
        properties: {
          provider: 'messenger',
          direction: 'inbound',
          text: str(postback.title) ?? '',
          reply: { kind: 'postback', id: str(postback.payload) ?? null },
        },
      });
    }
  }
  return null;
}

/**
 * A Meta webhook body as events: WhatsApp Cloud API (`object:
 * whatsapp_business_account`, entry[].changes[].value with messages and
 * statuses) or Messenger (`object: page`, entry[].messaging[]). Message ids
 * (wamid / mid) are the event ids, so Meta's redeliveries count once.
 */
export function mapMetaWebhook(body: unknown, now: number): MetaMapResult {
  if (!isObj(body) || !Array.isArray(body.entry)) return { ok: false, reason: 'body must be an object with an entry array' };
  if (body.object !== 'whatsapp_business_account' && body.object !== 'page') {
    return { ok: false, reason: `object ${JSON.stringify(body.object)} is not whatsapp_business_account or page` };
  }
  const events: EventInput[] = [];
  for (const entry of body.entry) {
    if (!isObj(entry)) return { ok: false, reason: 'entry items must be objects' };
    let err: string | null = null;
    if (body.object === 'whatsapp_business_account') {
      for (const ch of Array.isArray(entry.changes) ? entry.changes : []) {
        if (!isObj(ch) || !isObj(ch.value)) return { ok: false, reason: 'changes items need a value object' };
        if (ch.field !== undefined && ch.field !== 'messages') continue;
        err = err ?? mapWhatsAppValue(ch.value, now, events);
      }
    } else {
      err = mapMessengerEntry(entry, now, events);
    }
    if (err) return { ok: false, reason: err };
  }
  return { ok: true, events };
}
