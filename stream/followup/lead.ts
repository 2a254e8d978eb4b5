import type { CustomerInput, EventEnvelope } from '../../shared/envelope.js';
import { normalisePhone } from '../../shared/envelope.js';
import { languageOf, type Lang } from './templates.js';

/** Where a lead stands in the funnel, as far as follow-up rules care. */
export type Stage = 'inquiry' | 'closed' | 'lost';

/**
 * What follow-up knows about a customer who wrote to sales: folded from
 * their events by the follow-up consumer, read by the scheduler. `customer`
 * holds the channel addresses (phone, e-mail, channel ids) the senders need.
 */
export interface Lead {
  customer: CustomerInput;
  /** The channel of their latest conversation. */
  channel: string;
  intent: string;
  tag: string;
  stage: Stage;
  /** Event time of the latest message, either side (ms). */
  lastAt: number;
  lang: Lang;
  /** A time zone the events stated (properties.time_zone), else null: the phone's country or KPI_TIME_ZONE decides. */
  tz: string | null;
  name: string;
  /** An opportunity or a deal exists: no sequence starts any more. */
  converted: boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The merged customer identifiers: the newest event's win, channel ids accumulate. */
function mergeCustomer(a: CustomerInput | undefined, b: CustomerInput): CustomerInput {
  const out: CustomerInput = { ...(a ?? {}), ...b };
  if (a?.channel_ids || b.channel_ids) out.channel_ids = { ...(a?.channel_ids ?? {}), ...(b.channel_ids ?? {}) };
  return out;
}

/**
 * The lead after one of their events (pure). `intent` is the intent of a
 * customer message when the caller classified or read one. Returns null for
 * events follow-up does not track (a lead starts with the customer's first message).
 */
export function foldLead(prev: Lead | null, e: EventEnvelope, intent: string | null): Lead | null {
  const p = e.properties;
  const isMessage = e.type === 'message.received' || e.type === 'message.sent';
  if (!prev && e.type !== 'message.received') return null;
  const base: Lead = prev ?? {
    customer: {},
    channel: e.channel,
    intent: 'other',
    tag: 'normal',
    stage: 'inquiry',
    lastAt: 0,
    lang: 'zh',
    tz: null,
    name: '',
    converted: false,
  };
  const next: Lead = { ...base, customer: e.producer === 'followup' ? base.customer : mergeCustomer(base.customer, e.customer) };
  if (typeof p.tag === 'string' && p.tag) next.tag = p.tag;
  if (str(p.name)) next.name = str(p.name).slice(0, 64);
  if (str(p.time_zone)) next.tz = str(p.time_zone);
  if (e.type === 'message.received') {
    next.channel = e.channel;
    if (intent) next.intent = intent;
    if (str(p.text)) next.lang = languageOf(str(p.text), prev ? base.lang : null);
    if (next.stage === 'closed') next.stage = 'inquiry';
  }
  if (isMessage) next.lastAt = Math.max(base.lastAt, e.occurred_at);
  if (e.type === 'conversation.closed') next.stage = p.outcome === 'lost' ? 'lost' : next.stage === 'lost' ? 'lost' : 'closed';
  if (e.type === 'deal.lost') next.stage = 'lost';
  if (e.type === 'opportunity.created' || e.type === 'deal.won') next.converted = true;
  return next;
}

/** Country calling code → the zone most of its people live in (the quiet hours' default when nothing is stated). */
const ZONES: Array<[string, string]> = [
  ['+852', 'Asia/Hong_Kong'],
  ['+853', 'Asia/Macau'],
  ['+886', 'Asia/Taipei'],
  ['+86', 'Asia/Shanghai'],
  ['+65', 'Asia/Singapore'],
  ['+81', 'Asia/Tokyo'],
  ['+82', 'Asia/Seoul'],
  ['+44', 'Europe/London'],
  ['+49', 'Europe/Berlin'],
  ['+33', 'Europe/Paris'],
  ['+61', 'Australia/Sydney'],
  ['+1', 'America/New_York'],
];

/** The lead's time zone: stated, else from the phone's country code, else `fallback` (KPI_TIME_ZONE). */
export function timeZoneOf(lead: Lead, fallback: string): string {
  if (lead.tz) return lead.tz;
  const phone = lead.customer.phone ? normalisePhone(lead.customer.phone) : null;
  if (phone?.startsWith('+')) for (const [cc, tz] of ZONES) if (phone.startsWith(cc)) return tz;
  return fallback;
}

/** The address a sender needs on `channel`, or null when the lead has none there. */
export function addressOn(lead: Lead, channel: string): Record<string, string> | null {
  const c = lead.customer;
  const phone = c.phone ? normalisePhone(c.phone) : null;
  switch (channel) {
    case 'sms':
      return phone ? { phone } : c.channel_ids?.sms ? { phone: c.channel_ids.sms } : null;
    case 'whatsapp':
      return c.channel_ids?.whatsapp ? { whatsapp_id: c.channel_ids.whatsapp } : null;
    case 'wechat':
      return c.channel_ids?.wechat ? { wechat_openid: c.channel_ids.wechat } : null;
    case 'email':
      return c.email ? { email: c.email } : null;
    default:
      return null;
  }
}
