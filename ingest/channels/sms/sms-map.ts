import { normalisePhone, type EventInput } from '../../../shared/envelope.js';

export type SmsMapResult = { ok: true; events: EventInput[] } | { ok: false; reason: string };

/** The customer of a phone channel: the normalised number, also kept as the channel id. */
export function phoneCustomer(channel: string, raw: string): EventInput['customer'] | null {
  const phone = normalisePhone(raw.replace(/^[a-z]+:/i, ''));
  return phone ? { phone, channel_ids: { [channel]: phone } } : null;
}

/**
 * An inbound Twilio SMS/MMS webhook (MessageSid, From, To, Body, NumMedia,
 * MediaUrlN…) as one `message.received` on channel sms. The MessageSid is the
 * event id, so Twilio's retries count once. Media are kept as URLs only.
 */
export function mapInboundSms(f: Record<string, string>, now: number): SmsMapResult {
  const sid = f.MessageSid ?? f.SmsMessageSid ?? f.SmsSid;
  if (!sid) return { ok: false, reason: 'MessageSid is missing' };
  if (!f.From) return { ok: false, reason: 'From is missing' };
  const customer = phoneCustomer('sms', f.From);
  if (!customer) return { ok: false, reason: `From ${JSON.stringify(f.From)} is not a phone number` };
  const numMedia = Number(f.NumMedia ?? 0) || 0;
  const media = Array.from({ length: Math.min(numMedia, 10) }, (_, i) => ({ url: f[`MediaUrl${i}`], content_type: f[`MediaContentType${i}`] })).filter(
    (m) => m.url,
  );
  return {
    ok: true,
    events: [
      {
        id: sid,
        type: 'message.received',
        channel: 'sms',
        occurred_at: now,
        customer,
        properties: {
          provider: 'twilio',
          direction: 'inbound',
          text: f.Body ?? '',
          to: f.To ?? null,
          ...(media.length ? { media } : {}),
          ...(f.FromCountry ? { from_country: f.FromCountry } : {}),
        },
      },
    ],
  };
}

/**
 * A Twilio message status callback (MessageStatus queued/sent/delivered/
 * undelivered/failed/read) about an outbound message, as a `message.sent`
 * with `properties.delivery_status` and no conversation (so it never counts
 * as an agent reply). One event per (message, status).
 */
export function mapSmsStatus(f: Record<string, string>, now: number): SmsMapResult {
  const sid = f.MessageSid ?? f.SmsSid;
  const status = f.MessageStatus ?? f.SmsStatus;
  if (!sid || !status) return { ok: false, reason: 'MessageSid and MessageStatus are required' };
  if (!f.To) return { ok: false, reason: 'To is missing' };
  const customer = phoneCustomer('sms', f.To);
  if (!customer) return { ok: false, reason: `To ${JSON.stringify(f.To)} is not a phone number` };
  return {
    ok: true,
    events: [
      {
        id: `${sid}:${status}`,
        type: 'message.sent',
        channel: 'sms',
        occurred_at: now,
        customer,
        properties: {
          provider: 'twilio',
          status_update: true,
          delivery_status: status,
          provider_message_id: sid,
          ...(f.ErrorCode ? { error_code: f.ErrorCode } : {}),
        },
      },
    ],
  };
}
